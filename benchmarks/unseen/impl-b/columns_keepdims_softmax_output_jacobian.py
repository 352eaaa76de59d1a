# Source: code-index file id 28668115628 (an activation-function cheat sheet; repository not named
# by the index): softmax with a whole-array max and a sum over axis 0 (keepdims), and
# softmax_grad(x) building diagflat(s) - s sᵀ from the softmax output. Targets: softmax,
# softmax_grad. tanh/ReLU/sigmoid helpers are left out.
import numpy as np


def softmax(x):
    e_x = np.exp(x - np.max(x))
    return e_x / np.sum(e_x,axis=0, keepdims=True)

def softmax_grad(x):
    s = x.reshape(-1,1)
    return np.diagflat(s) - np.dot(s, s.T)
