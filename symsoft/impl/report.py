"""Result objects of ``check-impl``: one per battery case, and the whole report.

The CLI prints :meth:`ImplReport.to_text` (or :meth:`ImplReport.to_dict` as JSON), and
``symsoft.testing`` raises the same text; the tests read the same objects.

Examples
--------
>>> case = CaseResult("random n=2 float64", "vector", (2,), "float64", "pass", 0.0, 0.0)
>>> case.passed, case.to_dict()["status"]
(True, 'pass')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from symsoft.errors import EXIT_FAILED, EXIT_OK
from symsoft.impl.diagnosis import Finding
from symsoft.impl.difference import Difference
from symsoft.verdict import Verdict

__all__ = ["CaseResult", "ImplReport"]


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one battery case: pass, fail, error (the code raised) or unsupported."""

    name: str
    family: str
    shape: tuple[int, ...]
    dtype: str
    status: str
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    worst_index: tuple[int, ...] | None = None
    detail: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "family": self.family,
            "shape": list(self.shape),
            "dtype": self.dtype,
            "status": self.status,
            "max_abs_error": json_float(self.max_abs_error),
            "max_rel_error": json_float(self.max_rel_error),
            "worst_index": list(self.worst_index) if self.worst_index is not None else None,
            "detail": self.detail,
            "seconds": round(self.seconds, 6),
        }


@dataclass(frozen=True)
class ImplReport:
    """Everything one ``check_implementation`` run found; the CLI and tests read this object."""

    target: str
    kind: str
    kind_reason: str
    input: str
    input_reason: str
    layout: str
    cases: tuple[CaseResult, ...]
    diagnosis: tuple[Finding, ...]
    notes: tuple[str, ...]
    tolerances: dict[str, tuple[float, float]]
    seed: int
    n: int
    first_failure: dict[str, Any] | None
    seconds: float
    user_seconds: float
    #: how the outputs differ from the truth when no catalogue entry names the mistake
    structure: tuple[Difference, ...] = ()
    #: the arguments the implementation modified in place ("the input", ...)
    mutated: tuple[str, ...] = ()
    #: fail on in-place modification of the arguments (otherwise a warning)
    strict: bool = False
    #: the end of what the code wrote to stdout and stderr in its worker process
    output: str = ""

    @property
    def passed(self) -> bool:
        checked = [case for case in self.cases if case.status != "unsupported"]
        if self.strict and self.mutated:
            return False
        return bool(checked) and all(case.passed for case in checked)

    @property
    def verdict(self) -> Verdict:
        return Verdict.VERIFIED_NUMERICALLY if self.passed else Verdict.REFUTED

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.passed else EXIT_FAILED

    def failures(self) -> tuple[CaseResult, ...]:
        return tuple(case for case in self.cases if case.status in ("fail", "error"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "passed": self.passed,
            "verdict": self.verdict.value,
            "kind": self.kind,
            "kind_reason": self.kind_reason,
            "input": self.input,
            "input_reason": self.input_reason,
            "layout": self.layout,
            "n": self.n,
            "seed": self.seed,
            "tolerances": {k: {"rtol": r, "atol": a} for k, (r, a) in self.tolerances.items()},
            "cases": [case.to_dict() for case in self.cases],
            "first_failure": self.first_failure,
            "diagnosis": [finding.to_dict() for finding in self.diagnosis],
            "structure": [difference.to_dict() for difference in self.structure],
            "mutated": list(self.mutated),
            "notes": list(self.notes),
            "seconds": round(self.seconds, 6),
            "user_seconds": round(self.user_seconds, 6),
            "output": self.output,
        }

    def _repr_html_(self) -> str:
        """The report in Jupyter: the verdict, the mistake by name, the cases one click away."""
        from symsoft.render.html import impl_fragment

        return impl_fragment(self)

    def to_text(self) -> str:
        """The report as plain text: the CLI prints it, ``symsoft.testing`` raises it."""
        failed = self.failures()
        head = "PASSED" if self.passed else f"FAILED ({len(failed)} of {len(self.cases)} cases)"
        if self.strict and self.mutated and not failed:
            head = "FAILED (modifies its arguments in place; --strict)"
        elif self.passed and self.mutated:
            head = "PASSED, with a warning: it modifies its arguments in place"
        tol = "; ".join(f"{k} rtol={r:g} atol={a:g}" for k, (r, a) in self.tolerances.items())
        lines = [
            f"check-impl {self.target}: {head}",
            f"kind: {self.kind} ({self.kind_reason})",
            f"input: {self.input} ({self.input_reason}); layout: {self.layout}",
            f"tolerance: {tol}; seed {self.seed}; n {self.n}",
            "cases:",
        ]
        for case in self.cases:
            shape = "×".join(map(str, case.shape))
            error = ""
            if case.max_abs_error is not None:
                at = f" at {case.worst_index}" if case.worst_index is not None else ""
                error = f"max abs {case.max_abs_error:.1e}{at}, rel {case.max_rel_error:.1e}"
            tail = "; ".join(part for part in (error, case.detail) if part)
            lines.append(f"  {case.status.upper():<11} {case.name:<28} {shape:<8} {tail}")
        if self.first_failure:
            f = self.first_failure
            lines.append(f"first failing input: case {f['case']!r}: z = {_short(f['z'])}")
            if f.get("grad") is not None:
                lines.append(f"  grad = {_short(f['grad'])}")
            if f.get("index") is not None:
                lines.append(f"  at {f['index']}: expected {f['expected']!r}, got {f['got']!r}")
        if not self.passed:
            lines.append("diagnosis:")
            if not self.diagnosis:
                lines.append("  no known pattern matches the outputs")
            for difference in self.structure:
                lines.append(f"  structure: {difference.summary}")
                where = f"case {difference.case_name!r} " if difference.case_name else ""
                lines.append(
                    f"    worst element: {where}at {list(difference.index)}: expected "
                    f"{difference.expected!r}, got {difference.got!r}"
                )
            for finding in self.diagnosis:
                lines.append(
                    f"  {finding.name}: {finding.summary} [{finding.variant}; matches "
                    f"{finding.cases} cases, {finding.decisive} of them unlike the right answer"
                    + ("]" if finding.scope == "all cases" else f"; {finding.scope}]")
                )
                lines.append(f"    fix: {finding.advice}")
        lines.extend(f"note: {note}" for note in self.notes)
        if self.output.strip():
            lines.append("output of the code (stdout and stderr, the end):")
            lines.extend(f"  | {line}" for line in self.output.rstrip().splitlines())
        return "\n".join(lines)


def _short(values: Any) -> str:
    """An input for the text report: in full when small, else its shape and first entries."""
    array = np.asarray(values, dtype=float)
    if array.size <= 24:
        return str(values)
    head = ", ".join(f"{v:.6g}" for v in array.ravel()[:6])
    return f"array of shape {array.shape}: [{head}, ...] (in full in --json)"


def json_float(value: float | None) -> float | str | None:
    """A float for JSON: NaN and infinities become strings."""
    if value is None or math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
