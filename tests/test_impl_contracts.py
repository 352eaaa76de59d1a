"""Tests of the contracts real code uses beyond f(z) and f(z, g): elementwise derivatives,
argument orders settled by probing, 3-D attention scores, float32-only code, in-place
modification, and a target that is no softmax contract at all."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from symsoft.cli import main
from symsoft.errors import ImplementationError
from symsoft.impl.check import check_implementation
from symsoft.impl.difference import DifferenceKind

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

IMPLS = Path(__file__).parent / "impls"


def spec(name: str) -> str:
    return f"{IMPLS / name}"


def test_elementwise_diagonal_is_the_diagonal_only_mistake() -> None:
    """s ⊙ (1 − s) used as grad * f(z): judged as diag(f), wrong, the missing part named."""
    report = check_implementation(spec("elementwise_prime.py:softmax_prime"))
    assert report.kind == "elementwise" and report.exit_code == 1
    assert [f.name for f in report.diagnosis] == ["diagonal-only"]
    assert any("no elementwise f is its derivative" in note for note in report.notes)
    # n = 1 is the only size where an elementwise derivative is right (J = [0])
    assert [c.shape for c in report.cases if c.passed] == [(1,)]


def test_elementwise_ones_passes_the_gradient_through() -> None:
    """ones_like(z): the identity Jacobian, described structurally, no catalogue name claimed."""
    report = check_implementation(spec("elementwise_prime.py:softmax_derivative_ones"))
    assert report.kind == "elementwise" and not report.passed
    assert report.diagnosis == ()
    (difference,) = report.structure
    assert difference.kind is DifferenceKind.BOTH
    assert "passes through unchanged" in difference.summary
    assert "structure:" in report.to_text() and "worst element" in report.to_text()


def test_elementwise_softmax_itself_keeps_diag_s() -> None:
    """f = s: the −s sᵀ term missing, said as diagonal s instead of s(1 − s)."""
    report = check_implementation(spec("elementwise_prime.py:softmax_grad_s"))
    (difference,) = report.structure
    assert "diagonal s instead of s(1 − s)" in difference.summary
    assert "off-diagonal missing" in difference.summary


def test_used_elementwise_derivative_in_a_backward_pass() -> None:
    """The same function used inside dA * f(Z) is a (wrong) backward pass: missing-sum-term."""
    report = check_implementation(spec("elementwise_prime.py:backward_pass"))
    assert report.kind == "vjp"
    assert [f.name for f in report.diagnosis] == ["missing-sum-term"]


@pytest.mark.parametrize(
    ("name", "input", "order"),
    [
        ("softmax_backward_dA_Z", "logits", "gradient first"),
        ("softmax_backward_Z_dA", "logits", "gradient second"),
        ("backward_cache_output", "softmax", "gradient first"),
        ("backward_cache_logits", "logits", "gradient first"),
        ("backward_a_b", "logits", "gradient second"),
    ],
)
def test_argument_roles_are_settled_by_probing(name: str, input: str, order: str) -> None:
    """Right backward passes in every argument order, the cache holding s or z, all pass."""
    report = check_implementation(spec(f"argument_orders.py:{name}"))
    assert report.passed, report.to_text()
    assert report.input == input
    assert "probes" in report.input_reason


def test_wrong_cache_order_is_probed_and_diagnosed() -> None:
    """(cache, upstream) with cache = s and the sum term missing: the mistake is named."""
    report = check_implementation(spec("argument_orders.py:backward_first_cache"))
    assert report.input == "softmax" and "linear in the gradient" in report.input_reason
    assert [f.name for f in report.diagnosis] == ["missing-sum-term"]


def test_output_beside_the_logits() -> None:
    """(dA, Z, A) and (Z, A, dA): three parameters, roles found by probing, right and wrong."""
    right = check_implementation(spec("argument_orders.py:softmax_backward_dA_Z_A"))
    assert right.passed and "dA=the upstream gradient" in right.kind_reason
    assert "A=softmax(z)" in right.kind_reason
    wrong = check_implementation(spec("argument_orders.py:softmax_backward_Z_A_dA_wrong"))
    assert [f.name for f in wrong.diagnosis] == ["off-diagonal-sign"]
    assert "Z=the logits z" in wrong.kind_reason


def test_ambiguous_order_says_which_was_used() -> None:
    """x * y fits both orders: the report says so and which one was used."""
    report = check_implementation(spec("argument_orders.py:softmax_backward_symmetric"))
    assert not report.passed
    assert any("2 argument assignments fit" in note for note in report.notes)


def test_loss_function_is_not_a_softmax_contract() -> None:
    """(loss, grad_W) of a linear classifier: cannot tell the contract, with what was tried."""
    with pytest.raises(ImplementationError, match="cannot tell the contract") as raised:
        check_implementation(spec("loss_not_softmax.py:softmax_loss"))
    assert "every assignment" in str(raised.value)


def test_loss_function_exits_2(capsys) -> None:
    """The CLI turns it into exit 2 and one line on stderr."""
    with pytest.raises(SystemExit) as exited:
        main(["check-impl", spec("loss_not_softmax.py:softmax_loss")])
    assert exited.value.code == 2
    assert "cannot tell the contract" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "passed"),
    [
        ("ScoresSoftmax", True),
        ("attention_softmax_backward", True),
        ("attention_backward_grad_first", True),
    ],
)
def test_three_dimensional_attention_code(name: str, passed: bool) -> None:
    """Code that takes (batch, queries, keys) only is run on (1, m, n) scores."""
    report = check_implementation(spec(f"attention_scores.py:{name}"))
    assert report.passed is passed, report.to_text()
    assert "attention scores (1, m, n)" in report.layout


def test_three_dimensional_code_over_the_wrong_axis_fails() -> None:
    """Softmax over axis 1 of (batch, queries, keys) is over the queries: wrong, not excused
    by reading the batch as columns (m, n, 1)."""
    report = check_implementation(spec("attention_scores.py:attention_softmax_wrong_axis"))
    assert not report.passed
    assert report.layout == "attention scores (1, m, n)"
    assert [f.name for f in report.diagnosis] == ["wrong-axis"]


def test_softmax_over_a_given_dim() -> None:
    """softmax(x, dim) is called with dim=-1."""
    report = check_implementation(spec("attention_scores.py:softmax_dim"))
    assert report.passed and "called with dim=-1" in report.notes


def test_float32_only_layer_runs_in_single_precision() -> None:
    """A layer that raises on float64 runs in float32: single-precision, not "cannot run"."""
    report = check_implementation(spec("float32_buffers.py:Float32Softmax"))
    assert report.exit_code == 1
    assert [f.name for f in report.diagnosis] == ["single-precision"]
    assert any("run in float32" in note for note in report.notes)
    # right to float32 accuracy: it passes once the tolerance says so
    assert check_implementation(
        spec("float32_buffers.py:Float32Softmax"), rtol=1e-5, atol=1e-5
    ).passed


def test_float32_only_wrong_formula_is_named() -> None:
    """A wrong formula run in float32 is matched at float32 accuracy and named."""
    report = check_implementation(spec("float32_buffers.py:softmax_backward_f32"))
    assert [f.name for f in report.diagnosis] == ["missing-sum-term"]


def test_code_raising_on_both_dtypes_still_cannot_run() -> None:
    """The float32 retry never turns an error into a pass."""

    def broken(z):
        raise TypeError("no")

    with pytest.raises(ImplementationError, match="raised on every input"):
        check_implementation(broken, kind="softmax")


def test_in_place_modification_is_a_warning_and_fails_under_strict() -> None:
    """Right values, logits changed in place: passed with a warning; --strict fails it."""
    report = check_implementation(spec("inplace_shift.py:softmax"))
    assert report.passed and report.mutated == ("the input",)
    assert "with a warning" in report.to_text().splitlines()[0]
    strict = check_implementation(spec("inplace_shift.py:softmax"), strict=True)
    assert not strict.passed and strict.exit_code == 1
    gradient = check_implementation(spec("inplace_shift.py:softmax_backward"))
    assert gradient.mutated == ("the upstream gradient",)
    clean = check_implementation(spec("inplace_shift.py:softmax_copy"), strict=True)
    assert clean.passed and clean.mutated == ()


def test_strict_flag_on_the_cli(capsys) -> None:
    """--strict exits 1 on in-place modification; the JSON lists what was modified."""
    target = spec("inplace_shift.py:softmax")
    with pytest.raises(SystemExit) as exited:
        main(["check-impl", target, "--strict", "--json"])
    assert exited.value.code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False and data["mutated"] == ["the input"]


def test_structure_is_in_the_json_for_an_unnamed_mistake(capsys) -> None:
    """An out-of-catalogue mistake: the JSON carries its structure and worst element."""

    def twice(z, grad):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        s = e / e.sum(axis=-1, keepdims=True)
        return 2 * s * (grad - (grad * s).sum(axis=-1, keepdims=True))

    report = check_implementation(twice)
    (difference,) = report.to_dict()["structure"]
    assert difference["kind"] == "constant-factor" and "factor 2" in difference["summary"]
    assert difference["got"] == pytest.approx(2 * difference["expected"])


def test_elementwise_kind_can_be_given() -> None:
    """--kind elementwise for a function whose name does not say derivative."""

    def helper(s):
        return s * (1 - s)

    report = check_implementation(helper, kind="elementwise")
    assert report.kind == "elementwise" and report.input == "softmax"
    assert [f.name for f in report.diagnosis] == ["diagonal-only"]


def test_elementwise_can_never_pass_for_n_at_least_2() -> None:
    """Even the best elementwise f (the true diagonal) fails: J has off-diagonal entries."""
    from symsoft.symbolic.numeric import stable_softmax

    def softmax_prime(z):
        s = stable_softmax(z)
        return s - s * s

    report = check_implementation(softmax_prime)
    assert not report.passed
    assert all(c.passed == (c.shape[-1] == 1) for c in report.cases if c.status != "unsupported")


def test_layer_backward_given_its_forward_output() -> None:
    """backward(grad, out) and backward(x, y, dy) get forward's output by name."""
    right = check_implementation(spec("output_beside.py:SoftmaxOutputBackward"))
    assert right.passed
    assert "backward() called as backward(dvalues, forward's output)" in right.notes
    wrong = check_implementation(spec("output_beside.py:SoftmaxInputOutputBackward"))
    assert [f.name for f in wrong.diagnosis] == ["missing-sum-term"]
    assert "backward() called as backward(x, forward's output, dvalues)" in wrong.notes


def test_generic_name_for_three_dimensional_code_is_probed_in_that_layout() -> None:
    """A one-argument function that only takes (batch, queries, keys) is probed as 3-D scores."""
    report = check_implementation(spec("layouts_and_scales.py:normalise_keys"))
    assert report.kind == "softmax" and report.passed


def test_elementwise_derivative_of_three_dimensional_code_is_judged() -> None:
    """Its s(1 − s) derivative is found elementwise in the 3-D layout and named diagonal-only."""
    report = check_implementation(spec("layouts_and_scales.py:normalise_keys_prime"))
    assert report.kind == "elementwise" and report.exit_code == 1
    assert [f.name for f in report.diagnosis] == ["diagonal-only"]


def test_axis_parameter_with_a_suffix_gets_the_last_axis() -> None:
    """``dim_idx`` names the axis: it is given -1, like ``dim`` and ``axis``."""
    report = check_implementation(spec("layouts_and_scales.py:softmax_along"))
    assert report.kind == "softmax" and report.passed
    assert any("dim_idx=-1" in note for note in report.notes)


def test_known_mistake_divided_by_the_batch_size_is_named_with_the_factor() -> None:
    """(s − g)/m is s-minus-g scaled by 1/m: the catalogue name with its factor, not 'unknown'."""
    report = check_implementation(spec("layouts_and_scales.py:fused_backward_mean"))
    assert not report.passed
    (finding,) = report.diagnosis
    assert finding.name == "s-minus-g" and finding.variant.endswith("÷ m")
    assert "divided by the batch size" in finding.summary


def test_unstable_code_wrong_elsewhere_gets_a_structure_for_the_finite_cases() -> None:
    """Unstable at large logits and a diagonal slip elsewhere: both are reported."""
    report = check_implementation(spec("layouts_and_scales.py:jacobian_unstable_diagonal_slip"))
    assert [f.name for f in report.diagnosis] == ["unstable-exp"]
    (difference,) = report.structure
    assert difference.kind is DifferenceKind.DIAGONAL
    assert "s instead of s(1 − s)" in difference.summary


def test_a_failure_that_rests_on_the_logits_reading_says_so() -> None:
    """diag(x) − x xᵀ fails as a function of the logits, and the report names the other
    reading (x = softmax(z)) and how to check it; with --input softmax it passes."""
    target = spec("layouts_and_scales.py:jacobian_of_activation")
    report = check_implementation(target)
    assert not report.passed and report.notes[0].startswith("depends on the input")
    assert "--input softmax" in report.notes[0]
    assert check_implementation(target, input="softmax").passed
    wrong = check_implementation(spec("wrong_jacobians.py:softmax_jacobian_diag"))
    assert not any(note.startswith("depends on the input") for note in wrong.notes)
