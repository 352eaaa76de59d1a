"""Tests of the pytest assertions in ``symsoft.testing``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from symsoft.errors import ImplementationError
from symsoft.impl.loader import load_object
from symsoft.testing import assert_softmax, assert_softmax_jacobian, assert_softmax_vjp

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

IMPLS = Path(__file__).parent / "impls"


def impl(name: str):
    return load_object(f"{IMPLS / name}")


def test_assertions_pass_on_correct_code() -> None:
    """Each assertion returns the passing report for a correct implementation."""
    assert assert_softmax_jacobian(impl("vectorised.py:softmax_jacobian")).passed
    assert assert_softmax_vjp(impl("vectorised.py:softmax_vjp")).passed
    assert assert_softmax(impl("vectorised.py:softmax")).passed


def test_vjp_assertion_accepts_layers_and_strings() -> None:
    """assert_softmax_vjp takes a layer class, and a PATH.py:NAME string."""
    assert assert_softmax_vjp(impl("nnfs_softmax.py:Activation_Softmax")).kind == "layer"
    assert assert_softmax_vjp(f"{IMPLS / 'layers.py'}:Softmax").passed


@pytest.mark.parametrize(
    ("assertion", "target", "name"),
    [
        (assert_softmax_jacobian, "wrong_jacobians.py:softmax_jacobian_diag", "diagonal-only"),
        (assert_softmax_vjp, "wrong_vjps.py:backward_fused", "s-minus-g"),
        (assert_softmax_vjp, "layers.py:SoftmaxWrongAxis", "wrong-axis"),
        (assert_softmax, "wrong_softmax.py:softmax_naive", "unstable-exp"),
    ],
)
def test_assertions_fail_with_report_and_diagnosis(assertion, target, name) -> None:
    """A wrong implementation raises AssertionError carrying the report and the mistake's name."""
    with pytest.raises(AssertionError) as failed:
        assertion(impl(target))
    message = str(failed.value)
    assert "FAILED" in message and name in message and "first failing input" in message


def test_contract_is_fixed_by_the_assertion() -> None:
    """A softmax forward given to the Jacobian assertion fails instead of passing as a softmax."""
    with pytest.raises(AssertionError, match="output shape"):
        assert_softmax_jacobian(impl("vectorised.py:softmax"))
    with pytest.raises(TypeError, match="kind"):
        assert_softmax(impl("vectorised.py:softmax"), kind="jacobian")


def test_cannot_run_becomes_assertion_error_with_cause() -> None:
    """Code that cannot run fails the assertion, with the ImplementationError as its cause."""
    with pytest.raises(AssertionError, match="NotImplementedError") as failed:
        assert_softmax_vjp(impl("wrong_vjps.py:softmax_backward_raises"))
    assert isinstance(failed.value.__cause__, ImplementationError)


def test_options_pass_through() -> None:
    """Tolerance options reach the checker: a 1e-8 error passes only when allowed."""

    def nearly(x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True) + 1e-8

    with pytest.raises(AssertionError):
        assert_softmax(nearly)
    assert assert_softmax(nearly, rtol=1e-6, atol=1e-6).passed


USER_TESTS = """
import numpy as np
from symsoft.testing import assert_softmax_jacobian


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def test_diagonal_only():
    assert_softmax_jacobian(lambda z: np.diag(softmax(z) * (1 - softmax(z))))


def test_at_logits():
    assert_softmax_jacobian(lambda z: np.diag(z) - np.outer(z, z))


def test_cannot_run():
    def broken(z):
        raise NotImplementedError("todo")
    assert_softmax_jacobian(broken)
"""


@pytest.mark.slow
def test_failures_read_like_pytest_own(tmp_path: Path) -> None:
    """In a user's suite: the mistake's name in the short summary, no symsoft frame in the
    traceback, options spelled as Python keywords."""
    import subprocess
    import sys

    (tmp_path / "test_user.py").write_text(USER_TESTS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rf", "test_user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "100"},
    )
    out = done.stdout
    assert done.returncode == 1, out
    summary = out[out.index("short test summary info") :]
    assert re.search(
        r"FAILED test_user.py::test_diagonal_only - AssertionError: diagonal-only: ", summary
    )
    assert re.search(
        r"FAILED test_user.py::test_at_logits - AssertionError: jacobian-at-logits: ", summary
    )
    assert "test_cannot_run - AssertionError: cannot check" in summary
    assert 'input="softmax"' in out and "--input" not in out
    assert "symsoft/testing.py" not in out and "symsoft/impl/check.py" not in out
    assert "NotImplementedError" in out
