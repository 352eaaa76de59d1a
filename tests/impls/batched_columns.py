"""Activations on batches of column vectors: arrays of shape (batch_size, n_neurons, 1)."""
import numpy as np


def softmax_forward(potentials):
    """Shape (batch_size, n, 1) -> (batch_size, n, 1)."""
    exp = np.exp(potentials - np.max(potentials, axis=1, keepdims=True))
    return exp / np.sum(exp, axis=1, keepdims=True)


def softmax_jacobian(potentials):
    """Shape (batch_size, n, 1) -> (batch_size, n, n)."""
    a = softmax_forward(potentials)
    eye = np.eye(a.shape[1])[None, :, :]
    return a * eye - a @ a.transpose(0, 2, 1)


def softmax_forward_global_max(potentials):
    # one max for the whole batch: rows far below it underflow to 0 / 0
    exp = np.exp(potentials - np.max(potentials))
    return exp / np.sum(exp, axis=1, keepdims=True)
