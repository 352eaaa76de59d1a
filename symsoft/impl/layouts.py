"""Input layouts: how single vectors and batches are handed to the user's code.

Single vectors go in as ``(n,)``; when that fails, as a column ``(n, 1)`` and then a row
``(1, n)`` (code that runs on ``(n,)`` but never returns the right shape there, and a Jacobian
that raises on every ``(n,)``, are judged in one of those where every output has the right
shape, preferring one whose outputs a known mistake explains, even when wrong there). Batches
go in as ``(m, n)`` (or ``(n, m)`` with ``samples="columns"``); ``(1, m, n)`` (attention scores
(batch, queries, keys), judged there whenever every output has the right shape), ``(m, n, 1)``,
then ``(1, 1, m, n)`` (attention scores with heads), are fallbacks only for code that raises on
every ``(m, n)`` batch, since code that runs on ``(m, n)`` but is right only on ``(m, n, 1)``
(a forgotten reshape) is wrong. A family of inputs on which the code raises every time is
*unsupported*, not wrong, when the other family runs.

Examples
--------
>>> from symsoft.impl.report import CaseResult
>>> case = CaseResult("batch 3×4 float64", "batch", (3, 4), "float64", "error", detail="raised X")
>>> optional(case).status
'unsupported'
"""

from __future__ import annotations

from typing import Any

from symsoft.impl.battery import Case
from symsoft.impl.calling import Outcome
from symsoft.impl.diagnosis import diagnose
from symsoft.impl.report import CaseResult

__all__ = ["mark_unsupported", "optional", "run_family"]


def optional(result: CaseResult) -> CaseResult:
    """A batch case of a Jacobian that raised or returned another shape: batches are optional."""
    if result.status == "error" or (result.status == "fail" and "shape" in result.detail):
        return _unsupported(result)
    return result


def mark_unsupported(results, notes):
    """Mark a family that raised on every case as unsupported, with a note, if the other runs."""
    # A family that raises on every case is a layout the code does not handle (a backward pass
    # for one vector, a layer for batches): reported as unsupported, judged on the other family.
    marked = list(results)
    for family in ("vector", "batch"):
        mine = [r for r, _ in results if r.family == family]
        others = [r for r, _ in results if r.family != family and r.status != "unsupported"]
        if (
            mine
            and all(r.status == "error" for r in mine)
            and any(r.status != "error" for r in others)
        ):
            what = "single vectors (n,)" if family == "vector" else "batches (m, n)"
            notes.append(f"{what} are not supported: {mine[0].detail}")
            marked = [(_unsupported(r), o) if r.family == family else (r, o) for r, o in marked]
    return marked


def _unsupported(result: CaseResult) -> CaseResult:
    return CaseResult(
        result.name,
        result.family,
        result.shape,
        result.dtype,
        "unsupported",
        detail=result.detail,
        seconds=result.seconds,
    )


#: family -> alternative layouts tried, in order, when the plain one fails: (key, name)
_ALTERNATIVES = {
    "vector": (("column", "column vectors (n, 1)"), ("row", "row vectors (1, n)")),
    "batch": (
        # attention code written for (batch, queries, keys) scores only
        ("scores", "attention scores (1, m, n)"),
        ("column", "batches of columns (m, n, 1)"),
        # attention code written for (batch, heads, queries, keys) scores only
        ("heads", "attention scores (1, 1, m, n)"),
    ),
}


def run_family(run: Any, cases: list[Case], notes: list[str], convention: str):
    """Run one family in its plain layout, and in alternative layouts when that fails."""
    if not cases:
        return [], ""
    family = cases[0].family
    plain_name = "vectors (n,)" if family == "vector" else "batches (m, n)"
    if family == "batch" and run.samples == "columns":
        plain_name = "batches (n, m), samples in columns"
    plain = [run(case, layout="plain") for case in cases]
    if all(r.passed for r, _ in plain):
        return plain, plain_name
    plain_dead = all(r.status == "error" for r, _ in plain)
    sizable = sum(case.z.shape[-1] > 1 for case in cases)
    alternatives = () if family == "batch" and run.samples == "columns" else _ALTERNATIVES[family]
    tried = []
    for key, name in alternatives:
        other = [run(case, layout=key) for case in cases]
        tried.append((name, other))
        other_ok = all(r.passed for r, _ in other)
        if family == "vector":
            chosen = (
                other_ok
                or (_acceptable(other) and not _acceptable(plain))
                or (plain_dead and 2 * _votes(other) >= sizable)
            )
        else:
            # (m, n, 1) is only a fallback for code that cannot take (m, n) at all: a layer
            # that runs on (m, n) but is right only on (m, n, 1) (a forgotten reshape) is wrong.
            # 3-D code is judged as attention code wherever it runs with the right shapes,
            # right or wrong: softmax over axis 1 of (1, m, n) is over the queries, and only a
            # later (m, n, 1) reading would excuse it.
            fits = key == "scores" and all(_shaped(r) for r, _ in other if r.shape[-1] > 1)
            chosen = plain_dead and (_acceptable(other) or 2 * _votes(other) >= sizable or fits)
        if not chosen:
            if other_ok:
                notes.append(f"would pass with {name}, but {plain_name} run and are wrong")
            continue
        if other_ok and not plain_dead:
            notes.append(
                _layout_note(run, cases, plain, run.contract, convention, name, plain_name)
            )
        elif other_ok:
            notes.append(f"takes {name}; {plain_name} {plain[0][0].detail}")
        return other, name
    if family == "vector" and _misfit(plain, run.contract):
        # Written for another layout, and wrong in it: judged there, in a layout where every
        # output has the right shape (n = 1 does not count: any shape squeezes to it). A known
        # mistake there marks the layout the code was written for; a row-wise softmax given a
        # column (n, 1) makes every s_i = 1, and its outputs explain nothing.
        fitting = [
            (name, other)
            for name, other in tried
            if all(_shaped(r) for r, _ in other if r.shape[-1] > 1)
        ]
        explained = [(n, o) for n, o in fitting if _explained(run, cases, o, convention)]
        for name, other in (explained or fitting)[:1]:
            failed = next(r for r, _ in plain if not r.passed and r.shape[-1] > 1)
            notes.append(f"takes {name}; {plain_name} {failed.detail}")
            return other, name
    return plain, plain_name


def _explained(run, cases, results, convention) -> bool:
    evidence = [run.evidence(c, o) for c, (_, o) in zip(cases, results)]
    return bool(diagnose(run.contract, evidence, convention=convention))


def _misfit(plain: list[tuple[CaseResult, Outcome]], contract: str) -> bool:
    """No right-shaped output on (n,): a scalar where a matrix belongs, or (for a Jacobian,
    which must take single vectors; batches are optional) an error on every vector."""
    sized = [r for r, _ in plain if r.shape[-1] > 1]
    if all(r.status == "error" for r, _ in plain):
        return contract == "jacobian"
    return not any(_shaped(r) for r in sized)


def _shaped(result: CaseResult) -> bool:
    return result.status != "error" and "shape" not in result.detail


def _votes(results: list[tuple[CaseResult, Outcome]]) -> int:
    # n = 1 is trivially right in any layout, so it does not vote.
    return sum(r.passed for r, _ in results if r.shape[-1] > 1)


def _acceptable(results: list[tuple[CaseResult, Outcome]]) -> bool:
    # Right wherever the output is finite: an unstable implementation in that layout.
    return all(r.passed or "non-finite" in r.detail for r, _ in results)


def _layout_note(run, cases, results, contract, convention, column_name, plain_name) -> str:
    evidence = [run.evidence(c, o) for c, (_, o) in zip(cases, results)]
    names = [f.name for f in diagnose(contract, evidence, convention=convention)]
    because = f" (diagnosis: {', '.join(names)})" if names else ""
    return f"passes with {column_name}; with {plain_name} it is wrong{because}"
