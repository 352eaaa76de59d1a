# Andrew-Ng-course style: examples are column vectors of shape (n, 1).
import numpy as np


def softmax(z):
    t = np.exp(z - np.max(z))
    return t / np.sum(t)


def softmax_derivative(z):
    """Jacobian of softmax at z, z a column vector (n, 1)."""
    a = softmax(z)
    return np.diagflat(a) - np.dot(a, a.T)


def softmax_backward(z, da):
    """dz = J^T da for one example stored as a column (n, 1)."""
    a = softmax(z)
    J = np.diagflat(a) - a @ a.T
    return J.T @ da
