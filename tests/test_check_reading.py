"""How ``symsoft check`` reads a document before it judges a step: finite samples only, claims
versus definitions, the document's own notation first and guesses last."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from symsoft.check.checker import check_text
from symsoft.check.decide import decide
from symsoft.check.definitions import Definitions
from symsoft.cli import main
from symsoft.verdict import Verdict

k, m = sp.symbols("k m", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
S, z = sp.IndexedBase("S"), sp.IndexedBase("z")

SOFTMAX_P = "Let $p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$ be the softmax of $z$.\n\n"


def _verdicts(text: str) -> list[str]:
    return [step.verdict.value for step in check_text(text).steps]


# ---------------------------------------------------------------------------------------
# non-finite samples are never agreement
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relation", [r"10^{400} = 3 \cdot 10^{400}", r"\frac{0}{0} = 7", r"\frac{0}{0} = \frac{0}{0}"]
)
def test_non_finite_sides_are_never_verified(relation: str) -> None:
    (verdict,) = _verdicts(f"$${relation}$$")
    assert verdict not in ("verified", "verified-numerically")


def test_a_number_beyond_float_range_is_compared_exactly() -> None:
    """10^400 is finite: compared in 30-digit arithmetic it differs from 3·10^400."""
    assert _verdicts(r"$$10^{400} = 3 \cdot 10^{400}$$") == ["refuted"]
    assert _verdicts(r"$$10^{400} \cdot 2 = 2 \cdot 10^{400}$$") == ["verified"]


def test_a_side_that_is_zero_over_zero_at_every_sample_is_not_decided() -> None:
    """1 / (Σ_k z_k − Σ_m z_m) is 1/0 at every instance: no finite point, so no agreement."""
    empty = 1 / (sp.Sum(z[k], (k, 1, n)) - sp.Sum(z[m], (m, 1, n)))
    for rhs in (sp.Integer(7), 3 * empty):
        decision = decide(empty, rhs, Definitions.softmax(S, z, n))
        assert decision.verdict is Verdict.NOT_DECIDED
        assert "finite" in decision.detail


def test_non_finite_expr_exits_zero_without_verifying(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--expr", r"\frac{0}{0} = 7"])
    assert stopped.value.code in (0, None)
    assert "not-decided" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------
# claims are checked, not filed as definitions
# ---------------------------------------------------------------------------------------


def test_jacobian_entries_after_a_softmax_definition_are_a_claim() -> None:
    """J_{ij} has a meaning once p is the softmax: ∂p_i/∂z_j. Writing it equal to something
    is a claim, checked like any step."""
    wrong = _verdicts(SOFTMAX_P + "The Jacobian is\n\n$$J_{ij} = p_i(1 - p_j)$$\n")
    assert wrong == ["conditional"]  # right on the diagonal only
    right = _verdicts(SOFTMAX_P + "$$J_{ij} = p_i(\\delta_{ij} - p_j)$$\n")
    assert right == ["verified"]


def test_a_matrix_jacobian_after_a_softmax_definition_is_a_claim() -> None:
    text = SOFTMAX_P + "$$J = \\operatorname{diag}(p) + p p^\\top$$\n"
    assert _verdicts(text) == ["refuted"]
    assert _verdicts(text.replace("+ p p", "- p p")) == ["verified"]


def test_a_jacobian_defined_as_the_derivative_stays_a_definition() -> None:
    text = SOFTMAX_P + (
        "$$J_{ij} = \\frac{\\partial p_i}{\\partial z_j}$$\n\n"
        "$$J_{ij} = p_i(\\delta_{ij} - p_j)$$\n"
    )
    report = check_text(text)
    assert [step.verdict.value for step in report.steps] == ["verified"]
    assert any(d.startswith("J_i,j (line") for d in report.definitions)


def test_a_cost_named_j_is_still_a_definition() -> None:
    """A scalar cost J = -Σ y log p is a fresh name, not the Jacobian."""
    text = SOFTMAX_P + "$$J = -\\sum_k y_k \\log p_k$$\n"
    report = check_text(text)
    assert report.steps == ()
    assert any(d.startswith("J (line") for d in report.definitions)


def test_strict_fails_when_nothing_was_checked(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text(SOFTMAX_P + "Nothing else is derived here.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--strict", str(empty)])
    assert stopped.value.code == 1
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(empty)])
    assert stopped.value.code in (0, None)


# ---------------------------------------------------------------------------------------
# guesses come last; refutations that need one depend on the reading
# ---------------------------------------------------------------------------------------

WRONG_SIGMA_STEP = "$$\\frac{\\partial \\sigma_i}{\\partial z_j} = \\sigma_i(1 + \\sigma_j)$$\n"


def test_a_refutation_under_an_unbacked_guess_depends_on_the_reading() -> None:
    """σ is never defined and the document speaks of the sigmoid: σ may not be the softmax."""
    text = "The hidden layer uses the logistic sigmoid $\\sigma$.\n\n" + WRONG_SIGMA_STEP
    (step,) = check_text(text).steps
    assert step.verdict is Verdict.DEPENDS_ON_READING
    assert "wrong if σ means softmax" in step.detail


def test_a_refutation_under_a_backed_guess_is_a_refutation() -> None:
    """The same step in a document about the softmax reads σ as the softmax."""
    text = "The output layer applies the softmax $\\sigma$.\n\n" + WRONG_SIGMA_STEP
    (step,) = check_text(text).steps
    assert step.verdict is Verdict.REFUTED
    assert any(d.endswith("(a guess)") for d in check_text(text).definitions)


def test_depends_on_reading_fails_only_under_strict(tmp_path: Path) -> None:
    path = tmp_path / "sigmoid.md"
    path.write_text("We use the logistic sigmoid $\\sigma$.\n\n" + WRONG_SIGMA_STEP, "utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(path)])
    assert stopped.value.code in (0, None)
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--strict", str(path)])
    assert stopped.value.code == 1


# ---------------------------------------------------------------------------------------
# unusable definitions are said to be so
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "reason"),
    [
        ("S_i = \\frac{e^{z_j}}{\\sum_k e^{z_k}}", "j is free on the right only"),
        ("S_i = \\frac{e^{z_i}}{\\sum_k e^{z_i}}", "does not occur in the summand"),
    ],
)
def test_a_definition_with_an_unbound_index_is_unusable(definition: str, reason: str) -> None:
    text = f"The softmax is $${definition}$$\n\n$$\\frac{{\\partial S_i}}{{\\partial z_j}} = 0$$\n"
    report = check_text(text)
    first = report.steps[0]
    assert first.verdict is Verdict.NOT_UNDERSTOOD and reason in first.detail
    assert "unusable" in report.steps[1].detail
    assert report.steps[1].verdict is Verdict.DEPENDS_ON_READING


# ---------------------------------------------------------------------------------------
# the document's own notation: trailing clauses, names, roles, parameters
# ---------------------------------------------------------------------------------------

CHAIN = (
    "$$\\frac{{\\partial E}}{{\\partial z_j}} = {rhs}$$ {word} "
    "$g_k = \\frac{{\\partial E}}{{\\partial p_k}}$.\n"
)


@pytest.mark.parametrize("word", ["where", "with", "wobei", "où", "其中", "где"])
def test_a_trailing_clause_defines_what_the_step_uses(word: str) -> None:
    """ "… where g_k = ∂E/∂p_k": E is a function of p and g its gradient, for this step."""
    right = CHAIN.format(rhs="\\sum_k g_k \\frac{\\partial p_k}{\\partial z_j}", word=word)
    wrong = CHAIN.format(rhs="\\sum_k g_k p_k", word=word)
    assert _verdicts(SOFTMAX_P + right) == ["verified"]
    assert _verdicts(SOFTMAX_P + wrong) == ["refuted"]


def test_a_run_of_capitals_the_document_uses_as_one_name_is_one_name() -> None:
    """CE is the cross-entropy, not C·E: its derivative is read through its definition."""
    head = (
        SOFTMAX_P
        + "The cross-entropy with a one-hot target $y$ is $$CE = -\\sum_k y_k \\log p_k$$\n"
    )
    assert _verdicts(head + "$$\\frac{\\partial CE}{\\partial z_j} = p_j - y_j$$\n") == ["verified"]
    assert _verdicts(head + "$$\\frac{\\partial CE}{\\partial z_j} = y_j - p_j$$\n") == ["refuted"]


def test_capitals_whose_letters_stand_alone_stay_a_product() -> None:
    """A document that writes A and B alone means AB as their product."""
    assert _verdicts("$$A = 2$$ $$B = 3$$ $$AB = 6$$") == ["verified"]


def test_a_log_base_is_a_positive_parameter_not_an_index() -> None:
    """L = -log_b p_c: b is a base (positive), read the same in ``\\ln b`` as in ``\\log_b``."""
    head = SOFTMAX_P + "In bits, $$L = -\\log_b p_c$$\n\n"
    right = "$$\\frac{\\partial L}{\\partial z_j} = \\frac{1}{\\ln b}(p_j - \\delta_{jc})$$\n"
    assert _verdicts(head + right) == ["verified"]
    assert _verdicts(head + right.replace("- \\delta", "+ \\delta")) == ["conditional"]


def test_a_step_that_holds_only_at_a_neutral_temperature_is_conditional() -> None:
    text = (
        "With temperature $T$ the softmax is $p_i = \\frac{e^{z_i/T}}{\\sum_k e^{z_k/T}}$.\n\n"
        "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} - p_j)$$\n"
    )
    (step,) = check_text(text).steps
    assert step.verdict is Verdict.CONDITIONAL and step.condition == "T = 1"
    right = text.replace("p_i(\\delta_{ij} - p_j)", "\\frac{1}{T} p_i(\\delta_{ij} - p_j)")
    assert _verdicts(right) == ["verified"]
    wrong = text.replace("p_i(\\delta_{ij} - p_j)", "p_i(\\delta_{ij} + p_j)")
    assert _verdicts(wrong) == ["refuted"]


@pytest.mark.parametrize("opening", ["Now let", "Say", "Soit", "Пусть", "设"])
def test_let_rebinds_a_name_from_there_on(opening: str) -> None:
    text = (
        "A warm-up with $a = 2$: $$a^2 = 4$$\n\n"
        f"{opening} $a = 3$. Then $$a^2 = 9$$ and $$a^2 = 4$$\n"
    )
    assert _verdicts(text) == ["verified", "verified", "refuted"]


def test_without_let_a_second_equation_for_a_name_is_a_claim() -> None:
    text = "A warm-up with $a = 2$: $$a^2 = 4$$\n\nThen $a = 3$.\n"
    assert _verdicts(text) == ["verified", "refuted"]


RULE = (
    "Recall the quotient rule: if $h(x) = \\frac{f(x)}{g(x)}$ then "
    "$$h'(x) = \\frac{f'(x) g(x) - f(x) g'(x)}{g(x)^2}$$\n\n"
    "Here let $f = e^{z_i}$ and $g = \\sum_k e^{z_k}$, so that $S_i = \\frac{f}{g}$.\n\n"
    "$$\\frac{\\partial S_i}{\\partial z_j} = S_i(\\delta_{ij} - S_j)$$\n"
)


def test_a_name_defined_with_a_free_index_is_bound_by_the_definition_through_it() -> None:
    """f = e^{z_i}, then S_i = f/g: S_j is e^{z_j}/g, and the rule above is a lemma of its own."""
    assert _verdicts(RULE) == ["verified", "verified"]
    assert _verdicts(RULE.replace("- S_j)$$", "+ S_j)$$")) == ["verified", "refuted"]


def test_a_stated_hypothesis_is_a_condition_not_an_identity() -> None:
    """ "Suppose the inputs are centred, so that Σ_j x_j = 0" holds for this document's inputs."""
    text = (
        "The softmax is $p_i = \\frac{e^{x_i}}{\\sum_k e^{x_k}}$. Suppose the inputs are "
        "centred, so that $\\sum_j x_j = 0$.\n\n"
        "Then $$\\sum_j \\log p_j = - n \\log \\sum_k e^{x_k}$$\n"
    )
    report = check_text(text)
    assert [step.verdict.value for step in report.steps] == ["verified"]
    assert _verdicts(text.replace("so that $\\sum_j x_j = 0$", "say")) == ["refuted"]


@pytest.mark.parametrize("label", ["out", "\\text{out}", "\\mathrm{out}"])
def test_a_superscript_word_is_a_label_not_a_power(label: str) -> None:
    text = (
        f"The output layer is the softmax $h^{{{label}}}_i = "
        "\\frac{e^{z_i}}{\\sum_k e^{z_k}}$.\n\n"
        f"$$\\frac{{\\partial h^{{{label}}}_i}}{{\\partial z_j}} = "
        f"h^{{{label}}}_i(\\delta_{{ij}} - h^{{{label}}}_j)$$\n"
    )
    assert _verdicts(text) == ["verified"]
    assert _verdicts(text.replace("(\\delta_{ij} -", "(\\delta_{ij} +")) == ["refuted"]


def test_two_upper_letters_stay_upper_indices() -> None:
    """``Q^{ia}`` in an attention write-up: indices, not read, never a power."""
    (verdict,) = _verdicts("$$Q^{ia} = 2 Q^{ia} - Q^{ia}$$")
    assert verdict == "not-understood"


def test_an_undefined_name_is_an_unknown_solved_for() -> None:
    """S_i = e^{x_i}/N with N never defined: Σ_i S_i = 1 holds iff N = Σ_i e^{x_i}."""
    text = (
        "The softmax of $x$ is written with a normaliser $N$:\n$$S_i = \\frac{e^{x_i}}{N}$$\n"
        "$$\\sum_i S_i = 1$$\n"
    )
    (step,) = check_text(text).steps
    assert step.verdict is Verdict.CONDITIONAL
    assert step.condition == "N = Σ_{i=1}^{n} e^{x_i}" and "holds iff" in step.detail


@pytest.mark.parametrize(
    "name",
    ["\\operatorname{softmax}(z)_i", "\\mathrm{softmax}(\\mathbf z)_i", "\\text{softmax}(z_i)"],
)
def test_an_equation_for_the_softmax_itself_is_a_claim(name: str) -> None:
    right = f"$${name} = \\frac{{e^{{z_i}}}}{{\\sum_k e^{{z_k}}}}$$\n"
    wrong = f"$${name} = \\frac{{e^{{z_i}}}}{{1 + \\sum_k e^{{z_k}}}}$$\n"
    assert _verdicts(right) == ["verified"]
    assert _verdicts(wrong) == ["refuted"]


def test_a_softmax_with_a_temperature_defines_its_own_variant() -> None:
    text = "$$\\operatorname{softmax}(z)_i = \\frac{e^{z_i/T}}{\\sum_k e^{z_k/T}}$$\n"
    report = check_text(text)
    assert report.steps == () and report.definitions


def test_a_jacobian_after_a_vector_named_as_the_softmax_is_a_claim() -> None:
    text = (
        "Let $\\mathbf p = \\operatorname{softmax}(\\mathbf z)$. The Jacobian is\n"
        "$$J = \\operatorname{diag}(\\mathbf p) + \\mathbf p \\mathbf p^\\top$$\n"
    )
    report = check_text(text)
    assert [step.verdict.value for step in report.steps] == ["refuted"]
    assert "p read as softmax of z" in report.definitions  # named by the document, no guess
    assert _verdicts(text.replace("+ \\mathbf p \\mathbf p", "- \\mathbf p \\mathbf p")) == [
        "verified"
    ]
