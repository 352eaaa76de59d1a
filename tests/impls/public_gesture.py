# After maxlevv/Gesture-Detection, src/modeling/activation_functions.py: softmax over axis 0 (the
# comment says the axis was changed from 1 to 0), shifted by the column max.
import numpy as np


def softmax(z: np.array):
    m = z.max(axis=0)
    shifted = z - m[np.newaxis, :]
    e = np.exp(shifted)
    return e / e.sum(axis=0).reshape(1, -1)


def sigmoid_d(z: np.array):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)
