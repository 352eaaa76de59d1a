# After the notebook at https://github.com/dsplog/dsplog.com ("Derivative of SoftMax"): a loop
# Jacobian that takes s = softmax(z).
import numpy as np


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def softmax_jacobian_loop(s):
    k = len(s)
    jac = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            if i == j:
                jac[i, j] = s[i] * (1 - s[i])
            else:
                jac[i, j] = -s[i] * s[j]
    return jac
