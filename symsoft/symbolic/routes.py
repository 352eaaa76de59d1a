"""Three ways to differentiate softmax, each producing every Jacobian entry in the S symbols.

* **direct**: SymPy differentiates S_i = e^{z_i} · Σ^{-1} by z_j as a total derivative
  (∂/∂z_j with Σ held fixed, plus ∂/∂Σ times ∂Σ/∂z_j, with ∂Σ/∂z_j differentiated from the
  literal sum once per j).
* **quotient**: the quotient rule assembled from its parts u = e^{z_i}, v = Σ and their
  derivatives u′ and v′: (u′v − uv′)/v², never differentiating S_i as a whole.
* **log**: log S_i = z_i − log Σ (SymPy expands the logarithm), differentiate to
  δ_ij − S_j, then ∂S_i/∂z_j = S_i · ∂ log S_i/∂z_j.

Each route ends by rewriting e^{z_k} as S_k·Σ (the definition of S_k) and checks that Σ and
the logits have cancelled; the result is an algebraic expression in the S symbols alone.

Examples
--------
>>> from symsoft.symbolic.routes import quotient_route
>>> quotient_route(2).entries
((-S_1**2 + S_1, -S_1*S_2), (-S_1*S_2, -S_2**2 + S_2))
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import sympy as sp

from symsoft.errors import UsageError
from symsoft.symbolic.model import SIGMA, check_n, exp_symbols, s_symbols, z_symbols

__all__ = [
    "ROUTES",
    "Route",
    "direct_route",
    "log_route",
    "quotient_route",
    "softmax_jacobian",
    "sum_derivatives",
]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Route:
    """The n × n entries ∂S_i/∂z_j of one route, in the S symbols (``entries[i][j]``)."""

    name: str
    method: str
    entries: tuple[tuple[sp.Expr, ...], ...]
    seconds: float

    def unreduced(self) -> list[tuple[int, int]]:
        """Entries in which Σ or a logit survived the reduction to S symbols (0-based)."""
        n = len(self.entries)
        leftovers = {SIGMA, *z_symbols(n)}
        return [
            (i, j)
            for i, row in enumerate(self.entries)
            for j, entry in enumerate(row)
            if entry.free_symbols & leftovers
        ]


def _to_s(n: int) -> dict[sp.Expr, sp.Expr]:
    # The definition S_k = e^{z_k} / Σ, read as e^{z_k} = S_k · Σ.
    return {e: s * SIGMA for e, s in zip(exp_symbols(n), s_symbols(n))}


def sum_derivatives(n: int) -> tuple[sp.Expr, ...]:
    """∂Σ/∂z_j for each j, differentiating Σ = Σ_l e^{z_l} term by term (linearity).

    >>> sum_derivatives(3)
    (exp(z_1), exp(z_2), exp(z_3))
    """
    terms = sp.Add.make_args(sp.Add(*exp_symbols(n)))
    by_symbol: dict[sp.Symbol, list[sp.Expr]] = {}
    for term in terms:
        for symbol in term.free_symbols:
            by_symbol.setdefault(symbol, []).append(term)
    return tuple(sp.Add(*[sp.diff(t, z) for t in by_symbol.get(z, [])]) for z in z_symbols(n))


def _tick(progress: Progress | None) -> None:
    if progress is not None:
        progress(1)


def _free(exprs: Sequence[sp.Expr]) -> list[frozenset[sp.Basic]]:
    return [frozenset(e.free_symbols) for e in exprs]


def _partial_if(expr: sp.Expr, free: frozenset[sp.Basic], variable: sp.Symbol) -> sp.Expr | None:
    # Free-symbol test first: SymPy's own diff would find the same zero, only more slowly.
    return sp.diff(expr, variable) if variable in free else None


def direct_route(n: int, *, progress: Progress | None = None) -> Route:
    """Differentiate S_i = e^{z_i}/Σ by every z_j (total derivative through Σ)."""
    start = time.perf_counter()
    z, s, to_s = z_symbols(check_n(n)), s_symbols(n), _to_s(n)
    d_sigma = [d.xreplace(to_s) for d in sum_derivatives(n)]
    quotients = [e / SIGMA for e in exp_symbols(n)]
    free = _free(quotients)
    products = _Products(d_sigma)
    rows = []
    for i, (s_i, free_i) in enumerate(zip(quotients, free)):
        through_sigma = sp.diff(s_i, SIGMA).xreplace(to_s)
        # ∂S_i/∂Σ = S_i · r with r free of S_i; r · ∂Σ/∂z_j is then formed once per (r, j).
        r = through_sigma / s[i]
        row = []
        for j, z_j in enumerate(z):
            chain = (
                s[i] * products(r, j) if s[i] not in r.free_symbols else through_sigma * d_sigma[j]
            )
            explicit = _partial_if(s_i, free_i, z_j)
            row.append(chain if explicit is None else explicit.xreplace(to_s) + chain)
        rows.append(tuple(row))
        _tick(progress)
    return Route("direct", "sympy.diff (total derivative, Σ as atom)", tuple(rows), _since(start))


class _Products:
    """Memoised products factor · column[j]: the same factor recurs for every row i."""

    def __init__(self, column: Sequence[sp.Expr]) -> None:
        self.column = column
        self.cache: dict[tuple[sp.Expr, int], sp.Expr] = {}

    def __call__(self, factor: sp.Expr, j: int) -> sp.Expr:
        key = (factor, j)
        if key not in self.cache:
            self.cache[key] = factor * self.column[j]
        return self.cache[key]


def softmax_jacobian(n: int, form: Literal["S", "z"] = "S") -> sp.Matrix:
    """The Jacobian ∂S_i/∂z_j as SymPy differentiates it (the direct route), reduced.

    ``form="S"`` gives entries in the S symbols; ``form="z"`` gives them in exponentials.

    >>> softmax_jacobian(2)
    Matrix([
    [-S_1**2 + S_1,      -S_1*S_2],
    [     -S_1*S_2, -S_2**2 + S_2]])
    >>> softmax_jacobian(2, form="z")[0, 1]
    -exp(z_1)*exp(z_2)/(exp(z_1) + exp(z_2))**2
    """
    check_n(n)
    if form not in ("S", "z"):
        raise UsageError("form", form, '"S" or "z"')
    entries = direct_route(n).entries
    matrix = sp.Matrix(n, n, [entry for row in entries for entry in row])
    if form == "S":
        return matrix
    total = sp.Add(*exp_symbols(n))
    back = {s: e / total for s, e in zip(s_symbols(n), exp_symbols(n))}
    return matrix.xreplace(back)


def quotient_route(n: int, *, progress: Progress | None = None) -> Route:
    """Assemble (u′v − uv′)/v² from u = e^{z_i}, v = Σ and their derivatives."""
    start = time.perf_counter()
    z, s, to_s = z_symbols(check_n(n)), s_symbols(n), _to_s(n)
    v = SIGMA
    v_squared = v**2
    # e^{z_k} read as S_k Σ before the products are formed, so that no e^{2 z_k} appears.
    dv_over_v2 = _Products([d.xreplace(to_s) / v_squared for d in sum_derivatives(n)])
    numerators = exp_symbols(n)
    free = _free(numerators)
    rows = []
    for i, (u, free_u) in enumerate(zip(numerators, free)):
        u_s = u.xreplace(to_s)
        # u = S_i · w with w free of S_i: −u v′/v² = −S_i · (w v′/v²), the bracket once per (w, j)
        w = u_s / s[i]
        minus_s_i = -s[i]
        row = []
        for j, z_j in enumerate(z):
            du = _partial_if(u, free_u, z_j)
            term = minus_s_i * dv_over_v2(w, j)
            row.append(term if du is None else sp.Add(du.xreplace(to_s) * v / v_squared, term))
        rows.append(tuple(row))
        _tick(progress)
    return Route("quotient", "quotient rule (u′v − uv′)/v²", tuple(rows), _since(start))


def log_route(n: int, *, progress: Progress | None = None) -> Route:
    """Differentiate log S_i = z_i − log Σ, then multiply back by S_i."""
    start = time.perf_counter()
    z, s, to_s = z_symbols(check_n(n)), s_symbols(n), _to_s(n)
    d_sigma = [d.xreplace(to_s) for d in sum_derivatives(n)]
    logs = [sp.expand_log(sp.log(e / SIGMA)) for e in exp_symbols(n)]
    free = _free(logs)
    products: dict[tuple[sp.Expr, int], sp.Expr] = {}
    rows = []
    for i, (log_s_i, free_i) in enumerate(zip(logs, free)):
        through_sigma = sp.diff(log_s_i, SIGMA)
        row = []
        for j, z_j in enumerate(z):
            key = (through_sigma, j)
            if key not in products:  # the same −1/Σ · ∂Σ/∂z_j for every i: form it once
                products[key] = through_sigma * d_sigma[j]
            explicit = _partial_if(log_s_i, free_i, z_j)
            d_log = products[key] if explicit is None else explicit + products[key]
            row.append(s[i] * d_log)
        rows.append(tuple(row))
        _tick(progress)
    return Route("log", "log-derivative S_i · ∂(z_i − log Σ)/∂z_j", tuple(rows), _since(start))


def _since(start: float) -> float:
    return time.perf_counter() - start


ROUTES: dict[str, Callable[..., Route]] = {
    "direct": direct_route,
    "quotient": quotient_route,
    "log": log_route,
}


def route_names() -> Sequence[str]:
    """Names of the differentiation routes."""
    return tuple(ROUTES)
