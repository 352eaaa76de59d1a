"""The Jacobian routes: the quotient rule, log-differentiation, and the matrix form."""

from __future__ import annotations

import sympy as sp

from symsoft.derivation.routes.spec import (
    Chain,
    Link,
    RouteSpec,
    Vector,
    add,
    definition_chain,
    denominator_chain,
    frac,
    mul,
    neg,
    sentence,
    square,
)
from symsoft.derivation.typeset import Formula, formula

__all__ = ["log_route", "matrix", "quotient"]


def quotient(n: int | None) -> RouteSpec:
    vec = Vector(n)
    S, i, j = vec.S, vec.i, vec.j
    e_i, e_j, total = vec.e(i), vec.e(j), vec.total
    delta = sp.KroneckerDelta(i, j)
    chains = (
        definition_chain(vec),
        Chain(
            "Derivative of the numerator",
            "The numerator $e^{z_i}$ depends on $z_j$ only when the two indices are the same.",
            formula(vec.d(e_i)),
            (Link(formula(mul(delta, e_i)), "the exponential is its own derivative"),),
        ),
        denominator_chain(vec),
        Chain(
            "The quotient rule",
            "Write $S_i$ as a quotient and apply the quotient rule: derivative of the numerator "
            "times the denominator, minus the numerator times the derivative of the denominator, "
            "all over the denominator squared.",
            formula(vec.d(S[i])),
            (
                Link(formula(vec.d(frac(e_i, total))), "definition of $S_i$"),
                Link(
                    formula(
                        frac(
                            add(mul(vec.d(e_i), total), neg(mul(e_i, vec.d(total)))), square(total)
                        )
                    ),
                    "quotient rule",
                ),
                Link(
                    formula(frac(add(mul(delta, e_i, total), neg(mul(e_i, e_j))), square(total))),
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
                    formula(frac(add(mul(e_i, total), neg(mul(e_i, e_i))), square(total))),
                    "the quotient-rule result with $j$ replaced by $i$",
                ),
                Link(
                    formula(mul(frac(e_i, total), frac(add(total, neg(e_i)), total))),
                    "factor $e^{z_i}$ out of the numerator",
                ),
                Link(formula(mul(S[i], frac(add(total, neg(e_i)), total))), "definition of $S_i$"),
                Link(
                    formula(mul(S[i], add(frac(total, total), neg(frac(e_i, total))))),
                    "split the fraction: add the terms of the sum and subtract $e^{z_i}$",
                ),
                Link(
                    formula(mul(S[i], add(1, neg(frac(e_i, total))))),
                    "a nonzero sum over itself is 1",
                ),
                Link(formula(mul(S[i], add(1, neg(S[i])))), "definition of $S_i$"),
            ),
        ),
        Chain(
            "Off-diagonal entries: j different from i",
            "Now the indices differ, so $\\delta_{ij}$ is 0.",
            formula(vec.d(S[i])),
            (
                Link(formula(neg(frac(mul(e_i, e_j), square(total)))), "the quotient-rule result"),
                Link(formula(neg(mul(frac(e_i, total), frac(e_j, total)))), "split the fraction"),
                Link(formula(neg(mul(S[i], S[j]))), "definition of $S_i$ and $S_j$"),
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
                    formula(mul(S[i], add(delta, neg(S[j])))),
                    "on the diagonal this is $S_i(1 - S_i)$ and off the diagonal $-S_i S_j$",
                ),
            ),
        ),
    )
    return RouteSpec(
        "quotient",
        "The softmax derivative by the quotient rule",
        sentence(vec),
        vec.setting,
        chains,
        "The Jacobian entry is $S_i(\\delta_{ij} - S_j)$.",
    )


def log_route(n: int | None) -> RouteSpec:
    vec = Vector(n)
    S, z, i, j = vec.S, vec.z, vec.i, vec.j
    total = vec.total
    delta = sp.KroneckerDelta(i, j)
    log_s = sp.log(S[i])
    chains = (
        definition_chain(vec),
        Chain(
            "Take the logarithm",
            "Logarithms turn the quotient into a difference; both parts are positive.",
            formula(log_s),
            (
                Link(formula(sp.log(frac(vec.e(i), total))), "definition of $S_i$"),
                Link(
                    formula(add(sp.log(vec.e(i), evaluate=False), neg(sp.log(total)))),
                    "log of a quotient",
                ),
                Link(
                    formula(add(z[i], neg(sp.log(total)))), "the logarithm undoes the exponential"
                ),
            ),
        ),
        Chain(
            "Differentiate the logarithm",
            "Differentiate both terms by $z_j$.",
            formula(vec.d(log_s)),
            (
                Link(formula(vec.d(add(z[i], neg(sp.log(total))))), "the previous result"),
                Link(
                    formula(add(delta, neg(frac(vec.d(total), total)))),
                    "$z_i$ varies with $z_j$ only when the indices are equal; "
                    "chain rule for the logarithm",
                ),
                Link(
                    formula(add(delta, neg(frac(vec.e(j), total)))),
                    "the derivative of the sum is $e^{z_j}$",
                ),
                Link(formula(add(delta, neg(S[j]))), "definition of $S_j$"),
            ),
        ),
        Chain(
            "Multiply back by S_i",
            "The derivative of $\\log S_i$ is the derivative of $S_i$ divided by $S_i$, so",
            formula(vec.d(S[i])),
            (
                Link(formula(mul(S[i], vec.d(log_s))), "multiply the log-derivative by $S_i$"),
                Link(formula(mul(S[i], add(delta, neg(S[j])))), "the previous result"),
            ),
        ),
    )
    return RouteSpec(
        "log",
        "The softmax derivative by log-differentiation",
        sentence(vec),
        vec.setting,
        chains,
        "The log route avoids the quotient rule entirely: $\\log S_i$ is a difference.",
    )


def matrix(n: int | None) -> RouteSpec:
    vec = Vector(n)
    S, i, j, ell = vec.S, vec.i, vec.j, vec.ell
    s = vec.tensor("S")
    delta = sp.KroneckerDelta(i, j)
    notation = (s.diag() - s.outer(s)).at(i, j)
    if vec.concrete:
        size = range(1, vec.n + 1)
        derivatives = sp.ImmutableMatrix([[vec.d(S[a], b) for b in size] for a in size])
        entries = sp.ImmutableMatrix(
            [
                [mul(S[a], add(1, neg(S[a]))) if a == b else neg(mul(S[a], S[b])) for b in size]
                for a in size
            ]
        )
        first, second = s.diag().explicit(), s.outer(s).explicit()
        matrix_links: tuple[Link, ...] = (
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
        lambda b: add(mul(sp.KroneckerDelta(i, b), S[i]), neg(mul(S[i], S[b]))), ell
    )
    chains = (
        definition_chain(vec),
        Chain(
            "Entries",
            "Each entry of the Jacobian is known from the quotient or the log route; expand it.",
            formula(vec.d(S[i])),
            (
                Link(formula(mul(S[i], add(delta, neg(S[j])))), "the entry formula"),
                Link(formula(add(mul(delta, S[i]), neg(mul(S[i], S[j])))), "expand the product"),
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
                    formula(add(S[i], neg(mul(S[i], vec.sum(lambda b: S[b], ell))))),
                    "the delta keeps one term of the first sum; $S_i$ does not depend on $l$",
                ),
                Link(formula(add(S[i], neg(S[i]))), "the outputs sum to one"),
                Link(formula(sp.Integer(0)), "cancel"),
            ),
        ),
    )
    return RouteSpec(
        "matrix",
        "The softmax Jacobian as a matrix",
        sentence(vec),
        vec.setting,
        chains,
        "The Jacobian is symmetric, since both $\\delta_{ij}$ and $S_i S_j$ are symmetric in the "
        "two indices.",
    )
