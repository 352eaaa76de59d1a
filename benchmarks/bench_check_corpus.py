"""Measure ``symsoft check`` on the test corpus and on every mutant of the derivations.

Prints, per corpus document, the time, the number of steps, the time per step and how many
steps got the hand-derived verdict; then the false-alarm rate (correct steps reported refuted or
conditional), the rate of planted mistakes reported verified, and the catch rate of the full
mutation suite (every confirmed mutant of every ``derivations/*.md`` step, no cap).

Run: ``python benchmarks/bench_check_corpus.py [--timeout 5] [--no-mutations]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import mutations
from test_corpus import _notebook_lines

from symsoft.check.checker import check_document, check_text

DOCUMENTS = ROOT / "tests" / "documents"
ALARMS = {"refuted", "conditional"}
PASSING = {"verified", "verified-numerically"}


def _accepted(entry: dict) -> set[str]:
    verdict = entry["verdict"]
    return set(verdict) if isinstance(verdict, list) else {verdict}


def bench_corpus(timeout: float) -> tuple[int, int, int, int]:
    """Print per-document figures; return (correct steps, false alarms, planted, planted passed)."""
    print(f"{'document':40} {'time s':>8} {'steps':>6} {'ms/step':>8} {'as expected':>12}")
    correct = alarms = planted = passed = 0
    total_time = total_steps = 0.0
    verdicts: Counter[str] = Counter()
    for path in sorted(p for p in DOCUMENTS.iterdir() if p.suffix in (".md", ".tex", ".ipynb")):
        expected = json.loads((DOCUMENTS / "expected" / f"{path.stem}.json").read_text())
        start = time.perf_counter()
        try:
            report = check_document(str(path), timeout=timeout)
            steps = report.steps
        except Exception as error:  # a crash is a finding to print, not a reason to stop
            print(f"{path.name:40} CRASH {type(error).__name__}: {error}")
            continue
        elapsed = time.perf_counter() - start
        back = {}
        if path.suffix == ".ipynb":
            # expectations use .ipynb file lines; accept joined-markdown lines as the tests do
            pairs = _notebook_lines(path.name)
            if not all(step.line in {line for line, _ in pairs} for step in steps):
                back = {joined: line for line, joined in pairs}
        by_line = defaultdict(list)
        for step in steps:
            by_line[back.get(step.line, step.line)].append(step.verdict.value)
        seen: Counter[int] = Counter()
        hits = 0
        for entry in expected:
            seen[entry["line"]] += 1
            got = by_line.get(entry["line"], [])
            verdict = got[seen[entry["line"]] - 1] if len(got) >= seen[entry["line"]] else None
            hits += verdict in _accepted(entry)
            if entry.get("planted"):
                planted += 1
                passed += verdict in PASSING
            elif "verified" in _accepted(entry):
                correct += 1
                alarms += verdict in ALARMS
        verdicts.update(step.verdict.value for step in steps)
        total_time += elapsed
        total_steps += len(steps)
        per_step = 1000 * elapsed / max(len(steps), 1)
        print(
            f"{path.name:40} {elapsed:8.2f} {len(steps):6d} {per_step:8.0f}"
            f" {hits:5d}/{len(expected):<6d}"
        )
    print(
        f"corpus: {total_steps:.0f} steps in {total_time:.1f} s,"
        f" {1000 * total_time / max(total_steps, 1):.0f} ms per step; verdicts {dict(verdicts)}"
    )
    return correct, alarms, planted, passed


def bench_mutations(timeout: float) -> tuple[int, int, int, int]:
    """Run every confirmed mutant; return (mutants, caught, derivation steps, false alarms)."""
    derivations = sorted((ROOT / "derivations").glob("*.md"))
    if not derivations:
        print("mutations: derivations/ is empty, nothing to mutate")
        return 0, 0, 0, 0
    total = caught = steps_total = false_alarms = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    start = time.perf_counter()
    for path in derivations:
        text = path.read_text(encoding="utf-8")
        report = check_document(str(path), timeout=timeout)
        steps_total += len(report.steps)
        false_alarms += sum(step.verdict.value in ALARMS for step in report.steps)
        lines = Counter(step.line for step in report.steps)
        sites = mutations.find_sites(text)
        dimension = mutations.dimension_of(text)
        per_line = Counter(site.line for site in sites)
        for site in sites:
            if site.line not in lines:
                continue
            starts_chain = any(s.first for s in sites if s.line == site.line)
            if site.first and lines[site.line] < per_line[site.line] - int(starts_chain):
                continue
            for mutant in mutations.mutate_side(site.text):
                if not mutations.confirm(site.text, mutant.text, set(site.conditions), n=dimension):
                    continue
                mutated = mutations.isolate(
                    mutations.apply(text, site, mutant), site.line, set(lines)
                )
                result = check_text(mutated, kind="markdown", timeout=timeout)
                hit = any(step.verdict.value in ALARMS for step in result.steps)
                total += 1
                caught += hit
                by_kind[mutant.kind][0] += hit
                by_kind[mutant.kind][1] += 1
                if not hit:
                    print(f"  missed {path.name}:{site.line} {mutant.kind}: {mutant.text}")
    elapsed = time.perf_counter() - start
    for kind, (hit, count) in sorted(by_kind.items()):
        print(f"  {kind:12} caught {hit}/{count}")
    print(f"mutations: {total} mutants of {len(derivations)} derivations in {elapsed:.1f} s")
    return total, caught, steps_total, false_alarms


def bench_thirty_steps(timeout: float) -> None:
    """Time one realistic 30-step document (the issue's target: within 10 s)."""
    pairs = [("i", "j"), ("k", "l"), ("p", "q"), ("r", "t"), ("a", "b")]
    lines = [r"$$S_m = \frac{e^{z_m}}{\sum_{u=1}^{n} e^{z_u}}$$", ""]
    for i, j in pairs * 2:
        sigma = r"\sum_{u=1}^{n} e^{z_u}"
        lines.append(
            rf"$$\frac{{\partial S_{i}}}{{\partial z_{j}}} = "
            rf"\frac{{\delta_{{{i}{j}}} e^{{z_{i}}} {sigma} - e^{{z_{i}}} e^{{z_{j}}}}}"
            rf"{{\left({sigma}\right)^2}} = \delta_{{{i}{j}}} S_{i} - S_{i} S_{j}"
            rf" = S_{i} (\delta_{{{i}{j}}} - S_{j})$$"
        )
        lines.append("")
    start = time.perf_counter()
    report = check_text("\n".join(lines), kind="markdown", timeout=timeout)
    elapsed = time.perf_counter() - start
    print(
        f"30-step document: {len(report.steps)} steps in {elapsed:.2f} s"
        f" ({1000 * elapsed / max(len(report.steps), 1):.0f} ms per step; target 10 s);"
        f" verdicts {dict(report.summary)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--no-mutations", action="store_true")
    options = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]  # progress
    correct, alarms, planted, passed = bench_corpus(options.timeout)
    bench_thirty_steps(options.timeout)
    total = caught = steps = false_alarms = 0
    if not options.no_mutations:
        total, caught, steps, false_alarms = bench_mutations(options.timeout)
    print()
    print(f"corpus false-alarm rate: {alarms}/{correct} = {alarms / max(correct, 1):.1%}")
    print(f"planted mistakes passed as true: {passed}/{planted} = {passed / max(planted, 1):.1%}")
    if total:
        print(f"mutation catch rate: {caught}/{total} = {caught / total:.1%}")
        print(
            f"derivations false-alarm rate: {false_alarms}/{steps}"
            f" = {false_alarms / max(steps, 1):.1%}"
        )


if __name__ == "__main__":
    main()
