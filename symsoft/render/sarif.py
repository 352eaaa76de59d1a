"""SARIF 2.1.0 (Static Analysis Results Interchange Format) for GitHub code scanning.

One result per step that is not verified, located at the step's line, with a rule per kind of
verdict; a document that cannot be read is a result of the rule ``unreadable-document``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from symsoft import __version__
from symsoft.check.checker import DocumentReport, StepResult
from symsoft.render.text import FAILING, counterexample_text, step_claim
from symsoft.verdict import Verdict

__all__ = ["SARIF_SCHEMA", "render_check"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

#: rule id, what it means, SARIF level (with --strict the undecided ones become errors)
_RULES = (
    ("refuted-step", "A step is false: a counterexample shows the two sides differ.", "error"),
    ("conditional-step", "A step holds only under a condition the text does not state.", "error"),
    ("unread-step", "A step could not be read as mathematics.", "warning"),
    ("undecided-step", "A step was read but neither proved nor refuted in time.", "warning"),
    ("unreadable-document", "The document could not be read.", "error"),
)
_RULE_OF = {
    Verdict.REFUTED: 0,
    Verdict.CONDITIONAL: 1,
    Verdict.NOT_UNDERSTOOD: 2,
    Verdict.NOT_DECIDED: 3,
}


def _uri(path: str) -> str:
    """A relative path with ``/`` under the working directory, else a ``file:`` URI."""
    candidate = Path(path)
    try:
        return candidate.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return candidate.resolve().as_uri() if candidate.is_absolute() else candidate.as_posix()


def _result(rule: int, level: str, text: str, path: str, line: int | None) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if line is not None:
        location["region"] = {"startLine": max(int(line), 1)}
    return {
        "ruleId": _RULES[rule][0],
        "ruleIndex": rule,
        "level": level,
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
    }


def _step(step: StepResult, path: str, strict: bool) -> dict[str, Any] | None:
    rule = _RULE_OF.get(step.verdict)
    if rule is None:
        return None
    level = "error" if step.verdict in FAILING or strict else _RULES[rule][2]
    text = f"{step.verdict.value}: {step_claim(step, 200)}. {step.method}: {step.detail}"
    if step.counterexample:
        text += f" Counterexample: {counterexample_text(step.counterexample)}."
    return _result(rule, level, text, path, step.line)


def render_check(
    reports: Iterable[DocumentReport], errors: Iterable[Any] = (), *, strict: bool = False
) -> str:
    results = [
        found
        for report in reports
        for step in report.steps
        if (found := _step(step, report.path, strict)) is not None
    ]
    results += [_result(4, "error", str(e.error), e.path, None) for e in errors]
    rules = [
        {
            "id": rule_id,
            "name": rule_id.title().replace("-", ""),
            "shortDescription": {"text": description},
            "defaultConfiguration": {"level": level},
        }
        for rule_id, description, level in _RULES
    ]
    driver = {
        "name": "symsoft",
        "version": __version__,
        "informationUri": "https://pypi.org/project/symsoft/",
        "rules": rules,
    }
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
