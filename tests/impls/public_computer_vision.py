# After davidjentjens/computer-vision, T4/activation_functions.py: *_prime(x) helpers take the
# pre-activation x; softmax sums over axis 0 and is defined twice.
import numpy as np


def tanh(x):
    return np.tanh(x)


def tanh_prime(x):
    return 1 - np.tanh(x) ** 2


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_prime(x):
    return sigmoid(x) * (1 - sigmoid(x))


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=0)


def softmax(x):  # noqa: F811  (defined twice in the original)
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=0)


def softmax_prime(x):
    col = x.reshape(-1, 1)
    return np.diagflat(col) - np.dot(col, col.T)
