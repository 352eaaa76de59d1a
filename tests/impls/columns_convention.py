# Deep-learning-course convention: Z has shape (n_classes, m_examples), one example per column.
import numpy as np


def softmax(Z):
    e = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def softmax_backward(dA, Z):
    S = softmax(Z)
    dZ = np.zeros_like(S)
    for i in range(dA.shape[1]):
        s = S[:, i]
        dZ[:, i] = np.diag(s) @ dA[:, i] - np.outer(s, s) @ dA[:, i]
    return dZ
