"""Tests of the LaTeX reader (symsoft.latex) against the contract in docs/latex-ir.md."""

from __future__ import annotations

import pytest
import sympy as sp

from symsoft.errors import LatexParseError
from symsoft.latex import DOTS, ParseContext, Relation, parse_expression, parse_relation

i, j, k, q, r, m = sp.symbols("i j k q r m", integer=True)
l = sp.Symbol("l", integer=True)  # noqa: E741 -- the index letter of real write-ups
n = sp.Symbol("n", integer=True, positive=True)
K = sp.Symbol("K")
Ki = sp.Symbol("K", integer=True)
x, y, a, b, c = sp.symbols("x y a b c")
S, z, X, sig, p = (sp.IndexedBase(name) for name in ("S", "z", "x", "sigma", "p"))
f, g, h = (sp.Function(name) for name in "fgh")
d = sp.KroneckerDelta
Sz = sp.Sum(sp.exp(z[k]), (k, 1, n))


def expr(text: str, **options: object) -> sp.Basic:
    return parse_expression(text, ParseContext(**options))  # type: ignore[arg-type]


# --- the contract table, row by row ---------------------------------------------------------

CONTRACT = [
    # names and styling
    (r"z", sp.Symbol("z")),
    (r"\mathbf{z}", sp.Symbol("z")),
    (r"\boldsymbol{z}", sp.Symbol("z")),
    (r"\vec z", sp.Symbol("z")),
    (r"\bar z", sp.Symbol("z")),
    (r"\alpha", sp.Symbol("alpha")),
    (r"\sigma", sp.Symbol("sigma")),
    # subscripts
    (r"z_i", z[i]),
    (r"z_{i}", z[i]),
    (r"z_1", z[1]),
    (r"x_{12}", X[12]),
    (r"z_{ij}", z[i, j]),
    (r"z_{i,j}", z[i, j]),
    (r"z_{i, l}", z[i, l]),
    (r"s_{c'}", sp.IndexedBase("s")[sp.Symbol("c'", integer=True)]),
    (r"\mathbf{z}_i", z[i]),
    (r"a^{(L)}_i", sp.IndexedBase("a^(L)")[i]),
    (r"z^{(2)}", sp.Symbol("z^(2)")),
    (r"J_{\text{softmax}}", sp.Symbol("J_softmax")),
    (r"z_{\max}^2", sp.Symbol("z_max") ** 2),
    # arithmetic
    (r"\frac{a}{b}", a / b),
    (r"\dfrac{a}{b}", a / b),
    (r"\tfrac{a}{b}", a / b),
    (r"\frac ab", a / b),
    (r"\frac12", sp.Rational(1, 2)),
    (r"a / b", a / b),
    (r"a \cdot b", a * b),
    (r"a \times b", a * b),
    (r"2ab", 2 * a * b),
    ("a − b", a - b),
    ("a × b · c", a * b * c),
    (r"-a^2", -(a**2)),
    (r"a^23", 3 * a**2),
    (r"0.5 a", a / 2),
    # exponentials and logarithms
    (r"e^{x}", sp.exp(x)),
    (r"e^x", sp.exp(x)),
    (r"e^{-z_i}", sp.exp(-z[i])),
    (r"\exp(x)", sp.exp(x)),
    (r"\exp{x}", sp.exp(x)),
    (r"\exp x", sp.exp(x)),
    (r"\exp\{x\}", sp.exp(x)),
    (r"\mathrm{e}^x", sp.exp(x)),
    (r"\log x", sp.log(x)),
    (r"\ln x", sp.log(x)),
    (r"\log(x)", sp.log(x)),
    (r"\log_2 x", sp.log(x, 2)),
    (r"\log_b x", sp.log(x, sp.Symbol("b"))),
    (r"exp(x) + log(y)", sp.exp(x) + sp.log(y)),
    # derivatives
    (r"\frac{\partial S_i}{\partial z_j}", sp.Derivative(S[i], z[j])),
    (r"\partial S_i / \partial z_j", sp.Derivative(S[i], z[j])),
    (r"\frac{\partial}{\partial z_j}\left(S_i\right)", sp.Derivative(S[i], z[j])),
    (r"\frac{\partial (S_i)}{\partial z_j}", sp.Derivative(S[i], z[j])),
    (r"\frac{d y}{d x}", sp.Derivative(y, x)),
    (r"\frac{dy}{dx}", sp.Derivative(y, x)),
    (r"\frac{\mathrm{d} y}{\mathrm{d} x}", sp.Derivative(y, x)),
    (r"\partial_j S_i", sp.Derivative(S[i], z[j])),
    (r"D_j S_i", sp.Derivative(S[i], z[j])),
    (r"\partial_{z_j} S_i", sp.Derivative(S[i], z[j])),
    (r"\nabla_{\mathbf z} L", sp.Derivative(sp.Symbol("L"), sp.Symbol("z"))),
    (r"\nabla_{z_j} L", sp.Derivative(sp.Symbol("L"), z[j])),
    (r"\frac{\partial^2 S_i}{\partial z_j \partial z_k}", sp.Derivative(S[i], z[j], z[k])),
    (r"\frac{\partial^2 y}{\partial x^2}", sp.Derivative(y, x, x)),
    (r"f'(x)", sp.Derivative(f(x), x)),
    (r"f^\prime(x)", sp.Derivative(f(x), x)),
    (r"f''(x)", sp.Derivative(f(x), (x, 2))),
    (r"f^{\prime\prime}(x)", sp.Derivative(f(x), (x, 2))),
    (r"{\partial S_i \over \partial z_j}", sp.Derivative(S[i], z[j])),
    (r"{a \over b} + 1", a / b + 1),
    # functions
    (r"f(x)", f(x)),
    (r"g(x) h(x)", g(x) * h(x)),
    (r"\sigma(\mathbf{z})_i", sig[i]),
    (r"\text{softmax}(\mathbf z)_i", sp.IndexedBase("softmax")[i]),
    (r"\mathrm{softmax}(z_i)", sp.Function("softmax")(z[i])),
    (r"\operatorname{softmax}(z_i)", sp.Function("softmax")(z[i])),
    (r"softmax(z_i)", sp.Function("softmax")(z[i])),
    (r"S(z_1)", sp.Function("S")(z[1])),
    (r"\mathrm{softmax}_i(\mathbf{z})", sp.IndexedBase("softmax")[i]),
    (r"\sigma_i(\mathbf z)", sig[i]),
    (r"\ell", sp.Symbol("ell")),
    # sums
    (r"\sum_{k=1}^{n} e^{z_k}", Sz),
    (r"\sum^{n}_{k=1} e^{z_k}", Sz),
    (r"\sum_k e^{z_k}", Sz),
    (r"\sum_{k} e^{z_k}", Sz),
    (r"\sum\limits_{k=1}^n e^{z_k}", Sz),
    (r"\sum_{k=1}^{K} e^{z_k}", sp.Sum(sp.exp(z[k]), (k, 1, Ki))),
    (r"\sum_{k \neq i} S_k", sp.Sum(S[k] * (1 - d(k, i)), (k, 1, n))),
    (r"\sum_{i,j} S_{ij}", sp.Sum(S[i, j], (i, 1, n), (j, 1, n))),
    (r"\sum_{1 \le k \le n} S_k", sp.Sum(S[k], (k, 1, n))),
    (r"\sum_{k'=1}^{n} S_{k'}", sp.Sum(S[sp.Symbol("k'", integer=True)],
                                       (sp.Symbol("k'", integer=True), 1, n))),
    (r"\prod_{k=1}^n S_k", sp.Product(S[k], (k, 1, n))),
    (r"\Sigma_{k=1}^{n} e^{z_k}", Sz),
    ("Σ_{k=1}^n e^{z_k}", Sz),
    (r"\Sigma_k e^{z_k}", Sz),
    (r"\Sigma_{ij}", sp.IndexedBase("Sigma")[i, j]),
    (r"e^{z_i}\sum_k e^{z_k}", sp.exp(z[i]) * Sz),
    (r"\sum_j -\frac{y_j}{a_j} + 1", sp.Sum(-sp.IndexedBase("y")[j] / sp.IndexedBase("a")[j],
                                              (j, 1, n)) + 1),
    (r"2\sum_k - S_k", 2 * sp.Sum(-S[k], (k, 1, n))),
    (r"\sum_k S_k \cdot S_i + 1", sp.Sum(S[k] * S[i], (k, 1, n)) + 1),
    # written-out sums
    (r"e^{x_1} + e^{x_2} + \dots + e^{x_n}", sp.Sum(sp.exp(X[k]), (k, 1, n))),
    (r"e^{z_1} + \cdots + e^{z_n}", Sz),
    (r"z_1 + z_2 + \ldots + z_n", sp.Sum(z[k], (k, 1, n))),
    (r"z_1 + z_2 + ... + z_n", sp.Sum(z[k], (k, 1, n))),
    (r"z_1 + \dots + z_{n-1} + z_n", sp.Sum(z[k], (k, 1, n))),
    (r"1 + e^{z_1} + \dots + e^{z_n}", 1 + Sz),
    (r"e^{z_1} + \dots + e^{z_4}", sp.Sum(sp.exp(z[k]), (k, 1, 4))),
    (r"S_1 z_1 + S_2 z_2 + \dots + S_n z_n", sp.Sum(S[k] * z[k], (k, 1, n))),
    # Kronecker forms
    (r"\delta_{ij}", d(i, j)),
    (r"\delta_{i,j}", d(i, j)),
    (r"1_{i=j}", d(i, j)),
    (r"\mathbb{1}\{i=j\}", d(i, j)),
    (r"\mathbb 1_{\{i=j\}}", d(i, j)),
    (r"\mathbb{1}_{i=j}", d(i, j)),
    (r"1\{i=j\}", d(i, j)),
    (r"\mathbb{I}[i=j]", d(i, j)),
    (r"\mathbb{1}[i = j]", d(i, j)),
    (r"\mathbb{1}(i=j)", d(i, j)),
    (r"\mathbb{I}\{i=j\}", d(i, j)),
    (r"\mathbb{1}_{ij}", d(i, j)),
    (r"\mathbf{1}(i=j)", d(i, j)),
    (r"\delta_{12}", 0),
    (r"\delta_{11}", 1),
    (r"[i = j]", d(i, j)),
    (r"[i \neq j]", 1 - d(i, j)),
    (r"(i == j)", d(i, j)),
    # vectors and matrices
    (r"\operatorname{diag}(s)", sp.Function("diag")(sp.Symbol("s"))),
    (r"\mathrm{diag}(s)", sp.Function("diag")(sp.Symbol("s"))),
    (r"\text{diag}(s)", sp.Function("diag")(sp.Symbol("s"))),
    (r"\mathop{\mathrm{diag}}(s)", sp.Function("diag")(sp.Symbol("s"))),
    (r"s^\top", sp.Function("transpose")(sp.Symbol("s"))),
    (r"s^T", sp.Function("transpose")(sp.Symbol("s"))),
    (r"s^\intercal", sp.Function("transpose")(sp.Symbol("s"))),
    (r"s^{\mathsf T}", sp.Function("transpose")(sp.Symbol("s"))),
    (r"a \odot b", sp.Function("hadamard")(a, b)),
    (r"\mathbf{1}", sp.Symbol("ones")),
    (r"\mathbb{1}", sp.Symbol("ones")),
    (r"\langle a, b \rangle", sp.Function("inner")(a, b)),
    (r"\begin{pmatrix} a & b \\ c & x \end{pmatrix}", sp.ImmutableMatrix([[a, b], [c, x]])),
    (r"\begin{bmatrix} a & \cdots \\ \vdots & \ddots \end{bmatrix}",
     sp.ImmutableMatrix([[a, DOTS], [DOTS, DOTS]])),
    (r"\begin{matrix} a \\ b \\ \end{matrix}", sp.ImmutableMatrix([[a], [b]])),
    (r"(z_1, \dots, z_n)", sp.ImmutableMatrix([[z[1], DOTS, z[n]]])),
    (r"\begin{cases} a & i = j \\ b & i \neq j \end{cases}",
     sp.Piecewise((a, sp.Eq(i, j)), (b, sp.Ne(i, j)))),
    (r"\begin{cases} a & \text{if } i = j \\ b & \text{otherwise} \end{cases}",
     sp.Piecewise((a, sp.Eq(i, j)), (b, True))),
    # presentation that is dropped
    (r"\color{red}{x}", x),
    (r"{\color{blue} x}", x),
    (r"\textcolor{red}{x}", x),
    (r"\displaystyle x", x),
    (r"a\,b\;c\!x\quad", a * b * c * x),
    (r"\left( a + b \right)", a + b),
    (r"\bigl( a + b \bigr)", a + b),
    (r"\Big[ a + b \Big]", a + b),
    (r"\biggl\{ a \biggr. ", None),  # set braces: refused, checked below
    (r"x \tag{3}", x),
    (r"x \label{eq:x}", x),
    (r"x \nonumber", x),
    (r"x \notag", x),
    (r"\boxed{x}", x),
    (r"\frac{\cancel{a} b}{\cancel{a}}", b),
    (r"\underbrace{a + b}_{\text{numerator}}", a + b),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c for c in CONTRACT if c[1] is not None])
def test_contract_row(text: str, expected: sp.Basic) -> None:
    """Each row of the contract table maps to exactly the documented SymPy object."""
    assert parse_expression(text) == expected


PRECEDENCE = [
    (r"-a^2", -(a**2)),
    (r"a^{-1}", 1 / a),
    (r"a/b \cdot c", a * c / b),
    (r"\frac ab c", a * c / b),
    (r"a - b - c", a - b - c),
    (r"a - (b - c)", a - b + c),
    (r"-\frac{a}{b}", -a / b),
    (r"e^{-z} + 1", sp.exp(-sp.Symbol("z")) + 1),
    (r"S_i(1 - S_j)", S[i] * (1 - S[j])),
    (r"S_iS_j", S[i] * S[j]),
    (r"x(1-x)", x * (1 - x)),
    (r"f(1-x)", f(1 - x)),
    (r"\sigma(1-\sigma)", sp.Symbol("sigma") * (1 - sp.Symbol("sigma"))),
    (r"\sigma(x)(1-\sigma(x))", sp.Function("sigma")(x) * (1 - sp.Function("sigma")(x))),
    (r"\sigma'(x)", sp.Derivative(sp.Function("sigma")(x), x)),
    (r"S_i^2", S[i] ** 2),
    (r"S^2_i", S[i] ** 2),
    (r"(a+b)^2", (a + b) ** 2),
    (r"\left(\sum_k e^{z_k}\right)^2", Sz**2),
    (r"e^{z_i}/\sum_k e^{z_k}", sp.exp(z[i]) / Sz),
    (r"\frac{\partial}{\partial z_j} e^{z_i} S_i", sp.Derivative(sp.exp(z[i]) * S[i], z[j])),
    (r"\frac{\partial}{\partial z_j}(e^{z_i}) S_i", sp.Derivative(sp.exp(z[i]), z[j]) * S[i]),
    (r"\log \sum_k e^{z_k}", sp.log(Sz)),
    (r"-\log S_i \cdot 2", -2 * sp.log(S[i])),
    (r"h(x)^2", h(x) ** 2),
    (r"\sqrt{a}", sp.sqrt(a)),
    (r"a \cdot -b c", -a * b * c),
    (r"a \cdot +b", a * b),
]


@pytest.mark.parametrize(("text", "expected"), PRECEDENCE)
def test_precedence(text: str, expected: sp.Basic) -> None:
    """Powers bind tighter than minus, products are read left to right, bodies extend right."""
    assert parse_expression(text) == expected


# --- relations ------------------------------------------------------------------------------


def test_relation_chain_and_ops() -> None:
    """A chain keeps every part and relation in order."""
    rel = parse_relation(r"a = b \approx c < x \propto y")
    assert rel.parts == (a, b, c, x, y)
    assert rel.ops == ("=", "approx", "<", "propto")
    assert isinstance(rel, Relation)
    assert rel.text == r"a = b \approx c < x \propto y"


@pytest.mark.parametrize(
    ("text", "op"),
    [
        (r"a := b", "def"),
        (r"a \coloneqq b", "def"),
        (r"a \equiv b", "def"),
        (r"a \triangleq b", "def"),
        (r"a \neq b", "!="),
        (r"a \ne b", "!="),
        (r"a \leq b", "<="),
        (r"a \ge b", ">="),
        (r"x \in \mathbb{R}^{n}", "in"),
        (r"a \implies b", "implies"),
        (r"a \iff b", "equiv"),
        ("a ≠ b", "!="),
    ],
)
def test_relation_names(text: str, op: str) -> None:
    """Each relation symbol has its documented name."""
    assert parse_relation(text).ops == (op,)


def test_number_sets_and_dimension_d() -> None:
    """``\\mathbb{R}^d`` is ℝ to an integer power d; a bound d is an integer, not notation."""
    rel = parse_relation(r"\mathbf{z} \in \mathbb{R}^d")
    assert rel.parts == (sp.Symbol("z"), sp.Symbol("ℝ") ** sp.Symbol("d", integer=True))
    value = parse_expression(r"\sum_{k=1}^{d} z_k")
    assert value == sp.Sum(z[k], (k, 1, sp.Symbol("d", integer=True)))


@pytest.mark.parametrize(
    ("text", "leading"),
    [
        (r"= S_i", "="),
        (r"&= S_i", "="),
        (r"=& S_i", "="),
        (r"&=& S_i", "="),
        (r"\implies S_i", "implies"),
        (r"\Rightarrow S_i", "implies"),
        (r"\rightarrow S_i", "implies"),
        (r"\to S_i", "implies"),
        (r"\therefore S_i", "implies"),
    ],
)
def test_leading_relation(text: str, leading: str) -> None:
    """A continuation line reports its leading relation; ops[0] is that relation."""
    rel = parse_relation(text)
    assert rel.leading == leading
    assert rel.parts == (S[i],)
    assert rel.ops == (leading,)


def test_implies_line_with_equation() -> None:
    """``\\implies A = B`` keeps A = B as an equation after the leading relation."""
    rel = parse_relation(r"\implies y_i = \frac{a}{b}")
    assert rel.parts == (sp.IndexedBase("y")[i], a / b)
    assert rel.ops == ("implies", "=")


def test_markdown_escapes() -> None:
    """Markdown-escaped LaTeX (``\\\\{``, ``\\_``) reads as the LaTeX it stands for."""
    assert parse_expression(r"\mathbb{1}\\{i=j\\} + S\_i") == d(i, j) + S[i]


def test_aligned_continuation_breaks_are_dropped() -> None:
    """``a &= b \\\\ &= c`` (and the kramdown ``\\\\\\\\``) read as one chain a = b = c."""
    assert parse_relation(r"a &= b \\ &= c \\").parts == (a, b, c)
    assert parse_relation(r"a &= b \\\\ &= c").parts == (a, b, c)


@pytest.mark.parametrize(
    ("text", "conditions"),
    [
        (r"S_i = x \quad i \neq j", (sp.Ne(i, j),)),
        (r"S_i = x \qquad i = j", (sp.Eq(i, j),)),
        (r"S_i = x \quad \text{if } i = j", (sp.Eq(i, j),)),
        (r"S_i = x, \text{ if } i=j", (sp.Eq(i, j),)),
        (r"S_i = x \text{for } i \ne j", (sp.Ne(i, j),)),
        (r"S_i = x, \; i = j", (sp.Eq(i, j),)),
        (r"S_i = x, i = j", (sp.Eq(i, j),)),
        (r"S_i = x \quad (i \neq j)", (sp.Ne(i, j),)),
        (r"S_i = x \qquad (i \neq j).", (sp.Ne(i, j),)),
        (r"S_i = x \quad \text{when } i = j \text{ and } j \neq k", (sp.Eq(i, j), sp.Ne(j, k))),
        (r"S_i = x \quad \forall i \neq j", (sp.Ne(i, j),)),
        (r"S_i = x, \qquad i = 1, \ldots, K.", ()),
        (r"S_i = x \quad \text{for all } i = 1, \dots, n", ()),
        (r"S_i = x \;\;\; \forall i \in 1,\dots,N", ()),
        (r"S_i = x \quad \text{for all } i, j", ()),
        (r"S_i = x \quad \forall i", ()),
        (r"S_i = x \text{ s.t. } i \neq j", (sp.Ne(i, j),)),
        (r"S_i = x.", ()),
        (r"S_i = x \text{ for } i \neq j:", (sp.Ne(i, j),)),
    ],
)
def test_trailing_conditions(text: str, conditions: tuple[sp.Basic, ...]) -> None:
    """Trailing index conditions are split off; ranges give no condition."""
    rel = parse_relation(text)
    assert rel.parts == (S[i], x)
    assert rel.conditions == conditions


def test_evaluation_bar_is_a_condition() -> None:
    """``\\left.\\frac{∂S_i}{∂z_j}\\right|_{i=j}`` states the condition i = j."""
    rel = parse_relation(r"\left.\frac{\partial S_i}{\partial z_j}\right|_{i=j} = S_i(1-S_i)")
    assert rel.parts == (sp.Derivative(S[i], z[j]), S[i] * (1 - S[i]))
    assert rel.conditions == (sp.Eq(i, j),)
    rel = parse_relation(r"S_i \Big|_{i = j, k \neq i} = x \quad \text{if } j = m")
    assert rel.conditions == (sp.Eq(j, m), sp.Eq(i, j), sp.Ne(k, i))


def test_layout_details_in_environments() -> None:
    """Row spacing ``\\\\[2pt]``, ``\\hline`` and "and" between two case conditions."""
    value = parse_expression(
        r"\begin{cases} a & \text{if } i = j \text{ and } k = m \\[2pt] b & \text{otherwise}"
        r"\end{cases}"
    )
    assert value == sp.Piecewise((a, sp.And(sp.Eq(i, j), sp.Eq(k, m))), (b, True))
    assert parse_relation(r"a &= b \\[1ex] &= c").parts == (a, b, c)
    matrix = parse_expression(r"\begin{array}{cc} a & b \\ \hline c & x \end{array}")
    assert matrix == sp.ImmutableMatrix([[a, b], [c, x]])


def test_bendersky_style_lines() -> None:
    """``\\forall j \\in 1..N`` is a range; ``\\left\\{\\begin{matrix}…\\right.`` is cases."""
    rel = parse_relation(r"S_j=\frac{e^{a_j}}{\sum_{k=1}^{N}e^{a_k}} \qquad \forall j \in 1..N")
    assert rel.conditions == ()
    rel = parse_relation(
        r"D_jS_i=\left\{\begin{matrix} S_i(1-S_j) & i=j\\ -S_jS_i & i\neq j \end{matrix}\right."
    )
    assert rel.parts[1] == sp.Piecewise(
        (S[i] * (1 - S[j]), sp.Eq(i, j)), (-S[i] * S[j], sp.Ne(i, j))
    )


def test_array_with_left_brace_is_cases() -> None:
    """``\\left\\{ \\begin{array}{ll} … \\end{array} \\right.`` reads as cases."""
    rel = parse_relation(
        r"D = \left\{ \begin{array}{ll} S_i(1-S_j) & \text{if } i=j \\ -S_iS_j & "
        r"\text{otherwise} \end{array} \right."
    )
    assert rel.parts[1] == sp.Piecewise((S[i] * (1 - S[j]), sp.Eq(i, j)), (-S[i] * S[j], True))


def test_condition_inside_derivative_variable() -> None:
    """``\\partial z_{r=q}`` differentiates by z_r and records r = q."""
    rel = parse_relation(r"\frac{\partial \sigma(\mathbf{z})_q}{\partial z_{r=q}} = \sigma_q")
    assert rel.parts == (sp.Derivative(sig[q], z[r]), sig[q])
    assert rel.conditions == (sp.Eq(r, q),)
    rel = parse_relation(r"\frac{\partial S_i}{\partial z_{r \neq q}} = 0")
    assert rel.conditions == (sp.Ne(r, q),)


def test_and_joins_two_relations() -> None:
    """``A = B \\quad\\text{and}\\quad C = D`` keeps both equations, joined by "and"."""
    rel = parse_relation(r"a = b \quad\text{and}\quad c = x.")
    assert rel.parts == (a, b, c, x)
    assert rel.ops == ("=", "and", "=")


@pytest.mark.parametrize(
    "text",
    [
        r"a = b, \quad c = x",
        r"a = b \qquad c = x",
        r"a = b, c = x",
        r"a = b \text{ and } c = x",
        r"a = b \quad \text{where } c = x",
    ],
)
def test_two_relations_on_one_line(text: str) -> None:
    """Two relations separated by a comma, spacing or "and" are joined by the relation "and"."""
    rel = parse_relation(text)
    assert rel.parts == (a, b, c, x)
    assert rel.ops == ("=", "and", "=")


def test_spacing_inside_a_chain_is_not_a_join() -> None:
    """``a \\quad = \\quad b`` is one equation, ``a = b \\quad = c`` one chain."""
    assert parse_relation(r"a \quad = \quad b").ops == ("=",)
    assert parse_relation(r"a = b \quad = c").ops == ("=", "=")


def test_range_statement() -> None:
    """``i = 1, \\dots, K`` alone is membership of a range, not an equation."""
    rel = parse_relation(r"q = 1, \dots, L")
    assert rel.ops == ("in",)
    assert rel.parts[1] == sp.Range(1, sp.Symbol("L", integer=True) + 1)


# --- index symbols and context --------------------------------------------------------------


def test_index_symbols_are_unified() -> None:
    """A letter used as an index anywhere is the same integer symbol everywhere."""
    rel = parse_relation(r"S_i = i \cdot x_{i}")
    assert rel.parts[1].has(i)
    assert not rel.parts[1].has(sp.Symbol("i"))


def test_dimension_symbol_is_reserved() -> None:
    """The dimension letter is one positive integer symbol in bounds and elsewhere."""
    value = parse_expression(r"\frac{1}{n} \sum_{k=1}^{n} z_k")
    assert value == sp.Sum(z[k], (k, 1, n)) / n
    other = expr(r"\sum_k z_k", dimension="N")
    assert other == sp.Sum(z[k], (k, 1, sp.Symbol("N", integer=True, positive=True)))


def test_variable_from_context() -> None:
    """``\\partial_j`` and ``D_j`` differentiate by the context's variable."""
    assert expr(r"\partial_j y_i", variable="x") == sp.Derivative(sp.IndexedBase("y")[i], X[j])
    assert (
        expr(r"D_j y_i", derivative_operators=frozenset())
        == sp.IndexedBase("D")[j] * sp.IndexedBase("y")[i]
    )


def test_d_with_two_indices_is_a_matrix_entry() -> None:
    """``D_{ij} x_j`` is the entry D_ij times x_j; ``D_j S_i`` is the derivative operator."""
    D = sp.IndexedBase("D")
    assert parse_expression(r"D_{ij} x_j") == D[i, j] * X[j]
    assert parse_expression(r"D_j S_i") == sp.Derivative(S[i], z[j])
    with pytest.raises(LatexParseError, match="more than one index"):
        parse_expression(r"\partial_{ij} S")


def test_document_macros_expand() -> None:
    """Macros read from the document (``\\newcommand``, ``\\def``) expand before reading."""
    from symsoft.latex.macros import read_macros

    source = (
        r"\newcommand{\pd}[2]{\frac{\partial #1}{\partial #2}} "
        r"\def\sm{\operatorname{softmax}} \DeclareMathOperator{\Diag}{diag}"
    )
    ctx = ParseContext(macros=read_macros(source))
    rel = parse_relation(r"\pd{\log S_i}{z_j} = \delta_{ij} - S_j", ctx)
    assert rel.parts == (sp.Derivative(sp.log(S[i]), z[j]), d(i, j) - S[j])
    value = parse_expression(r"\sm(\mathbf z)_i + \Diag(s)", ctx)
    assert value == sp.IndexedBase("softmax")[i] + sp.Function("diag")(sp.Symbol("s"))
    with pytest.raises(LatexParseError, match="unknown command"):
        parse_relation(r"\pd{S_i}{z_j}")


def test_recursive_macros_are_refused() -> None:
    """A macro that expands to itself, or grows exponentially, is refused quickly."""
    loop = ParseContext(macros=(("r", 0, r"\r x"),))
    with pytest.raises(LatexParseError, match="nesting"):
        parse_relation(r"\r", loop)
    bomb = (*((chr(97 + n), 0, ("\\" + chr(98 + n)) * 10) for n in range(5)), ("f", 0, "x"))
    with pytest.raises(LatexParseError, match="size limit"):
        parse_relation(r"\a", ParseContext(macros=bomb))


def test_max_over_an_index_is_refused() -> None:
    """``\\max_k z_k`` is refused: the checker has no meaning for a max over an index yet."""
    with pytest.raises(LatexParseError, match="max"):
        parse_expression(r"\max_k z_k")


def test_function_letters_are_configurable() -> None:
    """Only declared letters apply to parentheses; others multiply."""
    assert parse_expression(r"a(x+1)") == a * (x + 1)
    assert expr(r"a(x+1)", functions=frozenset({"a"})) == sp.Function("a")(x + 1)
    assert expr(r"f(x+1)", functions=frozenset()) == sp.Symbol("f") * (x + 1)


def test_prime_variable() -> None:
    """A bare prime uses ParseContext.prime_variable, given as text or as SymPy."""
    assert expr(r"(e^{z_i})'", prime_variable="z_j") == sp.Derivative(sp.exp(z[i]), z[j])
    assert expr(r"g'", prime_variable=x) == sp.Derivative(g(x), x)
    with pytest.raises(LatexParseError, match="prime"):
        parse_expression(r"(e^{z_i})'")


def test_prime_at_compound_point() -> None:
    """``f'(g(x))`` is the derivative of f evaluated at g(x)."""
    value = parse_expression(r"f'(g(x))")
    assert isinstance(value, sp.Subs)
    assert value.doit().subs(f(sp.Symbol("xi")), 0) is not None


# --- real-world notation --------------------------------------------------------------------

REAL = [
    (r"S_i = \frac{e^{z_i}}{\sum_{k=1}^{N} e^{z_k}}", 2),
    (r"\frac{\partial S_i}{\partial z_j} = S_i(\delta_{ij} - S_j)", 2),
    (r"\frac{\partial \sigma(\mathbf{z})_q}{\partial \mathbf{z}} = \begin{pmatrix} "
     r"-\sigma_q \sigma_1 & \cdots & \sigma_q(1-\sigma_q) & \cdots & -\sigma_q\sigma_L "
     r"\end{pmatrix}", 2),
    (r"J = \begin{bmatrix} s_1(1 - s_1) & -s_1 s_2 & \cdots & -s_1 s_n \\ "
     r"\vdots & \vdots & \ddots & \vdots \\ -s_n s_1 & -s_n s_2 & \cdots & s_n(1 - s_n) "
     r"\end{bmatrix} = \operatorname{diag}(\mathbf{s}) - \mathbf{s}\mathbf{s}^\top .", 3),
    (r"\dfrac{\partial s_i}{\partial z_j} = s_i\,(\mathbb{1}\{i=j\} - s_j)", 2),
    (r"\frac{\partial y_i}{\partial a_j} = \begin{cases} {\color{blue} y_i (1 - y_j)} & "
     r"\text{if } i \neq j, \\ -y_i y_j & \text{if } i = j. \end{cases}", 2),
    (r"\hat{y}_i = \exp(z_i) / \sum_{c=1}^{C} \exp(z_c)", 2),
    (r"\mathbf{x} = (x_1, \ldots, x_K)", 2),
    (r"\frac{\partial L}{\partial z_j} = \sum_{i=1}^{n} \left(-\frac{y_i}{s_i}\right) s_i "
     r"(\delta_{ij} - s_j) = s_j \sum_{i} y_i - y_j", 3),
    (r"\frac{d}{dx} \ln u(x) = \frac{u'(x)}{u(x)}", 2),
    (r"f(x) = \frac{g(x)}{h(x)} \rightarrow f'(x) = \frac{g'(x)h(x) - g(x)h'(x)}{h(x)^2}", 4),
    (r"\frac{\partial S_{i,j}}{\partial z_{r,k}} = \delta_{ir}\, S_{i,j}\,(\delta_{jk} - "
     r"S_{i,k}) \qquad (r = i).", 2),
    (r"\text{softmax}(\mathbf{z})_i = \frac{\exp(z_i)}{\sum_{j} \exp(z_j)}", 2),
    (r"\sigma_i \bigl(1 - \sigma_i\bigr) = \sigma_i - \sigma_i^{2}", 2),
    (r"\nabla_{\mathbf{z}} L", 1),
    (r"−S_i S_j", 1),
    (r"\frac{\partial\, \mathrm{softmax}(z_i)}{\partial z_j}", 1),
    (r"\frac{\partial S_i}{\partial z_j} = \frac{\partial}{\partial z_j} \left( "
     r"\frac{e^{z_i}}{\sum_k e^{z_k}} \right) = \frac{\delta_{ij} e^{z_i} \sum_k e^{z_k} - "
     r"e^{z_i} e^{z_j}}{\left( \sum_k e^{z_k} \right)^2}", 3),
    (r"\frac{\partial}{\partial z_j}\left(e^{z_1} + e^{z_2} + \cdots + e^{z_n}\right) "
     r"= e^{z_j}.", 2),
    (r"\partial_j \log S_i = \delta_{ij} - S_j", 2),
    (r"\frac{\partial \log S_i}{\partial z_j} = \frac{1}{S_i} \frac{\partial S_i}{\partial z_j}",
     2),
    ("∂S_i/∂z_j = S_i(δ_{ij} − S_j)", 2),
    (r"y_1 = \frac{e^{x_1}}{e^{x_1} + e^{x_2} + e^{x_3} + e^{x_4}}", 2),
    (r"\mathbf{J} = \mathrm{diag}(\mathbf{p}) - \mathbf{p}\mathbf{p}^T", 2),
    (r"\nabla_z L = S \odot (g - \langle g, S \rangle \mathbf{1})", 2),
    (r"\frac{\partial \mathcal{L}}{\partial z_i} = S_i - y_i", 2),
]  # fmt: skip


@pytest.mark.parametrize(("text", "count"), REAL)
def test_real_world_lines(text: str, count: int | None) -> None:
    """Lines copied from write-ups read into the expected number of parts (or are refused)."""
    if count is None:
        with pytest.raises(LatexParseError):
            parse_relation(text)
        return
    assert len(parse_relation(text).parts) == count


def test_real_world_values() -> None:
    """Spot-check the values of a few real lines, not only their shapes."""
    rel = parse_relation(REAL[4][0])
    s = sp.IndexedBase("s")
    assert rel.parts[1] == s[i] * (d(i, j) - s[j])
    rel = parse_relation(REAL[5][0])
    yy = sp.IndexedBase("y")
    assert rel.parts[1] == sp.Piecewise(
        (yy[i] * (1 - yy[j]), sp.Ne(i, j)), (-yy[i] * yy[j], sp.Eq(i, j))
    )
    rel = parse_relation(REAL[21][0])
    assert rel.parts == (sp.Derivative(S[i], z[j]), S[i] * (d(i, j) - S[j]))


# --- refusals: never guess ------------------------------------------------------------------

REFUSED = [
    (r"\foo x", "unknown command"),
    (r"\input{/etc/passwd}", "unknown command"),
    (r"a / b c", "ambiguous"),
    (r"\log x y", "ambiguous"),
    (r"(a+b)^{(2)}", "label"),
    (r"\nabla L", "nabla"),
    (r"x \over y", "over"),
    (r"y_{true}", "ambiguous subscript"),
    (r"z_{max} + \max", "max without an argument"),
    (r"\Sigma_k e^{z_i}", "ambiguous"),
    (r"x |_{a}", "evaluation bar"),
    (r"\partial S_i", "partial"),
    (r"d x", "notation"),
    (r"x_{1} + \dots", "dots"),
    (r"a_1 + \dots + b_n", "pattern"),
    (r"a \cdots b", "dots"),
    (r"e^{z_k} / \sum e^{z_k}", "index"),
    (r"\frac{\partial S_i}{z_j}", "denominator"),
    (r"|x|", "cannot read"),
    (r"x!", "cannot read"),
    (r"a = b \\ c = x", "line break"),
    (r"a = b \text{ where } b", "where"),
    (r"\{a\}", "set braces"),
    (r"\frac{a}{b", "incomplete"),
    (r"(a + b", "incomplete"),
    (r"\left( a \right]", "unexpected"),
    (r"a +", "incomplete"),
    (r"", "no mathematics"),
    (r"\quad", "no mathematics"),
    (r"x \text{if $i = j$}", "math inside"),
    (r"\begin{tabular} x \end{tabular}", "environment"),
    (r"\begin{pmatrix} a & b \\ c \end{pmatrix}", "lengths"),
    (r"\begin{cases} a & b \\ c & x \end{cases}", "condition"),
    (r"\begin{cases} a & S_i = 0 \\ c & i = j \end{cases}", "not about indices"),
    (r"S_i(z_j)", "ambiguous"),
    (r"\max(z)", "one argument"),
    (r"\exp", "argument"),
    (r"\delta_{i}", "two indices"),
    (r"x^{*}", "operands"),
    (r"g'", "prime"),
    (r"x'", "prime"),
    (r"a \circ b", "unknown command"),
    ("a \u200b b", "character"),
    (r"\frac{\partial^2 y}{\partial x}", "order"),
    (r"\begin{pmatrix}a\end{pmatrix}\begin{pmatrix}b\end{pmatrix}", "product of written-out"),
    (r"\begin{pmatrix}a\end{pmatrix}^2", "power of a written-out"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_refused(text: str, reason: str | None) -> None:
    """Constructs that cannot be mapped with confidence raise LatexParseError, never guess."""
    with pytest.raises(LatexParseError) as caught:
        parse_relation(text)
    if reason is not None:
        assert reason in str(caught.value)


def test_error_carries_fragment_and_position() -> None:
    """The error keeps the fragment and, where known, the column."""
    with pytest.raises(LatexParseError) as caught:
        parse_relation(r"S_i = \mysoftmax{S}")
    assert caught.value.fragment == r"S_i = \mysoftmax{S}"
    assert caught.value.position == 6


def test_lint_catches_surviving_notation() -> None:
    """A bare ``d`` surviving as a symbol is refused; ``e`` alone is Euler's number."""
    with pytest.raises(LatexParseError, match="notation"):
        parse_expression(r"\frac{d}{x}")
    assert parse_expression(r"\log e") == 1
    assert parse_expression(r"e") == sp.E


def test_not_a_string() -> None:
    """Non-text input is refused with the project's error."""
    with pytest.raises(LatexParseError):
        parse_relation(b"x = y")  # type: ignore[arg-type]


# --- limits and speed -----------------------------------------------------------------------


def test_size_limits() -> None:
    """Too long, too deep and too many terms are refused at once."""
    with pytest.raises(LatexParseError, match="longer"):
        parse_relation("x + " * 6000 + "x")
    with pytest.raises(LatexParseError, match="terms"):
        parse_relation("+".join("x" for _ in range(6000)))
    with pytest.raises(LatexParseError, match="nest"):
        parse_relation("(" * 100 + "x" + ")" * 100)
    with pytest.raises(LatexParseError, match="nest"):
        parse_relation(r"\mathbf{" * 300 + "x" + "}" * 300)


def test_moderate_nesting_is_fine() -> None:
    """Nesting well inside the limit still reads."""
    assert parse_expression("(" * 30 + "x" + ")" * 30) == x
    assert parse_expression(r"\log " * 20 + "x") is not None


def test_prefix_chain_depth_is_bounded() -> None:
    """A long chain of prefix functions hits the reader's own depth bound, not Python's."""
    with pytest.raises(LatexParseError, match="deeper than 150 levels"):
        parse_relation(r"\log " * 400 + "x")


def test_letter_superscripts_on_indexed_letters_are_layer_labels() -> None:
    """`z_i^l`, `a_k^{l-1}`, `a^{[l]}_j` are layer labels like `a^{(l)}_j`; `x_i^2` is a power."""
    assert str(parse_expression(r"\exp{(z_i^l)}")) == "exp(z^(l)[i])"
    assert str(parse_expression(r"a_k^{l} - a_k^{l-1}")) == "a^(l)[k] - a^(l-1)[k]"
    assert str(parse_expression(r"a^{[l]}_j")) == "a^(l)[j]"
    assert str(parse_expression(r"x_i^2")) == "x[i]**2"
    assert str(parse_expression(r"s_i^T")) == "transpose(s[i])"
    derivative = parse_expression(r"\frac{\partial f(z_i^l)}{\partial z_j^l}")
    assert str(derivative) == "Derivative(f(z^(l)[i]), z^(l)[j])"


def test_bare_sum_runs_over_the_index_only_its_summand_uses() -> None:
    """`\\sum e^{x_j}` sums over j, used nowhere else; `\\sum e^z` and the like are refused."""
    assert str(parse_expression(r"\frac{e^{x_i}}{\sum e^{x_j}}")) == (
        "exp(x[i])/Sum(exp(x[j]), (j, 1, n))"
    )
    for text in (r"e^{z_b} \sum e^z", r"e^{z_i}/\sum e^{z_i}", r"\sum x_j y_k"):
        with pytest.raises(LatexParseError, match="without a summation index"):
            parse_expression(text)


def test_primed_index_in_a_condition_after_a_primed_subscript() -> None:
    """Graves' `y_{k'}` makes `k'` an index, also in the condition `\\text{when } k = k'`."""
    relation = parse_relation(
        r"\frac{\partial y_{k'}}{\partial a_k} = \begin{cases} y_k(1 - y_{k'})"
        r" & \text{when } k = k' \\ -y_k y_{k'} & \text{when } k \ne k' \end{cases}"
    )
    assert "k'" in str(relation.parts[1])


def test_derivative_by_the_value_of_a_function() -> None:
    """`\\partial \\log(\\sigma(A_i)) / \\partial \\sigma(A_i)`: the chain-rule factor."""
    value = parse_expression(
        r"\frac{\partial \log(\sigma(A_i))}{\partial \sigma(A_i)}", ParseContext(variable="A")
    )
    assert str(value) == "Derivative(log(sigma(A[i])), sigma(A[i]))"


def test_bracketed_call_with_a_subscript() -> None:
    """`[\\sigma(\\mathbf a)]_i` reads like `\\sigma(\\mathbf a)_i`, entry i of σ applied to a."""
    ctx = ParseContext(variable="a")
    bracketed = parse_expression(r"[\sigma(\mathbf{a})]_i", ctx)
    assert bracketed == parse_expression(r"\sigma(\mathbf{a})_i", ctx)


def test_delta_fraction_is_a_derivative_and_a_bare_delta_is_refused() -> None:
    """`\\frac{\\delta L}{\\delta y_1}` (δ for ∂) is ∂L/∂y_1; a bare `\\delta` factor is refused."""
    assert str(parse_expression(r"\frac{\delta \ln(x)}{\delta x}")) == "Derivative(log(x), x)"
    assert str(parse_expression(r"\delta_{ij}")) == "KroneckerDelta(i, j)"
    with pytest.raises(LatexParseError, match="without indices"):
        parse_expression(r"\frac{\delta e^{y_1}}{y_1}")


def test_empty_script_groups_are_dropped() -> None:
    """`\\sum_{k}^{ } y_k` has an empty superscript: the sum over k with the default bound."""
    assert str(parse_expression(r"\sum_{k}^{ } y_{k}")) == "Sum(y[k], (k, 1, n))"


def test_accent_over_a_subscripted_letter_is_on_the_letter() -> None:
    """`\\hat{y_i}` (a common spelling of `\\hat{y}_i`) is the entry i of hat_y."""
    assert str(parse_expression(r"\hat{y_i} - \hat {y_{k}}")) == "hat_y[i] - hat_y[k]"
    with pytest.raises(LatexParseError, match="more than one letter"):
        parse_expression(r"\hat{y_i^2}")


def test_bf_font_switch_styles_without_grouping() -> None:
    """`\\bf{\\theta}` is theta and `\\bf{\\hat y - y}` is hat_y - y (MathJax's `\\bf`)."""
    assert parse_expression(r"\bf{\theta}") == sp.Symbol("theta")
    assert str(parse_expression(r"\bf{\hat{y} - y}")) == "hat_y - y"


def test_identity_matrix_entries_are_kronecker_deltas() -> None:
    """Bishop's `I_{kj}` ("the elements of the identity matrix") is δ_kj; `I_k` stays a name."""
    k_, j_ = sp.Symbol("k", integer=True), sp.Symbol("j", integer=True)
    assert parse_expression(r"I_{kj}") == sp.KroneckerDelta(k_, j_)
    assert parse_expression(r"\mathbf{I}_{kj}") == sp.KroneckerDelta(k_, j_)
    assert parse_expression(r"\mathbb{I}_{kj}") == sp.KroneckerDelta(k_, j_)
    assert str(parse_expression(r"I_k")) == "I[k]"


def test_subscript_on_a_bracketed_application_indexes_it() -> None:
    """`[\\sigma(\\mathbf a)]_i` and `{\\text{softmax}(\\theta)}_k` are entries, like `σ(a)_i`."""
    ctx = ParseContext(variable="a")
    assert str(parse_expression(r"[\sigma(\mathbf{a})]_i", ctx)) == "sigma[i]"
    assert str(parse_expression(r"\log({\text{softmax}(\theta)}_k)")) == "log(softmax[k])"
    with pytest.raises(LatexParseError, match="subscript on an expression"):
        parse_expression(r"(a + b)_i")


def test_a_subscript_typed_inside_braces_belongs_to_the_letter() -> None:
    """`\\theta{_k}` (braces around the subscript) is `\\theta_k`; a lone `{_k}` is refused."""
    assert str(parse_expression(r"e^{\theta{_k}}")) == "exp(theta[k])"
    with pytest.raises(LatexParseError):
        parse_expression(r"{_k} a")


def test_a_stray_empty_group_after_an_operand_is_dropped() -> None:
    """``\\frac{∂ a}{∂ z_i}{}`` (a typing slip on Q&A sites) is the fraction alone."""
    assert expr(r"\frac{a}{b}{} + c") == expr(r"\frac{a}{b} + c")


def test_upper_indices_are_refused_not_read_as_powers() -> None:
    """``A^{ij}`` in attention write-ups is an entry, not A to the power i·j."""
    with pytest.raises(LatexParseError, match="upper indices"):
        expr(r"A^{ij} V^{jb}")
    assert expr(r"e^{ij}").func is sp.exp


def test_matrix_operators_are_refused() -> None:
    """The trace of a matrix is not the letter ``tr`` times the matrix."""
    for text in (r"\operatorname{tr} A", r"\mathrm{tr}(A)", r"\text{tr}(\log P)"):
        with pytest.raises(LatexParseError, match="matrix operator tr"):
            expr(text)


def test_every_bare_sum_of_a_line_gets_its_index() -> None:
    """Several bare ``\\sum e^{x_d}`` in one formula each run over d (the index inserted for a
    later sum once shifted the positions read for an earlier one)."""
    text = r"\frac{1}{\sum e^{x_d}} \cdot \left(\frac{\sum e^{x_d}}{\sum e^{x_d}}\right)"
    d_ = sp.Symbol("d", integer=True)
    total = sp.Sum(sp.exp(X[d_]), (d_, 1, n))
    assert sp.simplify(expr(text) - 1 / total) == 0


def test_a_written_out_sum_may_show_its_generic_term_between_dots() -> None:
    """``e^{x_1} + e^{x_2} + \\dots + e^{x_j} + \\dots + e^{x_n}`` is the sum over all n terms."""
    text = r"e^{x_1} + e^{x_2} + \dots + e^{x_j} + \dots + e^{x_n}"
    assert sp.simplify(expr(text) - sp.Sum(sp.exp(X[k]), (k, 1, n))) == 0
    with pytest.raises(LatexParseError, match="one pattern"):
        expr(r"e^{x_1} + \dots + e^{x_j} + \dots + e^{y_n}")


def test_a_note_mark_after_a_formula_is_dropped() -> None:
    """``(※1)`` points to a note under the formula; it is no factor."""
    assert expr(r"\frac{a}{b} (※1)") == expr(r"\frac{a}{b}")
