"""HTML reports: a standalone page for ``symsoft check --format html`` and fragments for Jupyter.

Every step is marked by its verdict (a symbol and a colour, with the verdict's name written out
so the mark does not rely on colour) and its evidence (how it was read and decided, the
condition, the counterexample) sits in a ``<details>`` element, one click away. The page
typesets the math with KaTeX when it is installed (see :mod:`symsoft.render.katex`) and needs no
network; without KaTeX it shows the LaTeX source and says so. Jupyter fragments leave the math
between ``\\(`` and ``\\)`` for the notebook's own MathJax.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any

from symsoft.render.katex import find_katex, inline_css, render_math
from symsoft.render.results import Report, Step
from symsoft.render.text import FAILING, counterexample_text
from symsoft.verdict import Verdict

__all__ = [
    "check_fragment",
    "check_page",
    "fragment_page",
    "impl_fragment",
    "verify_fragment",
]

#: mark, colour of each verdict
_MARKS = {
    Verdict.VERIFIED: ("✓", "#1a7f37"),
    Verdict.VERIFIED_NUMERICALLY: ("✓", "#0b7a8a"),
    Verdict.REFUTED: ("✗", "#cf222e"),
    Verdict.CONDITIONAL: ("⚠", "#9a6700"),
    Verdict.NOT_UNDERSTOOD: ("?", "#6e7781"),
    Verdict.NOT_DECIDED: ("?", "#6e7781"),
}

_STYLE = """
.symsoft { font-family: system-ui, sans-serif; line-height: 1.45; color: #1f2328; }
.symsoft h2 { font-size: 1.1em; margin: 1.2em 0 0.3em; font-family: monospace; }
.symsoft ol.steps { list-style: none; padding: 0; margin: 0; }
.symsoft li.step { border-left: 4px solid var(--c); padding: 0.2em 0.8em; margin: 0.5em 0; }
.symsoft .mark { color: var(--c); font-weight: bold; white-space: nowrap; }
.symsoft .line { color: #6e7781; font-size: 0.85em; margin-left: 0.5em; }
.symsoft .math { overflow-x: auto; }
.symsoft details { font-size: 0.9em; margin: 0.2em 0 0.4em; }
.symsoft summary { cursor: pointer; color: #0969da; }
.symsoft .counterexample { color: #cf222e; }
.symsoft code.tex { white-space: pre-wrap; }
.symsoft table { border-collapse: collapse; }
.symsoft td, .symsoft th { padding: 0.15em 0.6em; text-align: left; vertical-align: top; }
.symsoft .note { background: #fff8c5; padding: 0.4em 0.8em; }
"""

Typeset = Callable[[str], str]


def _mark(verdict: Verdict) -> str:
    symbol, _ = _MARKS[verdict]
    return f'<span class="mark" title="{verdict.value}">{symbol} {verdict.value}</span>'


def _colour(verdict: Verdict) -> str:
    return _MARKS[verdict][1]


def _step_tex(step: Step) -> str:
    return f"{step.lhs} = {step.rhs}"


def _evidence(step: Step, *, open_: bool = False) -> str:
    parts = [f"<p><b>{escape(step.method)}</b>: {escape(step.detail)}</p>"]
    if step.condition:
        parts.append(f"<p>holds only when {escape(step.condition)}</p>")
    if step.counterexample:
        example = escape(counterexample_text(step.counterexample))
        parts.append(f'<p class="counterexample">counterexample: {example}</p>')
    tag = "<details open>" if open_ else "<details>"
    return f"{tag}<summary>reading and evidence</summary>{''.join(parts)}</details>"


def _step(step: Step, typeset: Typeset, *, first_failure: bool = False) -> str:
    # a step that was not read is shown as the text it is
    math = typeset(_step_tex(step)) if step.rhs else _raw(step.lhs)
    return (
        f'<li class="step verdict-{step.verdict.value}" data-verdict="{step.verdict.value}" '
        f'style="--c: {_colour(step.verdict)}">{_mark(step.verdict)}'
        f'<span class="line">{step.where}</span><div class="math">{math}</div>'
        f"{_evidence(step, open_=first_failure)}</li>"
    )


def _document(report: Report, typeset: Typeset) -> str:
    summary = ", ".join(f"{count} {verdict}" for verdict, count in report.summary.items())
    # the first failing step shows its evidence without a click: it is what a reader looks for
    first = next((step for step in report.steps if step.verdict in FAILING), None)
    steps = "".join(_step(step, typeset, first_failure=step is first) for step in report.steps)
    return (
        f'<section class="document"><h2>{escape(report.path)}</h2>'
        f'<p>{escape(summary or "no steps found")}</p><ol class="steps">{steps}</ol></section>'
    )


def _errors(errors: Iterable[Any]) -> str:
    return "".join(
        f'<p class="note">cannot check {escape(e.path)}: {escape(str(e.error))}</p>' for e in errors
    )


def _raw(tex: str) -> str:
    return f'<code class="tex">{escape(tex)}</code>'


def check_page(
    reports: Sequence[Report], errors: Iterable[Any] = (), *, title: str = "symsoft check"
) -> str:
    """A standalone HTML page of the reports; math by KaTeX when installed, else as source."""
    texts = [_step_tex(step) for report in reports for step in report.steps if step.rhs]
    rendered = render_math([(tex, True) for tex in texts])
    katex = find_katex()
    if rendered is not None and katex is not None:
        typeset_of = dict(zip(texts, rendered))
        css = inline_css(katex)
        typeset: Typeset = typeset_of.__getitem__
        note = ""
    else:
        css, typeset = "", _raw
        note = (
            '<p class="note">Math is shown as LaTeX source: KaTeX was not found. Install it with '
            "<code>npm install katex</code> in this folder, or set SYMSOFT_KATEX to the folder "
            "of an installed <code>katex</code> package.</p>"
        )
    body = "".join(_document(report, typeset) for report in reports) + _errors(errors)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{css}</style><style>{_STYLE}</style></head>"
        f'<body class="symsoft"><h1>{escape(title)}</h1>{note}{body}</body></html>\n'
    )


def _notebook_math(tex: str) -> str:
    return f"\\[{escape(tex)}\\]"


def check_fragment(reports: Iterable[Report], errors: Iterable[Any] = ()) -> str:
    """Check reports as an HTML fragment for Jupyter (math left to the notebook's MathJax)."""
    body = "".join(_document(report, _notebook_math) for report in reports)
    return f'<div class="symsoft"><style>{_STYLE}</style>{body}{_errors(errors)}</div>'


def verify_fragment(report: Any) -> str:
    """A ``verify`` report: one row per check with its verdict, method and error."""
    rows = []
    for check in report.checks:
        error = "" if check.error is None else f"{check.error:.1e}"
        detail = escape(check.detail)
        if check.counterexample:
            detail += f'<p class="counterexample">{escape(str(dict(check.counterexample)))}</p>'
        rows.append(
            f'<tr style="--c: {_colour(check.verdict)}"><td>{_mark(check.verdict)}</td>'
            f"<td>{escape(check.name)}</td><td>{escape(check.method)}</td><td>{error}</td>"
            f"<td><details><summary>details</summary>{detail}</details></td></tr>"
        )
    head = "PASSED" if report.passed else f"FAILED ({len(report.failures())} checks)"
    return (
        f'<div class="symsoft"><style>{_STYLE}</style><p><b>symsoft verify, n = '
        f"{escape(str(report.n))}: {head}</b></p><table><tr><th>verdict</th><th>check</th>"
        f"<th>method</th><th>error</th><th></th></tr>{''.join(rows)}</table></div>"
    )


def _case_colour(status: str) -> str:
    return {"pass": "#1a7f37", "unsupported": "#6e7781"}.get(status, "#cf222e")


def impl_fragment(report: Any) -> str:
    """A ``check-impl`` report: the verdict, the diagnosis by name, the cases one click away."""
    verdict = report.verdict
    findings = "".join(
        f"<li><b>{escape(f.name)}</b>: {escape(f.summary)}<br>fix: {escape(f.advice)}</li>"
        for f in report.diagnosis
    )
    if not report.passed and not findings:
        findings = "<li>no known pattern matches the outputs</li>"
    cases = "".join(
        f'<tr style="--c: {_case_colour(case.status)}"><td class="mark">'
        f"{escape(case.status)}</td><td>{escape(case.name)}</td><td>{escape(case.detail)}</td></tr>"
        for case in report.cases
    )
    return (
        f'<div class="symsoft"><style>{_STYLE}</style><p style="--c: {_colour(verdict)}">'
        f"{_mark(verdict)} <b>check-impl {escape(report.target)}</b> "
        f"({escape(report.kind)})</p><ul>{findings}</ul><details><summary>"
        f"{len(report.cases)} cases</summary><table>{cases}</table></details></div>"
    )


def fragment_page(fragment: str, title: str) -> str:
    """A standalone page around a ``verify`` or ``check-impl`` fragment (no math to typeset)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>{fragment}</body></html>\n"
    )
