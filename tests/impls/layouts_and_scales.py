"""Code whose contract shows only in its own layout, an axis named with a suffix, a known
mistake divided by the batch size, and an unstable Jacobian that is also wrong elsewhere."""

import numpy as np


def normalise_keys(t):
    """Softmax of (batch, queries, keys) attention scores over axis 2 only; a generic name."""
    e = np.exp(t - np.max(t, axis=2, keepdims=True))
    return e / np.sum(e, axis=2, keepdims=True)


def normalise_keys_prime(t):
    """Its elementwise 'derivative', s(1 − s), also for 3-D scores only."""
    s = normalise_keys(t)
    return s * (1 - s)


def softmax_along(x, dim_idx):
    """Softmax over the axis the caller names with ``dim_idx``."""
    e = np.exp(x - np.max(x, axis=dim_idx, keepdims=True))
    return e / np.sum(e, axis=dim_idx, keepdims=True)


def fused_backward_mean(logits, labels):
    """(s − y) / m: the softmax + cross-entropy shortcut, averaged over the batch here."""
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    s = e / e.sum(axis=-1, keepdims=True)
    rows = s.shape[0] if s.ndim == 2 else 1
    return (s - labels) / rows


def jacobian_unstable_diagonal_slip(z):
    """No max shift, and s_i on the diagonal instead of s_i(1 − s_i); single vectors only."""
    if np.ndim(z) != 1:
        raise ValueError("expects one vector of logits")
    s = np.exp(z) / np.sum(np.exp(z))
    n = len(s)
    return np.array([[s[i] if i == j else -s[i] * s[j] for j in range(n)] for i in range(n)])


def jacobian_of_activation(x):
    """diag(x) − x xᵀ: the Jacobian from the layer's output, under a generic parameter name."""
    return np.diag(x) - np.outer(x, x)
