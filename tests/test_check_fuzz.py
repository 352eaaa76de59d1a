"""The document checker on random and hostile input: a report or a SymsoftError, nothing else.

Random Markdown/LaTeX documents built from the notation real derivations use (and its broken
variants) go through ``check_text``; the only acceptable outcomes are a ``DocumentReport`` or
the project's own ``SymsoftError``. Hostile inputs (a 5 MB file, a 200,000-term sum, 3,000-deep
nesting, binary and non-UTF-8 bytes, ``\\input{/etc/passwd}``, ``__import__('os')``) must give a
clear error or ``not-understood`` quickly, and must never execute or read anything.
Timing guards here are generous hang detectors, not performance tests (see ``benchmarks/``).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

check = pytest.importorskip("symsoft.check.checker")

from symsoft.errors import DocumentError, SymsoftError  # noqa: E402
from symsoft.verdict import Verdict  # noqa: E402

#: the whole module is in the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

#: A hang detector only: every hostile input must come back well within this.
HANG_SECONDS = 30.0

ATOMS = [
    "S_i", "S_j", "s_k", "y_1", "p_{i}", "z_j", "x_{i,j}", "a_q", "\\sigma(\\mathbf{z})_i",
    "e^{z_i}", "\\exp(z_j)", "\\log S_i", "\\ln y_i", "\\delta_{ij}", "\\delta_{i,j}", "1_{i=j}",
    "[i = j]", "\\sum_{k=1}^{n} e^{z_k}", "\\sum_k", "\\sum^{K}_{k=1}", "\\sum_{k \\neq i} S_k",
    "e^{x_1} + \\dots + e^{x_n}", "\\frac{\\partial S_i}{\\partial z_j}", "\\partial_j S_i",
    "\\frac{\\partial}{\\partial z_j}", "f'(x)", "g(x)", "\\operatorname{diag}(s)", "s^\\top",
    "\\odot", "\\mathbf{1}", "\\langle g, s \\rangle", "\\cdots", "\\vdots", "\\ddots", "0", "1",
    "2", "n", "\\color{red}{S_i}", "\\text{if } i = j", "\\quad i \\neq j", "\\tag{3}", "−",
]  # fmt: skip
JOINERS = [
    " ", " + ", " - ", " = ", " &= ", " \\cdot ", " / ", "^", "_", "{", "}", "(", ")", "\\left(",
    "\\right)", " \\\\ ", " \\\\\\\\ ", "\\frac{", "}{", " & ", ", ", " \\implies ", "$", "\\[",
]  # fmt: skip
WRAPPERS = [
    ("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\begin{align}", "\\end{align}"),
    ("$$\\begin{aligned}", "\\end{aligned}$$"), ("\\begin{equation}", "\\end{equation}"),
    ("\\begin{cases}", "\\end{cases}"), ("\\begin{pmatrix}", "\\end{pmatrix}"), ("", ""),
]  # fmt: skip
PROSE = ["", "If $i = j$:", "When $i = k$,", "## Case 2", "```python\nx = $y$\n```", "> quote"]

math_text = st.lists(st.sampled_from(ATOMS + JOINERS), min_size=1, max_size=25).map("".join)
block = st.tuples(st.sampled_from(WRAPPERS), math_text, st.sampled_from(PROSE)).map(
    lambda t: f"{t[2]}\n\n{t[0][0]}{t[1]}{t[0][1]}\n"
)
documents = st.lists(block, min_size=1, max_size=6).map("\n".join)


def _assert_report_or_error(text: str, kind: str) -> None:
    try:
        report = check.check_text(text, kind=kind, timeout=2.0)
    except SymsoftError:
        return
    for step in report.steps:
        assert isinstance(step.verdict, Verdict)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents, st.sampled_from(["markdown", "latex", "auto"]))
def test_random_documents_give_a_report_or_a_symsoft_error(text: str, kind: str) -> None:
    """Random derivation-like documents never crash the checker with a foreign exception."""
    _assert_report_or_error(text, kind)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_gives_a_report_or_a_symsoft_error(text: str) -> None:
    """Any Unicode text at all (control characters, lone dollars) is handled."""
    _assert_report_or_error(text, "auto")


def _timed(call):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        outcome = call()
    except SymsoftError as error:
        outcome = error
    elapsed = time.perf_counter() - start
    assert elapsed < HANG_SECONDS, f"took {elapsed:.1f} s"
    return outcome


def _understood_nothing_dangerous(outcome: object) -> None:
    """Either a SymsoftError or a report in which nothing is verified or refuted."""
    if isinstance(outcome, SymsoftError):
        assert str(outcome)  # one clear line for the user
        return
    for step in outcome.steps:  # type: ignore[attr-defined]
        assert step.verdict in (Verdict.NOT_UNDERSTOOD, Verdict.NOT_DECIDED), step


def test_five_megabyte_file_is_refused(tmp_path: Path) -> None:
    """A 5 MB document is refused with a DocumentError, fast."""
    path = tmp_path / "huge.md"
    path.write_text("$$S_i = S_i$$\n" * (5 * 1024 * 1024 // 14 + 1), encoding="utf-8")
    outcome = _timed(lambda: check.check_document(str(path)))
    assert isinstance(outcome, DocumentError), outcome


def test_two_hundred_thousand_term_sum() -> None:
    """A sum written out with 200,000 terms is an error or not-understood, not a hang."""
    terms = " + ".join(f"e^{{z_{{{k}}}}}" for k in range(1, 200_001))
    outcome = _timed(
        lambda: check.check_text(f"$$\\frac{{\\partial S_1}}{{\\partial z_1}} = {terms}$$")
    )
    _understood_nothing_dangerous(outcome)


def test_three_thousand_deep_nesting() -> None:
    """3,000 nested braces and parentheses do not overflow the stack."""
    for opening, closing in (("{", "}"), ("(", ")"), ("\\left(", "\\right)"), ("\\frac{1}{", "}")):
        deep = opening * 3000 + "S_i" + closing * 3000
        outcome = _timed(
            lambda deep=deep: check.check_text(
                f"$$\\frac{{\\partial S_i}}{{\\partial z_j}} = {deep}$$"
            )
        )
        _understood_nothing_dangerous(outcome)


def test_binary_bytes_are_refused(tmp_path: Path) -> None:
    """A binary file is a DocumentError."""
    path = tmp_path / "image.md"
    path.write_bytes(bytes(range(256)) * 64)
    assert isinstance(_timed(lambda: check.check_document(str(path))), DocumentError)


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    """Latin-1 text that is not UTF-8 is a DocumentError naming the file."""
    path = tmp_path / "latin1.tex"
    path.write_bytes("$$ S_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}} $$ % café".encode("latin-1"))
    outcome = _timed(lambda: check.check_document(str(path)))
    assert isinstance(outcome, DocumentError)
    assert "latin1.tex" in str(outcome)


def test_missing_file_is_a_document_error(tmp_path: Path) -> None:
    """A path that does not exist is a DocumentError, not an OSError."""
    assert isinstance(
        _timed(lambda: check.check_document(str(tmp_path / "nope.md"))), DocumentError
    )


@pytest.mark.parametrize(
    "fragment",
    [
        r"\input{/etc/passwd}",
        r"\include{/etc/passwd}",
        r"\immediate\write18{touch /tmp/symsoft_fuzz_pwned}",
        r"__import__('os').system('touch /tmp/symsoft_fuzz_pwned')",
        r"\text{__import__('os').system('touch /tmp/symsoft_fuzz_pwned')}",
        r"eval('1+1')",
        r"\def\x{\x}\x",
        r"\csname os\endcsname",
    ],
)
def test_hostile_math_is_not_executed(fragment: str) -> None:
    """Commands and Python code in math are not-understood (or an error), never run or read."""
    marker = Path("/tmp/symsoft_fuzz_pwned")
    outcome = _timed(
        lambda: check.check_text(f"$$\\frac{{\\partial S_i}}{{\\partial z_j}} = {fragment}$$")
    )
    _understood_nothing_dangerous(outcome)
    if not isinstance(outcome, SymsoftError):
        assert "root:" not in " ".join(s.detail for s in outcome.steps)
    assert not marker.exists()


def test_hostile_tex_preamble_is_not_executed(tmp_path: Path) -> None:
    """\\write18 and \\input outside math in a .tex file are ignored, not executed."""
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.tex"
    path.write_text(
        "\\documentclass{article}\n"
        f"\\immediate\\write18{{touch {marker}}}\n"
        "\\input{/etc/passwd}\n"
        "\\begin{document}\n"
        "$$S_i = \\frac{e^{z_i}}{\\sum_{k=1}^{n} e^{z_k}}$$\n"
        "$$\\frac{\\partial S_i}{\\partial z_j} = S_i(\\delta_{ij} - S_j)$$\n"
        "\\end{document}\n",
        encoding="utf-8",
    )
    outcome = _timed(lambda: check.check_document(str(path)))
    assert not marker.exists()
    assert not isinstance(outcome, SymsoftError), outcome
    assert [s.verdict for s in outcome.steps] == [Verdict.VERIFIED]
