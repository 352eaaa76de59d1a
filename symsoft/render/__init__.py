"""The rendering layer: result objects in, text out; the CLI only writes what these return.

:func:`render_check` turns ``symsoft check`` reports into one of the :class:`Format` values.

Examples
--------
>>> from symsoft.check.checker import check_text
>>> report = check_text("$$S_i = S_i + 1$$", path="a.md")
>>> print(render_check([report], Format.GITHUB).splitlines()[0][:40])
::error file=a.md,line=1,title=symsoft c
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from typing import Any

from symsoft.check.checker import DocumentReport

__all__ = ["Format", "render_check", "render_result"]


class Format(str, Enum):
    """Output formats of ``symsoft check --format``."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    SARIF = "sarif"
    JUNIT = "junit"
    HTML = "html"


def check_json(
    reports: Sequence[DocumentReport], errors: Sequence[Any] = (), *, strict: bool = False
) -> str:
    """The JSON of ``symsoft check --json``: whether all passed, every file checked, and the
    files that could not be read with the reason."""
    failed = any(r.failed or (strict and not r.understood) for r in reports)
    payload = {
        "passed": not failed and not errors,
        "files": [report.to_dict() for report in reports],
        "errors": [{"path": error.path, "message": _reason(error)} for error in errors],
    }
    return json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n"


def _reason(error: Any) -> str:
    """The reason alone: ``no such file``, not ``docs/a.md: no such file``."""
    prefix = f"{error.path}: "
    return error.error[len(prefix) :] if error.error.startswith(prefix) else error.error


def render_check(
    reports: Sequence[DocumentReport],
    fmt: Format | str = Format.TEXT,
    *,
    errors: Sequence[Any] = (),
    strict: bool = False,
) -> str:
    """The reports (and documents that could not be read, with ``path`` and ``error``) as
    ``fmt``; ``strict`` makes unread and undecided steps failures where the format has them."""
    from symsoft.render import github, html, junit, sarif, text

    fmt = Format(fmt)
    if fmt is Format.TEXT:
        return text.render_check(reports, errors)
    if fmt is Format.JSON:
        return check_json(reports, errors, strict=strict)
    if fmt is Format.GITHUB:
        return github.render_check(reports, errors, strict=strict)
    if fmt is Format.SARIF:
        return sarif.render_check(reports, errors, strict=strict)
    if fmt is Format.JUNIT:
        return junit.render_check(reports, errors, strict=strict)
    return html.check_page(reports, errors)


#: the formats of ``verify`` and ``check-impl`` besides their own text
RESULT_FORMATS = (Format.TEXT, Format.JSON, Format.JUNIT, Format.HTML)


def render_result(report: Any, fmt: Format | str, *, command: str) -> str:
    """A ``verify`` report or a ``check-impl`` report (``command``) as JSON, JUnit or HTML."""
    from symsoft.render import html, junit

    fmt = Format(fmt)
    if fmt is Format.JSON:
        return json.dumps(report.to_dict(), indent=2, default=str, ensure_ascii=False) + "\n"
    if fmt is Format.JUNIT:
        return junit.render_verify(report) if command == "verify" else junit.render_impl(report)
    if fmt is Format.HTML:
        fragment = report._repr_html_()
        return html.fragment_page(fragment, f"symsoft {command}")
    if command == "check-impl":
        return report.to_text() + "\n"
    raise ValueError(f"{command} renders its text itself; ask for json, junit or html")
