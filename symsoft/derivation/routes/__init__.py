"""The derivation routes: what each derivation says, step by step, before it is checked.

A route is a list of :class:`Chain` objects, each an equation chain ``A = B = C ...`` with a
justification per link, written in the notation a textbook would use. Every formula is a
:class:`~symsoft.derivation.typeset.Formula`, so the printed LaTeX comes from the same SymPy tree
that :mod:`symsoft.derivation.build` checks. Justifications are Markdown with inline math that
never holds a relation (so a document checker reading the output does not mistake prose for a step).

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

from collections.abc import Callable

from symsoft.derivation.routes.backward import batch, cross_entropy, vjp
from symsoft.derivation.routes.jacobian import log_route, matrix, quotient
from symsoft.derivation.routes.spec import Chain, Link, RouteSpec
from symsoft.derivation.routes.stability import stable

__all__ = ["ROUTES", "Chain", "Link", "RouteSpec", "build_route"]

#: route name -> builder taking n (None for symbolic n); ``all`` prints them in this order
ROUTES: dict[str, Callable[[int | None], RouteSpec]] = {
    "quotient": quotient,
    "log": log_route,
    "matrix": matrix,
    "vjp": vjp,
    "batch": batch,
    "stable": stable,
    "cross-entropy": cross_entropy,
}


def build_route(name: str, n: int | None) -> RouteSpec:
    """The unchecked specification of route ``name`` for symbolic (``None``) or concrete n."""
    return ROUTES[name](n)
