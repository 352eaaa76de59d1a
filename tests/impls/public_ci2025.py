# After alberto467/CI2025_project, src/utils.py: softmax with a temperature, max and sum over the whole array.
import numpy as np


def softmax(x, temp=1.0):
    ex = np.exp((x - np.max(x)) / temp)
    return ex / ex.sum()
