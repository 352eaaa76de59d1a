# Source: code-index file id 8131940613 (an activations module; repository not named by the
# index): softmax with a whole-array max and a sum over axis 0 without keepdims, and
# d_softmax(z) = s * (1 - s) from the logits. Targets: softmax, d_softmax. Other activations are
# left out.
import numpy as np


def softmax(z):
    e_z = np.exp(z - np.max(z)).astype(np.float64)
    return e_z/np.sum(e_z, axis = 0)

def d_softmax(z):
    s = softmax(z)
    return s * (1-s)
