"""Reading documents: Markdown structure, notebook cells, and inputs of pathological shape.

The pathological shapes are those that once took minutes (each pass over the text rescanned it
from every position): at 200 KB a quadratic pass takes minutes, a linear one well under a
second. The figures are in ``benchmarks/bench_source_scan.py``; these tests pin the outcome.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from symsoft.check.checker import check_document, check_text
from symsoft.check.markdown import hide_code, hide_spans
from symsoft.check.notebook import read_notebook
from symsoft.check.source import read_document, read_text
from symsoft.cli import app
from symsoft.errors import DocumentError

SIZE = 200_000


def _notebook(cells: list[tuple[str, list[str]]]) -> str:
    body = [{"cell_type": kind, "metadata": {}, "source": lines} for kind, lines in cells]
    for cell in body:
        if cell["cell_type"] == "code":
            cell.update(execution_count=None, outputs=[])
    return json.dumps({"cells": body, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


@pytest.mark.parametrize(
    ("shape", "suffix", "text"),
    [
        ("a line of $$", ".md", "$$" * (SIZE // 2)),
        ("one formula, then newlines", ".md", "$x = 1$" + "\n" * SIZE),
        ("unclosed comments", ".md", "<!--" * (SIZE // 4)),
        ("unclosed math fences", ".md", "```math\n" * (SIZE // 8)),
        ("unclosed verbatim", ".tex", "\\begin{verbatim}" * (SIZE // 16)),
        ("unmatched backticks", ".md", "`a " * (SIZE // 3)),
        ("unclosed inline dollars", ".md", "$a " * (SIZE // 3)),
    ],
)
def test_pathological_documents_are_read_to_the_end(tmp_path, shape, suffix, text):
    """A document of a pathological shape is read (no step in it) instead of running for minutes."""
    path = tmp_path / f"doc{suffix}"
    path.write_text(text, encoding="utf-8")
    report = check_document(path)
    assert [step.verdict.value for step in report.steps] in ([], ["verified"], ["not-understood"])


def test_notebook_with_escaped_slashes_is_read_with_file_lines(tmp_path):
    """Escaped slashes (``\\/``) in a notebook's JSON still map each line to its file line."""
    line = "see http://example.org/a/b for $x$\n"
    lines = [line] * 3000 + ["$$S_i = S_i$$"]
    text = _notebook([("markdown", lines)]).replace("/", "\\/")
    path = tmp_path / "slashes.ipynb"
    path.write_text(text, encoding="utf-8")
    document = read_document(path)
    raw = text.split("\n")
    (piece,) = document.pieces
    assert "S_i = S_i" in raw[piece.line - 1]


def test_deeply_nested_json_is_a_clean_error(tmp_path):
    """A notebook of 100,000 nested brackets is refused with exit 2 and one line."""
    path = tmp_path / "deep.ipynb"
    path.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(DocumentError, match="nested too deeply"):
        read_document(path)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_steps_in_a_notebook_name_their_cell_and_line(tmp_path):
    """A step in a notebook is placed by cell and line within the cell, beside the file line."""
    text = _notebook(
        [
            ("markdown", ["# Title\n", "Let $S_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$.\n"]),
            ("code", ["print(1)\n"]),
            ("markdown", ["Then\n", "\n", "$$S_i + 0 = S_i$$"]),
        ]
    )
    path = tmp_path / "cells.ipynb"
    path.write_text(text, encoding="utf-8")
    (step,) = check_document(path).steps
    assert step.cell == (3, 3)
    assert step.where == "cell 3, line 3"
    assert "S_i + 0 = S_i" in text.split("\n")[step.line - 1]
    assert step.to_dict()["cell"] == {"index": 3, "line": 3}


def test_old_notebook_versions_are_converted():
    """A version-3 notebook (worksheets) is converted by nbformat and read."""
    text = json.dumps(
        {
            "nbformat": 3,
            "nbformat_minor": 0,
            "metadata": {},
            "worksheets": [{"cells": [{"cell_type": "markdown", "source": ["$$a = a$$"]}]}],
        }
    )
    joined, _ = read_notebook(text, "old.ipynb")
    assert joined == "$$a = a$$"


@pytest.mark.parametrize(
    ("markdown", "kept"),
    [
        ("- item\n  ```\n  $$a = b$$\n  ```\n", False),  # a fence inside a list item
        ("~~~\n$$a = b$$\n~~~\n", False),  # a tilde fence
        ("````\n```\n$$a = b$$\n````\n", False),  # a shorter fence does not close a longer one
        ("```\nunclosed\n$$a = b$$\n", False),  # an unclosed fence runs to the end
        ("<!--\n$$a = b$$\n-->\n", False),
        ("    indented text\n\n$$a = b$$\n", True),
        ("Use ``$a = b$`` in code.\n\n$$a = b$$\n", True),
    ],
)
def test_markdown_code_is_never_read_as_math(markdown, kept):
    """Math inside code or comments is hidden as a Markdown renderer would hide it."""
    pieces = read_text(markdown, kind="markdown").pieces
    assert bool(pieces) is kept


def test_code_spans_follow_commonmark_backtick_runs():
    """A span closes at the next run of exactly as many backticks, and not across a blank line."""
    assert hide_spans("``a ` b`` c") == "          c"
    assert hide_spans("`a\n\nb`") == "`a\n\nb`"
    assert hide_spans("`` a ` ``$x$") == "         $x$"


def test_math_fence_becomes_display_math_on_the_same_lines():
    """GitHub's math fence is display math, and its formula keeps its line."""
    source, hidden = hide_code("text\n```math\nS_i = S_i\n```\n")
    assert source.split("\n")[1].startswith("$$") and hidden.split("\n")[3].startswith("$$")
    report = check_text("text\n```math\nS_i + 0 = S_i\n```\n", kind="markdown")
    assert [step.line for step in report.steps] == [3]


def test_document_time_budget_leaves_later_steps_not_decided():
    """When the whole document's budget is spent, the remaining steps are not decided."""
    text = "\n\n".join(f"$$S_{k} + 0 = S_{k}$$" for k in range(1, 4))
    report = check_text(text, document_timeout=1e-9)
    assert {step.verdict.value for step in report.steps} == {"not-decided"}
    assert "time budget" in report.steps[0].detail
