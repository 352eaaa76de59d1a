"""``symsoft.testing`` failures as pytest shows them: the mistake's name on the first line (the
one pytest's short summary prints), the full report below, options in Python's spelling.

Examples
--------
>>> python_options("pass --input softmax, or loosen --rtol/--atol")
'pass input="softmax", or loosen rtol=/atol='
>>> python_options("check it as one (--kind jacobian)")
'check it as one (the assertion for kind="jacobian")'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["failure_message", "python_options"]

#: the keyword arguments of ``check_implementation`` that the CLI spells ``--name``
_OPTIONS = ("input", "rtol", "atol", "seed", "n", "timeout", "samples", "kind")
_FLAG = re.compile(r"--(" + "|".join(_OPTIONS) + r")\b(?: ([\w.+-]+))?")


def _keyword(match: re.Match[str]) -> str:
    name, value = match.group(1), match.group(2)
    if value is None:
        return f"{name}="
    try:
        float(value)
        shown = value
    except ValueError:
        shown = f'"{value}"'
    if name == "kind":  # the assertions fix the kind; the user picks another assertion
        return f"the assertion for kind={shown}"
    return f"{name}={shown}"


def python_options(text: str) -> str:
    """Command-line options in ``text`` (``--input softmax``) as keywords (``input="softmax"``)."""
    return _FLAG.sub(_keyword, text)


def failure_message(report: Any, assertion: str) -> str:
    """The AssertionError of a failed ``assert_softmax*``: a summary line that starts with the
    mistake's name (pytest's short summary cuts it at the terminal's width), then the report."""
    failed = report.failures()
    count = f"{len(failed)} of {len(report.cases)} cases fail"
    if report.diagnosis:
        first = report.diagnosis[0]
        names = ", ".join(finding.name for finding in report.diagnosis)
        head = f"{names}: {first.summary} ({count} in {assertion}({report.target}))"
    else:
        head = f"no known mistake matches the outputs ({count} in {assertion}({report.target}))"
    return python_options(f"{head}\n{report.to_text()}")
