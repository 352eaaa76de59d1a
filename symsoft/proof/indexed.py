"""Indexed sums over symbolic n: the settings of a derivation and a sound normal form.

SymPy has no sound decision for ``Sum``/``Indexed`` identities: ``simplify`` raises on the raw
derivative of an indexed sum (sympy issue 14570) and ``doit`` turns ``Σ_l δ_lj e^{z_l}`` into a
``Piecewise`` that is right only when ``j`` is in range. The normal form here makes only rewrites
that are sound under stated assumptions:

1. definitions are expanded (``S_k → e^{z_k} / Σ_l e^{z_l}``) and derivatives evaluated;
2. a sum is split over its terms, factors free of its index are pulled out, and
   ``Σ_{k=lo}^{hi} f(k) δ_{k x}`` becomes ``f(x)`` **only** when ``x`` is declared to range over
   exactly ``lo..hi``; every other sum is kept as an atom with a canonical bound variable;
3. ``log`` of a product of provably positive factors is split, ``log e^x = x`` for real ``x``.

:func:`reduce_case` then compares one case of the free indices: ``e^{x}`` becomes a positive
symbol, each remaining sum an independent atom, and ``cancel`` decides the rational function.
:mod:`symsoft.proof.identity` builds the decision on top (case split and exact instances).

Examples
--------
>>> import sympy as sp
>>> st = softmax_setting()
>>> S, z, j = st.bases["S"], st.bases["z"], st.indices["j"]
>>> normal_form(sp.Derivative(sp.log(S[j]), z[j]), st)
-exp(z[j])/Sum(exp(z[_s0]), (_s0, 1, n)) + 1
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

__all__ = [
    "OutsideNormalForm",
    "Setting",
    "batch_setting",
    "canonical_sum",
    "instance_form",
    "normal_form",
    "positive",
    "reduce_case",
    "softmax_setting",
]


@dataclass(frozen=True, eq=False)  # identity hashing: settings key the normal-form caches
class Setting:
    """What the symbols of a derivation mean.

    ``ranges`` maps each free index symbol to its range ``(lo, hi)``; ``definitions`` maps an
    IndexedBase name to a function of its indices and the dimension giving its definition;
    ``samples`` are the concrete values of each symbolic dimension used for the cross-check;
    ``simplex`` names bases whose entries sum to one (a probability vector).
    """

    dims: Mapping[str, sp.Symbol | int]
    ranges: Mapping[sp.Symbol, tuple[Any, Any]]
    bases: Mapping[str, sp.IndexedBase]
    indices: Mapping[str, sp.Symbol]
    definitions: Mapping[str, Callable[..., sp.Expr]] = field(default_factory=dict)
    samples: tuple[Mapping[str, int], ...] = ()
    simplex: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()

    @property
    def concrete(self) -> bool:
        """True when every dimension is a number (sums are written out)."""
        return all(isinstance(value, int) for value in self.dims.values())


def _index(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


def softmax_setting(n: int | None = None) -> Setting:
    """The vector softmax ``S_k = e^{z_k}/Σ_l e^{z_l}`` with free indices i, j, k over 1..n.

    ``n=None`` means symbolic n (``n ≥ 1``), cross-checked at n ∈ {1, 2, 3, 5}.

    Examples
    --------
    >>> softmax_setting().dims["n"]
    n
    >>> softmax_setting(3).concrete
    True
    """
    dim: sp.Symbol | int = sp.Symbol("n", integer=True, positive=True) if n is None else n
    bases = {name: sp.IndexedBase(name, real=True) for name in ("z", "S", "g", "y")}
    z = bases["z"]
    indices = {name: _index(name) for name in ("i", "j", "k")}

    def softmax_entry(k: sp.Expr) -> sp.Expr:
        dummy = sp.Dummy("l", integer=True, positive=True)
        return sp.exp(z[k]) / sp.Sum(sp.exp(z[dummy]), (dummy, 1, dim))

    return Setting(
        dims={"n": dim},
        ranges={symbol: (1, dim) for symbol in indices.values()},
        bases=bases,
        indices=indices,
        definitions={"S": softmax_entry},
        samples=tuple({"n": value} for value in (1, 2, 3, 5)) if n is None else (),
        simplex=("y",),
        assumptions=(
            "n ≥ 1 is an integer; the logits z_1..z_n, g and y are real",
            "free indices i, j, k are integers with 1 ≤ i, j, k ≤ n",
            "S_k is defined as e^{z_k} / Σ_{l=1}^{n} e^{z_l}",
            "y is a probability vector: Σ_{k=1}^{n} y_k = 1",
        ),
    )


def batch_setting(m: int | None = None, n: int | None = None) -> Setting:
    """Row-wise softmax of an m × n batch ``Z``: ``S_{a,i} = e^{Z_{a,i}}/Σ_k e^{Z_{a,k}}``.

    Rows a, b range over 1..m, columns i, j over 1..n.

    Examples
    --------
    >>> sorted(batch_setting().indices)
    ['a', 'b', 'i', 'j']
    """
    rows: sp.Symbol | int = sp.Symbol("m", integer=True, positive=True) if m is None else m
    cols: sp.Symbol | int = sp.Symbol("n", integer=True, positive=True) if n is None else n
    bases = {name: sp.IndexedBase(name, real=True) for name in ("Z", "S", "G")}
    indices = {name: _index(name) for name in ("a", "b", "i", "j")}
    zb = bases["Z"]

    def softmax_entry(a: sp.Expr, i: sp.Expr) -> sp.Expr:
        dummy = sp.Dummy("k", integer=True, positive=True)
        return sp.exp(zb[a, i]) / sp.Sum(sp.exp(zb[a, dummy]), (dummy, 1, cols))

    ranges = {indices["a"]: (1, rows), indices["b"]: (1, rows)}
    ranges |= {indices["i"]: (1, cols), indices["j"]: (1, cols)}
    symbolic = m is None or n is None
    return Setting(
        dims={"m": rows, "n": cols},
        ranges=ranges,
        bases=bases,
        indices=indices,
        definitions={"S": softmax_entry},
        samples=tuple({"m": a, "n": b} for a, b in ((1, 1), (2, 3), (3, 2))) if symbolic else (),
        assumptions=(
            "m, n ≥ 1 are integers; the logits Z_{a,i} and the cotangents G_{a,i} are real",
            "row indices a, b are integers in 1..m, column indices i, j in 1..n",
            "S_{a,i} is defined as e^{Z_{a,i}} / Σ_{k=1}^{n} e^{Z_{a,k}}",
        ),
    )


# ---------------------------------------------------------------------------------------------
# The normal form
# ---------------------------------------------------------------------------------------------


def normal_form(expr: sp.Expr, setting: Setting) -> sp.Expr:
    """Expand definitions and derivatives and reduce sums soundly (see the module docstring).

    Examples
    --------
    >>> import sympy as sp
    >>> st = softmax_setting()
    >>> z, j, n = st.bases["z"], st.indices["j"], st.dims["n"]
    >>> l = sp.Symbol("l", integer=True, positive=True)
    >>> normal_form(sp.Derivative(sp.Sum(sp.exp(z[l]), (l, 1, n)), z[j]), st)
    exp(z[j])
    """
    return _cached_form(setting, expr, ())


def instance_form(expr: sp.Expr, setting: Setting, dims: Mapping[sp.Symbol, int]) -> sp.Expr:
    """The normal form of ``expr`` with the dimensions set to ``dims`` (sums written out)."""
    return _cached_form(setting, expr, tuple(sorted(dims.items(), key=str)))


@functools.lru_cache(maxsize=8192)
def _cached_form(setting: Setting, expr: sp.Expr, dims: tuple[tuple[Any, int], ...]) -> sp.Expr:
    # consecutive steps share a side, so each side is normalized once per derivation
    return Normalizer(setting, dict(dims)).run(expr.xreplace(dict(dims)), {})


class Normalizer:
    def __init__(self, setting: Setting, dim_values: Mapping[sp.Symbol, int] | None = None) -> None:
        self.setting = setting
        self.dim_values = dict(dim_values or {})

    def run(self, expr: sp.Expr, bound: dict[sp.Symbol, tuple[Any, Any]]) -> sp.Expr:
        if isinstance(expr, sp.Indexed):
            define = self.setting.definitions.get(str(expr.base))
            if define is not None:
                return self.run(define(*expr.indices).xreplace(self.dim_values), bound)
            return expr
        if isinstance(expr, sp.Symbol) and expr.name in self.setting.definitions:
            return self.run(self.setting.definitions[expr.name]().xreplace(self.dim_values), bound)
        if not expr.args or isinstance(expr, sp.Symbol | sp.Number):
            return expr
        if isinstance(expr, sp.Derivative):
            inner = self.run(expr.expr, bound)
            for variable, count in expr.variable_count:
                inner = sp.diff(inner, variable, count)
            return self.run(inner, bound)
        if isinstance(expr, sp.Sum):
            body = expr.function
            limits = list(expr.limits)
            # nested limits are sums inside sums: the first limit is the innermost
            for index, lo, hi in limits:
                inner_bound = dict(bound)
                inner_bound[index] = (lo, hi)
                body = self._sum(self.run(body, inner_bound), index, lo, hi, bound)
            return body
        if isinstance(expr, sp.log):
            return self._log(self.run(expr.args[0], bound))
        if isinstance(expr, sp.exp):
            argument = sp.expand(self.run(expr.args[0], bound))
            return sp.Mul(*(sp.exp(term) for term in sp.Add.make_args(argument)))
        if (
            isinstance(expr, sp.Pow)
            and isinstance(expr.base, sp.KroneckerDelta)
            and expr.exp.is_positive
            and expr.exp.is_integer
        ):
            return self.run(expr.base, bound)
        if isinstance(expr, sp.Piecewise | sp.MatrixBase | sp.MatrixExpr):
            raise OutsideNormalForm(f"{type(expr).__name__} is outside the normal form")
        return expr.func(*(self.run(arg, bound) for arg in expr.args))

    def _range(self, symbol: sp.Expr, bound: Mapping[sp.Symbol, tuple[Any, Any]]) -> Any:
        if symbol in bound:
            return bound[symbol]
        return self.setting.ranges.get(symbol)

    def _sum(self, body: sp.Expr, index: sp.Symbol, lo: Any, hi: Any, bound: Any) -> sp.Expr:
        if getattr(lo, "is_Integer", False) and getattr(hi, "is_Integer", False):
            return sp.Add(
                *(
                    body.xreplace({index: sp.Integer(value)})
                    for value in range(int(lo), int(hi) + 1)
                )
            )
        total = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(body)):
            outside, inside = term.as_independent(index, as_Add=False)
            if inside == 1:
                total += outside * (hi - lo + 1)
                continue
            factors = list(sp.Mul.make_args(inside))
            for position, factor in enumerate(factors):
                if not isinstance(factor, sp.KroneckerDelta) or index not in factor.args:
                    continue
                other = factor.args[1] if factor.args[0] == index else factor.args[0]
                if other.has(index) or self._range(other, bound) != (lo, hi):
                    continue
                # the only sound use of the index-range assumption: other ∈ lo..hi
                rest = sp.Mul(*(factors[:position] + factors[position + 1 :]))
                total += outside * self.run(rest.subs(index, other), bound)
                break
            else:
                total += outside * canonical_sum(inside, index, lo, hi)
        return total

    def _log(self, argument: sp.Expr) -> sp.Expr:
        factors = sp.Mul.make_args(argument)
        if not all(positive(factor) for factor in factors):
            return sp.log(argument)
        parts = []
        for factor in factors:
            if isinstance(factor, sp.exp) and factor.args[0].is_real:
                parts.append(factor.args[0])
            elif isinstance(factor, sp.Pow) and factor.exp.is_real:
                parts.append(factor.exp * self._log(factor.base))
            else:
                parts.append(sp.log(factor))
        return sp.Add(*parts)


class OutsideNormalForm(Exception):
    """An expression the normal form does not cover (becomes not-decided, never verified)."""


def _sum_depth(expr: sp.Expr) -> int:
    depth = 0
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            name = str(node.limits[-1][0])
            level = int(name[2:]) if name[2:].isdigit() and name.startswith("_s") else 0
            depth = max(depth, level + 1)
    return depth


def canonical_sum(body: sp.Expr, index: sp.Symbol, lo: Any, hi: Any) -> sp.Expr:
    # canonical bound names make equal sums structurally equal: _s0 innermost, _s1 around it
    name = sp.Symbol(f"_s{_sum_depth(body)}", integer=True)
    return sp.Sum(body.xreplace({index: name}), (name, lo, hi))


def positive(expr: sp.Expr) -> bool:
    if expr.is_Number:
        return bool(expr > 0)
    if isinstance(expr, sp.exp):
        return bool(expr.args[0].is_real)
    if isinstance(expr, sp.Sum):
        lo, hi = expr.limits[0][1:]
        nonempty = (hi - lo).is_nonnegative
        return bool(nonempty) and positive(expr.function)
    if isinstance(expr, sp.Add | sp.Mul):
        return all(positive(arg) for arg in expr.args)
    if isinstance(expr, sp.Pow):
        return positive(expr.base) and bool(expr.exp.is_real)
    return bool(expr.is_positive)


def reduce_case(expr: sp.Expr, setting: Setting, enumerated: Sequence[sp.Symbol] = ()) -> sp.Expr:
    # distinct symbols are distinct values only for indices whose patterns were enumerated
    free = set(enumerated)
    groups = {symbol: setting.ranges[symbol] for symbol in free}

    def delta(node: sp.KroneckerDelta) -> sp.Expr:
        left, right = node.args
        if left in free and right in free:
            if groups[left] != groups[right]:
                raise OutsideNormalForm("a Kronecker delta between indices of different ranges")
            return sp.Integer(0)
        if left.is_Integer and right.is_Integer:
            return sp.Integer(int(left == right))
        return node

    outer_sums: dict[sp.Sum, sp.Symbol] = {}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum) and node not in outer_sums:
            outer_sums[node] = sp.Symbol(f"_sum{len(outer_sums)}", positive=positive(node))
    expr = expr.xreplace(outer_sums)
    expr = expr.replace(lambda node: isinstance(node, sp.KroneckerDelta), delta)
    return sp.cancel(_exp_to_symbols(expr))


def _exp_to_symbols(expr: sp.Expr) -> sp.Expr:
    cache: dict[sp.Expr, sp.Symbol] = {}

    def rewrite(node: sp.exp) -> sp.Expr:
        result = sp.Integer(1)
        for term in sp.Add.make_args(sp.expand(node.args[0])):
            coefficient, rest = term.as_coeff_Mul()
            if rest == 1:
                result *= sp.exp(coefficient)
                continue
            symbol = cache.setdefault(rest, sp.Symbol(f"_e{len(cache)}", positive=True))
            result *= symbol**coefficient
        return result

    return expr.replace(lambda node: isinstance(node, sp.exp), rewrite)
