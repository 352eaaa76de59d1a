# After vdella/positron, functions.py: softmax over axis=1 (rows), annotated as taking a float.
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x: float):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
