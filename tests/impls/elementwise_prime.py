"""Elementwise softmax "derivatives" of from-scratch networks, used as ``dA * softmax_prime(Z)``.

The sigmoid-style contract: each returns an array of the input's shape, not a Jacobian.
"""

import numpy as np


def _softmax(Z):
    e = np.exp(Z - np.max(Z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_prime(Z):
    """The diagonal of the Jacobian, as many courses write it."""
    s = _softmax(Z)
    return s * (1 - s)


def softmax_derivative_ones(Z):
    """'The derivative is handled by the loss': the gradient passes through unchanged."""
    return np.ones_like(Z)


def softmax_grad_s(Z):
    """diag(s): the −s sᵀ term forgotten entirely."""
    return _softmax(Z)


def backward_pass(dA, Z):
    """How a network uses them: dZ = dA * g'(Z)."""
    return dA * softmax_prime(Z)
