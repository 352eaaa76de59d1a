"""JUnit XML for test dashboards: a test suite per document, a test case per step.

A refuted or conditional step is a ``<failure>``; a step that was not understood or not decided
is ``<skipped>`` (a ``<failure>`` with ``strict``); a document that cannot be read is a suite
with one ``<error>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from symsoft.check.checker import DocumentReport, StepResult
from symsoft.render.text import FAILING, UNDECIDED, counterexample_text, step_claim

__all__ = ["render_check", "render_impl", "render_verify"]


def _case(suite: ET.Element, report: DocumentReport, step: StepResult, strict: bool) -> str:
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"{step.where}: {step_claim(step, 120)}",
        classname=report.path,
        file=report.path,
        line=str(step.line),
    )
    body = f"{step.method}: {step.detail}"
    if step.counterexample:
        body += f"\ncounterexample: {counterexample_text(step.counterexample)}"
    if step.verdict in FAILING or (strict and step.verdict in UNDECIDED):
        failure = ET.SubElement(case, "failure", message=step.verdict.value, type="Step")
        failure.text = body
        return "failures"
    if step.verdict in UNDECIDED:
        ET.SubElement(case, "skipped", message=f"{step.verdict.value}: {step.detail}")
        return "skipped"
    ET.SubElement(case, "system-out").text = f"{step.verdict.value} ({body})"
    return "passed"


def render_check(
    reports: Iterable[DocumentReport], errors: Iterable[Any] = (), *, strict: bool = False
) -> str:
    root = ET.Element("testsuites", name="symsoft check")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for report in reports:
        suite = ET.SubElement(root, "testsuite", name=report.path)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for step in report.steps:
            counts["tests"] += 1
            outcome = _case(suite, report, step, strict)
            if outcome in counts:
                counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for error in errors:
        suite = ET.SubElement(root, "testsuite", name=error.path, tests="1", errors="1")
        suite.set("failures", "0")
        suite.set("skipped", "0")
        case = ET.SubElement(suite, "testcase", name="read document", classname=error.path)
        ET.SubElement(case, "error", message="cannot check this file", type="Document").text = str(
            error.error
        )
        totals["tests"] += 1
        totals["errors"] += 1
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _document(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(name: str, cases: list[tuple[str, str, str]]) -> str:
    """A one-suite document; each case is (name, outcome, text) with outcome pass, failure,
    error or skipped."""
    root = ET.Element("testsuites", name=name)
    suite = ET.SubElement(root, "testsuite", name=name)
    counts = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
    for case_name, outcome, text in cases:
        case = ET.SubElement(suite, "testcase", name=case_name, classname=name)
        if outcome == "pass":
            ET.SubElement(case, "system-out").text = text
            continue
        counts[{"failure": "failures", "error": "errors", "skipped": "skipped"}[outcome]] += 1
        if outcome == "skipped":
            ET.SubElement(case, "skipped", message=text)
        else:
            ET.SubElement(case, outcome, message=text.split("\n", 1)[0]).text = text
    for element in (root, suite):
        for key, value in counts.items():
            element.set(key, str(value))
    return _document(root)


def render_impl(report: Any) -> str:
    """``check-impl``: a test case per battery case; the diagnosis in every failure."""
    diagnosis = "; ".join(f"{f.name}: {f.summary} (fix: {f.advice})" for f in report.diagnosis)
    outcome = {"pass": "pass", "fail": "failure", "error": "error", "unsupported": "skipped"}
    cases = []
    for case in report.cases:
        text = case.detail or case.status
        if case.status in ("fail", "error") and diagnosis:
            text = f"{text}\ndiagnosis: {diagnosis}"
        cases.append((case.name, outcome.get(case.status, "error"), text))
    return _suite(f"check-impl {report.target}", cases)


def render_verify(report: Any) -> str:
    """``verify``: a test case per check (a route, an identity, a numeric comparison)."""
    cases = []
    for check in report.checks:
        text = f"{check.verdict.value}: {check.method}; {check.detail}".rstrip("; ")
        if check.counterexample:
            text += f"\ncounterexample: {dict(check.counterexample)}"
        cases.append((check.name, "pass" if check.passed else "failure", text))
    return _suite(f"verify n={report.n}", cases)
