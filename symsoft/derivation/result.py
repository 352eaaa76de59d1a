"""A checked derivation as a result object, and its Markdown, LaTeX and text forms.

Prose (intros, justifications) is Markdown with inline ``$...$`` math; it is turned into
``\\text{...}`` pieces for LaTeX and into Unicode for the terminal. Only checked steps reach
this module: :func:`symsoft.derivation.build.check_route` raises before a failing step exists.

Examples
--------
>>> prose_to_text("cancel $e^{-c}$, which is positive")
'cancel e^-c, which is positive'
>>> prose_to_latex("definition of $S_i$")
'\\\\text{definition of }S_i'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from symsoft.derivation.typeset import math_to_text
from symsoft.verdict import Verdict

__all__ = [
    "Derivation",
    "Section",
    "Step",
    "prose_to_latex",
    "prose_to_text",
    "to_latex",
    "to_markdown",
    "to_text",
]

_INLINE = re.compile(r"\$([^$]+)\$")
_UNICODE_TO_LATEX = {
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "…": r"\ldots{}",
    "−": "-",
    "–": "--",
    "—": "---",
    "×": r"$\times$",
    "≠": r"$\neq$",
}


@dataclass(frozen=True)
class Step:
    """One checked step ``previous = expression`` with its justification and verdict."""

    number: int
    section: str
    previous: Any
    expression: Any
    lhs_latex: str
    rhs_latex: str
    lhs_text: str
    rhs_text: str
    justification: str
    verdict: Verdict
    method: str
    condition: str = ""
    route: str = ""

    @property
    def latex(self) -> str:
        """The step as one LaTeX equation."""
        return f"{self.lhs_latex} = {self.rhs_latex}"

    @property
    def text(self) -> str:
        """The step as one line of Unicode text."""
        return f"{self.lhs_text} = {self.rhs_text}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "route": self.route,
            "section": self.section,
            "latex": self.latex,
            "text": self.text,
            "justification": prose_to_text(self.justification),
            "condition": self.condition or None,
            "verdict": self.verdict.value,
            "method": self.method,
        }


@dataclass(frozen=True)
class Section:
    """A titled equation chain with the prose around it."""

    title: str
    intro: str
    start_latex: str
    start_text: str
    steps: tuple[Step, ...]
    condition_latex: str = ""
    condition_text: str = ""
    outro: str = ""


@dataclass(frozen=True)
class Derivation:
    """A checked derivation: a route's sections (or, for ``all``, its parts)."""

    route: str
    n: int | str
    title: str
    summary: str
    sections: tuple[Section, ...]
    closing: str = ""
    assumptions: tuple[str, ...] = ()
    parts: tuple[Derivation, ...] = field(default=())
    #: "general n", "general m and n", "n = 3", "m = 2, n = 3"
    dimensions: str = ""

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step, in order."""
        if self.parts:
            return tuple(step for part in self.parts for step in part.steps)
        return tuple(step for section in self.sections for step in section.steps)

    @property
    def passed(self) -> bool:
        """True when every step verified (always, for a derivation that was returned)."""
        return all(step.verdict.passed for step in self.steps)

    def to_markdown(self) -> str:
        """Prose and ``$$`` blocks; renders on GitHub and in Jupyter."""
        return to_markdown(self)

    def to_latex(self, *, standalone: bool = False) -> str:
        """An ``align*`` block, or with ``standalone=True`` a complete amsmath document."""
        return to_latex(self, standalone=standalone)

    def to_text(self) -> str:
        """Unicode text for a terminal."""
        return to_text(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: route, n, assumptions and the steps with their verdicts."""
        payload: dict[str, Any] = {"route": self.route, "n": self.n, "title": self.title}
        if self.parts:
            payload["routes"] = [part.route for part in self.parts]
        payload["assumptions"] = list(self.assumptions)
        payload["steps"] = [step.to_dict() for step in self.steps]
        return payload

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return "$$" + self.to_latex().replace("align*", "aligned") + "$$"


def prose_to_text(prose: str) -> str:
    """Markdown prose with inline math → Unicode text."""
    return _INLINE.sub(lambda match: math_to_text(match.group(1)), prose).replace("`", "")


def prose_to_latex(prose: str) -> str:
    """Markdown prose with inline math → a math-mode fragment of ``\\text`` and formulas."""
    pieces = []
    position = 0
    for match in _INLINE.finditer(prose):
        if match.start() > position:
            pieces.append(f"\\text{{{_escape_text(prose[position : match.start()])}}}")
        pieces.append(match.group(1))
        position = match.end()
    if position < len(prose):
        pieces.append(f"\\text{{{_escape_text(prose[position:])}}}")
    return "".join(pieces)


def _escape_text(text: str) -> str:
    out = text.replace("\\", r"\textbackslash{}").replace("`", "")
    for char in "&%#_{}":
        out = out.replace(char, "\\" + char)
    for char, replacement in _UNICODE_TO_LATEX.items():
        out = out.replace(char, replacement.replace("$", ""))
    return out


def _document_prose(prose: str) -> str:
    # prose in a standalone document: text outside $...$ is escaped, math kept as written
    pieces = []
    position = 0
    for match in _INLINE.finditer(prose):
        pieces.append(_escape_document(prose[position : match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(_escape_document(prose[position:]))
    return "".join(pieces)


def _escape_document(text: str) -> str:
    out = re.sub(r"`([^`]*)`", r"\\texttt{\1}", text)
    for char in "&%#":
        out = out.replace(char, "\\" + char)
    for char, replacement in _UNICODE_TO_LATEX.items():
        out = out.replace(char, replacement)
    return out


def _label(derivation: Derivation) -> str:
    if derivation.dimensions:
        return f"for {derivation.dimensions}"
    return "for general n" if derivation.n == "general" else f"for n = {derivation.n}"


def _command(derivation: Derivation, fmt: str) -> str:
    n = "" if derivation.n == "general" else f" --n {derivation.n}"
    return f"symsoft derive --route {derivation.route}{n} --format {fmt}"


def _aligned(section: Section) -> str:
    lines = []
    for position, step in enumerate(section.steps):
        left = section.start_latex if position == 0 else ""
        condition = (
            f" {section.condition_latex}" if position == 0 and section.condition_latex else ""
        )
        lines.append(f"{left} &= {step.rhs_latex}{condition}".lstrip())
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def to_markdown(derivation: Derivation) -> str:
    """The derivation as Markdown for a student: prose, ``$$`` blocks, numbered reasons."""
    if derivation.parts:
        return "\n\n".join(to_markdown(part) for part in derivation.parts)
    out = [f"# {derivation.title}, {_label(derivation)}", ""]
    out += [derivation.summary, ""]
    out += [
        f"*Generated by `{_command(derivation, 'markdown')}`. Each numbered step below was "
        "machine-checked when this document was generated.*",
        "",
    ]
    for number, section in enumerate(derivation.sections, start=1):
        out += [f"## {number}. {section.title}", ""]
        if section.intro:
            out += [section.intro, ""]
        out += ["$$", _aligned(section), "$$", ""]
        out += ["Why each step holds:" if len(section.steps) > 1 else "Why it holds:", ""]
        for step in section.steps:
            out.append(f"{step.number}. {step.justification} — {step.verdict.value}.")
        out.append("")
        if section.outro:
            out += [section.outro, ""]
    if derivation.closing:
        out += ["## Summary", "", derivation.closing, ""]
    return "\n".join(out).rstrip() + "\n"


def to_latex(derivation: Derivation, *, standalone: bool = False) -> str:
    """An ``align*`` block with a ``\\text`` justification per line, or a full document."""
    if derivation.parts:
        blocks = [to_latex(part, standalone=False) for part in derivation.parts]
        body = "\n\n".join(blocks)
    else:
        body = _align(derivation)
    if not standalone:
        return body
    parts = derivation.parts or (derivation,)
    document = [
        "\\documentclass{article}",
        "\\usepackage[utf8]{inputenc}",
        "\\usepackage{amsmath,amssymb}",
        "\\begin{document}",
    ]
    for part in parts:
        document += [f"\\section*{{{_escape_document(part.title)}, {_label(part)}}}", ""]
        document += [_document_prose(part.summary), ""]
        document += [_align(part), ""]
        if part.closing:
            document += [_document_prose(part.closing), ""]
    document.append("\\end{document}")
    return "\n".join(document) + "\n"


def _align(derivation: Derivation) -> str:
    rows = []
    for section in derivation.sections:
        for position, step in enumerate(section.steps):
            left = section.start_latex if position == 0 else ""
            condition = (
                f" {section.condition_latex}" if position == 0 and section.condition_latex else ""
            )
            reason = prose_to_latex(step.justification)
            rows.append(f"{left} &= {step.rhs_latex}{condition} && {reason}".lstrip())
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def to_text(derivation: Derivation) -> str:
    """Unicode text: each chain as ``lhs`` then ``= rhs    [reason; verdict]`` lines."""
    if derivation.parts:
        return "\n\n".join(to_text(part) for part in derivation.parts)
    heading = f"{derivation.title}, {_label(derivation)}"
    out = [heading, "=" * len(heading), prose_to_text(derivation.summary), ""]
    for number, section in enumerate(derivation.sections, start=1):
        out.append(f"{number}. {prose_to_text(section.title)}")
        if section.intro:
            out.append(f"   {prose_to_text(section.intro)}")
        condition = f"    ({section.condition_text})" if section.condition_text else ""
        out.append(f"   {section.start_text}{condition}")
        for step in section.steps:
            out.append(f"     = {step.rhs_text}")
            reason = prose_to_text(step.justification)
            out.append(f"         [{step.number}: {reason}; {step.verdict.value}]")
        if section.outro:
            out.append(f"   {prose_to_text(section.outro)}")
        out.append("")
    if derivation.closing:
        out.append(prose_to_text(derivation.closing))
    return "\n".join(out).rstrip() + "\n"
