"""Fuzz tests of the LaTeX reader: random or hostile text parses or raises LatexParseError."""

from __future__ import annotations

import contextlib
import time

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symsoft.errors import LatexParseError
from symsoft.latex import ParseContext, Relation, parse_expression, parse_relation
from symsoft.latex.macros import read_macros

#: the whole module is in the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

PIECES = [
    r"\frac", r"\dfrac", "{", "}", "_", "^", r"\sum", r"\prod", "x", "i", "j", "k", "n", "(", ")",
    "=", "&=", "+", "-", "−", r"\partial", r"\cdot", r"\times", r"\left(", r"\right)", r"\bigl[",
    r"\bigr]", r"\begin{pmatrix}", r"\end{pmatrix}", r"\begin{cases}", r"\end{cases}", "&",
    r"\\", r"\\\\", r"\text{if }", r"\text{otherwise}", r"\quad", r"\dots", r"\cdots", r"\vdots",
    ",", "'", "1", "2", "0.5", "e", "d", "D", r"\delta", r"\mathbb{1}", r"\{", r"\}", "[", "]",
    r"\log", r"\exp", r"\ln", "f", "g", "S", "z", r"\sigma", r"\neq", r"\leq", r"\mathbf{",
    r"\color{red}", "==", "/", r"\odot", r"^\top", "^T", r"\langle", r"\rangle", r"\implies",
    r"\to", r"\operatorname{diag}", "softmax", r"\mathrm{d}", r"\tag{1}", r"\sqrt", r"\infty",
    r"\prime", "'", ".", " ", r"\,", r"\in", r"\mathbb{R}", r"\text{and}", "|", "!", r"\foo",
    r"\Sigma", r"\over", r"\mathbb{I}", r"\cancel{", "c'", r"\nabla", "\\\\{", r"\text{where}",
    r"\Big|_{", r"\left.", r"\right|", r"\begin{array}{ll}", r"\end{array}", ":", r"\forall",
]  # fmt: skip

_ATOMS = st.sampled_from(
    ["x", "z_i", "S_j", "e^{z_k}", "1", "2", r"\delta_{ij}", "n", r"\sigma", "f(x)", r"\mathbf{1}",
     "z_{i,j}", "y_1", r"\dots", "d", "e", r"\partial", "g'", r"[i=j]", "a"]
)  # fmt: skip


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        pair.map(lambda p: rf"\frac{{{p[0]}}}{{{p[1]}}}"),
        pair.map(lambda p: f"{p[0]} + {p[1]}"),
        pair.map(lambda p: f"{p[0]} - {p[1]}"),
        pair.map(lambda p: f"{p[0]} {p[1]}"),
        pair.map(lambda p: rf"{p[0]} \cdot {p[1]}"),
        pair.map(lambda p: f"{p[0]} / {p[1]}"),
        pair.map(lambda p: f"{{{p[0]}}}^{{{p[1]}}}"),
        pair.map(lambda p: rf"\begin{{pmatrix}} {p[0]} & {p[1]} \end{{pmatrix}}"),
        pair.map(
            lambda p: (
                rf"\begin{{cases}} {p[0]} & i = j \\ {p[1]} & \text{{otherwise}} \end{{cases}}"
            )
        ),
        pair.map(lambda p: f"{p[0]} = {p[1]}"),
        children.map(lambda c: rf"\left({c}\right)"),
        children.map(lambda c: rf"\sum_{{k=1}}^{{n}} {c}"),
        children.map(lambda c: rf"\frac{{\partial}}{{\partial z_j}} {c}"),
        children.map(lambda c: rf"\frac{{\partial {c}}}{{\partial z_j}}"),
        children.map(lambda c: rf"\log {c}"),
        children.map(lambda c: rf"\exp({c})"),
        children.map(lambda c: f"-{c}"),
        children.map(lambda c: f"({c})'"),
        children.map(lambda c: f"{c} + \\dots + {c}"),
    )


structured = st.recursive(_ATOMS, _combine, max_leaves=12)
latex_like = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
mixed = st.one_of(latex_like, st.text(max_size=60), st.from_regex(r"[a-z_^{}()=+\-\\ ]{0,40}"))


def _accepts(text: str) -> None:
    try:
        result = parse_relation(text)
    except LatexParseError:
        return
    assert isinstance(result, Relation)
    assert all(isinstance(part, sp.Basic) for part in result.parts)


@settings(max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(latex_like)
def test_random_latex_like_text(text: str) -> None:
    """Random LaTeX-like text parses to a Relation or raises LatexParseError, nothing else."""
    _accepts(text)


@settings(max_examples=200, deadline=2000)
@given(mixed)
def test_random_text(text: str) -> None:
    """Arbitrary Unicode text parses to a Relation or raises LatexParseError, nothing else."""
    _accepts(text)


@settings(max_examples=300, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(structured)
def test_structured_latex(text: str) -> None:
    """Grammatical compositions of real notation parse or raise LatexParseError, nothing else."""
    _accepts(text)


@settings(max_examples=150, deadline=2000)
@given(latex_like)
def test_parse_expression_fuzz(text: str) -> None:
    """parse_expression never leaks another exception either."""
    with contextlib.suppress(LatexParseError):
        assert isinstance(parse_expression(text), sp.Basic)


_MACRO_SOURCE = st.lists(
    st.sampled_from(
        [r"\newcommand{\pd}[2]{\frac{\partial #1}{\partial #2}}", r"\def\a{\a\a}",
         r"\newcommand{\b}[1]{#1 #1 #1}", r"\renewcommand\c{\b{\b{x}}}", r"\newcommand{",
         r"\def\e#1#2{#2#1}", r"\DeclareMathOperator{\f}{softmax}", "{", "}", "#3", r"\g"]
    ),
    max_size=8,
).map("".join)  # fmt: skip


@settings(max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(_MACRO_SOURCE, latex_like)
def test_document_macros_fuzz(source: str, text: str) -> None:
    """Macros read from random sources expand safely: a result or LatexParseError, fast."""
    macros = read_macros(source)
    text = text + r"\pd{S_i}{z_j} \a \b{y} \c \e{p}{q} \f(z)"
    try:
        result = parse_relation(text, ParseContext(macros=macros))
    except LatexParseError:
        return
    assert isinstance(result, Relation)


def _rejected_fast(text: str) -> float:
    start = time.perf_counter()
    try:
        parse_relation(text)
    except LatexParseError:
        return time.perf_counter() - start
    raise AssertionError("a hostile fragment was accepted")


def test_huge_sum_rejected_fast() -> None:
    """A 200,000-term sum is refused at once (size limit), not parsed."""
    text = " + ".join(f"e^{{z_{{{i}}}}}" for i in range(200_000))
    assert _rejected_fast(text) < 1.0


def test_deep_nesting_rejected_fast() -> None:
    """3,000-deep nesting of brackets, braces, fractions or wrappers is refused at once."""
    for opening, closing in [("(", ")"), ("{", "}"), (r"\frac{1}{", "}"), (r"\mathbf{", "}")]:
        text = opening * 3000 + "x" + closing * 3000
        assert _rejected_fast(text) < 1.0


def test_long_sign_run_is_read_exactly() -> None:
    """A run of 3,000 unary minus signs is flat, not nested: it reads, fast and exactly."""
    assert parse_expression("-" * 3000 + "x") == sp.Symbol("x")
    assert parse_expression("-" * 2999 + "x") == -sp.Symbol("x")


def test_dots_in_a_huge_sum_cost_bounded_time() -> None:
    """A written-out-sum search over thousands of terms is windowed, not cubic."""
    side = "+".join(f"a_{i % 10}" for i in range(1, 1800))
    text = side + r"+\dots+" + side
    start = time.perf_counter()
    with contextlib.suppress(LatexParseError):
        parse_relation(text)
    assert time.perf_counter() - start < 15.0


HOSTILE = {
    "line breaks": "\\\\" * 9000,
    "commas": "x," * 9000,
    "chained equations": "a=b, " * 3500,
    "spacing and commas": r"\quad," * 3000,
    "joined relations": r"a=b\text{and}" * 1200,
    "over": r"{a\over b}" * 1800,
    "matrix products": r"\begin{pmatrix}a&b\\c&d\end{pmatrix}" * 400,
    "alignment": "a&" * 9000,
    "power tower": "2^{10^{10}}",
    "nested powers": "{{2^{999}}^{99}}^{99}",
    "long number": "9" * 19_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_lines_under_the_size_limit_end_fast(name: str) -> None:
    """Lines that pass the size limit but repeat one construct thousands of times end quickly."""
    start = time.perf_counter()
    with contextlib.suppress(LatexParseError):
        parse_relation(HOSTILE[name][:19_990])
    assert time.perf_counter() - start < 10.0


def test_numeric_powers_are_bounded() -> None:
    """Exact numeric powers are evaluated only while small; huge ones are refused."""
    assert parse_expression("2^{10}") == 1024
    for text in ("2^{10^{10}}", "{2^{999}}^{999}", "9" * 500):
        try:
            parse_relation(text)
        except LatexParseError:
            continue
        raise AssertionError(f"{text[:20]} was evaluated")


def test_long_operator_chains_rejected_or_read() -> None:
    """Long chains of prefix operators and sums end in a result or a clean error, fast."""
    for text in [r"\log " * 3000 + "x", r"\sum_k " * 3000 + "x", "x'" + "'" * 3000]:
        start = time.perf_counter()
        with contextlib.suppress(LatexParseError):
            parse_relation(text)
        assert time.perf_counter() - start < 2.0
