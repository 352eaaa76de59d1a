# After OscarLigthart/Deep-Learning, code/test.py: the Jacobian from the softmax output, with
# module-level demo code.
import numpy as np

x = np.array([[0.2, 0.4, 0.4], [0.3, 0.3, 0.3], [0.7, 0.0, 0.0]])


def softmax(x):
    """Compute the softmax of vector x."""
    e = np.exp(x)
    return e / np.sum(e)


soft_max = softmax(x)


def softmax_grad(softmax):
    col = softmax.reshape(-1, 1)
    return np.diagflat(col) - np.dot(col, col.T)
