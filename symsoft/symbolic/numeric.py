"""NumPy side of symsoft: stable softmax, the lambdified symbolic Jacobian, and references.

The symbolic Jacobian is lambdified in its S-form and fed a max-shifted softmax, so it stays
finite at logits of ±1000 where the exp-form overflows. Lambdify is vectorised over entries:
entries that are the same expression up to renaming S_i, S_j (for n = 256, two shapes for
65,536 entries) share one compiled function evaluated on gathered index arrays.

Examples
--------
>>> import numpy as np
>>> from symsoft.symbolic.numeric import jacobian_function, stable_softmax
>>> z = np.array([1.0, 2.0, 3.0])
>>> J = jacobian_function(3)(z)
>>> s = stable_softmax(z)
>>> bool(np.allclose(J, np.diag(s) - np.outer(s, s)))
True
>>> jacobian_function(3)(np.array([1000.0, -1000.0, 0.0])).round(3).tolist()
[[0.0, -0.0, -0.0], [-0.0, 0.0, -0.0], [-0.0, -0.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from symsoft.errors import UsageError
from symsoft.symbolic.model import check_n, s_symbols

__all__ = [
    "JacobianFunction",
    "closed_form_jacobian",
    "finite_difference_jacobian",
    "jacobian_from_entries",
    "jacobian_function",
    "softmax_vjp",
    "stable_softmax",
]

_A = sp.Dummy("a", positive=True)
_B = sp.Dummy("b", positive=True)


def stable_softmax(z: Any, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis`` with the maximum subtracted first (exact by shift invariance).

    >>> stable_softmax(np.array([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """
    z = np.asarray(z, dtype=float) if not np.issubdtype(np.asarray(z).dtype, np.floating) else z
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_vjp(z: Any, g: Any, axis: int = -1) -> np.ndarray:
    """The backward pass gᵀJ = S ⊙ (g − ⟨g, S⟩), row by row along ``axis``.

    >>> softmax_vjp(np.zeros(2), np.array([1.0, 0.0])).tolist()
    [0.25, -0.25]
    """
    s = stable_softmax(z, axis=axis)
    g = np.asarray(g, dtype=s.dtype)
    return s * (g - np.sum(g * s, axis=axis, keepdims=True))


def closed_form_jacobian(s: np.ndarray) -> np.ndarray:
    """diag(s) − s sᵀ for s of shape (n,) or (m, n) (then (m, n, n))."""
    s = np.asarray(s)
    eye = np.eye(s.shape[-1], dtype=s.dtype)
    return s[..., :, None] * eye - s[..., :, None] * s[..., None, :]


def finite_difference_jacobian(
    f: Callable[[np.ndarray], np.ndarray], z: np.ndarray, *, step: float = 1e-5
) -> np.ndarray:
    """Central differences of ``f`` at ``z`` (any shape): result shape f(z).shape + z.shape."""
    z = np.asarray(z, dtype=float)
    base = np.asarray(f(z))
    out = np.empty(base.shape + z.shape)
    flat = z.reshape(-1)
    for k in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[k] += step
        down[k] -= step
        diff = (f(up.reshape(z.shape)) - f(down.reshape(z.shape))) / (2 * step)
        out.reshape((*base.shape, flat.size))[..., k] = diff
    return out


@dataclass(frozen=True)
class JacobianFunction:
    """A lambdified n × n Jacobian in S-form; call it with logits (n,) or (m, n)."""

    n: int
    #: one compiled function per entry shape, with the 0-based (i, j) positions it fills
    groups: tuple[tuple[Callable[..., Any], np.ndarray, np.ndarray], ...]
    #: entries that are not a function of S_i, S_j alone, lambdified over the whole S vector
    others: tuple[tuple[Callable[..., Any], int, int], ...]

    def __call__(self, z: Any) -> np.ndarray:
        z = np.asarray(z)
        if z.ndim not in (1, 2) or z.shape[-1] != self.n:
            raise UsageError(
                "z", f"array of shape {z.shape}", f"shape ({self.n},) or (m, {self.n})"
            )
        return self.at_softmax(stable_softmax(z))

    def at_softmax(self, s: np.ndarray) -> np.ndarray:
        """Evaluate at given softmax values ``s`` of shape (n,) or (m, n)."""
        out = np.zeros((*s.shape, self.n), dtype=np.result_type(s.dtype, np.float64))
        for function, rows, cols in self.groups:
            out[..., rows, cols] = function(s[..., rows], s[..., cols])
        for function, i, j in self.others:
            out[..., i, j] = function(*np.moveaxis(s, -1, 0))
        return out


def jacobian_from_entries(entries: Any, n: int) -> JacobianFunction:
    """Lambdify S-form entries (``entries[i][j]``) into a vectorised JacobianFunction."""
    symbols = s_symbols(n)
    shapes: dict[sp.Expr, list[tuple[int, int]]] = {}
    others = []
    for i, row in enumerate(entries):
        for j, entry in enumerate(row):
            renaming = {symbols[i]: _A} if i == j else {symbols[i]: _A, symbols[j]: _B}
            shape = sp.sympify(entry).xreplace(renaming)
            if shape.free_symbols <= {_A, _B}:
                shapes.setdefault(shape, []).append((i, j))
            else:
                others.append((sp.lambdify(symbols, entry, "numpy"), i, j))
    groups = []
    for shape, positions in shapes.items():
        compiled = sp.lambdify((_A, _B), shape, "numpy")
        rows, cols = (np.array(axis, dtype=np.intp) for axis in zip(*positions))
        groups.append((_broadcasting(compiled), rows, cols))
    return JacobianFunction(n, tuple(groups), tuple(others))


def _broadcasting(compiled: Callable[..., Any]) -> Callable[..., Any]:
    # A constant entry shape (such as 0) lambdifies to a scalar; broadcast it to the positions.
    def evaluate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.broadcast_to(compiled(a, b), np.broadcast_shapes(a.shape, b.shape))

    return evaluate


@lru_cache(maxsize=16)
def jacobian_function(n: int) -> JacobianFunction:
    """The symbolic Jacobian (direct route, S-form) lambdified to NumPy, numerically stable.

    Call it with logits of shape (n,) for an (n, n) matrix or (m, n) for an (m, n, n) batch.
    """
    from symsoft.symbolic.routes import direct_route

    return jacobian_from_entries(direct_route(check_n(n)).entries, n)
