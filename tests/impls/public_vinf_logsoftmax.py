# After pierresegonne/VINF, code/studies/mean_field_gaussian_mixture/prml/nn/nonlinear/log_softmax.py.
import numpy as np
from prml.nn.function import Function
from scipy.special import logsumexp


class LogSoftmax(Function):
    def _forward(self, x):
        self.output = x - logsumexp(x, axis=-1, keepdims=True)
        return self.output

    def _backward(self, delta, x):
        sm = np.exp(self.output)
        res = delta - sm * delta.sum(axis=-1, keepdims=True)
        return res


def log_softmax(x):
    return LogSoftmax().forward(x)
