# After the question "Understanding backpropagation with softmax" (Stack Overflow, 19 Oct 2019,
# mirrored at https://offlinew.com/q/q/3383959922): softmax returns (s, z); the backward pass
# takes the softmax of the upstream gradient and returns its Jacobian, ignoring Z.
import numpy as np


def softmax(z):
    e = np.exp(z - z.max())
    return e / np.sum(e), z


def softmax_backward(dA, Z):
    x, _ = softmax(dA)
    s = x.reshape(-1, 1)
    return np.diagflat(s) - np.dot(s, s.T)
