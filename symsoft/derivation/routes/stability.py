"""The stability route: softmax is invariant under shifting every logit by the same c."""

from __future__ import annotations

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
)
from symsoft.derivation.typeset import formula

__all__ = ["stable"]


def stable(n: int | None) -> RouteSpec:
    vec = Vector(n)
    S, z, i, ell = vec.S, vec.z, vec.i, vec.ell
    c = sp.Symbol("c", real=True)
    shifted = frac(sp.exp(add(z[i], neg(c))), vec.sum(lambda k: sp.exp(add(z[k], neg(c))), ell))
    split = frac(mul(sp.exp(-c), vec.e(i)), vec.sum(lambda k: mul(sp.exp(-c), vec.e(k)), ell))
    factored = frac(mul(sp.exp(-c), vec.e(i)), mul(sp.exp(-c), vec.total))
    chains = (
        definition_chain(vec),
        Chain(
            "Shift invariance",
            "Subtract the same real number $c$ from every logit.",
            formula(shifted),
            (
                Link(formula(split), "the exponential of a difference is a product"),
                Link(formula(factored), "take the common factor out of the sum"),
                Link(formula(frac(vec.e(i), vec.total)), "cancel $e^{-c}$, which is positive"),
                Link(formula(S[i]), "definition of $S_i$"),
            ),
        ),
        Chain(
            "The derivative is unchanged",
            "Differentiating with $c$ held fixed gives the softmax Jacobian again. Because the "
            "shifted formula equals $S_i$ for every $c$, this stays true when $c$ is chosen from "
            "the logits themselves (the largest one): it is the same function of the logits.",
            formula(vec.d(shifted)),
            (
                Link(
                    formula(mul(S[i], add(sp.KroneckerDelta(i, vec.j), neg(S[vec.j])))),
                    "the Jacobian entry, as in the quotient route",
                ),
            ),
        ),
    )
    return RouteSpec(
        "stable",
        "Why subtracting the maximum logit is exact",
        sentence(vec) + " The shift $c$ is any real number.",
        vec.setting,
        chains,
        "Take $c$ to be the largest logit. Then every exponent $z_l - c$ is at most zero, so no "
        "exponential overflows, and the largest term of the sum is exactly 1, so the "
        "denominator lies between 1 and $n$ and never underflows to zero. Because the identity "
        "holds for every real $c$, the shift changes nothing mathematically: it is exact, not "
        "an approximation, and only the rounding of the floating-point computation changes.",
    )
