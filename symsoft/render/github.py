"""GitHub Actions workflow commands: one annotation per step that fails, on its exact line.

A refuted or conditional step is an ``::error``; a step that was not understood or not decided
is a ``::warning`` with ``strict`` (it fails the run then) and a ``::notice`` otherwise; a
document that cannot be read is an ``::error`` on the file. A summary line for the log follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from symsoft.check.checker import DocumentReport, StepResult
from symsoft.render.text import FAILING, UNDECIDED, step_message

__all__ = ["render_check"]


def _data(text: str) -> str:
    """Escape a message as the runner expects (it decodes these before display)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _level(step: StepResult, strict: bool) -> str | None:
    if step.verdict in FAILING:
        return "error"
    if step.verdict in UNDECIDED:
        return "warning" if strict else "notice"
    return None


def annotation(level: str, path: str, message: str, *, line: int | None = None) -> str:
    """One workflow command, e.g. ``::error file=a.md,line=3,title=...::message``."""
    where = f"file={_property(path)}"
    if line is not None:
        where += f",line={line}"
    return f"::{level} {where},title={_property('symsoft check')}::{_data(message)}"


def render_check(
    reports: Iterable[DocumentReport], errors: Iterable[Any] = (), *, strict: bool = False
) -> str:
    errors = tuple(errors)
    lines = []
    steps = failing = 0
    for report in reports:
        for step in report.steps:
            steps += 1
            level = _level(step, strict)
            if level is None:
                continue
            failing += level == "error" or (strict and level == "warning")
            lines.append(annotation(level, report.path, step_message(step), line=step.line))
    for error in errors:
        lines.append(annotation("error", error.path, f"cannot check this file: {error.error}"))
    lines.append(f"symsoft check: {steps} steps, {failing} failing, {len(errors)} unreadable")
    return "\n".join(lines) + "\n"
