"""The building blocks of a derivation route: chains of formulas and their notation.

A route is a list of :class:`Chain` objects, each an equation chain ``A = B = C ...`` with a
justification per link. :class:`Vector` gives the notation of the vector softmax for symbolic n
(``\\sum_{l=1}^{n}``) or a concrete n (sums written out); ``add``, ``mul``, ``neg``, ``frac`` and
``square`` build SymPy trees that keep the order a textbook writes them in.

Examples
--------
>>> from symsoft.derivation.typeset import latex
>>> latex(frac(neg(Vector(None).e(1)), square(Vector(None).total)))
'\\\\frac{- e^{z_1}}{\\\\left(\\\\sum_{l=1}^{n} e^{z_l}\\\\right)^{2}}'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symsoft.derivation.typeset import Formula, Tensor, formula
from symsoft.proof.indexed import Setting, softmax_setting

__all__ = [
    "Chain",
    "Link",
    "RouteSpec",
    "Vector",
    "add",
    "definition_chain",
    "denominator_chain",
    "frac",
    "mul",
    "neg",
    "sentence",
    "square",
]


@dataclass(frozen=True)
class Link:
    """One step of a chain: the next formula and why it equals the previous one."""

    formula: Formula
    why: str


@dataclass(frozen=True)
class Chain:
    """An equation chain ``start = link_1 = link_2 ...`` under optional index conditions."""

    title: str
    intro: str
    start: Formula
    links: tuple[Link, ...]
    conditions: tuple[Any, ...] = ()
    condition_latex: str = ""
    condition_text: str = ""
    outro: str = ""


@dataclass(frozen=True)
class RouteSpec:
    """A route before checking: its title, summary, setting and chains."""

    name: str
    title: str
    summary: str
    setting: Setting
    chains: tuple[Chain, ...]
    closing: str = ""


def add(*args: Any) -> sp.Expr:
    return sp.Add(*args, evaluate=False)


def mul(*args: Any) -> sp.Expr:
    return sp.Mul(*args, evaluate=False)


def neg(arg: Any) -> sp.Expr:
    return sp.Mul(-1, arg, evaluate=False)


def frac(top: Any, bottom: Any) -> sp.Expr:
    return sp.Mul(top, sp.Pow(bottom, -1, evaluate=False), evaluate=False)


def square(arg: Any) -> sp.Expr:
    return sp.Pow(arg, 2, evaluate=False)


class Vector:
    """Notation helpers for the vector softmax in a given setting (symbolic or concrete n)."""

    def __init__(self, n: int | None) -> None:
        self.setting = softmax_setting(n)
        st = self.setting
        self.n = st.dims["n"]
        self.S, self.z, self.g, self.y = (st.bases[name] for name in "Szgy")
        self.i, self.j, self.k = (st.indices[name] for name in "ijk")
        self.ell = sp.Symbol("l", integer=True, positive=True)
        self.concrete = isinstance(self.n, int)

    def sum(self, body: Callable[[Any], sp.Expr], index: sp.Symbol) -> sp.Expr:
        if self.concrete:
            return add(*(body(value) for value in range(1, self.n + 1)))
        return sp.Sum(body(index), (index, 1, self.n))

    def e(self, index: Any) -> sp.Expr:
        return sp.exp(self.z[index])

    @property
    def total(self) -> sp.Expr:
        return self.sum(self.e, self.ell)

    def d(self, expr: sp.Expr, index: Any = None) -> sp.Expr:
        return sp.Derivative(expr, self.z[self.j if index is None else index])

    def tensor(self, name: str) -> Tensor:
        return Tensor.vector(name, getattr(self, name), self.n)

    def at(self, tensor: Tensor, *indices: Any) -> Formula:
        return tensor.at(*indices)


def sentence(vec: Vector) -> str:
    if vec.concrete:
        return (
            f"Here n = {vec.n}: the sums are written out term by term, and the indices i, j "
            f"stand for any of 1, …, {vec.n}. Every step was checked exactly for every value of "
            "the indices."
        )
    return (
        "Here n is symbolic: n ≥ 1, the logits are real, and the free indices i, j are integers "
        "between 1 and n. Every step was proven for symbolic n (indexed sums and the Kronecker "
        "delta, using the index range only where a delta meets a sum) and cross-checked exactly "
        "at n = 1, 2, 3 and 5 for every pattern of equal and distinct indices."
    )


def definition_chain(vec: Vector) -> Chain:
    return Chain(
        "Softmax",
        "For logits $z_1, \\ldots, z_n$ the softmax function has the components",
        formula(vec.S[vec.i]),
        (Link(formula(frac(vec.e(vec.i), vec.total)), "definition of softmax"),),
        outro=(
            "Each $S_i$ is positive and the components sum to one. We write $\\delta_{ij}$ for "
            "the Kronecker delta: 1 when the indices are equal and 0 otherwise."
        ),
    )


def denominator_chain(vec: Vector) -> Chain:
    ell, j = vec.ell, vec.j
    term = vec.sum(lambda k: vec.d(vec.e(k)), ell)
    delta = vec.sum(lambda k: mul(sp.KroneckerDelta(k, j), vec.e(k)), ell)
    return Chain(
        "Derivative of the denominator",
        "The sum in the denominator is differentiated term by term.",
        formula(vec.d(vec.total)),
        (
            Link(formula(term), "the derivative of a sum is the sum of the derivatives"),
            Link(formula(delta), "$e^{z_l}$ depends on $z_j$ only through its own exponent"),
            Link(
                formula(vec.e(j)),
                "the Kronecker delta keeps only the term whose index is $j$, and that term "
                "exists because $j$ is one of the indices of the sum",
            ),
        ),
    )
