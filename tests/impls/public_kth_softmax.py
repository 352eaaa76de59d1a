# After malyvsen/kth-deep-learning, assignments/cifar10/softmax.py: frozen dataclass, backward(gradient, input).
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Softmax:
    def forward(self, input: np.ndarray):
        ex = np.exp(input)
        return ex / ex.sum(axis=1, keepdims=True)

    def backward(self, gradient: np.ndarray, input: np.ndarray):
        out = self.forward(input)
        return out * (gradient - np.sum(gradient * out, axis=1))
