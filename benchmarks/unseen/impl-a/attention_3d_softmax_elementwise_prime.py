# Source: JackHanke/JackHanke.github.io, _posts/2025-06-29-attention-from-scratch.md (commit
# 8cdac1d6; code of JackHanke/nets): a softmax class for attention scores of shape
# (batch, row, axis to be summed over), reducing over axis 2, and an elementwise derivative
# function_prime used as a factor in the backward pass. Targets: SoftMax.function, SoftMax.function_prime.
import numpy as np


class SoftMax:
    def __init__(self):
        self.name = 'softmax'

    # expects x to be of dimension (batch, row, axis to be summed over)
    def function(self, x: np.array):
        # numerical stability
        m = np.max(x, axis=2, keepdims=True)

        numerator = np.exp(x - m)
        denominator = np.sum(numerator, axis=2, keepdims=True)
        # numerator
        val = numerator / denominator
        return val

    def function_prime(self, x: np.array):
        val = self.function(x) * (1 - self.function(x))
        return val
