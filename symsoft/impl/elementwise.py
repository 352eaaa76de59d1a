"""The elementwise "derivative" contract: ``f(z)`` of the input's shape, used as ``g * f(z)``.

From-scratch networks often write every activation's derivative the sigmoid way, multiplied
elementwise with the upstream gradient. For softmax such an ``f`` amounts to the diagonal
Jacobian diag(f(z)); softmax's Jacobian diag(s) − s sᵀ has off-diagonal entries −s_i s_j ≠ 0
for n ≥ 2, so no elementwise function is its derivative, and such code is judged wrong. The
checker compares diag(f(z)) with the true Jacobian, so the report says what ``f`` amounts to
(``s ⊙ (1 − s)``: the right diagonal, the off-diagonal missing; ones: the identity, the
gradient passed through unchanged). Pure functions of arrays: nothing here calls user code.

Examples
--------
>>> import numpy as np
>>> embed(np.array([1.0, 2.0]), (2,))
array([[1., 0.],
       [0., 2.]])
>>> diagonal_of(embed(np.array([[1.0, 2.0]]), (1, 2)), (1, 2))
array([[1., 2.]])
"""

from __future__ import annotations

import numpy as np

__all__ = ["ELEMENTWISE_NOTE", "diagonal_of", "embed"]

ELEMENTWISE_NOTE = (
    "an elementwise derivative f(z), used as grad * f(z), amounts to the diagonal Jacobian "
    "diag(f(z)); softmax's Jacobian diag(s) − s sᵀ has off-diagonal entries −s_i s_j ≠ 0 for "
    "n ≥ 2, so no elementwise f is its derivative: the backward pass needs the whole upstream "
    "gradient, s ⊙ (g − ⟨g, s⟩)"
)


def embed(value: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """diag(value) per sample, when ``value`` has the input's ``shape`` (else unchanged)."""
    if np.squeeze(value).shape != tuple(d for d in shape if d != 1) and value.shape != shape:
        return value
    flat = np.asarray(value).reshape(shape)
    return flat[..., :, None] * np.eye(shape[-1])


def diagonal_of(value: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray | None:
    """Undo :func:`embed`: the vector ``f(z)``, when ``value`` is an embedded diagonal."""
    if value is None or value.shape != (*shape, shape[-1]):
        return value
    return np.diagonal(value, axis1=-2, axis2=-1).copy()
