# Source: code-index file id 37297921481 (a Chinese NumPy seq2seq-with-attention notebook export;
# repository not named by the index): row-wise stable softmax, and softmax_backward_2(Z, dF,
# isF=True) that takes the softmax output by default and contracts dF with per-row Jacobians.
# Targets: softmax, softmax_backward_2. The embedding/attention code is left out.
import numpy as np


def softmax(Z):
    exp_Z = np.exp(Z-np.max(Z,axis=1,keepdims=True))
    return exp_Z/np.sum(exp_Z,axis=1,keepdims=True)

def softmax_backward_2(Z,dF,isF = True):  
    if isF:
        F = Z
    else:
        F = softmax(Z)   
    D = []
    for i in range(F.shape[0]):
        f = F[i]
        D.append(np.diag(f.flatten()))
    grads = D-np.einsum('ij,ik->ijk',F,F)     
    grad = np.einsum("bj, bjk -> bk", dF, grads)  # [B,D]*[B,D,D] -> [B,D]
    return grad
