# After belotti-nicola/JustNumpyIt, src/utils/math_functions/softmax.py: static methods, max and
# sum over the whole array, and der() as a dot product of s and 1 - s.
import numpy as np


class SoftMax:
    @staticmethod
    def fun(x):
        x = x - x.max(axis=None, keepdims=True)
        e = np.exp(x)
        return e / e.sum(axis=None, keepdims=True)

    @staticmethod
    def der(x):
        return np.dot(SoftMax.fun(x), 1 - SoftMax.fun(x).T)
