"""Sums and products: ``\\sum`` with its bounds, and sums written out with ``\\dots``.

A written-out sum is recognised only when every written term is the same pattern in one
index: ``e^{x_1} + e^{x_2} + \\dots + e^{x_n}`` is ``Sum(exp(x[k]), (k, 1, n))``; anything
else with dots is refused rather than guessed.

Examples
--------
>>> from symsoft.latex import parse_expression
>>> parse_expression(r"\\sum^{K}_{k=1} e^{z_k}")
Sum(exp(z[k]), (k, 1, K))
>>> parse_expression(r"e^{x_1} + e^{x_2} + \\dots + e^{x_n}")
Sum(exp(x[k]), (k, 1, n))
>>> parse_expression(r"\\sum_{k \\neq i} S_k")
Sum((1 - KroneckerDelta(i, k))*S[k], (k, 1, n))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from symsoft.errors import LatexParseError
from symsoft.latex.context import DOTS
from symsoft.latex.trees import Script, chain_parts, inner_chains, is_token

__all__ = ["big_operator", "collapse_written", "is_sigma_sum"]

_DUMMIES = ("k", "l", "m", "r", "s", "p")
#: At most this many written terms on each side of the dots take part in the pattern.
_WINDOW = 6


def big_operator(cv: Any, script: Script, body: sp.Basic) -> sp.Basic:
    """``\\sum_{k=1}^{n} body`` (or ``\\prod``) with bounds, exclusions and defaults."""
    if script.primes:
        raise cv.fail("a prime on \\sum")
    if script.sub is None:
        raise cv.fail("\\sum without a summation index", script.base)
    indices, lower, upper, excluded = _bounds(cv, script.sub)
    if script.sup is not None:
        if upper is not None:
            raise cv.fail("\\sum with two upper bounds")
        upper = cv.arg_value(script.sup)
    lower = sp.Integer(1) if lower is None else lower
    upper = cv.ctx.dimension_symbol if upper is None else upper
    for index, other in excluded:
        body = body * (1 - sp.KroneckerDelta(index, other))
    limits = [(index, lower, upper) for index in indices]
    kind = sp.Sum if str(script.base) == "sum" else sp.Product
    return kind(body, *limits)


def is_sigma_sum(cv: Any, script: Script, items: list[Any], i: int) -> bool:
    """``\\Sigma_{k=1}^{n} t`` (or ``Σ_{k=1}``) written for ``\\sum``: a capital sigma with bounds.

    Without bounds, ``\\Sigma_k t`` is read as a sum only when the term ``t`` uses ``k`` (as
    in ``\\Sigma_j e^{z_j}``: an entry Σ_j times a term in the same free j would be an odd
    thing to write); otherwise it could be the entry Σ_k of a vector times t and is refused.
    """
    if not (is_token(script.base, "GREEK") and str(script.base) == "Sigma") or script.primes:
        return False
    if script.sub is None or i + 1 >= len(items) or is_token(items[i + 1]):
        return False
    bounded = script.sup is not None or (
        not is_token(script.sub)
        and any(chain_parts(chain)[1] for chain in inner_chains(script.sub))
    )
    if not bounded and not _body_uses_index(cv, script.sub, items[i + 1 :]):
        raise cv.fail("ambiguous \\Sigma_k followed by a term: write \\sum_k", script.base)
    return True


def _body_uses_index(cv: Any, sub: Any, body: list[Any]) -> bool:
    if not is_token(sub, "LETTER"):
        return False
    index = cv.index_symbol(str(sub))
    try:
        value = cv.product(body)
    except LatexParseError:
        return False
    return index in value.free_symbols


def _bounds(cv: Any, sub: Any) -> tuple[list[sp.Symbol], Any, Any, list[tuple[Any, Any]]]:
    if is_token(sub, "LETTER", "GREEK"):
        return [cv.index_symbol(str(sub))], None, None, []
    if is_token(sub):
        raise cv.fail(f"cannot read summation index {sub}", sub)
    indices: list[sp.Symbol] = []
    lower = upper = None
    excluded: list[tuple[Any, Any]] = []
    for chain in inner_chains(sub):
        exprs, ops = chain_parts(chain)
        values = [cv.expr(e) for e in exprs]
        if not ops:
            indices.append(_index(cv, values[0]))
        elif ops == ["="]:
            indices.append(_index(cv, values[0]))
            lower = values[1]
        elif ops == ["!="]:
            index = _index(cv, values[0])
            if index not in indices:
                indices.append(index)
            excluded.append((index, values[1]))
        elif ops in (["<=", "<="], ["<", "<"], ["<=", "<"], ["<", "<="]):
            indices.append(_index(cv, values[1]))
            lower = values[0] + (1 if ops[0] == "<" else 0)
            upper = values[2] - (1 if ops[1] == "<" else 0)
        else:
            raise cv.fail("summation bounds not understood")
    if not indices or len(set(indices)) != len(indices):
        raise cv.fail("summation bounds not understood")
    if excluded and len(indices) > 1:
        raise cv.fail("an exclusion in a multiple sum")
    return indices, lower, upper, excluded


def _index(cv: Any, value: sp.Basic) -> sp.Symbol:
    if not isinstance(value, sp.Symbol) or not value.is_integer:
        raise cv.fail("a summation index that is not a letter")
    return value


def collapse_written(terms: list[Any], fail: Callable[[str], Exception]) -> list[Any]:
    """Replace each run ``t_1 + t_2 + … + t_n`` (``…`` is :data:`DOTS`) by a ``Sum``."""
    out = _generic_terms(list(terms))
    while any(term is DOTS for term in out):
        d = next(i for i, term in enumerate(out) if term is DOTS)
        found = None
        # Writers show a few terms on each side of the dots; a bounded window also keeps a
        # hostile 5,000-term line from costing a cubic search.
        for start in range(max(0, d - _WINDOW), d):
            for end in range(min(len(out) - 1, d + _WINDOW), d, -1):
                found = _match(out[start:d], out[d + 1 : end + 1])
                if found is not None:
                    out[start : end + 1] = [found]
                    break
            if found is not None:
                break
        if found is None:
            raise fail(_breaking_term(out, d))
    return out


def _breaking_term(out: list[Any], d: int) -> str:
    """Why the run around the dots at ``d`` is no sum: the one written term whose removal
    leaves a pattern the other terms (at least two) follow, when there is such a term."""
    before = out[max(0, d - _WINDOW) : d]
    after = out[d + 1 : d + 1 + _WINDOW]
    start = max((i for i, t in enumerate(before) if t is DOTS), default=-1) + 1
    end = min((i for i, t in enumerate(after) if t is DOTS), default=len(after))
    before, after = before[start:], after[:end]
    breaking = []
    for at, term in enumerate(before + after):
        rest_before = [t for i, t in enumerate(before) if i != at]
        rest_after = [t for i, t in enumerate(after) if i != at - len(before)]
        found = _match(rest_before, rest_after)
        if isinstance(found, sp.Sum) and len(rest_before) + len(rest_after) >= 2:
            breaking.append((term, found))
    if len(breaking) == 1:
        term, total = breaking[0]
        return (
            f"in a sum written with dots, the term {term} breaks the pattern {total.function} "
            f"of the other written terms"
        )
    return "a sum written with dots whose terms do not follow one pattern"


def _generic_terms(terms: list[Any]) -> list[Any]:
    """``e^{x_1} + \\dots + e^{x_j} + \\dots + e^{x_n}``: the run with its generic term shown
    between two dots is the Sum of the run without it, when that term is its summand at a
    letter."""
    out = list(terms)
    d = len(out) - 3
    while d > 0:
        if out[d] is DOTS and out[d + 2] is DOTS and out[d + 1] is not DOTS:
            replaced = _collapse_generic(out, d)
            if replaced is not None:
                out = replaced
                d = min(d, len(out) - 3)
                continue
        d -= 1
    return out


def _collapse_generic(out: list[Any], d: int) -> list[Any] | None:
    for start in range(max(0, d - _WINDOW), d):
        for end in range(min(len(out) - 1, d + 2 + _WINDOW), d + 2, -1):
            found = _match(out[start:d], out[d + 3 : end + 1])
            if isinstance(found, sp.Sum) and _shows_summand(found, out[d + 1]):
                return [*out[:start], found, *out[end + 1 :]]
    return None


def _shows_summand(total: sp.Sum, term: Any) -> bool:
    dummy = total.limits[0][0]
    letters = {i for x in term.atoms(sp.Indexed) for i in x.indices if isinstance(i, sp.Symbol)}
    return any(total.function.xreplace({dummy: letter}) == term for letter in letters)


def _match(before: list[Any], after: list[Any]) -> sp.Basic | None:
    """The Sum whose first terms are ``before`` and last terms ``after``, if there is one."""
    if not before or not after or any(t is DOTS for t in before + after):
        return None
    first, last = before[0], after[-1]
    names = {s.name for t in before + after for s in t.free_symbols}
    dummy = sp.Symbol(next(n for n in _DUMMIES if n not in names), integer=True)
    uppers = {i for x in last.atoms(sp.Indexed) for i in x.indices}
    results = set()
    for low in sorted({i for x in first.atoms(sp.Indexed) for i in x.indices if i.is_Integer}):
        template = first.xreplace(
            {
                x: x.base[tuple(dummy if i == low else i for i in x.indices)]
                for x in first.atoms(sp.Indexed)
            }
        )
        for high in uppers:
            if template.xreplace({dummy: high}) != last:
                continue
            if any(template.xreplace({dummy: low + m}) != t for m, t in enumerate(before)):
                continue
            tail = reversed(after)
            if any(template.xreplace({dummy: high - m}) != t for m, t in enumerate(tail)):
                continue
            results.add(sp.Sum(template, (dummy, low, high)))
    return results.pop() if len(results) == 1 else None
