import numpy as np


def softmax(z):
    if len(z.shape) == 1:
        shiftx = z - np.max(z)
        exps = np.exp(shiftx)
        return exps / np.sum(exps)
    elif len(z.shape) == 2:
        # Apply softmax along the rows
        shiftx = z - np.max(z, axis=1, keepdims=True)
        exps = np.exp(shiftx)
        return exps / np.sum(exps, axis=1, keepdims=True)


def softmax_derivative(Z2):
    S = softmax(Z2)
    n = len(S)
    sums = np.zeros(n)
    for i in range(n):
        for j in range(n):
            if i != j:
                sums[i] -= S[j] * S[i]
            else:
                sums[i] += S[i] * (1 - S[i])
    return sums


class Dense:
    def __init__(self):
        self.activation = "softmax"

    def softmax_derivative(self, data, dL_da):
        return data * (dL_da - np.sum(dL_da * data))
