"""Plain text of check results, shared by every format that carries a message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from symsoft.render.results import Report, Step
from symsoft.verdict import Verdict

__all__ = [
    "FAILING",
    "UNDECIDED",
    "counterexample_text",
    "render_check",
    "step_claim",
    "step_message",
]


#: the verdicts that make ``symsoft check`` exit 1
FAILING = (Verdict.REFUTED, Verdict.CONDITIONAL)
#: the verdicts that make it exit 1 only with ``--strict``
UNDECIDED = (Verdict.NOT_UNDERSTOOD, Verdict.NOT_DECIDED)


def step_claim(step: Step, limit: int = 100) -> str:
    """The step as written, on one line, shortened to ``limit`` characters."""
    shown = f"{step.lhs} = {step.rhs}" if step.rhs else step.lhs
    shown = " ".join(shown.split())
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def counterexample_text(example: Mapping[str, Any]) -> str:
    """A counterexample as ``n = 3; i = 1, j = 2; z_1 = 0.5; lhs = ..., rhs = ...``."""
    parts = []
    if example.get("n") is not None:
        parts.append(f"n = {example['n']}")
    indices = example.get("indices") or {}
    if indices:
        parts.append(", ".join(f"{k} = {v}" for k, v in indices.items()))
    logits = example.get("logits") or {}
    if logits:
        # every digit the comparison used, so that plugging the values in reproduces lhs, rhs
        parts.append(", ".join(f"{k} = {v!r}" for k, v in logits.items()))
    functions = example.get("functions") or {}
    if functions:
        parts.append(", ".join(f"{k}(x) = {v}" for k, v in functions.items()))
    parts.append(f"lhs = {example.get('lhs')}, rhs = {example.get('rhs')}")
    return "; ".join(parts)


def step_message(step: Step) -> str:
    """What a CI annotation says about a step: the verdict, the claim, the evidence."""
    message = f"{step.verdict.value}: {step_claim(step)} ({step.method}: {step.detail})"
    if step.counterexample:
        message += f"; counterexample: {counterexample_text(step.counterexample)}"
    return message


def render_check(reports: Iterable[Report], errors: Iterable[Any] = ()) -> str:
    """The text report of ``symsoft check``, without colour (for ``--output FILE``)."""
    lines: list[str] = []
    for report in reports:
        lines.append(report.path)
        if not report.steps:
            lines.append("  no steps found (no equation between two expressions)")
        for step in report.steps:
            lines.append(f"  {step.where:<9} {step.verdict.value:<21} {step_claim(step)}")
            lines.append(f"             {step.method}: {step.detail}")
            if step.counterexample:
                example = counterexample_text(step.counterexample)
                lines.append(f"             counterexample: {example}")
        lines.extend(f"  definition: {definition}" for definition in report.definitions)
        summary = ", ".join(f"{count} {verdict}" for verdict, count in report.summary.items())
        lines.append(f"  summary: {summary or 'no steps'}")
    lines.extend(f"error: {error.error}" for error in errors)
    return "\n".join(lines) + "\n"
