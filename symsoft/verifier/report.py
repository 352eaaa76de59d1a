"""Result objects shared by ``verify`` (fixed n) and the proof for general n.

Library code returns these; the CLI, the JSON output and the tests all read the same objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from symsoft.verdict import Verdict

__all__ = ["CheckResult", "VerifyReport"]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one named check, with how it was reached and what it cost."""

    name: str
    method: str
    verdict: Verdict
    seconds: float
    detail: str = ""
    #: largest absolute error of a numeric comparison, if the check was numeric
    error: float | None = None
    #: where a check failed: indices, logits and both values
    counterexample: Mapping[str, Any] | None = None
    #: per-entry evidence (i, j 1-based, derived, expected, verdict, method); all entries for
    #: small n, the failing ones otherwise
    entries: tuple[Mapping[str, Any], ...] = ()

    @property
    def passed(self) -> bool:
        return self.verdict.passed

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "method": self.method,
            "passed": self.passed,
            "verdict": self.verdict.value,
            "seconds": round(self.seconds, 6),
            "detail": self.detail,
            "error": self.error,
            "counterexample": dict(self.counterexample) if self.counterexample else None,
            "entries": [dict(entry) for entry in self.entries],
        }


@dataclass(frozen=True)
class VerifyReport:
    """All checks of one ``verify`` run; ``n`` is an int or ``"general"``."""

    n: int | str
    checks: tuple[CheckResult, ...]
    seed: int | None = None
    tol: float | None = None
    assumptions: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def check(self, name: str) -> CheckResult:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "passed": self.passed,
            "seed": self.seed,
            "tol": self.tol,
            "assumptions": list(self.assumptions),
            "checks": [check.to_dict() for check in self.checks],
        }

    def _repr_html_(self) -> str:
        """The report in Jupyter: one row per check, marked by its verdict."""
        from symsoft.render.html import verify_fragment

        return verify_fragment(self)
