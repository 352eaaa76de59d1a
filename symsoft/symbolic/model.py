"""The symbolic model of softmax over n logits.

Symbols are ``z_1..z_n`` (real logits) and ``S_1..S_n`` (positive, standing for the entries of
softmax). The normaliser Σ = Σ_l e^{z_l} is kept as one positive atom ``Sigma`` wherever the
algebra allows: its derivatives are computed once from the literal sum, which is what keeps the
Jacobian O(n²) instead of O(n³).

Indices in this module's Python API are 0-based (``S[0]`` is S_1); printed names are 1-based,
as in the mathematics.

Examples
--------
>>> from symsoft.symbolic.model import softmax, s_symbols
>>> softmax(2)
Matrix([
[exp(z_1)/(exp(z_1) + exp(z_2))],
[exp(z_2)/(exp(z_1) + exp(z_2))]])
>>> s_symbols(3)
(S_1, S_2, S_3)
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from symsoft.errors import UsageError

__all__ = [
    "SIGMA",
    "canonical_entry",
    "check_n",
    "exp_symbols",
    "s_symbols",
    "softmax",
    "z_symbols",
]

#: The normaliser Σ_l e^{z_l}, kept as an atom.
SIGMA = sp.Symbol("Sigma", positive=True)


def check_n(n: object) -> int:
    """Return ``n`` if it is a usable dimension (an int >= 1), else raise UsageError."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise UsageError("n", n, "a whole number >= 1", "for example n=4")
    if n < 1:
        raise UsageError("n", n, "a whole number >= 1", "softmax needs at least one logit")
    return n


@lru_cache(maxsize=32)
def z_symbols(n: int) -> tuple[sp.Symbol, ...]:
    """The real logits ``z_1..z_n``."""
    check_n(n)
    return tuple(sp.Symbol(f"z_{k}", real=True) for k in range(1, n + 1))


@lru_cache(maxsize=32)
def s_symbols(n: int) -> tuple[sp.Symbol, ...]:
    """Positive symbols ``S_1..S_n`` standing for the entries of softmax."""
    check_n(n)
    return tuple(sp.Symbol(f"S_{k}", positive=True) for k in range(1, n + 1))


@lru_cache(maxsize=32)
def exp_symbols(n: int) -> tuple[sp.Expr, ...]:
    """The exponentials ``e^{z_1}..e^{z_n}``."""
    return tuple(sp.exp(z) for z in z_symbols(n))


@lru_cache(maxsize=32)
def softmax(n: int) -> sp.Matrix:
    """Softmax over n symbols as a column Matrix of ``e^{z_i} / Σ_l e^{z_l}``."""
    exps = exp_symbols(n)
    total = sp.Add(*exps)
    return sp.Matrix([e / total for e in exps])


def canonical_entry(S: tuple[sp.Expr, ...], i: int, j: int) -> sp.Expr:
    """The textbook entry S_i(δ_ij − S_j) for 0-based ``i``, ``j``.

    >>> S = s_symbols(3)
    >>> canonical_entry(S, 0, 0), canonical_entry(S, 0, 2)
    (S_1*(1 - S_1), -S_1*S_3)
    """
    delta = sp.Integer(1) if i == j else sp.Integer(0)
    return S[i] * (delta - S[j])
