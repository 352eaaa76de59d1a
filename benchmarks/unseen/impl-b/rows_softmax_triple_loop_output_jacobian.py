# Source: code-index file id 38941287338 (an MLP module with per-row comments "m rows = 1 per
# input"; repository not named by the index): row-wise stable softmax, and softmax_derivative(y)
# building the (m, n, n) Jacobians from the softmax outputs with three loops. Targets: softmax,
# softmax_derivative. Sigmoid/ReLU helpers are left out.
import numpy as np


def softmax(x):
    # input dimensions: m rows = 1 per input, n cols per row = num neurons in output layer
    max_x = np.max(x, axis=1, keepdims=True)
    e_x = np.exp(x - max_x)
    sum_e_x = np.sum(e_x, axis=1, keepdims=True)
    softmax_values = e_x / sum_e_x
    return softmax_values
    
def softmax_derivative(y):
    # input dimensions: m rows = 1 per input, n cols per row = num neurons in output layer
    num_examples, num_classes = y.shape
    d_softmax = np.zeros((num_examples, num_classes, num_classes))
    for i in range(num_examples):
        for j in range(num_classes):
            for k in range(num_classes):
                if j == k:
                    d_softmax[i, j, k] = y[i, j] * (1 - y[i, j])
                else:
                    d_softmax[i, j, k] = -y[i, j] * y[i, k]
    return d_softmax
