# After only2307/APP_Project, src/softmax.py: star import of the base class from a sibling
# module, exp without the max shift.
from layer import *
import numpy as np


class Softmax(Layer):
    def forward(self, input):
        self.input = input
        e = np.exp(self.input)
        self.output = e / np.sum(e)
        return self.output

    def backward(self, output_gradient, learning_rate):
        n = np.size(self.output)
        return np.dot((np.identity(n) - self.output.T) * self.output, output_gradient)
