"""Step-by-step derivations of the softmax derivative, each step machine-checked as generated.

:func:`derive` builds a route from :mod:`symsoft.derivation.routes` and proves every
consecutive pair of expressions equal with :func:`symsoft.proof.identity.decide` (for symbolic
n where the route is general, exactly for every index value where n is concrete). A step that
does not verify raises :class:`~symsoft.errors.DerivationError`: it is never returned, so
never printed.

The result is a frozen :class:`Derivation` that renders as Markdown (prose and ``$$`` blocks),
an ``align*`` LaTeX block (or a standalone amsmath document) and Unicode text, and shows
itself in Jupyter.

Examples
--------
>>> d = derive("log")
>>> d.n, len(d.steps), {step.verdict.value for step in d.steps}
('general', 10, {'verified'})
>>> print(d.steps[-1].text)
S_i·∂ log S_i/∂z_j = S_i·(δ_ij − S_j)
"""

from __future__ import annotations

import difflib
import functools
from typing import Any

from symsoft.derivation.result import Derivation, Section, Step
from symsoft.derivation.routes import ROUTES, Chain, RouteSpec, build_route
from symsoft.errors import DerivationError, UsageError
from symsoft.proof.identity import decide, satisfiable
from symsoft.verdict import Verdict

__all__ = ["ROUTE_NAMES", "Derivation", "Section", "Step", "derive"]

#: every route, in the order ``all`` prints them
ROUTE_NAMES: tuple[str, ...] = (*ROUTES, "all")
#: concrete n is written out term by term and checked for every index value, so keep it small
MAX_CONCRETE_N = 8


def derive(route: str, n: int | str = "general") -> Derivation:
    """Build the derivation ``route`` and check every step as it is generated.

    ``n`` is ``"general"`` (symbolic n with indexed sums) or an integer 1..8 (sums written out).
    An unknown route or a bad ``n`` raises :class:`~symsoft.errors.UsageError`; a step that does
    not verify raises :class:`~symsoft.errors.DerivationError`.

    Examples
    --------
    >>> derive("quotent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symsoft.errors.UsageError: invalid value for route: 'quotent' ...; did you mean 'quotient'?
    >>> print(derive("vjp", 3).steps[-1].rhs_text)
    S ⊙ (g − ⟨g, S⟩ 1)
    """
    size = _check_n(n)
    if route not in ROUTE_NAMES:
        close = difflib.get_close_matches(str(route), ROUTE_NAMES, n=1)
        raise UsageError(
            "route",
            route,
            "one of " + ", ".join(ROUTE_NAMES),
            f"did you mean {close[0]!r}?" if close else "",
        )
    return _derive(route, size)


def _check_n(n: int | str) -> int | None:
    if n == "general":
        return None
    if isinstance(n, str) and n.strip().isdigit():
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CONCRETE_N:
        raise UsageError(
            "n",
            n,
            f"'general' or an integer from 1 to {MAX_CONCRETE_N}",
            "a concrete n writes every sum out; use 'general' for the proof for every n",
        )
    return n


@functools.lru_cache(maxsize=64)
def _derive(route: str, size: int | None) -> Derivation:
    label: int | str = "general" if size is None else size
    if route == "all":
        parts = tuple(_derive(name, size) for name in ROUTES)
        return Derivation(
            "all",
            label,
            "Every derivation of the softmax derivative",
            "",
            (),
            assumptions=tuple(dict.fromkeys(a for part in parts for a in part.assumptions)),
            parts=parts,
        )
    return check_route(build_route(route, size), label)


def check_route(spec: RouteSpec, n: int | str) -> Derivation:
    """Check every step of ``spec``; raise :class:`DerivationError` at the first that fails.

    This is the one path from a route specification to a :class:`Derivation`; tests feed it
    deliberately corrupted specifications.
    """
    sections = []
    number = 0
    for chain in spec.chains:
        if not satisfiable(spec.setting, chain.conditions):
            # e.g. the case j ≠ i when n = 1: there is nothing to derive
            continue
        steps = []
        previous = chain.start
        for link in chain.links:
            number += 1
            decision = decide(
                previous.expr, link.formula.expr, spec.setting, conditions=chain.conditions
            )
            if decision.verdict is not Verdict.VERIFIED:
                raise DerivationError(spec.name, number, _failure(chain, previous, link, decision))
            steps.append(
                Step(
                    number=number,
                    section=chain.title,
                    previous=previous.expr,
                    expression=link.formula.expr,
                    lhs_latex=previous.latex,
                    rhs_latex=link.formula.latex,
                    lhs_text=previous.text,
                    rhs_text=link.formula.text,
                    justification=link.why,
                    verdict=decision.verdict,
                    method=decision.method,
                    condition=chain.condition_text,
                    route=spec.name,
                )
            )
            previous = link.formula
        sections.append(
            Section(
                title=chain.title,
                intro=chain.intro,
                start_latex=chain.start.latex,
                start_text=chain.start.text,
                steps=tuple(steps),
                condition_latex=chain.condition_latex,
                condition_text=chain.condition_text,
                outro=chain.outro,
            )
        )
    return Derivation(
        route=spec.name,
        n=n,
        title=spec.title,
        summary=spec.summary,
        sections=tuple(sections),
        closing=spec.closing,
        assumptions=spec.setting.assumptions,
        dimensions=_dimensions(spec),
    )


def _dimensions(spec: RouteSpec) -> str:
    dims = spec.setting.dims
    if spec.setting.concrete:
        return ", ".join(f"{name} = {value}" for name, value in dims.items())
    return "general " + " and ".join(dims)


def _failure(chain: Chain, previous: Any, link: Any, decision: Any) -> str:
    where = f"in {chain.title!r}: {previous.text} = {link.formula.text} ({link.why})"
    detail = f"{decision.verdict.value}; {where}"
    if decision.detail:
        detail += f"; {decision.detail}"
    if decision.counterexample:
        detail += f"; counterexample {dict(decision.counterexample)}"
    return detail
