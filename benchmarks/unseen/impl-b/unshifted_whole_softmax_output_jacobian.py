# Source: OscarLigthart/Deep-Learning, code/test.py: softmax as exp over the whole array without
# the max shift, and softmax_grad(softmax) building diagflat(s) - s sᵀ from the softmax output.
# Targets: softmax, softmax_grad. The torch imports and the module-level demo array are left out.
import numpy as np


def softmax(x):
    """Compute the softmax of vector x."""
    exps = np.exp(x)
    return exps / np.sum(exps)


def softmax_grad(softmax):
    s = softmax.reshape(-1,1)
    return np.diagflat(s) - np.dot(s, s.T)
