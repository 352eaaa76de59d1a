"""Reading documents: where the math is, on which line, and under which stated conditions."""

from __future__ import annotations

import json
import time

import pytest

from symsoft.check.source import MAX_BYTES, read_document, read_text
from symsoft.errors import DocumentError


def texts(source: str, kind: str = "markdown") -> list[str]:
    return [piece.text for piece in read_text(source, kind=kind).pieces]


def test_display_and_inline_delimiters() -> None:
    """$$…$$, \\[…\\], \\(…\\) and inline $…$ holding a relation are all found."""
    source = "A $$a = b$$ B \\[c = d\\] C \\(e = f^2\\) and $g = h^2$ but not $x^2$."
    assert texts(source) == ["a = b", "c = d", "e = f^2", "g = h^2"]


def test_dollar_amounts_are_not_math() -> None:
    """Pandoc's rule: `$5 and $6` is prose, not a formula."""
    assert texts("It costs $5 and $6 dollars, and $y = x^2$ holds.") == ["y = x^2"]


def test_code_is_not_math() -> None:
    """Fenced and inline code in Markdown is skipped."""
    source = "```\n$$a = b$$\n```\nand `$c = d$` but $$e = f$$"
    assert texts(source) == ["e = f"]


def test_latex_comments_are_skipped() -> None:
    """A `%` comment in LaTeX hides the math on its line."""
    source = "\\documentclass{article}\n% $$a = b$$\n\\begin{equation} c = d \\end{equation}"
    assert texts(source, kind="auto") == ["c = d"]


@pytest.mark.parametrize(
    "environment", ["align", "align*", "eqnarray", "gather", "split", "aligned", "multline"]
)
def test_environments_split_at_line_breaks(environment: str) -> None:
    """Every supported environment is split at `\\\\` and loses its alignment `&`."""
    source = f"\\begin{{{environment}}}\na &= b \\\\\n  &= c\n\\end{{{environment}}}\n"
    doc = read_text(source, kind="latex")
    assert [(p.line, p.text) for p in doc.pieces] == [(2, "a = b"), (3, "= c")]


def test_alignment_forms_and_equation_labels() -> None:
    """`=&`, `&=&`, \\label, \\tag and \\nonumber are removed; `aligned` inside $$ splits."""
    source = "$$\\begin{aligned} x =& y \\label{e1} \\\\ &=& z \\tag{2} \\nonumber\\end{aligned}$$"
    assert texts(source) == ["x = y", "= z"]


def test_alignat_justification_columns_are_dropped() -> None:
    """A column pair without a relation after the first pair is commentary and is dropped.

    The ``S`` between the halves of ``\\text{(definition of } S\\text{)}`` must not become a
    factor; eqnarray's ``a & = & b`` and a second equation ``& c &= d`` are kept.
    """
    source = (
        "\\begin{alignat}{2}\n"
        "x &= y & \\qquad & \\text{(product rule)} \\\\\n"
        "  &= w & & \\text{(definition of } S\\text{)} \\\\\n"
        "  &= v & & \\text{if } i = j\n"
        "\\end{alignat}\n"
        "\\begin{eqnarray} a & = & b \\\\ c &= d & e &= f \\end{eqnarray}\n"
    )
    got = [p.text for p in read_text(source, kind="latex").pieces]
    assert got[:3] == ["x = y", "= w", "= v \\text{if } i = j"]
    assert got[3:] == ["a = b", "c = d e = f"]


def test_cases_and_matrices_keep_their_cells() -> None:
    """`&` and `\\\\` inside cases and matrices belong to them and are not split."""
    source = (
        "$$J = \\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}"
        " = \\begin{cases} 1 & i = j \\\\ 0 & i \\neq j \\end{cases}$$"
    )
    (piece,) = read_text(source).pieces
    assert "a & b \\\\ c & d" in piece.text and "1 & i = j \\\\ 0" in piece.text


def test_kramdown_doubled_breaks() -> None:
    """kramdown writes `\\\\\\\\` for one line break; it makes one break, not an empty line."""
    source = "$$\n\\begin{aligned}\na &= b \\\\\\\\\n&= c\n\\end{aligned}\n$$"
    assert texts(source) == ["a = b", "= c"]


def test_line_break_spacing_is_not_part_of_the_next_line() -> None:
    """`\\\\[1.6em]` only adds space: the next line starts after the bracket."""
    source = "$$\n\\begin{aligned}\na &= b \\\\[1.6em]\n&= c \\\\ [2pt] &= d\n\\end{aligned}\n$$"
    assert texts(source) == ["a = b", "= c", "= d"]


def test_escaped_underscores_are_read_as_subscripts() -> None:
    """Markdown escaping `z\\_i` is the subscript `z_i`."""
    assert texts("$$S\\_i = e^{z\\_i}$$") == ["S_i = e^{z_i}"]


def test_line_of_a_continued_right_hand_side() -> None:
    """A piece knows the line of any offset, so a step's right side gets its own line."""
    source = "intro\n\n$$\n\\frac{a}{b}\n= c\n$$"
    (piece,) = read_text(source).pieces
    assert piece.line == 4
    assert piece.line_at(piece.text.rindex("c")) == 5


@pytest.mark.parametrize(
    ("prose", "expected"),
    [
        ("If $i = j$:", ("i", "=", "j")),
        ("For i ≠ j we get", ("i", "!=", "j")),
        ("When $i = k$,", ("i", "=", "k")),
        ("In the case of j = k the numerator", ("j", "=", "k")),
        ("Case 2: $i \\neq j$.", ("i", "!=", "j")),
        ("for $i \\ne j$", ("i", "!=", "j")),
        ("for \\( k \\) different from \\( i \\):", ("k", "!=", "i")),
        ("For $k$ differs from $i$,", ("k", "!=", "i")),
        ("・②i≠jの場合", ("i", "!=", "j")),
        ("\\(i=j\\)のとき、微分は", ("i", "=", "j")),
    ],
)
def test_prose_conditions(prose: str, expected: tuple[str, str, str]) -> None:
    """Conditions stated in the prose before a formula are in its scope."""
    (piece,) = read_text(f"{prose}\n\n$$a_i = b_j$$").pieces
    assert piece.conditions == (expected,)


def test_condition_scope_ends_at_heading_and_summary() -> None:
    """A heading or a 'putting both cases together' paragraph ends the scope of a condition."""
    source = (
        "If $i = j$:\n\n$$a_i = b_j$$\n\nstill\n\n$$c_i = d_j$$\n\n## Next\n\n$$e = f_i$$\n\n"
        "If $i \\neq j$:\n\n$$g_i = h_j$$\n\nCombining both cases,\n\n$$u_i = v_j$$"
    )
    scopes = [piece.conditions for piece in read_text(source).pieces]
    assert scopes == [(("i", "=", "j"),), (("i", "=", "j"),), (), (("i", "!=", "j"),), ()]


def test_condition_stated_before_a_heading_does_not_reach_past_it() -> None:
    """In one stretch of prose, "when $b$ equals $a$" then a heading: the next formula is free."""
    source = (
        "Only when $b$ equals $a$ is the row the same.\n\n## 4. Backward\n\n$$a_i = b_j$$\n\n"
        "If $i = j$ here.\n\nCombining both cases, and\n\n$$c_i = d_j$$"
    )
    assert [piece.conditions for piece in read_text(source).pieces] == [(), ()]


def test_condition_scope_ends_at_a_formula_with_the_delta_of_its_pair() -> None:
    """Writing δ_ik (or [i = k]) is the general case: 'If i ≠ k' stops applying there."""
    source = (
        "If $i \\neq k$:\n\n$$a_i = -b_k$$\n\nSo $a_i = b_i(\\delta_{ki} - b_k)$ and\n\n"
        "$$c_i = d_k$$\n\nIf $i = j$:\n\n$$e_i = \\delta_{ik} f_j$$\n\n"
        "$$g = [j = i] h$$\n\n$$u = v$$"
    )
    scopes = [piece.conditions for piece in read_text(source).pieces]
    ne, eq = ("i", "!=", "k"), ("i", "=", "j")
    assert scopes == [(ne,), (), (), (eq,), (), ()]


def test_trailing_condition_after_a_formula() -> None:
    """'…$$ for $i \\neq j$.' in the same paragraph applies to that formula only."""
    source = "$$a_i = b_j$$ for $i \\neq j$.\n\n$$c_i = d_j$$"
    scopes = [piece.conditions for piece in read_text(source).pieces]
    assert scopes == [(("i", "!=", "j"),), ()]


def test_notebook_markdown_cells_and_file_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Only markdown cells are read, and lines are lines of the .ipynb file."""
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# Title\n", "$$a = b$$"]},
            {"cell_type": "code", "source": ["x = '$$c = d$$'"]},
            {"cell_type": "markdown", "source": ["text\n", "\n", "$$e = f$$"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    doc = read_document(path)
    raw = path.read_text(encoding="utf-8").splitlines()
    assert [p.text for p in doc.pieces] == ["a = b", "e = f"]
    for piece in doc.pieces:
        assert piece.text in raw[piece.line - 1]


def test_stdin(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`-` reads the document from standard input."""
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"$$a = b$$")))
    assert [p.text for p in read_document("-").pieces] == ["a = b"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"caf\xe9 $$a = b$$", "not UTF-8"),
        (b"x" * (MAX_BYTES + 1), "larger than"),
    ],
)
def test_unreadable_files(tmp_path, data: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    """Binary, non-UTF-8 and oversized files raise DocumentError quickly."""
    path = tmp_path / "bad.md"
    path.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(DocumentError, match=message):
        read_document(path)
    assert time.monotonic() - started < 2


def test_huge_text_and_missing_file() -> None:
    """A 200,000-term sum is refused before any parsing; a missing file is a DocumentError."""
    started = time.monotonic()
    with pytest.raises(DocumentError, match="larger than"):
        read_text("$$" + "+x" * 600_000 + "$$")
    assert time.monotonic() - started < 2
    with pytest.raises(DocumentError, match="no such file"):
        read_document("definitely/not/here.md")


def test_deep_nesting_is_scanned_without_recursion() -> None:
    """3,000-deep braces are scanned iteratively (the parser refuses them later)."""
    source = "$$a = " + "{" * 3000 + "b" + "}" * 3000 + "$$"
    (piece,) = read_text(source).pieces
    assert piece.text.startswith("a = {{{")


def test_github_math_fences_and_escaped_brackets() -> None:
    """```math fences are display math; Markdown-escaped \\\\[ … \\\\] is display math too."""
    assert texts("x\n\n```math\na = b^2\n```\n") == ["a = b^2"]
    assert texts("x \\\\[ a = b^2 \\\\] y") == ["a = b^2"]


def test_latex_macros_without_arguments_are_expanded() -> None:
    """\\newcommand, \\def and \\DeclareMathOperator without arguments are expanded, boundedly."""
    source = (
        "\\documentclass{article}\\newcommand{\\pd}{\\partial}\\def\\R{\\mathbb{R}}"
        "\\DeclareMathOperator{\\sm}{softmax}\\begin{document}"
        "$$\\frac{\\pd y}{\\pd x} = \\sm(x)$$\\end{document}"
    )
    (text,) = texts(source, kind="auto")
    assert "\\pd" not in text and "\\partial" in text and "\\operatorname{softmax}" in text
    bomb = (
        "\\documentclass{article}\\newcommand{\\a}{\\b\\b}\\newcommand{\\b}{\\a\\a}"
        "\\begin{document}$$x = \\a$$\\end{document}"
    )
    (text,) = texts(bomb, kind="auto")
    assert len(text) < 1000


def test_unknown_kind_is_a_usage_error() -> None:
    """A bad `kind` argument is the caller's mistake: UsageError naming the value."""
    from symsoft.errors import UsageError

    with pytest.raises(UsageError, match="'html'"):
        read_text("$$a = b$$", kind="html")


def test_html_comments_are_not_math() -> None:
    """Math inside an HTML comment in Markdown is not read."""
    assert texts("<!-- $$a = b^2$$ -->\n$$c = d^2$$") == ["c = d^2"]


def test_macros_with_arguments() -> None:
    """`\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}` is expanded with arguments."""
    source = (
        "\\documentclass{article}\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}"
        "\\begin{document}$$\\pd{S_i}{z_j} = \\pd {y} {x}$$\\end{document}"
    )
    (text,) = texts(source, kind="auto")
    assert (
        "\\frac{\\partial S_i}{\\partial z_j}" in text
        and "\\frac{\\partial y}{\\partial x}" in text
    )


def test_notebook_cell_stored_as_one_string(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A cell whose source is one string maps all its lines to that line of the file."""
    notebook = {
        "cells": [{"cell_type": "markdown", "source": "Intro\n\n$$a = b^2$$\n"}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "s.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    (piece,) = read_document(path).pieces
    assert "a = b^2" in path.read_text(encoding="utf-8").splitlines()[piece.line - 1]


def test_kramdown_inline_double_dollars_are_prose() -> None:
    """kramdown's `$$x_j$$, where $$j \\neq i$$.` in a sentence is inline math, a condition."""
    source = (
        "compute the derivative of $$s_i$$ with respect to $$x_j$$, where $$j \\neq i$$.\n\n"
        "$$\n\\frac{\\partial s_i}{\\partial x_j} = - s_i s_j\n$$"
    )
    (piece,) = read_text(source).pieces
    assert piece.conditions == (("j", "!=", "i"),)


def test_mathjax_script_tags_are_math() -> None:
    """Jekyll's `<script type="math/tex; mode=display">…</script>` holds display math."""
    source = (
        'given by\n\n<script type="math/tex; mode=display">\ns(\\mathbf x)_i = '
        '\\frac{e^{x_i}}{\\sum e^{x_j}}\n</script>\n\nand <script type="math/tex">x_i</script>.'
    )
    assert texts(source) == ["s(\\mathbf x)_i = \\frac{e^{x_i}}{\\sum e^{x_j}}"]
    assert read_text(source).pieces[0].line == 4


def test_a_parameter_value_named_as_a_special_case_is_prose() -> None:
    """ "The $T=1$ case", "at \\(T = 1\\)" name a special case; they define no T for the
    whole document (a wrong temperature step was verified at T = 1)."""
    source = "The $T=1$ case is known; at \\(T = 1\\) too. Let $T = 2$.\n\n$$a = b$$"
    assert texts(source) == ["T = 2", "a = b"]
