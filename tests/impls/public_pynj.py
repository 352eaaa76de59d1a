# After NIKing/convolution, pynj/functional.py: softmax along the last axis, no max shift.
import numpy as np


def sigmoid(net_input):
    return 1 / (1 + np.exp(-net_input))


def soft_max(net_input):
    return np.exp(net_input) / np.sum(np.exp(net_input), axis=-1, keepdims=True)


def soft_max_delta(net_input):
    pass
