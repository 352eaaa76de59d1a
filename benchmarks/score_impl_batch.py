"""Score ``symsoft check-impl`` on a batch of implementations with hand-written expectations.

``DIR/expected.json`` lists ``{"target": "file.py:name", "verdict": "pass"|"fail", "mistake": ...,
"contract": ..., "note": ...}``, written before the checker ever ran on the batch. Each target is
checked in its own ``symsoft check-impl --json`` subprocess (with a wall-clock limit), so a target
that hangs or crashes the checker costs one row, not the run. Prints, per target, the expected and
the obtained verdict and, for wrong implementations, the checker's diagnosis next to the expected
mistake (whether a name or description fits the mistake is the reader's call); then the totals:
right verdicts, false alarms (expected pass, got fail), wrong implementations passed, cannot-run,
and wrong ones with a diagnosis.

Run: ``python benchmarks/score_impl_batch.py DIR [--timeout 120] [--json]``
"""

from __future__ import annotations

import argparse
import enum
import json
import os
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Outcome(enum.Enum):
    """What one check-impl run said, read from its exit code."""

    PASS = "pass"
    FAIL = "fail"
    CANNOT_RUN = "cannot-run"


# Documented exit codes of every symsoft command; anything else (a crash, a signal) cannot run.
_OUTCOMES = {0: Outcome.PASS, 1: Outcome.FAIL, 2: Outcome.CANNOT_RUN}


@dataclass(frozen=True)
class Expectation:
    """One hand-written expectation from ``expected.json``."""

    target: str
    verdict: str
    mistake: str
    contract: str


@dataclass(frozen=True)
class Row:
    """One target's expected verdict beside what the checker reported."""

    target: str
    expected: str
    got: str
    exit_code: int | None
    expected_mistake: str
    diagnosis: tuple[str, ...]
    reason: str
    seconds: float | None

    @property
    def right(self) -> bool:
        return self.expected == self.got


@dataclass(frozen=True)
class Score:
    """Totals over a batch."""

    total: int
    right: int
    false_alarms: int
    wrong_passed: int
    cannot_run: int
    wrong_caught: int
    wrong_diagnosed: int


def load_expectations(directory: Path) -> list[Expectation]:
    """Read ``directory/expected.json``; reject entries without a target or a pass/fail verdict."""
    entries = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    expectations = []
    for entry in entries:
        if entry.get("verdict") not in ("pass", "fail") or ":" not in entry.get("target", ""):
            raise SystemExit(f"bad entry in {directory / 'expected.json'}: {entry!r}")
        expectations.append(
            Expectation(
                entry["target"],
                entry["verdict"],
                entry.get("mistake", ""),
                entry.get("contract", ""),
            )
        )
    return expectations


def _diagnosis_lines(report: dict) -> tuple[str, ...]:
    """Render the report's diagnosis entries (catalogue names or structural descriptions)."""
    lines = []
    for item in report.get("diagnosis") or ():
        if isinstance(item, dict):
            name = item.get("name") or item.get("kind") or "?"
            detail = item.get("summary") or item.get("description") or ""
            scope = item.get("scope")
            suffix = f" [{scope}]" if scope and scope != "all cases" else ""
            lines.append(f"{name}: {detail}{suffix}".rstrip(": "))
        else:
            lines.append(str(item))
    return tuple(lines)


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0][:300] if stripped else ""


def _run(command: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``command``; on timeout kill its whole process group (workers it started included)."""
    with subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def run_target(directory: Path, expectation: Expectation, *, timeout: float) -> Row:
    """Run ``symsoft check-impl --json`` on one target in a subprocess and read the outcome."""
    file_name, name = expectation.target.split(":", 1)
    target = f"{directory.resolve() / file_name}:{name}"
    command = [sys.executable, "-m", "symsoft", "check-impl", target, "--json"]
    try:
        done = _run(command, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Row(
            expectation.target,
            expectation.verdict,
            Outcome.CANNOT_RUN.value,
            None,
            expectation.mistake,
            (),
            f"no answer within {timeout:g} s",
            None,
        )
    outcome = _OUTCOMES.get(done.returncode, Outcome.CANNOT_RUN)
    try:
        report = json.loads(done.stdout) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        report = {}
    reason = "" if outcome is not Outcome.CANNOT_RUN else _first_line(done.stderr or done.stdout)
    return Row(
        expectation.target,
        expectation.verdict,
        outcome.value,
        done.returncode,
        expectation.mistake,
        _diagnosis_lines(report) if isinstance(report, dict) else (),
        reason,
        report.get("seconds") if isinstance(report, dict) else None,
    )


def score(rows: list[Row]) -> Score:
    """Count right verdicts, false alarms, wrong ones passed, cannot-run and diagnosed mistakes."""
    wrong = [row for row in rows if row.expected == Outcome.FAIL.value]
    caught = [row for row in wrong if row.got == Outcome.FAIL.value]
    return Score(
        total=len(rows),
        right=sum(row.right for row in rows),
        false_alarms=sum(
            row.expected == Outcome.PASS.value and row.got == Outcome.FAIL.value for row in rows
        ),
        wrong_passed=sum(row.got == Outcome.PASS.value for row in wrong),
        cannot_run=sum(row.got == Outcome.CANNOT_RUN.value for row in rows),
        wrong_caught=len(caught),
        wrong_diagnosed=sum(bool(row.diagnosis) for row in caught),
    )


def _print_rows(rows: list[Row]) -> None:
    print(f"{'target':70} {'expected':>8} {'got':>10}  ")
    for row in rows:
        mark = "ok" if row.right else "MISS"
        print(f"{row.target:70} {row.expected:>8} {row.got:>10}  {mark}")
        if row.reason:
            print(f"    reason: {row.reason}")
        if row.expected == Outcome.FAIL.value:
            print(f"    expected mistake: {row.expected_mistake}")
            for line in row.diagnosis or ("(no diagnosis)",):
                print(f"    diagnosis: {line}")


def _print_score(totals: Score) -> None:
    share = totals.right / totals.total if totals.total else 0.0
    print()
    print(f"right verdicts: {totals.right}/{totals.total} ({share:.0%})")
    print(f"false alarms (expected pass, got fail): {totals.false_alarms}")
    print(f"wrong implementations passed: {totals.wrong_passed}")
    print(f"cannot run: {totals.cannot_run}")
    print(
        f"wrong ones caught with a diagnosis: {totals.wrong_diagnosed}/{totals.wrong_caught}"
        " (compare each diagnosis with the expected mistake above)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="folder holding expected.json and the files")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per target")
    parser.add_argument("--json", action="store_true", help="print rows and totals as JSON")
    args = parser.parse_args(argv)
    rows = [
        run_target(args.directory, expectation, timeout=args.timeout)
        for expectation in load_expectations(args.directory)
    ]
    totals = score(rows)
    if args.json:
        payload = {
            "rows": [asdict(row) | {"right": row.right} for row in rows],
            "score": asdict(totals),
        }
        print(json.dumps(payload, indent=1, ensure_ascii=False))
    else:
        _print_rows(rows)
        _print_score(totals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
