import numpy as np


def softmax(v):
    exps = np.exp(v - np.max(v, axis=-1, keepdims=True))
    return exps / np.sum(exps, axis=-1, keepdims=True)


def softmax_jacobian_diag(z):
    s = softmax(z)
    return np.diag(s * (1 - s))


def jacobian(x):
    return np.diag(x) - np.outer(x, x)


def softmax_grad(z):
    s = softmax(z)
    return np.diagflat(s) - np.dot(s, s.T)


def log_softmax_jacobian(z):
    s = softmax(z)
    return np.eye(len(z)) - s


def softmax_jacobian_flipped(z):
    s = softmax(z)
    return np.outer(s, s) - np.diag(s)


def softmax_jacobian_offdiag(z):
    s = softmax(z)
    return -np.outer(s, s)


def softmax_jacobian_naive(z):
    e = np.exp(z)
    s = e / e.sum()
    return np.diag(s) - np.outer(s, s)


def softmax_jacobian_scalar(z):
    s = softmax(z)
    return float(np.sum(s * (1 - s)))
