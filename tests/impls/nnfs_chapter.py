import numpy as np
import nnfs_not_installed_here as nnfs
from nnfs_not_installed_here.datasets import spiral_data

nnfs.init()


# Softmax activation
class Activation_Softmax:

    # Forward pass
    def forward(self, inputs):
        self.inputs = inputs
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        probabilities = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        self.output = probabilities

    # Backward pass
    def backward(self, dvalues):
        self.dinputs = np.empty_like(dvalues)
        for index, (single_output, single_dvalues) in \
                enumerate(zip(self.output, dvalues)):
            single_output = single_output.reshape(-1, 1)
            jacobian_matrix = np.diagflat(single_output) - \
                np.dot(single_output, single_output.T)
            self.dinputs[index] = np.dot(jacobian_matrix, single_dvalues)


def softmax_using_missing(x):
    return nnfs.softmax(x)


# Create dataset
X, y = spiral_data(samples=100, classes=3)
activation = Activation_Softmax()
activation.forward(X)
print(activation.output[:5])
