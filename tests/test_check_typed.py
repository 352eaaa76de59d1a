"""Typed claims in ``symsoft check``: shapes and free indices refute what no reading types."""

from __future__ import annotations

import sympy as sp

from symsoft.check.checker import check_text
from symsoft.check.shapes import Kinds, Shape, free_only_on_one_side, ill_typed, shapes_of
from symsoft.verdict import Verdict

SOFTMAX = r"$$p_i = \frac{e^{z_i}}{\sum_k e^{z_k}}$$" + "\n\n"
i, j, k = sp.symbols("i j k", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
p, g = sp.IndexedBase("p"), sp.IndexedBase("g")
P, G, Z, Y = sp.symbols("p g z y")
KINDS = Kinds(vectors=frozenset({"p", "g", "z"}))


def _step(text: str) -> object:
    return check_text(text).steps[-1]


# ---------------------------------------------------------------------------------------
# through check_text
# ---------------------------------------------------------------------------------------


def test_vector_equal_to_vector_minus_scalar_is_refuted_with_the_reason() -> None:
    """∇E = p ⊙ g − Σ_k p_k g_k adds a scalar to a vector: refuted, the reason in words."""
    step = _step(r"$$\nabla_{\mathbf z} E = \mathbf p \odot \mathbf g - \sum_k p_k g_k$$")
    assert step.verdict is Verdict.REFUTED
    assert step.method == "typed"
    assert "the right side a vector minus a scalar" in step.detail


def test_well_typed_gradient_is_not_refuted_for_its_type() -> None:
    """The same gradient with the scalar scaling p (a vector) is not refuted by typing."""
    step = _step(
        SOFTMAX
        + r"$$\nabla_{\mathbf z} E = \mathbf p \odot \mathbf g - \left(\sum_k p_k g_k\right)"
        r" \mathbf p$$"
    )
    assert step.method != "typed"
    assert step.verdict is not Verdict.REFUTED


def test_jacobian_equated_to_a_vector_is_refuted() -> None:
    """∂p/∂z with p written by its entries is a Jacobian; p − y is a vector."""
    step = _step(
        SOFTMAX + r"$$\frac{\partial \mathbf p}{\partial \mathbf z} = \mathbf p - \mathbf y$$"
    )
    assert step.verdict is Verdict.REFUTED
    assert "the left side is a Jacobian, the right side a vector" in step.detail


def test_matrix_minus_vector_is_refuted() -> None:
    """diag(p) − p mixes a matrix and a vector."""
    step = _step(
        SOFTMAX
        + r"$$\frac{\partial \mathbf p}{\partial \mathbf z} = \operatorname{diag}(\mathbf p)"
        r" - \mathbf p$$"
    )
    assert step.verdict is Verdict.REFUTED
    assert "a matrix minus a vector" in step.detail


def test_a_letter_only_guessed_to_be_softmax_is_not_typed() -> None:
    """p never written with entries may be anything: no refutation rests on that guess."""
    step = _step(r"$$\frac{\partial \mathbf p}{\partial \mathbf z} = \mathbf p - \mathbf y$$")
    assert step.verdict is not Verdict.REFUTED


def test_gradient_of_an_undefined_loss_may_be_a_vector() -> None:
    """∂L/∂z of an undefined L is a gradient or a Jacobian: p − y is not ill-typed."""
    step = _step(SOFTMAX + r"$$\frac{\partial L}{\partial \mathbf z} = \mathbf p - \mathbf y$$")
    assert step.method != "typed"


def test_index_free_on_the_right_only_is_named() -> None:
    """k appears on the right of ∂p_i/∂z_j only: the failing step says why."""
    step = _step(SOFTMAX + r"$$\frac{\partial p_i}{\partial z_j} = p_i \delta_{ij} - p_i p_k$$")
    assert step.verdict is Verdict.CONDITIONAL
    assert "ill-typed: k is free on the right only" in step.detail


def test_index_of_the_true_class_is_not_a_free_index_slip() -> None:
    """With "k is the correct class" in prose, k is fixed: the step stays conditional."""
    step = _step(
        "Here $k$ is the correct class.\n\n"
        + SOFTMAX
        + r"$$\frac{\partial p_i}{\partial z_j} = p_i \delta_{ij} - p_i p_k$$"
    )
    assert step.verdict is Verdict.CONDITIONAL


def test_index_on_the_right_of_a_loss_is_allowed() -> None:
    """∂L/∂z_i = p_i − δ_ik: the loss may depend on the label k, so no typing refutation."""
    step = _step(SOFTMAX + r"$$\frac{\partial L}{\partial z_i} = p_i - \delta_{ik}$$")
    assert step.method != "typed"


def test_correct_step_is_still_verified() -> None:
    """A correct Jacobian entry is verified as before (typing only looks at failing steps)."""
    step = _step(SOFTMAX + r"$$\frac{\partial p_i}{\partial z_j} = p_i (\delta_{ij} - p_j)$$")
    assert step.verdict is Verdict.VERIFIED


# ---------------------------------------------------------------------------------------
# the typing itself
# ---------------------------------------------------------------------------------------


def test_shapes_of_basic_forms() -> None:
    """Entries and sums are scalars, linked names vectors, ∂vector/∂vector a Jacobian."""
    assert shapes_of(p[k], KINDS) == {Shape.SCALAR}
    # J_{\mathbf x}: a subscript that is not an integer index labels a name, it is no entry
    assert shapes_of(sp.IndexedBase("J")[Z], KINDS) == set(Shape)
    assert shapes_of(sp.Sum(p[k] * g[k], (k, 1, n)), KINDS) == {Shape.SCALAR}
    assert shapes_of(P, KINDS) == {Shape.VECTOR}
    assert shapes_of(sp.Derivative(P, Z), KINDS) == {Shape.MATRIX}
    assert shapes_of(sp.Derivative(sp.Symbol("L"), Z), KINDS) >= {Shape.VECTOR, Shape.MATRIX}
    assert shapes_of(sp.Symbol("c"), KINDS) == set(Shape)


def test_product_of_two_vectors_may_be_any_of_inner_outer_elementwise() -> None:
    """p g read without order is a scalar, a vector or a matrix: never a clash."""
    assert shapes_of(P * G, KINDS) == {Shape.SCALAR, Shape.VECTOR, Shape.MATRIX}
    assert ill_typed(P * G, sp.Sum(p[k] * g[k], (k, 1, n)), KINDS) is None


def test_broadcast_readings_are_not_clashes() -> None:
    """A number or the ones vector added to a scalar, a shift inside exp, an undefined letter."""
    assert ill_typed(P, P - 1, KINDS) is None
    ones = sp.Symbol("ones")
    assert ill_typed(P, sp.Function("hadamard")(P, ones - p[k]), KINDS) is None
    shift = sp.exp(Z - sp.Sum(sp.Indexed("z", k), (k, 1, n)))
    assert ill_typed(P, shift, KINDS) is None
    assert ill_typed(P, P - Y, KINDS) is None


def test_scalar_side_equated_to_a_vector_reads_as_one_entry() -> None:
    """``∂(−log p_k)/∂z = p_k − 1`` is loose (one entry for the whole), not ill-typed."""
    lhs = sp.Derivative(-sp.log(p[k]), Z)
    assert ill_typed(lhs, p[k] - 1, KINDS) is None


def test_ill_typed_sum_is_reported_whichever_side() -> None:
    """A clash on the left is found as on the right, and names both sides."""
    why = ill_typed(P - sp.Sum(p[k], (k, 1, n)), P, KINDS)
    assert why == "the left side is a vector minus a scalar, the right side a vector"


def test_free_index_check_needs_an_index_the_left_lacks() -> None:
    """k on the right only is a slip; the same k on both sides, or fixed, is not."""
    lhs = sp.Derivative(p[i], sp.Indexed("z", j))
    assert free_only_on_one_side(lhs, p[i] * p[k], KINDS, frozenset({n})) == (
        "k is free on the right only"
    )
    assert free_only_on_one_side(lhs, p[i] * p[j], KINDS, frozenset({n})) is None
    assert free_only_on_one_side(lhs, p[i] * p[k], KINDS, frozenset({n, k})) is None
    assert free_only_on_one_side(sp.Symbol("L"), p[k], KINDS, frozenset({n})) is None


# ---------------------------------------------------------------------------------------
# written-out matrices
# ---------------------------------------------------------------------------------------

_JACOBIAN = r"""Let $p_i = \frac{e^{z_i}}{\sum_k e^{z_k}}$.

$$
LHS =
\begin{pmatrix}
p_1(1-p_1) & -p_1 p_2 & \cdots & -p_1 p_n \\
-p_2 p_1 & p_2(1-p_2) & \cdots & -p_2 p_n \\
\vdots & \vdots & \ddots & \vdots \\
-p_n p_1 & LAST & \cdots & p_n(1-p_n)
\end{pmatrix}
$$
"""


def _written(lhs: str, last: str) -> object:
    return _step(_JACOBIAN.replace("LHS", lhs).replace("LAST", last))


def test_entry_breaking_the_pattern_is_flagged_at_its_own_line() -> None:
    """A sign slip in one off-diagonal entry names that entry and the line it is on."""
    step = _written(r"\frac{\partial \mathbf p}{\partial \mathbf z}", "p_n p_2")
    assert step.verdict is Verdict.REFUTED
    assert step.method == "written-out pattern"
    assert "entry (4, 2) on line 9" in step.detail
    assert "breaks the pattern" in step.detail


def test_pattern_is_checked_when_the_other_side_is_not_read() -> None:
    """Against an opaque left side the written matrix still shows its own broken entry."""
    step = _written(r"\frac{\partial L}{\partial \mathbf z} \mathbf q", "p_n p_2")
    assert step.verdict is Verdict.REFUTED
    assert "entry (4, 2) on line 9" in step.detail


def test_pattern_with_its_own_diagonal_term_is_not_flagged() -> None:
    """The correct Jacobian has a diagonal term distinct from the off-diagonal one: verified."""
    step = _written(r"\frac{\partial \mathbf p}{\partial \mathbf z}", "-p_n p_2")
    assert step.verdict is Verdict.VERIFIED


def test_broken_entry_needs_witnesses() -> None:
    """With one entry per class there is no pattern to break."""
    from symsoft.check.written import broken_entry

    dots = sp.Symbol("…")
    matrix = sp.Matrix([[p[1], dots, p[n]], [dots, dots, dots], [g[n], dots, p[n]]])
    assert broken_entry(matrix, n) is None
    full = sp.Matrix([[p[1] * p[2], dots, p[1]], [dots, dots, dots], [p[n], dots, p[n]]])
    assert broken_entry(full, n) is None


def test_sum_term_breaking_the_pattern_is_named() -> None:
    """A written-out sum with one odd term is not read as a sum, and the reason names that term."""
    step = _step(r"$$\sum_k e^{z_k} = e^{z_1} + e^{z_2} + e^{2 z_3} + \dots + e^{z_n}$$")
    assert step.verdict is Verdict.NOT_UNDERSTOOD
    assert "the term exp(2*z[3]) breaks the pattern exp(z[k])" in step.detail
    fine = _step(r"$$\sum_k e^{z_k} = e^{z_1} + e^{z_2} + e^{z_3} + \dots + e^{z_n}$$")
    assert fine.verdict is Verdict.VERIFIED


def test_columns_are_labelled_by_the_dots_of_their_own_row() -> None:
    """A row whose dots sit elsewhere is labelled by them: no false break from mislabelling."""
    from symsoft.check.written import broken_entry

    dots = sp.Symbol("…")
    matrix = sp.Matrix(
        [
            [p[1] * (1 - p[1]), -p[1] * p[2], dots, -p[1] * p[n]],
            [-p[2] * p[1], dots, dots, -p[2] * p[n]],
            [dots, dots, dots, dots],
            [-p[n] * p[1], -p[n] * p[2], dots, p[n] * (1 - p[n])],
        ]
    )
    assert broken_entry(matrix, n) is None
    wrong = matrix.copy()
    wrong[1, 3] = p[2] * p[n]
    assert (broken_entry(wrong, n).row, broken_entry(wrong, n).col) == (2, 4)
