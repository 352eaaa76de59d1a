"""Mutation suite: value-changing mutants of the project's own derivations are all caught.

Every step of every ``derivations/*.md`` is mutated at the LaTeX text level by
``tests/mutations.py`` (flip a sign, swap i and j in one place, drop a Kronecker delta, change a
sum's bound or index, e^{z_i} for e^{z_j}, square a term). A mutant is kept only when that
module's own evaluator, which shares no code with symsoft, shows that the side's value changed
under the index conditions of its section. Each kept mutant must make the checker report a step
``refuted`` or ``conditional``; the unmutated documents must give no alarm at all.

To keep this file fast, each display block holding steps gets one confirmed mutant here,
the kinds taken in turn so that every kind is exercised (``select_mutants``);
``benchmarks/bench_check_corpus.py`` runs every confirmed mutant and prints the full catch rate.
Tests are parametrized per document and mutation kind; a known miss gets an entry in
``KNOWN_MISSES`` (strict xfail).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

import pytest

check = pytest.importorskip("symsoft.check.checker")

#: the whole module is in the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

sys.path.insert(0, str(Path(__file__).parent))
import mutations  # noqa: E402  (the helper lives next to the tests on purpose)

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = sorted((ROOT / "derivations").glob("*.md"))
ALARMS = {"refuted", "conditional"}
KINDS = (
    "flip-sign",
    "swap-index",
    "drop-delta",
    "sum-bound",
    "sum-index",
    "exp-index",
    "square",
    "drop-factor",
    "exp-sign",
)

#: "<document>-<kind>" -> why the checker currently misses mutants of that kind.
KNOWN_MISSES: dict[str, str] = {}

if not DERIVATIONS:
    pytest.skip("derivations/ holds no documents yet", allow_module_level=True)


@functools.cache
def _report(path: Path) -> Any:
    return check.check_document(str(path))


def _step_lines(path: Path) -> dict[int, int]:
    counts: dict[int, int] = {}
    for step in _report(path).steps:
        counts[step.line] = counts.get(step.line, 0) + 1
    return counts


@functools.cache
def confirmed_mutants(path: Path) -> list[tuple[mutations.Site, mutations.Mutant]]:
    """Mutants of sides that take part in a checked step and really change the value."""
    text = path.read_text(encoding="utf-8")
    steps = _step_lines(path)
    sites = mutations.find_sites(text)
    dimension = mutations.dimension_of(text)
    per_line: dict[int, int] = {}
    for site in sites:
        per_line[site.line] = per_line.get(site.line, 0) + 1
    kept = []
    for site in sites:
        if site.line not in steps:
            continue  # a definition or prose relation, not a step
        starts_chain = any(s.first for s in sites if s.line == site.line)
        if site.first and steps[site.line] < per_line[site.line] - int(starts_chain):
            continue  # the chain's first side is a name being defined
        for mutant in mutations.mutate_side(site.text):
            if mutations.confirm(site.text, mutant.text, set(site.conditions), n=dimension):
                kept.append((site, mutant))
    return kept


def run_mutant(path: Path, site: mutations.Site, mutant: mutations.Mutant) -> tuple[bool, str]:
    """Check the mutated document; (caught?, what the checker said about that line).

    Earlier blocks of steps are blanked (``mutations.isolate``): the checker's answer on the
    mutated step does not depend on them, and re-checking them for every mutant is slow.
    """
    text = path.read_text(encoding="utf-8")
    steps = set(_step_lines(path))
    mutated = mutations.isolate(mutations.apply(text, site, mutant), site.line, steps)
    report = check.check_text(mutated, kind="markdown", path=f"{path.name}[{mutant.kind}]")
    caught = any(step.verdict.value in ALARMS for step in report.steps)
    said = "; ".join(
        f"{s.line}: {s.verdict.value}" for s in report.steps if abs(s.line - site.line) <= 1
    )
    return caught, said


@functools.cache
def select_mutants(path: Path) -> tuple[tuple[mutations.Site, mutations.Mutant], ...]:
    """One confirmed mutant per display block, choosing the kind used least so far."""
    text = path.read_text(encoding="utf-8")
    block_of = {number: block for block, number, *_ in mutations.math_lines(text)}
    by_block: dict[int, list[tuple[mutations.Site, mutations.Mutant]]] = {}
    for site, mutant in confirmed_mutants(path):
        by_block.setdefault(block_of[site.line], []).append((site, mutant))
    used = dict.fromkeys(KINDS, 0)
    chosen = []
    for candidates in by_block.values():
        site, mutant = min(candidates, key=lambda c: (used[c[1].kind], KINDS.index(c[1].kind)))
        used[mutant.kind] += 1
        chosen.append((site, mutant))
    return tuple(chosen)


def _cases() -> list[Any]:
    cases = []
    for path in DERIVATIONS:
        for kind in KINDS:
            case_id = f"{path.name}-{kind}"
            marks = []
            if case_id in KNOWN_MISSES:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[case_id]))
            cases.append(pytest.param(path, kind, id=case_id, marks=marks))
    return cases


@pytest.mark.parametrize("path", DERIVATIONS, ids=[p.name for p in DERIVATIONS])
def test_unmutated_derivation_has_no_false_alarm(path: Path) -> None:
    """The canonical derivation itself gives no refuted or conditional step."""
    report = _report(path)
    assert report.steps, f"{path.name}: the checker found no steps"
    alarms = [
        f"{s.line}: {s.lhs} = {s.rhs} -> {s.verdict.value} {s.detail}"
        for s in report.steps
        if s.verdict.value in ALARMS
    ]
    assert not alarms, f"{path.name}: false alarms:\n  " + "\n  ".join(alarms)


@pytest.mark.parametrize(("path", "kind"), _cases())
def test_mutants_are_caught(path: Path, kind: str) -> None:
    """Each confirmed value-changing mutant of this kind is refuted or conditional."""
    chosen = [(s, m) for s, m in select_mutants(path) if m.kind == kind]
    if not chosen:
        pytest.skip(f"no confirmed {kind} mutant in {path.name}")
    missed = []
    for site, mutant in chosen:
        caught, said = run_mutant(path, site, mutant)
        if not caught:
            missed.append(f"line {site.line}: {site.text!r} -> {mutant.text!r} ({said})")
    # the suite reports its catch rate per case (visible with -s)
    print(f"{path.name} {kind}: caught {len(chosen) - len(missed)}/{len(chosen)}")  # noqa: T201
    assert not missed, f"{path.name}: {kind} mutants passed unnoticed:\n  " + "\n  ".join(missed)


def test_the_evaluator_can_fail() -> None:
    """The independent evaluator tells a wrong Jacobian entry from the right one."""
    env = mutations.Env(n=4, indices={"i": 1, "j": 3}, seed=5)
    right = mutations.evaluate(r"\frac{\partial S_i}{\partial z_j}", env)
    assert abs(right - mutations.evaluate(r"- S_i S_j", env)) < 1e-25
    assert abs(right - mutations.evaluate(r"S_i (1 - S_j)", env)) > 1e-3
