"""Tests of ``check_implementation`` and ``symsoft check-impl`` on a corpus of user code."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symsoft.cli import main
from symsoft.errors import ImplementationError, SymsoftError, UsageError
from symsoft.impl.check import check_implementation
from symsoft.impl.diagnosis import CATALOGUE

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

IMPLS = Path(__file__).parent / "impls"


def spec(name: str) -> str:
    return f"{IMPLS / name}"


# (target, kind, layout, diagnosis names) for implementations that must pass
CORRECT = [
    ("nnfs_softmax.py:Activation_Softmax", "layer", "row vectors (1, n), batches (m, n)"),
    ("layers.py:Softmax", "layer", "vectors (n,), batches (m, n)"),
    ("layers.py:SoftmaxWithTrainingFlag", "layer", "vectors (n,), batches (m, n)"),
    ("independent_code.py:StableSoftmax", "layer", "column vectors (n, 1)"),
    ("activation_functions.py:Softmax", "softmax", "vectors (n,), batches (m, n)"),
    ("deeplearning_ai.py:softmax", "softmax", "row vectors (1, n), batches (m, n)"),
    ("deeplearning_ai.py:softmax_backward", "vjp", "row vectors (1, n), batches (m, n)"),
    ("stackoverflow_grad.py:softmax_grad", "jacobian", "vectors (n,)"),
    ("stackoverflow_grad.py:softmax_grad_vectorized", "jacobian", "vectors (n,)"),
    ("vectorised.py:softmax_jacobian", "jacobian", "vectors (n,)"),
    ("vectorised.py:jacobian_einsum", "jacobian", "vectors (n,), batches (m, n)"),
    ("vectorised.py:softmax_vjp", "vjp", "vectors (n,), batches (m, n)"),
    ("vectorised.py:softmax_backward", "vjp", "vectors (n,), batches (m, n)"),
    ("vectorised.py:softmax_backward_matmul", "vjp", "vectors (n,), batches (m, n)"),
    ("vectorised.py:vjp_einsum", "vjp", "vectors (n,), batches (m, n)"),
    ("vectorised.py:softmax_backward_loops", "vjp", "vectors (n,), batches (m, n)"),
    ("vectorised.py:softmax", "softmax", "vectors (n,), batches (m, n)"),
    ("vectorised.py:softmax_loops", "softmax", "vectors (n,), batches (m, n)"),
    ("vectorised.py:softmax_along", "softmax", "vectors (n,), batches (m, n)"),
    ("vectorised.py:softmax_with_temperature", "softmax", "vectors (n,), batches (m, n)"),
    ("warns_on_import.py:softmax", "softmax", "vectors (n,), batches (m, n)"),
    ("blog_snippets.py:softmax", "softmax", "vectors (n,), batches (m, n)"),
    ("column_vectors.py:softmax_derivative", "jacobian", "column vectors (n, 1)"),
    ("column_vectors.py:softmax_backward", "vjp", "column vectors (n, 1)"),
    ("batched_columns.py:softmax_forward", "softmax", "row vectors (1, n), batches (m, n)"),
    ("batched_columns.py:softmax_jacobian", "jacobian", "batches of columns (m, n, 1)"),
    ("course_code.py:softmax_grad_dist", "vjp", "vectors (n,)"),
    # softmax_backward(b, gb): gb is the gradient with respect to b, so b is the output
    ("course_code.py:softmax_backward", "vjp", "vectors (n,)"),
]

# (target, the diagnosis names expected, exactly)
WRONG = [
    ("nnfs_softmax.py:Activation_Softmax_NoShift", {"unstable-exp"}),
    ("nnfs_softmax.py:Activation_Softmax_Sigmoidish", {"g-one-minus-g"}),
    ("nnfs_softmax.py:Activation_Softmax_NoReshape", {"dot-instead-of-outer"}),
    ("nnfs_softmax.py:Activation_Softmax_Inputs", {"jacobian-at-logits"}),
    ("layers.py:SoftmaxDiagOnly", {"missing-sum-term"}),
    ("independent_code.py:Softmax", {"unstable-exp"}),
    ("activation_functions.py:Softmax.gradient", {"diagonal-only"}),
    ("layers.py:SoftmaxWrongAxis", {"wrong-axis"}),
    ("stackoverflow_grad.py:softmax_derivative", {"diagonal-only"}),
    ("stackoverflow_grad.py:softmax_jacobian_from_logits", {"jacobian-at-logits"}),
    ("stackoverflow_grad.py:softmax", {"batch-normalised"}),
    ("vectorised.py:softmax_float32", {"single-precision"}),
    ("wrong_vjps.py:softmax_grad_missing_sum", {"missing-sum-term"}),
    ("wrong_vjps.py:softmax_backward_keepdims", {"missing-keepdims"}),
    ("wrong_vjps.py:softmax_backward_jacobian", {"jacobian-instead-of-vjp"}),
    ("wrong_vjps.py:backward_fused", {"s-minus-g"}),
    ("wrong_vjps.py:softmax_backward_global", {"batch-normalised"}),
    ("wrong_vjps.py:softmax_backward_log", {"log-softmax-jacobian"}),
    ("wrong_vjps.py:softmax_backward_sign", {"sign-flipped"}),
    ("wrong_vjps.py:softmax_backward_no_s", {"missing-s-factor"}),
    ("wrong_vjps.py:softmax_backward_naive", {"unstable-exp"}),
    ("wrong_vjps.py:softmax_backward_times", set()),
    ("onebyn_layer.py:SoftmaxLayer", set()),
    ("wrong_jacobians.py:softmax_jacobian_diag", {"diagonal-only"}),
    ("wrong_jacobians.py:jacobian", {"jacobian-at-logits"}),
    ("wrong_jacobians.py:softmax_grad", {"dot-instead-of-outer"}),
    ("wrong_jacobians.py:log_softmax_jacobian", {"log-softmax-jacobian"}),
    ("wrong_jacobians.py:softmax_jacobian_flipped", {"sign-flipped"}),
    ("wrong_jacobians.py:softmax_jacobian_offdiag", {"missing-diagonal-term"}),
    ("wrong_jacobians.py:softmax_jacobian_naive", {"unstable-exp"}),
    ("wrong_jacobians.py:softmax_jacobian_no_delta", {"missing-delta"}),
    ("wrong_jacobians.py:softmax_jacobian_plus", {"off-diagonal-sign"}),
    ("wrong_softmax.py:softmax_axis0", {"wrong-axis"}),
    ("wrong_softmax.py:softmax_nokeepdims", {"missing-keepdims"}),
    ("wrong_softmax.py:softmax_whole_batch", {"batch-normalised"}),
    ("wrong_softmax.py:softmax_columns", {"transposed"}),
    ("wrong_softmax.py:softmax_log", {"log-softmax-output"}),
    ("wrong_softmax.py:softmax_naive", {"unstable-exp"}),
    ("column_vectors.py:softmax", {"batch-normalised"}),
    ("batched_columns.py:softmax_forward_global_max", {"unstable-exp"}),
    ("course_code.py:softmax_prime", {"diagonal-only", "unstable-exp"}),
    ("course_code.py:softmax_forward", {"batch-normalised", "unstable-exp"}),
    ("course_code.py:softmax_pure_python", {"unstable-exp"}),
    ("blog_snippets.py:softmax_derivative", {"summed-jacobian"}),
    # data * (dL_da - sum(dL_da * data)): right on vectors when data holds softmax(z) (probed)
    ("blog_snippets.py:Dense.softmax_derivative", {"batch-normalised"}),
    ("public_cnn_rishov.py:SoftMaxLayer", {"gradient-passed-through"}),
]

TORCH_WRONG = [
    ("torch_impls.py:SoftmaxFunctionDiag", {"missing-sum-term"}),
    ("torch_impls.py:softmax_d2l", {"unstable-exp"}),
    ("torch_impls.py:softmax_backward_f32", {"single-precision"}),
]


@pytest.mark.parametrize(("target", "kind", "layout"), CORRECT)
def test_correct_implementations_pass(target: str, kind: str, layout: str) -> None:
    """Every correct implementation in the corpus passes, with its contract and layout detected."""
    report = check_implementation(spec(target))
    assert report.passed, report.to_text()
    assert (report.kind, report.layout, report.exit_code) == (kind, layout, 0)
    assert report.diagnosis == ()


# wrong only under an option: (target, options, names)
WRONG_WITH_OPTIONS = [
    ("stackoverflow_grad.py:d_softmax", {"input": "softmax"}, {"softmax-applied-twice"}),
    ("columns_convention.py:softmax_backward", {}, {"wrong-axis"}),
    ("blog_snippets.py:Dense.softmax_derivative", {"input": "softmax"}, {"batch-normalised"}),
]


@pytest.mark.parametrize(("target", "names"), WRONG)
def test_wrong_implementations_fail_with_diagnosis(target: str, names: set[str]) -> None:
    """Every wrong implementation fails, and exactly the expected mistakes are named."""
    report = check_implementation(spec(target))
    assert not report.passed
    assert report.exit_code == 1
    assert {finding.name for finding in report.diagnosis} == names, report.to_text()
    assert report.first_failure is not None
    if not names:
        assert "no known pattern" in report.to_text()


@pytest.mark.parametrize(("target", "options", "names"), WRONG_WITH_OPTIONS)
def test_wrong_under_an_option(target: str, options: dict, names: set[str]) -> None:
    """Code that is wrong under a stated convention fails with the expected diagnosis."""
    report = check_implementation(spec(target), **options)
    assert not report.passed and {f.name for f in report.diagnosis} == names


def test_every_catalogue_mistake_is_diagnosed_from_real_code() -> None:
    """Each catalogue hypothesis is named for at least one realistic wrong implementation."""
    covered = set().union(*(names for _, names in WRONG), *(n for *_, n in WRONG_WITH_OPTIONS))
    assert covered == {entry.name for entry in CATALOGUE}


def test_two_mistakes_on_two_families_are_named_with_their_scope() -> None:
    """No hypothesis explains every case: the one explaining single vectors says so."""

    def softmax_derivative(z, dL_da):
        return z * (dL_da - np.sum(dL_da * z))

    report = check_implementation(softmax_derivative)
    (finding,) = report.diagnosis
    assert (finding.name, finding.scope) == ("jacobian-at-logits", "single vectors only")
    assert "single vectors only]" in report.to_text()


def test_guessed_softmax_input_falls_back_to_the_logits_contract() -> None:
    """A parameter named s suggests softmax input; code right on the logits still passes."""
    report = check_implementation(spec("stackoverflow_grad.py:d_softmax"))
    assert report.passed and report.input == "logits"
    assert "right on the logits" in report.input_reason
    # never the other way: code right only on s fails when the guess was logits
    assert not check_implementation(spec("wrong_jacobians.py:jacobian")).passed


def test_square_and_non_square_batches_are_both_in_the_battery() -> None:
    """The battery holds a square batch (m = n) and a non-square one, in float64 and float32."""
    report = check_implementation(spec("vectorised.py:softmax_vjp"))
    shapes = {(case.shape, case.dtype) for case in report.cases if case.family == "batch"}
    assert ((6, 6), "float64") in shapes and ((6, 6), "float32") in shapes
    assert ((3, 6), "float64") in shapes
    sizes = {case.shape[-1] for case in report.cases}
    assert {1, 2, 3, 6} <= sizes


def test_missing_keepdims_is_silent_except_on_square_batches() -> None:
    """The keepdims bug raises on non-square batches and is wrong on square ones; both are shown."""
    report = check_implementation(spec("wrong_softmax.py:softmax_nokeepdims"))
    status = {case.name: case.status for case in report.cases}
    assert status["batch 3×6 float64"] == "error"
    assert status["square batch 6×6 float64"] == "fail"
    assert all(s == "pass" for name, s in status.items() if "batch" not in name)


def test_report_gives_errors_worst_index_and_first_failing_input() -> None:
    """A failing case reports max abs/rel error, the worst element, and the input that failed."""
    report = check_implementation(spec("wrong_jacobians.py:softmax_jacobian_diag"))
    failed = [case for case in report.cases if case.status == "fail"]
    worst = failed[0]
    assert worst.max_abs_error > 1e-3 and worst.max_rel_error == pytest.approx(1.0)
    i, j = worst.worst_index
    assert i != j  # only the off-diagonal entries are wrong
    first = report.first_failure
    assert first["case"] == worst.name and first["got"] == 0.0
    s = np.exp(first["z"]) / np.sum(np.exp(first["z"]))
    assert first["expected"] == pytest.approx(-s[i] * s[j])


def test_tolerances_are_configurable() -> None:
    """An error of 1e-8 fails the default float64 tolerance and passes a looser one."""

    def nearly(z, g):
        s = np.exp(z - z.max(axis=-1, keepdims=True))
        s = s / s.sum(axis=-1, keepdims=True)
        return s * (g - (g * s).sum(axis=-1, keepdims=True)) + 1e-8

    assert not check_implementation(nearly).passed
    loose = check_implementation(nearly, rtol=1e-6, atol=1e-6)
    assert loose.passed
    assert loose.tolerances == {"float64": (1e-6, 1e-6), "float32": (1e-5, 1e-5)}


def test_input_convention_can_be_given() -> None:
    """A Jacobian taking s passes with input='softmax' and is diagnosed at the logits otherwise."""

    def jac(v):
        return np.diag(v) - np.outer(v, v)

    assert check_implementation(jac, input="softmax").passed
    report = check_implementation(jac, input="logits")
    assert [f.name for f in report.diagnosis] == ["jacobian-at-logits"]
    assert any("--input softmax" in note for note in report.notes)


def test_layer_for_one_row_is_right_on_rows_and_wrong_on_batches() -> None:
    """A layer written for x of shape (1, n) takes (1, n) rows and is reported wrong on batches."""
    report = check_implementation(spec("onebyn_layer.py:SoftmaxLayer"))
    assert report.layout == "row vectors (1, n), batches (m, n)"
    assert "right on all single vectors; the failures are all on batches" in report.notes
    assert any("backward(x, dvalues, 0.0)" in note for note in report.notes)


def test_batch_only_jacobian_is_detected_by_a_row_probe() -> None:
    """A one-parameter function with a neutral name that needs a batch is probed as a (1, 3) row."""

    def back(delta):
        _, classes = delta.shape
        s = np.exp(delta - delta.max(axis=1, keepdims=True))
        s = s / s.sum(axis=1, keepdims=True)
        eye = np.eye(classes)[None]
        return s[:, :, None] * eye - s[:, :, None] * s[:, None, :]

    report = check_implementation(back)
    assert report.passed and report.kind == "jacobian"
    assert report.layout == "row vectors (1, n), batches (m, n)"


def test_jacobian_of_the_wrong_shape_on_vectors_is_judged_on_columns() -> None:
    """np.dot(s, (1 - s).T) is a scalar on (n,) and s (1 - s)ᵀ on (n, 1): judged there, wrong."""

    def der(x):
        s = np.exp(x - x.max(axis=0, keepdims=True))
        s = s / s.sum(axis=0, keepdims=True)
        return np.dot(s, 1 - s.T)

    report = check_implementation(der, kind="jacobian")
    assert report.layout == "column vectors (n, 1)"
    assert [f.name for f in report.diagnosis] == ["missing-delta"]
    assert any("vectors (n,) output shape ()" in note for note in report.notes)


def test_wrong_jacobian_for_rows_only_is_judged_on_rows() -> None:
    """A Jacobian that takes only a (1, n) row and is wrong there is diagnosed on rows."""

    def jacobian_of_row(x):
        rows, _ = x.shape
        assert rows == 1
        e = np.exp(x - x.max())
        s = e / e.sum()
        return np.diagflat(s * (1 - s))

    report = check_implementation(jacobian_of_row)
    assert report.layout == "row vectors (1, n)"
    assert [f.name for f in report.diagnosis] == ["diagonal-only"]


def test_wrong_row_jacobian_is_not_judged_on_degenerate_columns() -> None:
    """A row-wise Jacobian runs on (n, 1) too (every s_i = 1); the rows, where it is
    diagonal-only, are the layout it is judged on."""

    def jacobian(x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        s = e / e.sum(axis=1, keepdims=True)
        return np.diagflat(s * (1 - s))

    report = check_implementation(jacobian)
    assert report.layout == "row vectors (1, n)"
    assert [f.name for f in report.diagnosis] == ["diagonal-only"]


def test_layer_method_name_variants() -> None:
    """Layers with backwards() or forward_propagate()/backward_propagate() are layers."""

    class Backwards:
        def forward(self, x):
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            self.s = e / e.sum(axis=-1, keepdims=True)
            return self.s

        def backwards(self, dout):
            return self.s * (dout - (dout * self.s).sum(axis=-1, keepdims=True))

    class Propagate:
        forward_propagate = Backwards.forward
        backward_propagate = Backwards.backwards

    for layer in (Backwards, Propagate):
        report = check_implementation(layer)
        assert report.passed and report.kind == "layer"


def test_a_class_called_for_its_forward_pass_with_a_backward_is_a_layer() -> None:
    """layer(x) then layer.backward(g): the backward is checked, not only the forward pass."""

    class Softmax:
        def __call__(self, x):
            e = np.exp(x - np.max(x, axis=-1, keepdims=True))
            self.output = e / np.sum(e, axis=-1, keepdims=True)
            return self.output

        def backward(self, grad_output, learning_rate):
            return grad_output * self.output * (1 - self.output)

    report = check_implementation(Softmax)
    assert report.kind == "layer" and report.kind_reason.startswith("has __call__(x)")
    assert [f.name for f in report.diagnosis] == ["missing-sum-term"]


def test_activation_object_names_its_unchecked_derivative_method() -> None:
    """An object checked through __call__ only says which derivative method was not checked."""
    report = check_implementation(spec("activation_functions.py:Softmax"))
    assert report.kind == "softmax"
    assert any("check its derivative with Softmax.gradient" in note for note in report.notes)


def test_class_with_forward_and_derivative_but_no_backward_names_its_methods() -> None:
    """A class with forward(x) and derivative(x) cannot be run as a whole; the error says how."""

    class Softmax:
        def forward(self, x):
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)

        def derivative(self, x):
            s = self.forward(x)
            return s * (1 - s)

    # a class defined in a test travels to the worker by value, which keeps its methods but
    # not their order
    with pytest.raises(ImplementationError, match="methods one by one") as failed:
        check_implementation(Softmax)
    named = str(failed.value).split("one by one: ")[-1].split(", ")
    assert sorted(named) == ["Softmax.derivative", "Softmax.forward"]


def test_layer_constructed_with_a_name_and_an_axis() -> None:
    """Softmax(name, dim) is constructed as Softmax(name='Softmax', dim=-1), with a note."""

    class Softmax:
        def __init__(self, name, dim):
            self.name, self.dim = name, dim

        def forward(self, x):
            e = np.exp(x - np.max(x, axis=self.dim, keepdims=True))
            self.s = e / np.sum(e, axis=self.dim, keepdims=True)
            return self.s

        def backward(self, dvalues):
            return self.s * (dvalues - np.sum(dvalues * self.s, axis=self.dim, keepdims=True))

    report = check_implementation(Softmax)
    assert report.passed
    assert "constructed as Softmax(name='Softmax', dim=-1)" in report.notes

    class Unknown(Softmax):
        def __init__(self, weights_file):
            super().__init__("unknown", -1)

    with pytest.raises(ImplementationError, match="weights_file"):
        check_implementation(Unknown)


def test_layer_constructed_per_input_size() -> None:
    """SoftmaxLayer(input_size) is built for each case's number of classes, right or wrong."""

    class SoftmaxLayer:
        def __init__(self, input_size):
            self.input_size = input_size

        def forward(self, x):
            e = np.exp(x - np.max(x))
            self.s = e / np.sum(e)
            return self.s

        def backward(self, dvalues):
            jacobian = np.identity(self.input_size) * self.s - np.outer(self.s, self.s)
            return jacobian @ dvalues

    report = check_implementation(SoftmaxLayer)
    assert report.kind == "layer"
    assert "constructed as SoftmaxLayer(input_size=n) for n classes" in report.notes
    assert report.layout.startswith("vectors (n,)")
    assert all(r.passed for r in report.cases if r.family == "vector")

    class DiagonalOnly(SoftmaxLayer):
        def backward(self, dvalues):
            return (np.identity(self.input_size) * self.s * (1 - self.s)) @ dvalues

    assert "missing-sum-term" in {f.name for f in check_implementation(DiagonalOnly).diagnosis}


def test_layer_with_a_mode_flag_in_forward_and_backward() -> None:
    """forward(x, mode) and backward(dout, mode) both get mode=True."""

    class Softmax:
        def forward(self, x, mode):
            e = np.exp(x - np.max(x, axis=-1, keepdims=True))
            self.s = e / np.sum(e, axis=-1, keepdims=True)
            return self.s

        def backward(self, dout, mode):
            return self.s * (dout - np.sum(dout * self.s, axis=-1, keepdims=True))

    report = check_implementation(Softmax)
    assert report.passed
    assert any("backward(dvalues, True)" in note for note in report.notes)


def test_samples_in_columns_convention() -> None:
    """One-sample-per-column code is wrong-axis by default and passes with samples='columns'."""
    target = spec("columns_convention.py:softmax_backward")
    default = check_implementation(target)
    assert [f.name for f in default.diagnosis] == ["wrong-axis"]
    assert any("--samples columns" in note for note in default.notes)
    columns = check_implementation(target, samples="columns")
    assert columns.passed and "samples in columns" in columns.layout
    assert check_implementation(spec("columns_convention.py:softmax"), samples="columns").passed
    # the option must not make row-convention code pass
    assert not check_implementation(spec("vectorised.py:softmax_vjp"), samples="columns").passed


def test_softmax_output_input_passes_once_declared() -> None:
    """A backward taking the softmax output passes with input='softmax' given, too."""
    assert check_implementation(spec("course_code.py:softmax_backward"), input="softmax").passed


def test_backward_taking_the_cache_of_its_forward_partner(tmp_path: Path) -> None:
    """softmax_backward(dout, cache) gets the cache softmax_forward(z) returns (CS231n style)."""
    path = tmp_path / "layers.py"
    path.write_text(
        "import numpy as np\n\n\n"
        "def softmax_forward(x):\n"
        "    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
        "    out = e / e.sum(axis=-1, keepdims=True)\n"
        "    return out, (x, out)\n\n\n"
        "def softmax_backward(dout, cache):\n"
        "    x, out = cache\n"
        "    return out * (dout - (dout * out).sum(axis=-1, keepdims=True))\n\n\n"
        "def softmax_bwd(dout, cache):\n"
        "    x, out = cache\n"
        "    return {'dx': out * dout * (1 - out), 'dout': dout}\n\n\n"
        "def softmax_fwd(x):\n"
        "    return softmax_forward(x)\n"
    )
    good = check_implementation(f"{path}:softmax_backward")
    assert good.passed
    assert "called with the cache of softmax_forward(z) as 'cache'" in good.notes
    bad = check_implementation(f"{path}:softmax_bwd")
    assert [f.name for f in bad.diagnosis] == ["missing-sum-term"]
    assert "returned a dict; its 'dx' entry is checked" in bad.notes


def test_gradient_first_argument_order_is_read_from_names() -> None:
    """A backward written as f(grad_output, logits) is called with the gradient first."""

    def backward(grad_output, logits):
        s = np.exp(logits - logits.max(axis=-1, keepdims=True))
        s = s / s.sum(axis=-1, keepdims=True)
        return s * (grad_output - (grad_output * s).sum(axis=-1, keepdims=True))

    assert check_implementation(backward).passed


def test_other_sizes_and_seeds() -> None:
    """The battery runs at other main sizes and seeds, and still catches a wrong formula."""
    for n, seed in ((2, 1), (16, 7)):
        good = check_implementation(spec("vectorised.py:softmax_vjp"), n=n, seed=seed)
        bad = check_implementation(spec("wrong_vjps.py:backward_fused"), n=n, seed=seed)
        assert good.passed and not bad.passed and good.n == n


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(2, 12))
def test_any_seed_and_size_separates_right_from_wrong(seed: int, n: int) -> None:
    """For any seed and size, a correct backward passes and the keepdims bug is named."""
    assert check_implementation(spec("vectorised.py:softmax_vjp"), seed=seed, n=n).passed
    wrong = check_implementation(spec("wrong_vjps.py:softmax_backward_keepdims"), seed=seed, n=n)
    assert [f.name for f in wrong.diagnosis] == ["missing-keepdims"]


ODD_OUTPUTS = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4),
    st.tuples(st.integers(0, 4), st.integers(0, 4)).map(lambda shape: np.full(shape, 0.5)),
    st.just({"not": "an array"}),
    st.just(np.array(["a", "b"])),
)


@settings(max_examples=25, deadline=None)
@given(output=ODD_OUTPUTS, kind=st.sampled_from(["jacobian", "vjp", "softmax"]))
def test_any_output_gives_a_report_or_a_symsoft_error(output: object, kind: str) -> None:
    """Whatever a broken implementation returns, the checker reports or raises a SymsoftError."""

    def one(z):
        return output

    def two(z, g):
        return output

    try:
        report = check_implementation(two if kind == "vjp" else one, kind=kind)
    except SymsoftError:
        return
    assert not report.passed  # a constant is never softmax nor its derivative
    json.dumps(report.to_dict())


def test_json_report_is_serialisable() -> None:
    """The report's dict form is valid JSON, with NaN written as a string."""
    report = check_implementation(spec("wrong_vjps.py:softmax_backward_naive"))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["passed"] is False and data["diagnosis"][0]["name"] == "unstable-exp"
    assert any(case["max_abs_error"] == "inf" for case in data["cases"])


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing.py:f", "no such file"),
        ("vectorised.py:softmax_jacobain", "did you mean softmax_jacobian"),
        ("broken.py:softmax", "KeyError: 'SOFTMAX_TUTORIAL_DATA_DIR_THAT_IS_NOT_SET'"),
        ("broken_syntax.py:softmax", r"SyntaxError: .* \(line 3\)"),
        ("wrong_vjps.py:softmax_backward_raises", "NotImplementedError: TODO: backward pass"),
        ("wrong_jacobians.py:softmax_jacobian_scalar", "no known mistake explains"),
        ("layers.py:NeedsArguments", "without arguments"),
        ("exiting.py:softmax", "SystemExit: 3"),
    ],
)
def test_cannot_run_raises_implementation_error(target: str, message: str) -> None:
    """Load failures, code that always raises and unexplained shapes are exit-code-2 errors."""
    with pytest.raises(ImplementationError, match=message) as caught:
        check_implementation(spec(target))
    assert caught.value.exit_code == 2


def test_jacobian_that_raises_everywhere_cannot_run() -> None:
    """A Jacobian raising on every vector and batch is 'cannot run', not 'no known pattern'."""

    def softmax_jacobian(z):
        raise RuntimeError("boom")

    with pytest.raises(ImplementationError, match=r"raised on every input.*boom"):
        check_implementation(softmax_jacobian)


def test_backward_returning_a_jacobian_cannot_run_with_a_hint() -> None:
    """A backward that returns an n × n Jacobian (fine at n = 1) cannot run, and says why."""

    class Softmax:
        def forward(self, x):
            e = np.exp(x - np.max(x))
            return e / np.sum(e)

        def backward(self, y):
            return np.diag(y) - np.outer(y, y)

    with pytest.raises(ImplementationError, match="n × n matrix where a vector belongs"):
        check_implementation(Softmax)


def test_script_whose_demo_code_fails_after_the_definition() -> None:
    """A script that defines the layer and then fails in demo code is still checked, with a note."""
    report = check_implementation(spec("script_with_demo.py:Activation_Softmax"))
    assert report.passed
    assert any("FileNotFoundError" in note and "did not run" in note for note in report.notes)


def test_missing_demo_dependencies_are_stubbed_and_reported() -> None:
    """A file importing an uninstalled package (nnfs) still loads its layer; the stub is named."""
    report = check_implementation(spec("nnfs_chapter.py:Activation_Softmax"))
    assert report.passed
    assert any("nnfs_not_installed_here" in note and "stubs" in note for note in report.notes)
    assert "nnfs_not_installed_here" not in sys.modules  # the stub does not leak


LAYER_BODY = """
    def forward(self, x):
        e = np.exp(x - np.max(x, axis=-1, keepdims=True))
        self.s = e / np.sum(e, axis=-1, keepdims=True)
        return self.s

    def backward(self, dvalues):
        return self.s * (dvalues - np.sum(dvalues * self.s, axis=-1, keepdims=True))
"""


def test_a_base_class_from_a_missing_sibling_module_is_dropped(tmp_path: Path) -> None:
    """class Softmax(Layer) with Layer from a module that is not there is still defined."""
    path = tmp_path / "layer_softmax.py"
    path.write_text(
        "import numpy as np\nfrom base_layer_not_here import Layer\n\n\n"
        "class Softmax(Layer):" + LAYER_BODY
    )
    report = check_implementation(f"{path}:Softmax")
    assert report.passed
    assert any("base_layer_not_here" in note for note in report.notes)


def test_star_import_from_a_missing_module_supplies_the_names_the_file_lacks(
    tmp_path: Path,
) -> None:
    """from layer import * (not there) gives Layer, and never shadows an earlier real import."""
    path = tmp_path / "star_softmax.py"
    path.write_text(
        "import numpy as np\nfrom numpy import *\nfrom star_layer_not_here import *\n\n\n"
        "def softmax(x):\n    e = exp(x - np.max(x))\n    return e / np.sum(e)\n\n\n"
        "class Softmax(Layer):" + LAYER_BODY
    )
    assert check_implementation(f"{path}:Softmax").passed
    assert check_implementation(f"{path}:softmax", n=3).layout.startswith("vectors (n,)")


def test_cupy_code_runs_on_numpy_when_cupy_is_not_installed(tmp_path: Path) -> None:
    """CuPy code (import cupy as cp) is checked on NumPy, with a note; a wrong one still fails."""
    if importlib.util.find_spec("cupy") is not None:
        pytest.skip("CuPy is installed: it runs as itself")
    path = tmp_path / "gpu_softmax.py"
    path.write_text(
        "import cupy as cp\n\n\n"
        "def softmax_backward(z, grad):\n"
        "    e = cp.exp(z - cp.max(z, axis=-1, keepdims=True))\n"
        "    s = e / cp.sum(e, axis=-1, keepdims=True)\n"
        "    return s * (grad - cp.sum(grad * s, axis=-1, keepdims=True))\n\n\n"
        "def softmax_backward_diag(z, grad):\n"
        "    s = cp.exp(z) / cp.sum(cp.exp(z), axis=-1, keepdims=True)\n"
        "    return cp.asnumpy(grad * s * (1 - s))\n"
    )
    good = check_implementation(f"{path}:softmax_backward")
    assert good.passed
    assert any("NumPy stood in for: cupy" in note for note in good.notes)
    bad = check_implementation(f"{path}:softmax_backward_diag")
    assert {f.name for f in bad.diagnosis} == {"missing-sum-term", "unstable-exp"}


def test_a_module_of_a_package_with_relative_imports(tmp_path: Path) -> None:
    """Layers/SoftMax.py with from .Base import ... and from ..helpers import ... is loaded."""
    (tmp_path / "helpers.py").write_text("import numpy as np\n\nKEEP = True\n")
    layers = tmp_path / "Layers"
    layers.mkdir()
    (layers / "__init__.py").write_text("")
    (layers / "Base.py").write_text("class BaseLayer:\n    def __init__(self):\n        pass\n")
    (layers / "SoftMax.py").write_text(
        "import numpy as np\nfrom .Base import BaseLayer\nfrom ..helpers import KEEP\n\n\n"
        "class SoftMax(BaseLayer):" + LAYER_BODY
    )
    report = check_implementation(f"{layers / 'SoftMax.py'}:SoftMax")
    assert report.passed
    assert any("as a module of the package" in note for note in report.notes)
    assert not any("stubs" in note for note in report.notes)  # the real Base.py was used


def test_autograd_numpy_code_runs_on_numpy_when_autograd_is_not_installed(
    tmp_path: Path,
) -> None:
    """from autograd import numpy as np (HIPS autograd) runs on NumPy, with a note."""
    if importlib.util.find_spec("autograd") is not None:
        pytest.skip("autograd is installed: it runs as itself")
    path = tmp_path / "ag_softmax.py"
    path.write_text(
        "from autograd import jacobian, numpy as np\nimport autograd.numpy as anp\n\n\n"
        "def softmax(z):\n"
        "    e = np.exp(z - anp.max(z, axis=-1, keepdims=True))\n"
        "    return e / np.sum(e, axis=-1, keepdims=True)\n"
    )
    report = check_implementation(f"{path}:softmax")
    assert report.passed
    assert any("NumPy stood in for: autograd.numpy" in note for note in report.notes)


def test_decorators_from_missing_modules_leave_functions_as_written(tmp_path: Path) -> None:
    """@njit(cache=True) from numba and @timeit from a missing utils do not hide the function."""
    path = tmp_path / "decorated.py"
    path.write_text(
        "import numpy as np\nfrom numba_not_here import njit\nfrom utils_not_here import timeit"
        "\n\n\n@timeit\n@njit(cache=True)\ndef softmax_grad(s):\n"
        "    s = s.reshape(-1, 1)\n    return np.diagflat(s) - s @ s.T\n"
    )
    report = check_implementation(f"{path}:softmax_grad")
    assert report.passed and report.kind == "jacobian"
    assert any("decorators leave functions as written" in note for note in report.notes)


def test_a_target_imported_from_a_missing_module_cannot_run(tmp_path: Path) -> None:
    """NAME imported from an uninstalled package is a stub: the error says so."""
    path = tmp_path / "reexport.py"
    path.write_text("from nnfs_not_here.activations import Activation_Softmax\n")
    with pytest.raises(ImplementationError, match="from a module that is not installed"):
        check_implementation(f"{path}:Activation_Softmax")


def test_code_that_needs_the_missing_package_cannot_run() -> None:
    """A function that really calls the uninstalled package fails to run: it is never passed."""
    with pytest.raises(ImplementationError, match="not numbers"):
        check_implementation(spec("nnfs_chapter.py:softmax_using_missing"))


def test_notebook_targets_run_their_code_cells() -> None:
    """``NOTEBOOK.ipynb:NAME`` runs the code cells in order, skipping failing ones, with notes."""
    report = check_implementation(spec("softmax_notebook.ipynb:softmax_grad"))
    assert report.passed and report.input == "softmax"
    assert any("cell 4 (FileNotFoundError" in note for note in report.notes)
    assert check_implementation(spec("softmax_notebook.ipynb:softmax")).passed
    with pytest.raises(ImplementationError, match="has no attribute 'plt_softmax'"):
        check_implementation(spec("softmax_notebook.ipynb:plt_softmax"))


def test_module_that_sets_numpy_errors_to_raise_does_not_leak() -> None:
    """np.seterr(all="raise") in a user module neither breaks the check nor outlives it."""
    before = np.geterr()
    assert check_implementation(spec("seterr_raise.py:softmax")).passed
    assert np.geterr() == before


def test_hanging_code_times_out() -> None:
    """A call, or an import, that never returns is interrupted after the timeout."""
    with pytest.raises(ImplementationError, match=r"timed out after 0\.2 s"):
        check_implementation(spec("hanging.py:softmax_jacobian"), timeout=0.2)
    with pytest.raises(ImplementationError, match=r"importing .* timed out after 0\.2 s"):
        check_implementation(spec("hanging_import.py:softmax"), timeout=0.2)


def write_package(root: Path, name: str) -> None:
    (root / name).mkdir()
    (root / name / "__init__.py").write_text("")
    (root / name / "helpers.py").write_text(
        "import numpy as np\n"
        "def sm(z):\n"
        "    e = np.exp(z - z.max(-1, keepdims=True))\n"
        "    return e / e.sum(-1, keepdims=True)\n"
    )
    (root / name / "ops.py").write_text(
        "from .helpers import sm\n"
        "def softmax_backward(z, grad):\n"
        "    s = sm(z)\n"
        "    return s * (grad - (grad * s).sum(-1, keepdims=True))\n"
    )


def test_package_module_target_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``package.module:NAME`` finds a package in the working directory, relative imports work."""
    write_package(tmp_path, "symsoft_demo_pkg")
    monkeypatch.chdir(tmp_path)
    assert check_implementation("symsoft_demo_pkg.ops:softmax_backward").passed


def test_relative_import_in_a_file_target_loads_it_as_a_module_of_its_package(
    tmp_path: Path,
) -> None:
    """A file using relative imports loads as PATH.py inside its package, with a note."""
    write_package(tmp_path, "symsoft_demo_pkg2")
    report = check_implementation(f"{tmp_path / 'symsoft_demo_pkg2' / 'ops.py'}:softmax_backward")
    assert report.passed
    assert any("as a module of the package" in note for note in report.notes)


def test_relative_import_too_deep_for_a_file_target_suggests_the_module_form(
    tmp_path: Path,
) -> None:
    """A relative import beyond three package levels still fails, saying what to do instead."""
    path = tmp_path / "deep.py"
    path.write_text("from ....far import thing\n\n\ndef softmax(x):\n    return x\n")
    with pytest.raises(ImplementationError, match=r"package\.module:NAME"):
        check_implementation(f"{path}:softmax")


def test_module_targets_load() -> None:
    """``package.module:NAME`` targets import through the normal import system."""
    with pytest.raises(ImplementationError, match="no module named"):
        check_implementation("no_such_package.mod:f")


@pytest.mark.parametrize(
    "options",
    [
        {"kind": "hessian"},
        {"kind": "layer"},
        {"rtol": -1.0},
        {"atol": float("nan")},
        {"n": 1},
        {"seed": -2},
        {"input": "probabilities"},
        {"timeout": 0},
        {"samples": "diagonal"},
    ],
)
def test_bad_options_are_usage_errors(options: dict) -> None:
    """Bad options are rejected at the door with a UsageError."""
    with pytest.raises(UsageError):
        check_implementation(spec("vectorised.py:softmax_vjp"), **options)


def test_bad_target_syntax_is_a_usage_error() -> None:
    """A target without ``:NAME`` is a UsageError naming the expected form."""
    with pytest.raises(UsageError, match=r"PATH\.py:NAME"):
        check_implementation("vectorised.py")


def test_ground_truth_routes_agree() -> None:
    """The lambdified Jacobian, the closed form and the VJP formula agree on extreme logits."""
    from symsoft.symbolic import numeric

    rng = np.random.default_rng(3)
    z = np.stack([1000 + rng.normal(size=5), -1000 + rng.normal(size=5), rng.normal(size=5)])
    g = rng.normal(size=z.shape)
    jac = numeric.jacobian_function(5)(z)
    assert np.allclose(jac, numeric.closed_form_jacobian(numeric.stable_softmax(z)), atol=1e-15)
    assert np.allclose(np.einsum("mi,mij->mj", g, jac), numeric.softmax_vjp(z, g), atol=1e-15)


# ---------------------------------------------------------------- torch and jax (optional)


def test_torch_implementations() -> None:
    """A torch autograd.Function and torch functions are converted and checked."""
    pytest.importorskip("torch")
    good = check_implementation(spec("torch_impls.py:SoftmaxFunction"))
    assert good.passed and good.kind == "vjp"
    assert check_implementation(spec("torch_impls.py:softmax_backward")).passed
    module = check_implementation(spec("torch_impls.py:Softmax"))
    assert module.passed and module.kind == "softmax"
    jacobian = check_implementation(spec("torch_impls.py:softmax_jacobian"))
    assert jacobian.passed and jacobian.kind == "jacobian"
    with_dim = check_implementation(spec("torch_impls.py:SoftmaxDim"))
    assert with_dim.passed
    data = check_implementation(spec("torch_impls.py:softmax_backward_data"))
    assert data.passed and data.input == "softmax" and "called with dim=-1" in data.notes
    for target, names in TORCH_WRONG:
        report = check_implementation(spec(target))
        assert {f.name for f in report.diagnosis} == names, report.to_text()


def test_jax_implementations() -> None:
    """Functions on JAX arrays are converted and checked."""
    pytest.importorskip("jax")
    assert check_implementation(spec("jax_impls.py:softmax_vjp")).passed
    assert check_implementation(spec("jax_impls.py:softmax_vjp_autodiff")).passed


# ---------------------------------------------------------------- CLI


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_cli_correct_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """README example: a correct layer passes with exit code 0."""
    code, out, _ = run_cli(["check-impl", spec("nnfs_softmax.py:Activation_Softmax")], capsys)
    assert code == 0 and "PASSED" in out and "self.dinputs" in out


def test_cli_wrong_exits_1_with_diagnosis(capsys: pytest.CaptureFixture[str]) -> None:
    """README example: a wrong Jacobian exits 1 and names the mistake."""
    code, out, _ = run_cli(["check-impl", spec("wrong_jacobians.py:softmax_jacobian_diag")], capsys)
    assert code == 1 and "FAILED" in out and "diagonal-only" in out and "fix:" in out


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    """README example: ``--json`` prints the report as JSON and keeps the exit code."""
    args = ["check-impl", spec("wrong_vjps.py:backward_fused"), "--kind", "vjp", "--json"]
    code, out, _ = run_cli(args, capsys)
    data = json.loads(out)
    assert code == 1 and data["diagnosis"][0]["name"] == "s-minus-g" and data["kind"] == "vjp"


def test_cli_input_option(capsys: pytest.CaptureFixture[str]) -> None:
    """README example: ``--input softmax`` for a Jacobian that takes s."""
    args = ["check-impl", spec("wrong_jacobians.py:jacobian"), "--input", "softmax"]
    code, out, _ = run_cli(args, capsys)
    assert code == 0 and "PASSED" in out


@pytest.mark.parametrize(
    "args",
    [
        [spec("missing.py:f")],
        [spec("wrong_vjps.py:softmax_backward_raises")],
        [spec("vectorised.py:softmax_vjp"), "--kind", "nope"],
        [spec("vectorised.py:softmax_vjp"), "--rtol", "-1"],
        [spec("vectorised.py:softmax_vjp"), "--n", "abc"],
        ["vectorised.py"],
    ],
)
def test_cli_cannot_run_exits_2_without_traceback(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Cannot-run and bad-usage cases print one error line and exit 2."""
    code, _, err = run_cli(["check-impl", *args], capsys)
    assert code == 2 and "Traceback" not in err
    assert err.startswith("error:") and len(err.strip().splitlines()) == 1


def test_readme_example_output_is_real(capsys: pytest.CaptureFixture[str]) -> None:
    """Every line of the documented example report (bar the elided ones) is printed as shown."""
    readme = (Path(__file__).parent.parent / "docs" / "check-impl.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section:check-impl -->")[1].split("<!-- /section:check-impl -->")[
        0
    ]
    shown = section.split("```text\n")[1].split("```")[0].splitlines()
    target = "tests/impls/wrong_jacobians.py:softmax_jacobian_diag"
    code, out, _ = run_cli(["check-impl", str(Path(__file__).parent.parent / target)], capsys)
    printed = out.replace(str(Path(__file__).parent.parent) + "/", "").splitlines()
    assert code == 1
    assert [line for line in shown if line.strip() != "..."] == [
        line for line in printed if line in shown
    ]


def test_cli_samples_columns(capsys: pytest.CaptureFixture[str]) -> None:
    """README example: ``--samples columns`` for code with one sample per column."""
    args = ["check-impl", spec("columns_convention.py:softmax_backward"), "--samples", "columns"]
    code, out, _ = run_cli(args, capsys)
    assert code == 0 and "samples in columns" in out


def test_cli_help_warns_that_code_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` says that the command imports and runs the user's code."""
    code, out, _ = run_cli(["check-impl", "--help"], capsys)
    assert code == 0 and "IMPORTS AND RUNS" in out


def test_cli_json_stays_clean_when_user_code_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """User prints are captured in the worker and reported, so ``--json`` stays parseable."""
    source = tmp_path / "chatty.py"
    source.write_text(
        "import numpy as np\nprint('loading')\n"
        "def softmax(x):\n    print('called')\n"
        "    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
        "    return e / e.sum(axis=-1, keepdims=True)\n"
    )
    code, out, err = run_cli(["check-impl", f"{source}:softmax", "--json"], capsys)
    report = json.loads(out)
    assert code == 0 and report["passed"] and "loading\ncalled" in report["output"]
    assert "called" not in err


def test_python_m_symsoft_check_impl() -> None:
    """``python -m symsoft check-impl`` runs end to end in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-m", "symsoft", "check-impl", spec("layers.py:SoftmaxWrongAxis")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        check=False,
    )
    assert result.returncode == 1 and "wrong-axis" in result.stdout


def test_a_forward_only_class_storing_self_output_is_checked_as_a_softmax(tmp_path: Path) -> None:
    """A class with forward(x) that stores self.output and returns None (NNFS style) is checked."""
    path = tmp_path / "activations.py"
    path.write_text(
        "import numpy as np\n\n\n"
        "class Good:\n"
        "    def forward(self, inputs):\n"
        "        e = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))\n"
        "        self.output = e / np.sum(e, axis=1, keepdims=True)\n\n\n"
        "class Bad:\n"
        "    def forward(self, inputs):\n"
        "        e = np.exp(inputs - np.max(inputs))\n"
        "        self.output = e / np.sum(e)\n\n\n"
        "class Stale:\n"
        "    def __init__(self):\n"
        "        self.output = np.ones((1, 3)) / 3\n\n"
        "    def forward(self, inputs):\n"
        "        pass\n\n\n"
        "class WithLoss:\n"
        "    def forward(self, x, t):\n"
        "        return x - t\n"
    )
    good = check_implementation(f"{path}:Good")
    assert good.passed and good.kind == "softmax"
    assert "returned None; the output is read from self.output" in good.notes
    assert check_implementation(f"{path}:Good.forward").passed
    bad = check_implementation(f"{path}:Bad")
    assert [f.name for f in bad.diagnosis] == ["batch-normalised"]
    with pytest.raises(ImplementationError):
        check_implementation(f"{path}:Stale")
    with pytest.raises(ImplementationError, match="check its methods one by one"):
        check_implementation(f"{path}:WithLoss")


def test_torch7_style_modules_are_layers(tmp_path: Path) -> None:
    """updateOutput/updateGradInput(inpt, gradOutput) and backward_delta(input, delta): layers."""
    path = tmp_path / "modules.py"
    path.write_text(
        "import numpy as np\nfrom modules_not_here import Module\n\n\n"
        "class SoftMax(Module):\n"
        "    def updateOutput(self, inpt):\n"
        "        e = np.exp(inpt - inpt.max(axis=1, keepdims=True))\n"
        "        self.output = e / np.sum(e, axis=1, keepdims=True)\n"
        "        return self.output\n\n"
        "    def updateGradInput(self, inpt, gradOutput):\n"
        "        dot = np.sum(self.output * gradOutput, axis=1, keepdims=True)\n"
        "        self.gradInput = self.output * (gradOutput - dot)\n\n\n"
        "class Softmax(Module):\n"
        "    def forward(self, X):\n"
        "        e = np.exp(X - X.max(axis=1, keepdims=True))\n"
        "        return e / e.sum(axis=1, keepdims=True)\n\n"
        "    def backward_delta(self, input, delta):\n"
        "        s = self.forward(input)\n"
        "        return delta * s * (1 - s)\n\n"
        "    def backward_update_gradient(self, input, delta):\n"
        "        pass\n"
    )
    good = check_implementation(f"{path}:SoftMax")
    assert good.passed and good.kind == "layer"
    assert "the input gradient is read from self.gradInput after backward()" in good.notes
    bad = check_implementation(f"{path}:Softmax")
    assert bad.kind == "layer"
    assert [f.name for f in bad.diagnosis] == ["missing-sum-term"]


def test_a_float32_log_softmax_is_named_on_every_case() -> None:
    """A log-softmax output is named on all cases, float32 near ±1000 included."""

    def softmax(x):
        top = np.max(x, axis=-1, keepdims=True)
        # scipy's logsumexp form: in float32, lse ≈ 1000 keeps an error of ~6e-5
        return x - (top + np.log(np.sum(np.exp(x - top), axis=-1, keepdims=True)))

    report = check_implementation(softmax)
    assert [(f.name, f.scope) for f in report.diagnosis] == [("log-softmax-output", "all cases")]


def test_a_required_mask_or_valid_lengths_is_passed_none() -> None:
    """masked_softmax(x, mask) is a softmax called with mask=None, not a two-argument VJP."""

    def masked_softmax(x, mask):
        if mask is not None:
            x = np.where(mask, x, -1e9)
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def masked_softmax_unstable(x, valid_lens):
        e = np.exp(x)
        return e / e.sum(axis=-1, keepdims=True)

    good = check_implementation(masked_softmax)
    assert good.passed and good.kind == "softmax" and "called with mask=None" in good.notes
    bad = check_implementation(masked_softmax_unstable)
    assert [f.name for f in bad.diagnosis] == ["unstable-exp"]


def test_a_module_wrapping_a_custom_autograd_function_is_checked_through_its_backward(
    tmp_path: Path,
) -> None:
    """nn.Module calling a custom Function.apply: a wrong backward fails, not just forward."""
    pytest.importorskip("torch")
    source = (
        "import torch\nfrom torch import nn\n\n\n"
        "class SoftmaxFn(torch.autograd.Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, x, dim):\n"
        "        y = torch.softmax(x, dim=dim)\n"
        "        ctx.save_for_backward(y)\n"
        "        ctx.dim = dim\n"
        "        return y\n\n"
        "    @staticmethod\n"
        "    def backward(ctx, grad_output):\n"
        "        (y,) = ctx.saved_tensors\n"
        "        return BACKWARD, None\n\n\n"
        "class Softmax(nn.Module):\n"
        "    def __init__(self, dim):\n"
        "        super().__init__()\n"
        "        self.dim = dim\n\n"
        "    def forward(self, x):\n"
        "        return SoftmaxFn.apply(x, self.dim)\n"
    )
    right = "y * (grad_output - (grad_output * y).sum(dim=ctx.dim, keepdim=True))"
    (tmp_path / "good.py").write_text(source.replace("BACKWARD", right))
    (tmp_path / "bad.py").write_text(source.replace("BACKWARD", "y * (1 - y) * grad_output"))
    good = check_implementation(f"{tmp_path / 'good.py'}:Softmax")
    assert good.passed and good.kind == "vjp" and "SoftmaxFn" in good.kind_reason
    bad = check_implementation(f"{tmp_path / 'bad.py'}:Softmax")
    assert [f.name for f in bad.diagnosis] == ["missing-sum-term"]


def test_code_failing_everywhere_on_a_missing_module_names_it(tmp_path: Path) -> None:
    """When stubbed-out imports make every call fail, the error names the missing package."""
    path = tmp_path / "paddle_softmax.py"
    path.write_text(
        "import paddle_not_here.tensor as pt\n\n\n"
        "def softmax(x):\n"
        "    e = pt.exp(x - pt.max(x))\n"
        "    return e / pt.sum(e)\n"
    )
    with pytest.raises(ImplementationError, match=r"depends on paddle_not_here, not installed"):
        check_implementation(f"{path}:softmax")


def test_a_jax_style_custom_vjp_pair_gets_its_residuals(tmp_path: Path) -> None:
    """softmax_bwd(res, g) beside softmax_fwd(x) -> (y, res) is called with those residuals."""
    path = tmp_path / "custom_vjp.py"
    path.write_text(
        "import numpy as np\n\n\n"
        "def softmax_fwd(x):\n"
        "    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
        "    y = e / e.sum(axis=-1, keepdims=True)\n"
        "    return y, (y,)\n\n\n"
        "def softmax_bwd(res, g):\n"
        "    (y,) = res\n"
        "    return (y * (g - np.sum(g * y, axis=-1, keepdims=True)),)\n\n\n"
        "def sm_bwd(res, g):\n"
        "    (y,) = res\n"
        "    return (g * y * (1 - y),)\n\n\n"
        "def sm_fwd(x):\n"
        "    return softmax_fwd(x)\n"
    )
    good = check_implementation(f"{path}:softmax_bwd")
    assert good.passed
    assert "called with the cache of softmax_fwd(z) as 'res'" in good.notes
    bad = check_implementation(f"{path}:sm_bwd")
    assert [f.name for f in bad.diagnosis] == ["missing-sum-term"]


def test_torchscript_functions_are_read_through_their_schema(tmp_path: Path) -> None:
    """@torch.jit.script functions have no Python signature; their TorchScript schema is used."""
    pytest.importorskip("torch")
    path = tmp_path / "scripted.py"
    path.write_text(
        "import torch\n\n\n"
        "@torch.jit.script\n"
        "def softmax(x: torch.Tensor) -> torch.Tensor:\n"
        "    e = torch.exp(x - x.max(dim=-1, keepdim=True).values)\n"
        "    return e / e.sum(dim=-1, keepdim=True)\n\n\n"
        "@torch.jit.script\n"
        "def softmax_backward(grad_output: torch.Tensor, output: torch.Tensor) -> torch.Tensor:\n"
        "    return grad_output * output * (1 - output)\n"
    )
    assert check_implementation(f"{path}:softmax").passed
    bad = check_implementation(f"{path}:softmax_backward")
    assert bad.kind == "vjp" and bad.input == "softmax"
    assert [f.name for f in bad.diagnosis] == ["missing-sum-term"]


def test_a_gradient_named_after_the_other_parameter_marks_the_softmax_output() -> None:
    """f(y, dy): dy is the gradient with respect to y, so y is the softmax output, not logits."""

    def softmax_backward(y, dy):
        return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))

    def softmax_backward_wrong(y, gy):
        return gy * y * (1 - y)

    good = check_implementation(softmax_backward)
    assert good.passed and good.input == "softmax"
    bad = check_implementation(softmax_backward_wrong)
    assert bad.input == "softmax" and [f.name for f in bad.diagnosis] == ["missing-sum-term"]
    # the input's own name keeps its meaning: dx is the gradient being computed
    assert check_implementation(lambda x, dx: x * dx).input == "logits"


def test_a_layers_backward_method_is_checked_through_the_layer(tmp_path: Path) -> None:
    """Layer.backward(dvalues) as the target runs forward(x) first, as the layer itself would."""
    assert check_implementation(spec("nnfs_softmax.py:Activation_Softmax.backward")).passed
    path = tmp_path / "layer.py"
    path.write_text(
        "import numpy as np\n\n\n"
        "class Softmax:\n"
        "    def forward(self, x):\n"
        "        e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
        "        self.out = e / e.sum(axis=-1, keepdims=True)\n"
        "        return self.out\n\n"
        "    def backward(self, grad_output):\n"
        "        return grad_output * self.out * (1 - self.out)\n"
    )
    bad = check_implementation(f"{path}:Softmax.backward")
    assert bad.kind == "layer" and [f.name for f in bad.diagnosis] == ["missing-sum-term"]


def test_a_derivative_method_taking_the_upstream_gradient_is_checked_after_the_forward() -> None:
    """Softmax.gradient(dy) of a __call__ activation runs after __call__(x), as a layer."""

    class Softmax:
        def __call__(self, x):
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            self.y = e / e.sum(axis=-1, keepdims=True)
            return self.y

        def gradient(self, dy):
            return self.y * (dy - (dy * self.y).sum(axis=-1, keepdims=True))

        def grad(self, dy):
            return dy * self.y * (1 - self.y)

    layer = Softmax()
    good = check_implementation(layer.gradient)
    assert good.passed and good.kind == "layer"
    assert "gradient() is checked after __call__(x), through the layer" in good.notes
    assert [f.name for f in check_implementation(layer.grad).diagnosis] == ["missing-sum-term"]


def test_a_kernel_writing_into_an_output_buffer_is_checked_as_a_softmax() -> None:
    """softmax(x, out) that fills out (numba/GPU kernel style) is a softmax, not a VJP."""

    def softmax(x, out):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        out[...] = e / e.sum(axis=-1, keepdims=True)

    def softmax_kernel(x, out):
        e = np.exp(x)
        out[...] = e / e.sum()

    good = check_implementation(softmax)
    assert good.passed and good.kind == "softmax" and "'out'" in good.kind_reason
    bad = check_implementation(softmax_kernel)
    assert {f.name for f in bad.diagnosis} == {"batch-normalised", "unstable-exp"}


def test_autograd_function_extra_arguments_get_neutral_values(tmp_path: Path) -> None:
    """Function.forward(ctx, x, mask, dim) and forward(ctx, x, tau) get None, -1 and 1.0."""
    pytest.importorskip("torch")
    path = tmp_path / "functions.py"
    path.write_text(
        "import torch\n\n\n"
        "class MaskedSoftmax(torch.autograd.Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, x, mask, dim):\n"
        "        if mask is not None:\n"
        "            x = x.masked_fill(~mask, float('-inf'))\n"
        "        y = torch.softmax(x, dim=dim)\n"
        "        ctx.save_for_backward(y)\n"
        "        ctx.dim = dim\n"
        "        return y\n\n"
        "    @staticmethod\n"
        "    def backward(ctx, g):\n"
        "        (y,) = ctx.saved_tensors\n"
        "        return y * (g - (g * y).sum(dim=ctx.dim, keepdim=True)), None, None\n\n\n"
        "class TempSoftmax(torch.autograd.Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, x, tau):\n"
        "        y = torch.softmax(x / tau, dim=-1)\n"
        "        ctx.save_for_backward(y)\n"
        "        return y\n\n"
        "    @staticmethod\n"
        "    def backward(ctx, g):\n"
        "        (y,) = ctx.saved_tensors\n"
        "        return y * (1 - y) * g, None\n"
    )
    assert check_implementation(f"{path}:MaskedSoftmax").passed
    bad = check_implementation(f"{path}:TempSoftmax")
    assert [f.name for f in bad.diagnosis] == ["missing-sum-term"]


def test_a_layer_forward_with_a_required_mask_gets_none() -> None:
    """Layer.forward(x, mask) is called with mask=None: nothing masked."""

    class MaskedSoftmax:
        def forward(self, x, mask):
            if mask is not None:
                x = np.where(mask, x, -np.inf)
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            self.y = e / e.sum(axis=-1, keepdims=True)
            return self.y

        def backward(self, dy):
            return self.y * (dy - (dy * self.y).sum(axis=-1, keepdims=True))

    report = check_implementation(MaskedSoftmax)
    assert report.passed and "forward() called with mask=None" in report.notes


def test_attention_code_taking_only_four_dimensional_scores_is_checked_as_such() -> None:
    """A softmax that asserts (batch, heads, queries, keys) input is run on (1, 1, m, n)."""

    def attention_softmax(scores):
        assert scores.ndim == 4
        e = np.exp(scores - scores.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    report = check_implementation(attention_softmax)
    assert report.passed and "attention scores (1, 1, m, n)" in report.layout
