"""Deciding whether two expressions in the softmax symbols are equal.

Jacobian entries are polynomials in S_1..S_n, which live on the open simplex
(S_k > 0, Σ_k S_k = 1). Equality there is decided exactly:

1. the same expression, or ``expand(a − b) == 0`` (identical polynomials);
2. otherwise eliminate one variable with Σ_k S_k = 1 and expand again: zero means equal on the
   simplex; a nonzero polynomial in the n − 1 remaining variables cannot vanish on an open set,
   so the two sides differ somewhere, and a counterexample is searched for numerically;
3. expressions that are not polynomials are put over a common denominator (``cancel``);
   what that cannot settle is "not decided" and left to the caller's numeric check.

Examples
--------
>>> from symsoft.symbolic.model import s_symbols
>>> S = s_symbols(2)
>>> decide_on_simplex(S[0] * (1 - S[0]), S[0] - S[0]**2, S).verdict.value
'verified'
>>> decide_on_simplex(S[0] * (1 - S[0]), S[0] * S[1], S).method
'expand modulo Σ S = 1'
>>> decide_on_simplex(S[0] * (1 - S[1]), S[0] * (1 - S[0]), S).verdict.value
'refuted'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from symsoft.verdict import Verdict

__all__ = [
    "Decision",
    "add_into",
    "as_expr",
    "counterexample",
    "decide_on_simplex",
    "expanded_terms",
    "monomial",
    "monomials",
    "nonzero",
    "reduce_on_simplex",
    "same_polynomial",
    "substitute_simplex",
]


@dataclass(frozen=True)
class Decision:
    """Whether two expressions are equal, and how that was established."""

    verdict: Verdict
    method: str
    detail: str = ""


def same_polynomial(a: sp.Expr, b: sp.Expr) -> bool:
    """True when ``a`` and ``b`` are the same polynomial (structural test, then ``expand``)."""
    return a == b or sp.expand(a - b) == 0


def decide_on_simplex(
    a: sp.Expr, b: sp.Expr, symbols: Sequence[sp.Symbol], *, keep: Sequence[int] = ()
) -> Decision:
    """Decide ``a == b`` where ``symbols`` are softmax values (positive, summing to 1).

    ``keep`` lists 0-based positions not to eliminate with Σ S = 1 (choosing a variable that
    does not occur keeps the elimination cheap).
    """
    if a == b:
        return Decision(Verdict.VERIFIED, "identical")
    difference = sp.expand(a - b)
    if difference == 0:
        return Decision(Verdict.VERIFIED, "expand")
    free = difference.free_symbols
    if free <= set(symbols) and difference.is_polynomial(*symbols):
        reduced = _eliminate(difference, symbols, keep)
        if reduced == 0:
            return Decision(Verdict.VERIFIED, "expand modulo Σ S = 1")
        return Decision(
            Verdict.REFUTED,
            "expand modulo Σ S = 1",
            f"nonzero on the simplex: {sp.sstr(reduced)[:200]}",
        )
    if sp.cancel(sp.together(difference)) == 0:
        return Decision(Verdict.VERIFIED, "cancel")
    return Decision(Verdict.NOT_DECIDED, "cancel", "not a polynomial in S; decide numerically")


def expanded_terms(expr: sp.Expr, factor: sp.Expr = sp.Integer(1)) -> list[sp.Expr]:
    """The terms of ``factor · expr`` fully expanded, expanding only terms that need it.

    Jacobian entries are short sums of monomials; expanding each from scratch would dominate
    the cost of every identity at large n.

    >>> from symsoft.symbolic.model import s_symbols
    >>> S = s_symbols(2)
    >>> expanded_terms(S[0] * (1 - S[1]), -1)
    [-S_1, S_1*S_2]
    """
    terms = []
    for term in sp.Add.make_args(expr):
        product = factor * term if factor != 1 else term
        if (product.is_Mul and any(arg.is_Add for arg in product.args)) or (
            product.is_Pow and product.base.is_Add
        ):
            terms.extend(sp.Add.make_args(sp.expand(product)))
        else:
            terms.append(product)
    return terms


Monomial = frozenset  # of (symbol, exponent) pairs


def monomials(expr: sp.Expr, factor: sp.Symbol | None = None) -> dict[Monomial, sp.Expr]:
    """``factor · expr`` as a sparse polynomial: monomial → coefficient.

    A monomial is a frozenset of (symbol, exponent) pairs, so products and sums of long
    polynomials cost dictionary operations rather than SymPy object construction. Raises
    ValueError for a term that is not a monomial in symbols.

    >>> from symsoft.symbolic.model import s_symbols
    >>> S = s_symbols(2)
    >>> sorted(monomials(S[0] * (1 - S[1])).values())
    [-1, 1]
    """
    poly: dict[Monomial, sp.Expr] = {}
    for term in expanded_terms(expr):
        coefficient, rest = term.as_coeff_Mul()
        powers: dict[sp.Basic, int] = {}
        for base, exponent in rest.as_powers_dict().items():
            if base == 1:
                continue
            if not (base.is_Symbol and exponent.is_Integer and exponent > 0):
                raise ValueError(f"{term} is not a monomial in symbols")
            powers[base] = int(exponent)
        if factor is not None:
            powers[factor] = powers.get(factor, 0) + 1
        key = frozenset(powers.items())
        poly[key] = poly.get(key, sp.Integer(0)) + coefficient
    return poly


def add_into(total: dict[Monomial, sp.Expr], poly: dict[Monomial, sp.Expr], sign: int = 1) -> None:
    """``total += sign · poly`` for sparse polynomials."""
    for key, coefficient in poly.items():
        total[key] = total.get(key, sp.Integer(0)) + sign * coefficient


def monomial(*symbols: sp.Symbol) -> Monomial:
    """The monomial that is the product of ``symbols`` (repeats raise the exponent)."""
    powers: dict[sp.Basic, int] = {}
    for symbol in symbols:
        powers[symbol] = powers.get(symbol, 0) + 1
    return frozenset(powers.items())


def nonzero(poly: dict[Monomial, sp.Expr]) -> dict[Monomial, sp.Expr]:
    """The terms of ``poly`` with a nonzero coefficient."""
    return {key: c for key, c in poly.items() if c != 0}


def as_expr(poly: dict[Monomial, sp.Expr]) -> sp.Expr:
    """A sparse polynomial back as a SymPy expression (for messages)."""
    return sp.Add(*[c * sp.Mul(*[b**e for b, e in key]) for key, c in poly.items()])


def substitute_simplex(
    poly: dict[Monomial, sp.Expr], symbols: Sequence[sp.Symbol], m: int
) -> dict[Monomial, sp.Expr]:
    """Rewrite S_m as 1 − Σ_{k≠m} S_k in a sparse polynomial linear in S_m.

    Raises ValueError where S_m occurs with a higher power.
    """
    s_m = symbols[m]
    out: dict[Monomial, sp.Expr] = {}
    for key, coefficient in poly.items():
        powers = dict(key)
        exponent = powers.pop(s_m, 0)
        if exponent == 0:
            out[key] = out.get(key, sp.Integer(0)) + coefficient
            continue
        if exponent > 1:
            raise ValueError(f"S_{m + 1} occurs squared")
        rest = frozenset(powers.items())
        out[rest] = out.get(rest, sp.Integer(0)) + coefficient
        for k, s_k in enumerate(symbols):
            if k != m:
                grown = dict(powers)
                grown[s_k] = grown.get(s_k, 0) + 1
                product = frozenset(grown.items())
                out[product] = out.get(product, sp.Integer(0)) - coefficient
    return nonzero(out)


def reduce_on_simplex(terms: Sequence[sp.Expr], symbols: Sequence[sp.Symbol], m: int) -> sp.Expr:
    """Sum ``terms`` with S_m rewritten as 1 − Σ_{k≠m} S_k, where S_m occurs at most linearly.

    Raises ValueError for a term of higher degree in S_m (callers then use
    :func:`decide_on_simplex`).
    """
    s_m = symbols[m]
    out = []
    for term in terms:
        if s_m not in term.free_symbols:
            out.append(term)
            continue
        rest = term / s_m
        if s_m in rest.free_symbols:
            raise ValueError(f"{term} is not linear in {s_m}")
        out.append(rest)
        out.extend(-rest * s_k for k, s_k in enumerate(symbols) if k != m)
    return sp.Add(*out)


def _eliminate(poly: sp.Expr, symbols: Sequence[sp.Symbol], keep: Sequence[int]) -> sp.Expr:
    free = poly.free_symbols
    candidates = [k for k in range(len(symbols)) if k not in keep]
    # Prefer a variable the polynomial does not contain: then nothing changes and no expand
    # of a long sum is needed (the difference is then already reduced).
    absent = [k for k in candidates if symbols[k] not in free]
    if absent:
        return poly
    if not candidates:
        candidates = list(range(len(symbols)))
    m = candidates[-1]
    rest = sp.Add(*[s for k, s in enumerate(symbols) if k != m])
    return sp.expand(poly.xreplace({symbols[m]: 1 - rest}))


def counterexample(
    left: sp.Expr,
    right: sp.Expr,
    symbols: Sequence[sp.Symbol],
    logits: Sequence[sp.Symbol],
    *,
    seed: int = 0,
    tries: int = 20,
    digits: int = 30,
) -> Mapping[str, Any] | None:
    """Find logits where ``left`` and ``right`` differ, evaluating S = softmax(z) in high precision.

    Returns ``{"z": [...], "left": float, "right": float}`` or None if no difference was found.
    """
    rng = np.random.default_rng(seed)
    n = len(symbols)
    for _ in range(tries):
        z = rng.normal(scale=2.0, size=n).round(3)
        values = _softmax_values(z, symbols, logits, digits)
        lhs = sp.N(left.xreplace(values), digits)
        rhs = sp.N(right.xreplace(values), digits)
        scale = max(abs(lhs), abs(rhs), sp.Float(1e-30))
        if abs(lhs - rhs) > sp.Float(10.0 ** (8 - digits)) * scale:
            return {"z": [float(v) for v in z], "left": float(lhs), "right": float(rhs)}
    return None


def _softmax_values(
    z: np.ndarray, symbols: Sequence[sp.Symbol], logits: Sequence[sp.Symbol], digits: int
) -> dict[sp.Symbol, sp.Float]:
    exps = [sp.exp(sp.Float(float(v), digits)) for v in z]
    total = sp.Add(*exps)
    values: dict[sp.Symbol, sp.Float] = {s: sp.N(e / total, digits) for s, e in zip(symbols, exps)}
    values.update({x: sp.Float(float(v), digits) for x, v in zip(logits, z)})
    return values
