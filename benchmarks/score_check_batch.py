"""Score ``symsoft check`` on a directory of documents against hand-written expectations.

``DIR`` holds documents (``.md``, ``.tex``, ``.ipynb``) and ``DIR/expected/<stem>.json``, each a
list of ``{"line": N, "verdict": ..., "note": ..., "planted": true?}`` as in
``tests/documents/expected`` (see the docstring of ``tests/test_corpus.py``): ``verdict`` is one
verdict or a list of acceptable ones, steps are matched by line and by their order on the line.

Printed figures:

- wrong steps caught: planted steps reported ``refuted`` or ``conditional``;
- false alarms: other listed steps reported ``refuted``/``conditional`` although that verdict is
  not acceptable, and alarms on steps the expectations do not list (each with ``file:line``);
- correct steps verified: steps whose only acceptable verdict is ``verified`` that come out
  ``verified`` or ``verified-numerically``;
- first error located: the first planted step in document order is flagged and no step before it
  is a false alarm;
- how many listed steps were ``not-understood``, ``not-decided`` or not reported at all;
- the time of every document (each runs in its own process, stopped after ``--timeout``).

Run: ``python benchmarks/score_check_batch.py DIR [--timeout 120] [--step-timeout 5] [--json]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ALARMS = {"refuted", "conditional"}
PASSING = {"verified", "verified-numerically"}
SUFFIXES = (".md", ".tex", ".ipynb")


@dataclass
class DocumentScore:
    """What happened to one document."""

    name: str
    seconds: float
    status: str = "ok"
    steps: int = 0
    planted: int = 0
    caught: int = 0
    must_verify: int = 0
    verified: int = 0
    first_error_located: bool | None = None
    false_alarms: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    verdicts: dict[str, int] = field(default_factory=dict)
    #: verdicts of the listed steps ("missing" when no step was reported there)
    listed: dict[str, int] = field(default_factory=dict)


def _accepted(entry: dict[str, Any]) -> set[str]:
    verdict = entry["verdict"]
    return set(verdict) if isinstance(verdict, list) else {verdict}


def _run(path: str, step_timeout: float, queue: Any) -> None:
    """Child process: check one document and send its steps back as plain data."""
    try:
        from symsoft.check.checker import check_document

        report = check_document(path, timeout=step_timeout)
        steps = [(s.line, s.verdict.value, f"{s.lhs} = {s.rhs}", s.detail) for s in report.steps]
        queue.put(("ok", steps))
    except Exception as error:  # a crash is a finding to report, not a reason to stop
        queue.put(("crash", f"{type(error).__name__}: {error}"))


def _check(path: Path, timeout: float, step_timeout: float) -> tuple[str, Any, float]:
    queue: Any = multiprocessing.Queue()
    start = time.perf_counter()
    child = multiprocessing.Process(target=_run, args=(str(path), step_timeout, queue))
    child.start()
    try:
        status, payload = queue.get(timeout=timeout)
    except Exception:
        status, payload = "timeout", f"no answer within {timeout:.0f} s"
    child.join(5)
    if child.is_alive():
        child.kill()
        child.join()
    return status, payload, time.perf_counter() - start


def _by_line(steps: list[tuple[int, str, str, str]]) -> dict[int, list[tuple]]:
    """Steps grouped by line; a notebook's steps already carry the line of the .ipynb file."""
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for step in steps:
        grouped[step[0]].append(step)
    return grouped


def score_document(
    path: Path, expected: list[dict], timeout: float, step_timeout: float
) -> DocumentScore:
    """Run the checker on one document and compare every step with its expectation."""
    status, payload, seconds = _check(path, timeout, step_timeout)
    score = DocumentScore(path.name, seconds, status)
    score.planted = sum(bool(e.get("planted")) for e in expected)
    steps = payload if status == "ok" else []
    score.steps = len(steps)
    score.verdicts = dict(Counter(step[1] for step in steps))
    grouped = _by_line(steps)
    seen: Counter[int] = Counter()
    # (line, position, planted, flagged, false alarm) in document order, for the first error
    order: list[tuple[int, int, bool, bool, bool]] = []
    for entry in expected:
        line = entry["line"]
        seen[line] += 1
        got = grouped.get(line, [])
        step = got[seen[line] - 1] if len(got) >= seen[line] else None
        verdict = step[1] if step else "missing"
        where = f"{path.name}:{line}#{seen[line]}"
        said = f"{where} {verdict}" + (f" [{step[2][:90]}] {step[3][:160]}" if step else "")
        accepted = _accepted(entry)
        score.listed[verdict] = score.listed.get(verdict, 0) + 1
        false_alarm = verdict in ALARMS and verdict not in accepted and not entry.get("planted")
        if entry.get("planted"):
            score.caught += verdict in ALARMS
            if verdict not in ALARMS:
                score.misses.append(said)
        if false_alarm:
            score.false_alarms.append(said)
        if accepted == {"verified"} and not entry.get("planted"):
            score.must_verify += 1
            score.verified += verdict in PASSING
            if verdict not in PASSING:
                score.unverified.append(said)
        order.append((line, seen[line], bool(entry.get("planted")), verdict in ALARMS, false_alarm))
    for line, got in grouped.items():
        for position, step in enumerate(got[seen.get(line, 0) :], start=seen.get(line, 0) + 1):
            if step[1] in ALARMS:
                said = f"{path.name}:{line}#{position} {step[1]} (not listed) [{step[2][:90]}]"
                score.false_alarms.append(said + f" {step[3][:160]}")
                order.append((line, position, False, True, True))
    if score.planted:
        order.sort()
        first = next(i for i, item in enumerate(order) if item[2])
        clean_before = not any(item[4] for item in order[:first])
        score.first_error_located = order[first][3] and clean_before
    return score


def _totals(scores: list[DocumentScore]) -> dict[str, Any]:
    listed: Counter[str] = Counter()
    for score in scores:
        listed.update(score.listed)
    with_error = [s for s in scores if s.planted]
    return {
        "documents": len(scores),
        "wrong_steps": sum(s.planted for s in scores),
        "caught": sum(s.caught for s in scores),
        "false_alarms": sum(len(s.false_alarms) for s in scores),
        "must_verify": sum(s.must_verify for s in scores),
        "verified": sum(s.verified for s in scores),
        "documents_with_error": len(with_error),
        "first_error_located": sum(bool(s.first_error_located) for s in with_error),
        "listed_steps": sum(listed.values()),
        "not_understood": listed["not-understood"],
        "not_decided": listed["not-decided"],
        "missing": listed["missing"],
        "seconds": round(sum(s.seconds for s in scores), 2),
    }


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else f"{part}/0"


def render(scores: list[DocumentScore], totals: dict[str, Any]) -> str:
    """The human-readable report."""
    lines = [f"{'document':42} {'time s':>7} {'steps':>5} {'caught':>7} {'verified':>9} first"]
    for s in scores:
        first = "-" if s.first_error_located is None else ("yes" if s.first_error_located else "no")
        status = "" if s.status == "ok" else f"  {s.status.upper()}"
        lines.append(
            f"{s.name:42} {s.seconds:7.1f} {s.steps:5d} {s.caught:3d}/{s.planted:<3d}"
            f" {s.verified:4d}/{s.must_verify:<4d} {first}{status}"
        )
    t = totals
    lines += [
        "",
        f"wrong steps caught:       {_pct(t['caught'], t['wrong_steps'])}",
        f"false alarms:             {t['false_alarms']}",
        f"correct steps verified:   {_pct(t['verified'], t['must_verify'])}",
        f"first error located:      {_pct(t['first_error_located'], t['documents_with_error'])}",
        f"listed steps {t['listed_steps']}: not-understood {t['not_understood']},"
        f" not-decided {t['not_decided']}, not reported {t['missing']}",
        f"time: {t['seconds']} s for {t['documents']} documents",
    ]
    for title, attribute in (
        ("False alarms", "false_alarms"),
        ("Missed wrong steps", "misses"),
        ("Must-verify steps not verified", "unverified"),
    ):
        items = [item for s in scores for item in getattr(s, attribute)]
        lines += ["", f"{title} ({len(items)}):", *(f"  {item}" for item in items)]
    crashes = [f"  {s.name}: {s.status}" for s in scores if s.status != "ok"]
    if crashes:
        lines += ["", "Documents that did not finish:", *crashes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per document")
    parser.add_argument("--step-timeout", type=float, default=5.0, help="check_document timeout")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    folder = args.directory
    if not (folder / "expected").is_dir():
        print(f"error: {folder}/expected is not a directory", file=sys.stderr)
        return 2
    documents = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES)
    expected = {}
    for path in documents:
        source = folder / "expected" / f"{path.stem}.json"
        if source.is_file():
            expected[path.name] = json.loads(source.read_text(encoding="utf-8"))
    scores = []
    for path in documents:
        if path.name not in expected:
            print(f"skipped {path.name}: no expectations", file=sys.stderr)
            continue
        scores.append(score_document(path, expected[path.name], args.timeout, args.step_timeout))
    totals = _totals(scores)
    if args.json:
        print(json.dumps({"totals": totals, "documents": [asdict(s) for s in scores]}, indent=2))
    else:
        print(render(scores, totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
