"""The derivation routes: what each derivation says, step by step, before it is checked.

A route is a list of :class:`Chain` objects, each an equation chain ``A = B = C ...`` with a
justification per link, written in the notation a textbook would use. Every formula is a
:class:`~symsoft.typeset.Formula`, so the printed LaTeX comes from the same SymPy tree that
:mod:`symsoft.derive` checks. Justifications are Markdown with inline math that never holds a
relation (so a document checker reading the output does not mistake prose for a step).

The same builders serve symbolic n (sums ``\\sum_{l=1}^{n}``, free indices) and a concrete n
(sums written out term by term).

Examples
--------
>>> spec = build_route("log", None)
>>> spec.title
'The softmax derivative by log-differentiation'
>>> len(spec.chains)
4
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symsoft.indexed import Setting, batch_setting, softmax_setting
from symsoft.typeset import Formula, Tensor, formula, inner

__all__ = ["ROUTES", "Chain", "Link", "RouteSpec", "build_route"]


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


def _u(*args: Any) -> sp.Expr:
    return sp.Add(*args, evaluate=False)


def _m(*args: Any) -> sp.Expr:
    return sp.Mul(*args, evaluate=False)


def _neg(arg: Any) -> sp.Expr:
    return sp.Mul(-1, arg, evaluate=False)


def _frac(top: Any, bottom: Any) -> sp.Expr:
    return sp.Mul(top, sp.Pow(bottom, -1, evaluate=False), evaluate=False)


def _sq(arg: Any) -> sp.Expr:
    return sp.Pow(arg, 2, evaluate=False)


class _Vec:
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
            return _u(*(body(value) for value in range(1, self.n + 1)))
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


def _sentence(vec: _Vec) -> str:
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


def _definition(vec: _Vec) -> Chain:
    return Chain(
        "Softmax",
        "For logits $z_1, \\ldots, z_n$ the softmax function has the components",
        formula(vec.S[vec.i]),
        (Link(formula(_frac(vec.e(vec.i), vec.total)), "definition of softmax"),),
        outro=(
            "Each $S_i$ is positive and the components sum to one. We write $\\delta_{ij}$ for "
            "the Kronecker delta: 1 when the indices are equal and 0 otherwise."
        ),
    )


def _denominator(vec: _Vec) -> Chain:
    ell, j = vec.ell, vec.j
    term = vec.sum(lambda k: vec.d(vec.e(k)), ell)
    delta = vec.sum(lambda k: _m(sp.KroneckerDelta(k, j), vec.e(k)), ell)
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


def _quotient(n: int | None) -> RouteSpec:
    vec = _Vec(n)
    S, i, j = vec.S, vec.i, vec.j
    e_i, e_j, total = vec.e(i), vec.e(j), vec.total
    delta = sp.KroneckerDelta(i, j)
    chains = (
        _definition(vec),
        Chain(
            "Derivative of the numerator",
            "The numerator $e^{z_i}$ depends on $z_j$ only when the two indices are the same.",
            formula(vec.d(e_i)),
            (Link(formula(_m(delta, e_i)), "the exponential is its own derivative"),),
        ),
        _denominator(vec),
        Chain(
            "The quotient rule",
            "Write $S_i$ as a quotient and apply the quotient rule: derivative of the numerator "
            "times the denominator, minus the numerator times the derivative of the denominator, "
            "all over the denominator squared.",
            formula(vec.d(S[i])),
            (
                Link(formula(vec.d(_frac(e_i, total))), "definition of $S_i$"),
                Link(
                    formula(
                        _frac(_u(_m(vec.d(e_i), total), _neg(_m(e_i, vec.d(total)))), _sq(total))
                    ),
                    "quotient rule",
                ),
                Link(
                    formula(_frac(_u(_m(delta, e_i, total), _neg(_m(e_i, e_j))), _sq(total))),
                    "the two derivatives computed above",
                ),
            ),
        ),
        Chain(
            "Diagonal entries: j equal to i",
            "Setting $j$ to $i$ turns $\\delta_{ii}$ into 1.",
            formula(vec.d(S[i], i)),
            (
                Link(
                    formula(_frac(_u(_m(e_i, total), _neg(_m(e_i, e_i))), _sq(total))),
                    "the quotient-rule result with $j$ replaced by $i$",
                ),
                Link(
                    formula(_m(_frac(e_i, total), _frac(_u(total, _neg(e_i)), total))),
                    "factor $e^{z_i}$ out of the numerator",
                ),
                Link(formula(_m(S[i], _frac(_u(total, _neg(e_i)), total))), "definition of $S_i$"),
                Link(
                    formula(_m(S[i], _u(_frac(total, total), _neg(_frac(e_i, total))))),
                    "split the fraction: add the terms of the sum and subtract $e^{z_i}$",
                ),
                Link(
                    formula(_m(S[i], _u(1, _neg(_frac(e_i, total))))),
                    "a nonzero sum over itself is 1",
                ),
                Link(formula(_m(S[i], _u(1, _neg(S[i])))), "definition of $S_i$"),
            ),
        ),
        Chain(
            "Off-diagonal entries: j different from i",
            "Now the indices differ, so $\\delta_{ij}$ is 0.",
            formula(vec.d(S[i])),
            (
                Link(formula(_neg(_frac(_m(e_i, e_j), _sq(total)))), "the quotient-rule result"),
                Link(formula(_neg(_m(_frac(e_i, total), _frac(e_j, total)))), "split the fraction"),
                Link(formula(_neg(_m(S[i], S[j]))), "definition of $S_i$ and $S_j$"),
            ),
            conditions=(sp.Ne(i, j),),
            condition_latex="\\quad \\text{for } j \\neq i",
            condition_text="for j ≠ i",
        ),
        Chain(
            "Both cases in one formula",
            "The Kronecker delta combines the two cases.",
            formula(vec.d(S[i])),
            (
                Link(
                    formula(_m(S[i], _u(delta, _neg(S[j])))),
                    "on the diagonal this is $S_i(1 - S_i)$ and off the diagonal $-S_i S_j$",
                ),
            ),
        ),
    )
    return RouteSpec(
        "quotient",
        "The softmax derivative by the quotient rule",
        _sentence(vec),
        vec.setting,
        chains,
        "The Jacobian entry is $S_i(\\delta_{ij} - S_j)$.",
    )


def _log_route(n: int | None) -> RouteSpec:
    vec = _Vec(n)
    S, z, i, j = vec.S, vec.z, vec.i, vec.j
    total = vec.total
    delta = sp.KroneckerDelta(i, j)
    log_s = sp.log(S[i])
    chains = (
        _definition(vec),
        Chain(
            "Take the logarithm",
            "Logarithms turn the quotient into a difference; both parts are positive.",
            formula(log_s),
            (
                Link(formula(sp.log(_frac(vec.e(i), total))), "definition of $S_i$"),
                Link(
                    formula(_u(sp.log(vec.e(i), evaluate=False), _neg(sp.log(total)))),
                    "log of a quotient",
                ),
                Link(
                    formula(_u(z[i], _neg(sp.log(total)))), "the logarithm undoes the exponential"
                ),
            ),
        ),
        Chain(
            "Differentiate the logarithm",
            "Differentiate both terms by $z_j$.",
            formula(vec.d(log_s)),
            (
                Link(formula(vec.d(_u(z[i], _neg(sp.log(total))))), "the previous result"),
                Link(
                    formula(_u(delta, _neg(_frac(vec.d(total), total)))),
                    "$z_i$ varies with $z_j$ only when the indices are equal; "
                    "chain rule for the logarithm",
                ),
                Link(
                    formula(_u(delta, _neg(_frac(vec.e(j), total)))),
                    "the derivative of the sum is $e^{z_j}$",
                ),
                Link(formula(_u(delta, _neg(S[j]))), "definition of $S_j$"),
            ),
        ),
        Chain(
            "Multiply back by S_i",
            "The derivative of $\\log S_i$ is the derivative of $S_i$ divided by $S_i$, so",
            formula(vec.d(S[i])),
            (
                Link(formula(_m(S[i], vec.d(log_s))), "multiply the log-derivative by $S_i$"),
                Link(formula(_m(S[i], _u(delta, _neg(S[j])))), "the previous result"),
            ),
        ),
    )
    return RouteSpec(
        "log",
        "The softmax derivative by log-differentiation",
        _sentence(vec),
        vec.setting,
        chains,
        "The log route avoids the quotient rule entirely: $\\log S_i$ is a difference.",
    )


def _matrix(n: int | None) -> RouteSpec:
    vec = _Vec(n)
    S, i, j, ell = vec.S, vec.i, vec.j, vec.ell
    s = vec.tensor("S")
    delta = sp.KroneckerDelta(i, j)
    notation = (s.diag() - s.outer(s)).at(i, j)
    if vec.concrete:
        size = range(1, vec.n + 1)
        derivatives = sp.ImmutableMatrix([[vec.d(S[a], b) for b in size] for a in size])
        entries = sp.ImmutableMatrix(
            [
                [_m(S[a], _u(1, _neg(S[a]))) if a == b else _neg(_m(S[a], S[b])) for b in size]
                for a in size
            ]
        )
        first, second = s.diag().explicit(), s.outer(s).explicit()
        matrix_links = (
            Link(formula(entries), "the entry formula in every position"),
            Link(
                Formula(
                    first.expr - second.expr,
                    f"{first.latex} - {second.latex}",
                    f"{first.text} − {second.text}",
                ),
                "separate the diagonal part from the products $S_i S_j$",
            ),
            Link(notation, "matrix notation"),
        )
        start = formula(derivatives)
    else:
        matrix_links = (
            Link(
                notation,
                "the entry in row $i$, column $j$ of $\\operatorname{diag}(\\mathbf{S})$ is "
                "$\\delta_{ij} S_i$ and that of $\\mathbf{S}\\mathbf{S}^\\top$ is $S_i S_j$",
            ),
        )
        start = Formula(
            vec.d(S[i]), "\\frac{\\partial \\mathbf{S}}{\\partial \\mathbf{z}}", "∂S/∂z"
        )
    row = vec.sum(lambda b: vec.d(S[i], b), ell)
    row_entries = vec.sum(
        lambda b: _u(_m(sp.KroneckerDelta(i, b), S[i]), _neg(_m(S[i], S[b]))), ell
    )
    chains = (
        Chain(
            "Entries",
            "Each entry of the Jacobian is known from the quotient or the log route; expand it.",
            formula(vec.d(S[i])),
            (
                Link(formula(_m(S[i], _u(delta, _neg(S[j])))), "the entry formula"),
                Link(formula(_u(_m(delta, S[i]), _neg(_m(S[i], S[j])))), "expand the product"),
            ),
        ),
        Chain(
            "Matrix form",
            "Collect the entries into the Jacobian matrix, row $i$ and column $j$.",
            start,
            matrix_links,
        ),
        Chain(
            "Every row sums to zero",
            "Because the outputs sum to one, the Jacobian maps the all-ones vector to zero.",
            formula(row),
            (
                Link(formula(row_entries), "the entry formula, expanded"),
                Link(
                    formula(_u(S[i], _neg(_m(S[i], vec.sum(lambda b: S[b], ell))))),
                    "the delta keeps one term of the first sum; $S_i$ does not depend on $l$",
                ),
                Link(formula(_u(S[i], _neg(S[i]))), "the outputs sum to one"),
                Link(formula(sp.Integer(0)), "cancel"),
            ),
        ),
    )
    return RouteSpec(
        "matrix",
        "The softmax Jacobian as a matrix",
        _sentence(vec),
        vec.setting,
        chains,
        "The Jacobian is symmetric, since both $\\delta_{ij}$ and $S_i S_j$ are symmetric in the "
        "two indices.",
    )


def _vjp(n: int | None) -> RouteSpec:
    vec = _Vec(n)
    S, g, i, j, ell = vec.S, vec.g, vec.i, vec.j, vec.ell
    s, gv = vec.tensor("S"), vec.tensor("g")
    weighted = vec.sum(lambda a: _m(g[a], S[a]), i)
    product = inner(gv, s, ell)
    backward = s.hadamard(gv - Tensor.ones(vec.n).scaled(product))
    transpose = Tensor(
        "\\left(\\frac{\\partial \\mathbf{S}}{\\partial \\mathbf{z}}\\right)^\\top \\mathbf{g}",
        "(∂S/∂z)ᵀ g",
        1,
        lambda b: vec.sum(lambda a: _m(g[a], vec.d(S[a], b)), i),
        vec.n,
    )
    chains = (
        _definition(vec),
        Chain(
            "The chain rule",
            "Backpropagation receives $\\mathbf{g}$, the gradient of a loss with respect to the "
            "outputs $\\mathbf{S}$, and must return the gradient with respect to $\\mathbf{z}$. "
            "By the chain rule its component $j$ is the derivative of the weighted sum below, "
            "with $\\mathbf{g}$ held fixed.",
            formula(vec.d(weighted)),
            (
                Link(
                    formula(vec.sum(lambda a: _m(g[a], vec.d(S[a])), i)),
                    "linearity; $\\mathbf{g}$ does not depend on $\\mathbf{z}$",
                ),
                Link(
                    formula(
                        vec.sum(
                            lambda a: _m(g[a], S[a], _u(sp.KroneckerDelta(a, j), _neg(S[j]))), i
                        )
                    ),
                    "the Jacobian entry $S_i(\\delta_{ij} - S_j)$",
                ),
                Link(
                    formula(_u(_m(g[j], S[j]), _neg(_m(S[j], weighted)))),
                    "the delta keeps the term with index $j$; $S_j$ does not depend on $i$",
                ),
                Link(formula(_m(S[j], _u(g[j], _neg(weighted)))), "factor out $S_j$"),
            ),
        ),
        Chain(
            "Vector form",
            "The same statement for all components at once.",
            transpose.at(j),
            (
                Link(
                    backward.at(j),
                    "the previous result for every $j$; the weighted sum is the inner product "
                    "$\\langle \\mathbf{g}, \\mathbf{S} \\rangle$",
                ),
            ),
        ),
    )
    return RouteSpec(
        "vjp",
        "The backward pass of softmax (vector–Jacobian product)",
        _sentence(vec),
        vec.setting,
        chains,
        "Multiplying $\\mathbf{g}$ by the Jacobian costs $O(n^2)$ time and memory for the "
        "$n \\times n$ matrix. The formula needs one inner product, one subtraction and one "
        "elementwise product: $O(n)$. This is the backward pass frameworks implement.",
    )


def _stable(n: int | None) -> RouteSpec:
    vec = _Vec(n)
    S, z, i, ell = vec.S, vec.z, vec.i, vec.ell
    c = sp.Symbol("c", real=True)
    shifted = _frac(sp.exp(_u(z[i], _neg(c))), vec.sum(lambda k: sp.exp(_u(z[k], _neg(c))), ell))
    split = _frac(_m(sp.exp(-c), vec.e(i)), vec.sum(lambda k: _m(sp.exp(-c), vec.e(k)), ell))
    factored = _frac(_m(sp.exp(-c), vec.e(i)), _m(sp.exp(-c), vec.total))
    chains = (
        _definition(vec),
        Chain(
            "Shift invariance",
            "Subtract the same real number $c$ from every logit.",
            formula(shifted),
            (
                Link(formula(split), "the exponential of a difference is a product"),
                Link(formula(factored), "take the common factor out of the sum"),
                Link(formula(_frac(vec.e(i), vec.total)), "cancel $e^{-c}$, which is positive"),
                Link(formula(S[i]), "definition of $S_i$"),
            ),
        ),
        Chain(
            "The derivative is unchanged",
            "Since the shifted formula is the same function, its derivative is the same too.",
            formula(vec.d(shifted)),
            (
                Link(
                    formula(_m(S[i], _u(sp.KroneckerDelta(i, vec.j), _neg(S[vec.j])))),
                    "the Jacobian entry, as in the quotient route",
                ),
            ),
        ),
    )
    return RouteSpec(
        "stable",
        "Why subtracting the maximum logit is exact",
        _sentence(vec) + " The shift $c$ is any real number.",
        vec.setting,
        chains,
        "Take $c$ to be the largest logit. Then every exponent $z_l - c$ is at most zero, so no "
        "exponential overflows, and the largest term of the sum is exactly 1, so the "
        "denominator lies between 1 and $n$ and never underflows to zero. Because the identity "
        "holds for every real $c$, the shift changes nothing mathematically: it is exact, not "
        "an approximation, and only the rounding of the floating-point computation changes.",
    )


def _cross_entropy(n: int | None) -> RouteSpec:
    vec = _Vec(n)
    S, y, j, k = vec.S, vec.y, vec.j, vec.k
    loss = sp.Symbol("L", real=True)
    definition = _neg(vec.sum(lambda a: _m(y[a], sp.log(S[a])), k))
    setting = dataclasses.replace(
        vec.setting, definitions={**vec.setting.definitions, "L": lambda: definition}
    )
    y_total = vec.sum(lambda a: y[a], k)
    chains = (
        _definition(vec),
        Chain(
            "The loss",
            "Cross-entropy compares the softmax output with a target $\\mathbf{y}$: a one-hot "
            "vector or any probability vector (nonnegative entries that sum to one).",
            formula(loss),
            (Link(formula(definition), "definition of cross-entropy"),),
        ),
        Chain(
            "Differentiate",
            "The log route already gave the derivative of $\\log S_k$.",
            formula(sp.Derivative(loss, vec.z[j])),
            (
                Link(
                    formula(_neg(vec.sum(lambda a: _m(y[a], vec.d(sp.log(S[a]))), k))),
                    "linearity; $\\mathbf{y}$ does not depend on $\\mathbf{z}$",
                ),
                Link(
                    formula(
                        _neg(
                            vec.sum(lambda a: _m(y[a], _u(sp.KroneckerDelta(a, j), _neg(S[j]))), k)
                        )
                    ),
                    "the derivative of $\\log S_k$ is $\\delta_{kj} - S_j$",
                ),
                Link(
                    formula(_u(_neg(y[j]), _m(S[j], y_total))),
                    "the delta keeps the term with index $j$; $S_j$ does not depend on $k$",
                ),
                Link(formula(_u(S[j], _neg(y[j]))), "the target entries sum to one"),
            ),
        ),
    )
    return RouteSpec(
        "cross-entropy",
        "Softmax followed by cross-entropy",
        _sentence(vec) + " The target y is a probability vector.",
        setting,
        chains,
        "The gradient of the loss with respect to the logits is $\\mathbf{S} - \\mathbf{y}$: "
        "the prediction minus the target. This is why frameworks fuse the two operations.",
    )


def _batch(n: int | None) -> RouteSpec:
    setting = batch_setting(2 if n is not None else None, n)
    S, Z, G = (setting.bases[name] for name in ("S", "Z", "G"))
    a, b, i, j = (setting.indices[name] for name in "abij")
    m, cols = setting.dims["m"], setting.dims["n"]
    k = sp.Symbol("k", integer=True, positive=True)
    q = sp.Symbol("q", integer=True, positive=True)
    concrete = n is not None

    def sum_over(body: Callable[[Any], sp.Expr], index: sp.Symbol, top: Any) -> sp.Expr:
        if concrete:
            return _u(*(body(value) for value in range(1, int(top) + 1)))
        return sp.Sum(body(index), (index, 1, top))

    def d(expr: sp.Expr) -> sp.Expr:
        return sp.Derivative(expr, Z[b, j])

    row_total = sum_over(lambda c: sp.exp(Z[a, c]), k, cols)
    entry = _m(sp.KroneckerDelta(a, b), S[a, i], _u(sp.KroneckerDelta(i, j), _neg(S[a, j])))
    loss = sum_over(lambda r: sum_over(lambda c: _m(G[r, c], S[r, c]), i, cols), q, m)
    row_b = sum_over(lambda c: _m(G[b, c], S[b, c]), i, cols)
    chains = (
        Chain(
            "Row-wise softmax",
            "A batch of $m$ logit vectors is an $m \\times n$ matrix $Z$; softmax acts on each "
            "row separately.",
            formula(S[a, i]),
            (Link(formula(_frac(sp.exp(Z[a, i]), row_total)), "definition of row-wise softmax"),),
        ),
        Chain(
            "The four-index Jacobian",
            "Differentiate output $(a, i)$ by input $(b, j)$.",
            formula(d(S[a, i])),
            (
                Link(
                    formula(entry),
                    "row $a$ of the output depends only on row $a$ of the input; within a row "
                    "this is the vector result",
                ),
            ),
        ),
        Chain(
            "Different rows do not interact",
            "So the $(m, n, m, n)$ Jacobian is block diagonal: only the $m$ blocks with equal "
            "rows are nonzero, each an $n \\times n$ softmax Jacobian.",
            formula(d(S[a, i])),
            (Link(formula(sp.Integer(0)), "$\\delta_{ab}$ is 0 for different rows"),),
            conditions=(sp.Ne(a, b),),
            condition_latex="\\quad \\text{for } a \\neq b",
            condition_text="for a ≠ b",
        ),
        Chain(
            "The batched backward pass",
            "With upstream gradient $G$ (same shape as $Z$), the gradient entry $(b, j)$ is the "
            "derivative of the weighted sum of all outputs.",
            formula(d(loss)),
            (
                Link(
                    formula(
                        sum_over(
                            lambda r: sum_over(
                                lambda c: _m(
                                    G[r, c],
                                    sp.KroneckerDelta(r, b),
                                    S[r, c],
                                    _u(sp.KroneckerDelta(c, j), _neg(S[r, j])),
                                ),
                                i,
                                cols,
                            ),
                            q,
                            m,
                        )
                    ),
                    "linearity and the four-index Jacobian",
                ),
                Link(
                    formula(_u(_m(G[b, j], S[b, j]), _neg(_m(S[b, j], row_b)))),
                    "the deltas keep row $b$ and column $j$",
                ),
                Link(formula(_m(S[b, j], _u(G[b, j], _neg(row_b)))), "factor out $S_{b,j}$"),
            ),
        ),
    )
    sentence = (
        f"Here the batch has m = {setting.dims['m']} rows and n = {cols} columns, written out."
        if concrete
        else "Here m and n are symbolic: row indices a, b run over 1, …, m and column indices "
        "i, j over 1, …, n. Every step was proven for symbolic m and n and cross-checked "
        "exactly at (m, n) = (1, 1), (2, 3) and (3, 2) for every index pattern."
    )
    return RouteSpec(
        "batch",
        "Softmax over a batch",
        sentence,
        setting,
        chains,
        "In code: `S * (G - (G * S).sum(axis=-1, keepdims=True))`. One row sum per sample "
        "replaces the $m^2 n^2$ entries of the full Jacobian.",
    )


ROUTES: dict[str, Callable[[int | None], RouteSpec]] = {
    "quotient": _quotient,
    "log": _log_route,
    "matrix": _matrix,
    "vjp": _vjp,
    "batch": _batch,
    "stable": _stable,
    "cross-entropy": _cross_entropy,
}


def build_route(name: str, n: int | None) -> RouteSpec:
    """The unchecked specification of route ``name`` for symbolic (``None``) or concrete n."""
    return ROUTES[name](n)
