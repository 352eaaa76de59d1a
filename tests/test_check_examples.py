"""Worked examples and case labels in real write-ups: rounded decimals, one-hot label entries,
and case conditions stated in Korean or Russian."""

from __future__ import annotations

import pytest

from symsoft.check.checker import check_text

SOFTMAX = "The softmax is $$p_i = \\frac{e^{z_i}}{\\sum_{k=1}^{n} e^{z_k}}$$\n\n"


def _verdicts(text: str) -> list[str]:
    return [step.verdict.value for step in check_text(text, kind="markdown").steps]


def test_a_decimal_is_the_number_rounded_to_the_decimals_written():
    """-log(0.245) = 1.406 holds to the three decimals written; 1.416 does not."""
    assert _verdicts("$$-\\log(0.245) = 1.406$$") == ["verified-numerically"]
    assert _verdicts("$$-\\log(0.245) = 1.416$$") == ["refuted"]
    assert _verdicts("$$\\frac{1}{3} = 0.33$$") == ["verified-numerically"]


def test_one_hot_label_entries_are_neither_definitions_nor_steps():
    """'y_i = 1, y_j = 0 for j ≠ i' describes the label; the gradient p_i − y_i then holds."""
    text = (
        SOFTMAX + "and the loss $$l = -\\sum_{j=1}^{n} y_j \\log p_j$$\n\n"
        "For a one-hot label of class $i$: $y_i = 1$, $y_j = 0$ for $j \\neq i$, "
        "so $\\sum_j y_j = 1$.\n\n$$\\frac{\\partial l}{\\partial z_i} = p_i - y_i$$\n"
    )
    assert _verdicts(text) == ["verified"]
    wrong = text.replace("= p_i - y_i$$", "= p_i + y_i$$")
    assert _verdicts(wrong) == ["refuted"]


@pytest.mark.parametrize(
    "case",
    [
        "**경우 2: $i \\neq k$**",  # Korean: "case 2"
        "$i \\neq k$인 경우:",  # Korean, the cue after the relation
        "Случай $i \\neq k$:",  # Russian: "case"
        "Caso $i \\neq k$:",  # Spanish / Portuguese
    ],
)
def test_case_conditions_in_other_languages_apply(case):
    """A case label in Korean, Russian or Spanish puts its condition in scope."""
    step = "$$\\frac{\\partial p_i}{\\partial z_k} = - p_i p_k$$\n"
    assert _verdicts(SOFTMAX + case + "\n\n" + step) == ["verified"]


def test_a_complex_value_is_no_evidence_either_way():
    """A sample where a side is complex (a log of a negative number) neither agrees nor differs."""
    import sympy as sp

    from symsoft.check.sampling import differ as _differ

    assert _differ(sp.Float(1) + 3 * sp.I, sp.Float(1)) is None
    assert _differ(sp.Float(2), sp.Float(3)) is True
    assert _differ(sp.Float(2), sp.Float(2)) is False


def test_the_same_entry_with_two_indices_states_a_case():
    """'The case i = k ($z_i = z_k$)': an equation between two entries of one vector that differ
    only in their indices says which indices coincide; it is not a step to check."""
    text = (
        SOFTMAX
        + "1. The case $i = k$ ($z_i = z_k$):\n\n"
        + "$$\\frac{\\partial p_i}{\\partial z_k} = p_i(1 - p_k)$$\n"
    )
    assert _verdicts(text) == ["verified"]


def test_an_expression_equated_to_a_fresh_name_names_it():
    """'Σ_j exp(z_j) = S' introduces S (written right to left), even for a conventional letter;
    a derivative equated to a fresh name stays a step."""
    text = (
        "Let $$\\sum_j \\exp(z_j) = S$$ Then $$p_i = \\frac{\\exp(z_i)}{S}$$ and "
        "$$\\frac{\\partial p_i}{\\partial z_i} = p_i - p_i^2$$"
    )
    report = check_text(text, kind="markdown")
    assert [step.verdict.value for step in report.steps] == ["verified"]
    assert report.definitions[0].startswith("S (line 1)")


def test_a_word_in_a_subscript_belongs_to_the_name():
    """Y_{\\text{pred},ik} is entry (i, k) of Y_pred, not entry (pred, i·k) of Y."""
    from symsoft.latex import parse_expression

    assert str(parse_expression(r"Y_{\text{pred},ik}")) == "Y^(pred)[i, k]"
    assert str(parse_expression(r"J_{\text{softmax}}")) == "J_softmax"
    text = (
        "$$Y_{\\text{pred},ik} = \\frac{e^{Z_{ik}}}{\\sum_{j} e^{Z_{ij}}}$$\n\n"
        "$$\\frac{\\partial Y_{\\text{pred},ik}}{\\partial Z_{ik}} = "
        "Y_{\\text{pred},ik}(1 - Y_{\\text{pred},ik})$$\n"
    )
    assert _verdicts(text) == ["verified"]


def test_a_noun_is_one_name_and_the_logits_model_is_no_claim():
    """'Loss' is one name (not L·o·s·s with s read as softmax); 'z = XΘ + ε' says where the
    logits come from and is not refuted as a claim about free logits."""
    text = (
        "$$y_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$ $$Loss = - \\sum_i t_i \\ln y_i$$ "
        "$$\\frac{\\partial Loss}{\\partial z_j} = y_j - t_j$$ given $\\sum_i t_i = 1$."
    )
    assert _verdicts(text) == ["verified"]
    assert _verdicts(text.replace("= y_j - t_j", "= y_j + t_j")) == ["refuted"]
    model = "The model: $$z = X \\Theta + \\epsilon$$ and $$s = \\sum_k e^{z_k}$$"
    assert _verdicts(model) == ["not-understood"]  # a model equation, reported unread
