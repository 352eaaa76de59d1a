# Source: code-index file id 60875545338 (a tic-tac-toe learning agent; repository not named by the
# index): softmax over a whole vector with the max shift, and d_softmax(y) that returns its input
# (the Jacobian line is commented out in the source). Targets: softmax, d_softmax. The agent and
# environment code are left out.
import numpy as np


def softmax(z):
    z = z - np.max(z)
    exp = np.exp(z)
    return exp / np.sum(exp)

def d_softmax(y):
    return y
    # return np.diag(y) - np.outer(y, y)
