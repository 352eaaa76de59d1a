# After LiZhenping/seq2seq_attention, softmax.py: a loop Jacobian from s (np.diag(s) as the
# buffer), a softmax that shifts its argument in place and normalises through transposes, and
# module-level demo code.
import numpy as np


def softmax_grad(s):
    jac = np.diag(s)
    print(jac)
    for i in range(len(jac)):
        for j in range(len(jac)):
            if i == j:
                jac[i][j] = s[i] * (1 - s[i])
            else:
                jac[i][j] = -s[i] * s[j]
    return jac


def softmax(z):
    z -= np.max(z)
    return (np.exp(z).T / np.sum(np.exp(z), axis=0)).T


x = np.array([1, 2])
softmax(x)
c = softmax_grad(softmax(x))
