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


def softmax_jacobian_no_delta(z):
    s = softmax(z)
    n = len(s)
    J = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            J[i, j] = s[i] * (1 - s[j])
    return J


def softmax_jacobian_plus(z):
    s = softmax(z)
    n = len(s)
    J = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                J[i][j] = s[i] * (1 - s[i])
            else:
                J[i][j] = s[i] * s[j]
    return J
