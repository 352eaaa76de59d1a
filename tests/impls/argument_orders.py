"""Backward passes whose arguments come in the orders real code uses."""

import numpy as np


def _softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_backward_dA_Z(dA, Z):
    """Course style: the upstream gradient first, the cached pre-activation second."""
    s = _softmax(Z)
    return s * (dA - np.sum(dA * s, axis=-1, keepdims=True))


def softmax_backward_Z_dA(Z, dA):
    s = _softmax(Z)
    return s * (dA - np.sum(dA * s, axis=-1, keepdims=True))


def backward_cache_output(upstream, cache):
    """The cache holds the forward output, softmax(z)."""
    return cache * (upstream - np.sum(upstream * cache, axis=-1, keepdims=True))


def backward_cache_logits(upstream, cache):
    """The cache holds the logits."""
    s = _softmax(cache)
    return s * (upstream - np.sum(upstream * s, axis=-1, keepdims=True))


def backward_first_cache(cache, upstream):
    """The same, the other way round, and with the sum term missing (wrong)."""
    return upstream * cache * (1 - cache)


def backward_a_b(a, b):
    """Names that say nothing; b is the gradient, a the logits."""
    s = _softmax(a)
    return s * (b - np.sum(b * s, axis=-1, keepdims=True))


def softmax_backward_dA_Z_A(dA, Z, A):
    """The layer's own output A passed beside the logits Z."""
    return A * (dA - np.sum(dA * A, axis=-1, keepdims=True))


def softmax_backward_Z_A_dA_wrong(Z, A, dA):
    """Output beside the logits, the off-diagonal sign flipped (wrong)."""
    return A * (dA + np.sum(dA * A, axis=-1, keepdims=True)) - 2 * A * A * dA


def softmax_backward_symmetric(x, y):
    """x * y cannot tell its arguments apart: either order fits, the names choose."""
    return x * y
