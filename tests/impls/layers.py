"""A tiny from-scratch deep learning framework: activation layers."""
import numpy as np


class Layer:
    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad_output):
        raise NotImplementedError


class Softmax(Layer):
    """Softmax over the last axis; backward returns dL/dx."""

    def forward(self, x):
        shifted = x - x.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        self.out = e / e.sum(axis=-1, keepdims=True)
        return self.out

    def backward(self, grad_output):
        s = self.out
        return s * (grad_output - np.sum(grad_output * s, axis=-1, keepdims=True))


class SoftmaxDiagOnly(Layer):
    def forward(self, x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.out = e / e.sum(axis=-1, keepdims=True)
        return self.out

    def backward(self, grad_output):
        # d softmax / dx = s * (1 - s)
        return grad_output * self.out * (1 - self.out)


class SoftmaxWrongAxis(Layer):
    def forward(self, x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.out = e / e.sum(axis=-1, keepdims=True)
        return self.out

    def backward(self, grad_output):
        s = self.out
        # sum over the batch dimension by mistake
        dot = np.sum(grad_output * s, axis=0, keepdims=True)
        self.grad_input = s * (grad_output - dot)
        return None


class NeedsArguments:
    def __init__(self, weights_path):
        self.weights_path = weights_path

    def forward(self, x):
        return x

    def backward(self, g):
        return g


class SoftmaxWithTrainingFlag(Layer):
    def forward(self, x, training):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        out = e / e.sum(axis=-1, keepdims=True)
        if training:
            self.cache = out
        return out

    def backward(self, grad_output):
        s = self.cache
        return s * (grad_output - np.sum(grad_output * s, axis=-1, keepdims=True))
