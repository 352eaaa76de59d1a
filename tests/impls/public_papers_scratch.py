# After imanoop7/Papers-From-Scratch, CNN-from-Scratch/activation_functions.py: a row-wise
# softmax (axis=1), and a sigmoid derivative written in terms of the sigmoid output.
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_derivative(x):
    return x * (1 - x)


def softmax(x):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
