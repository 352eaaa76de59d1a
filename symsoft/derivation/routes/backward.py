"""The backward routes: the vector–Jacobian product, cross-entropy, and the batch."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import sympy as sp

from symsoft.derivation.routes.spec import (
    Chain,
    Link,
    RouteSpec,
    Vector,
    add,
    definition_chain,
    frac,
    mul,
    neg,
    sentence,
    square,
)
from symsoft.derivation.typeset import Tensor, formula, inner
from symsoft.proof.indexed import batch_setting

__all__ = ["batch", "cross_entropy", "vjp"]


def vjp(n: int | None) -> RouteSpec:
    vec = Vector(n)
    S, g, i, j, ell = vec.S, vec.g, vec.i, vec.j, vec.ell
    s, gv = vec.tensor("S"), vec.tensor("g")
    weighted = vec.sum(lambda a: mul(g[a], S[a]), i)
    product = inner(gv, s, ell)
    backward = s.hadamard(gv - Tensor.ones(vec.n).scaled(product))
    transpose = Tensor(
        "\\left(\\frac{\\partial \\mathbf{S}}{\\partial \\mathbf{z}}\\right)^\\top \\mathbf{g}",
        "(∂S/∂z)ᵀ g",
        1,
        lambda b: vec.sum(lambda a: mul(g[a], vec.d(S[a], b)), i),
        vec.n,
    )
    chains = (
        definition_chain(vec),
        Chain(
            "The chain rule",
            "Backpropagation receives $\\mathbf{g}$, the gradient of a loss with respect to the "
            "outputs $\\mathbf{S}$, and must return the gradient with respect to $\\mathbf{z}$. "
            "By the chain rule its component $j$ is the derivative of the weighted sum below, "
            "with $\\mathbf{g}$ held fixed.",
            formula(vec.d(weighted)),
            (
                Link(
                    formula(vec.sum(lambda a: mul(g[a], vec.d(S[a])), i)),
                    "linearity; $\\mathbf{g}$ does not depend on $\\mathbf{z}$",
                ),
                Link(
                    formula(
                        vec.sum(
                            lambda a: mul(g[a], S[a], add(sp.KroneckerDelta(a, j), neg(S[j]))), i
                        )
                    ),
                    "the Jacobian entry $S_i(\\delta_{ij} - S_j)$",
                ),
                Link(
                    formula(add(mul(g[j], S[j]), neg(mul(S[j], weighted)))),
                    "the delta keeps the term with index $j$; $S_j$ does not depend on $i$",
                ),
                Link(formula(mul(S[j], add(g[j], neg(weighted)))), "factor out $S_j$"),
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
        sentence(vec),
        vec.setting,
        chains,
        "Multiplying $\\mathbf{g}$ by the Jacobian costs $O(n^2)$ time and memory for the "
        "$n \\times n$ matrix. The formula needs one inner product, one subtraction and one "
        "elementwise product: $O(n)$. This is the backward pass frameworks implement; in "
        "NumPy, `s * (g - g @ s)`.",
    )


def cross_entropy(n: int | None) -> RouteSpec:
    vec = Vector(n)
    S, y, j, k = vec.S, vec.y, vec.j, vec.k
    loss = sp.Symbol("L", real=True)
    definition = neg(vec.sum(lambda a: mul(y[a], sp.log(S[a])), k))
    setting = dataclasses.replace(
        vec.setting, definitions={**vec.setting.definitions, "L": lambda: definition}
    )
    y_total = vec.sum(lambda a: y[a], k)
    chains = (
        definition_chain(vec),
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
                    formula(neg(vec.sum(lambda a: mul(y[a], vec.d(sp.log(S[a]))), k))),
                    "linearity; $\\mathbf{y}$ does not depend on $\\mathbf{z}$",
                ),
                Link(
                    formula(
                        neg(
                            vec.sum(lambda a: mul(y[a], add(sp.KroneckerDelta(a, j), neg(S[j]))), k)
                        )
                    ),
                    "the derivative of $\\log S_k$ is $\\delta_{kj} - S_j$",
                ),
                Link(
                    formula(add(neg(y[j]), mul(S[j], y_total))),
                    "the delta keeps the term with index $j$; $S_j$ does not depend on $k$",
                ),
                Link(formula(add(S[j], neg(y[j]))), "the target entries sum to one"),
            ),
        ),
    )
    return RouteSpec(
        "cross-entropy",
        "Softmax followed by cross-entropy",
        sentence(vec) + " The target y is a probability vector.",
        setting,
        chains,
        "The gradient of the loss with respect to the logits is $\\mathbf{S} - \\mathbf{y}$: "
        "the prediction minus the target. This is why frameworks fuse the two operations.",
    )


def batch(n: int | None) -> RouteSpec:
    setting = batch_setting(2 if n is not None else None, n)
    S, Z, G = (setting.bases[name] for name in ("S", "Z", "G"))
    a, b, i, j = (setting.indices[name] for name in "abij")
    m, cols = setting.dims["m"], setting.dims["n"]
    k = sp.Symbol("k", integer=True, positive=True)
    q = sp.Symbol("q", integer=True, positive=True)
    concrete = n is not None

    def sum_over(body: Callable[[Any], sp.Expr], index: sp.Symbol, top: Any) -> sp.Expr:
        if concrete:
            return add(*(body(value) for value in range(1, int(top) + 1)))
        return sp.Sum(body(index), (index, 1, top))

    def d(expr: sp.Expr) -> sp.Expr:
        return sp.Derivative(expr, Z[b, j])

    row_total = sum_over(lambda c: sp.exp(Z[a, c]), k, cols)
    e_ai = sp.exp(Z[a, i])
    entry = mul(sp.KroneckerDelta(a, b), S[a, i], add(sp.KroneckerDelta(i, j), neg(S[a, j])))
    loss = sum_over(lambda r: sum_over(lambda c: mul(G[r, c], S[r, c]), i, cols), q, m)
    row_b = sum_over(lambda c: mul(G[b, c], S[b, c]), i, cols)
    chains = (
        Chain(
            "Row-wise softmax",
            "A batch of $m$ logit vectors is an $m \\times n$ matrix $Z$; softmax acts on each "
            "row separately.",
            formula(S[a, i]),
            (Link(formula(frac(sp.exp(Z[a, i]), row_total)), "definition of row-wise softmax"),),
        ),
        Chain(
            "The four-index Jacobian",
            "Differentiate output $(a, i)$ by input $(b, j)$.",
            formula(d(S[a, i])),
            (
                Link(formula(d(frac(e_ai, row_total))), "definition of $S_{a,i}$"),
                Link(
                    formula(
                        frac(
                            add(
                                mul(
                                    sp.KroneckerDelta(a, b),
                                    sp.KroneckerDelta(i, j),
                                    e_ai,
                                    row_total,
                                ),
                                neg(mul(sp.KroneckerDelta(a, b), e_ai, sp.exp(Z[a, j]))),
                            ),
                            square(row_total),
                        )
                    ),
                    "quotient rule; $Z_{b,j}$ appears in row $a$ only when $b$ equals $a$, and "
                    "then only in the term with column $j$",
                ),
                Link(
                    formula(entry),
                    "factor out $\\delta_{ab}$ and use the definition of $S_{a,i}$ and $S_{a,j}$",
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
                                lambda c: mul(
                                    G[r, c],
                                    sp.KroneckerDelta(r, b),
                                    S[r, c],
                                    add(sp.KroneckerDelta(c, j), neg(S[r, j])),
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
                    formula(add(mul(G[b, j], S[b, j]), neg(mul(S[b, j], row_b)))),
                    "the deltas keep row $b$ and column $j$",
                ),
                Link(formula(mul(S[b, j], add(G[b, j], neg(row_b)))), "factor out $S_{b,j}$"),
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
