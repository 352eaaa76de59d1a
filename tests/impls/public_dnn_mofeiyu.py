# After mofeiyu/dnn, train/layers/softmax.py: static methods on a layer class, a row sum
# without keepdims and no max shift; backprop is a stub.
import numpy as np
from basic_layer import Layer


class softmax(Layer):
    @staticmethod
    def forward(z):
        return np.exp(z) / np.sum(np.exp(z), axis=1)

    @staticmethod
    def backprop(dA):
        pass
