# Source: M-Awwab-Khan/neural-network-implementation-python, softmax_layer.py (commit 29ed9cbe):
# a layer built with its input size, forward_propagate/backward_propagate(output_error, learning_rate),
# exp without the max shift. Target: SoftmaxLayer. The file uses np without importing it (the
# repository's notebook imports numpy first); the import below is the only line added.
import numpy as np


class SoftmaxLayer:
    def __init__(self, input_size):
        self.input_size = input_size
    
    def forward_propagate(self, input):
        self.input = input
        tmp = np.exp(input)
        self.output = tmp / np.sum(tmp)
        return self.output
    
    def backward_propagate(self, output_error, learning_rate):
        input_error = np.zeros(output_error.shape)
        out = np.tile(self.output.T, self.input_size)
        return self.output * np.dot(output_error, np.identity(self.input_size) - out)
