"""How ``symsoft check`` reads a document before it judges a step: finite samples only, claims
versus definitions, the document's own notation first and guesses last."""

from __future__ import annotations

import pytest
import sympy as sp

from symsoft.check import check_text
from symsoft.cli import main
from symsoft.decide import Definitions, decide
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
