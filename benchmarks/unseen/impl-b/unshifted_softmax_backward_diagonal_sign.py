# Source: code-index file id 29781423791 (a hand-written reverse-mode exercise, NLL after softmax;
# repository not named by the index): apply_softmax without the max shift, and
# softmax_backward(dL_dNLL, P_curr, Z_curr) building Df with -P_i*P_j off the diagonal and
# -P_i + P_i**2 on it, then dL_dZ[j] = Df[j] . dL_dNLL. Targets: apply_softmax, softmax_backward.
# The NLL forward/backward helpers are left out.
import numpy as np


def apply_softmax(input):
    return np.exp(input) / np.sum( np.exp(input)  )

def softmax_backward(dL_dNLL, P_curr, Z_curr):
    dL_dNLL
    dL_dZ = np.zeros_like(dL_dNLL)
    n = len(dL_dNLL)
    Df = np.zeros((n,n))
    for i in range(len(dL_dZ)):
        for j in range(len(dL_dZ)):
            if i != j:
                Df[j,i] =  -P_curr[i]*P_curr[j]
            else:
                Df[j,i] = -P_curr[i] + P_curr[i]**2

    for j in range(n):
        dL_dZ[j] = np.dot(Df[j],dL_dNLL)

    return dL_dZ
