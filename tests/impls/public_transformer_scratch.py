# After xinghaow99/transformer_from_scratch, modules/softmax.py: the <g, s> sum in backward has
# no keepdims; module-level demo code.
import numpy as np


class Softmax:
    def __init__(self):
        self.axis = -1

    def forward(self, x):
        self.x = x
        e = np.exp(x - np.max(x, axis=self.axis, keepdims=True))
        self.y = e / np.sum(e, axis=self.axis, keepdims=True)
        return self.y

    def backward(self, grad_y):
        return self.y * (grad_y - (grad_y * self.y).sum(axis=self.axis))


a = np.array([1, 2, 3, 4])
b = np.array([5, 6, 7, 8])
softmax = Softmax()
print(softmax.forward(a))
print(softmax.backward(b))
