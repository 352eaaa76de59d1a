# Source: code-index file id 3345426296 (a federated-learning NumPy MLP; repository not named by
# the index): softmax with a whole-array max and sum, and softmax_backward(AL, Y) = AL - Y (the
# fused softmax + cross-entropy gradient). Targets: softmax, softmax_backward. Parameter
# bookkeeping and sigmoid helpers are left out.
import numpy as np


def softmax(Z):
    exps = np.exp(Z - np.max(Z))
    return exps / np.sum(exps)

def softmax_backward(AL, Y):
    dZ = AL - Y
    return dZ
