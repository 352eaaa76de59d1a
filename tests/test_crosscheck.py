"""Tests of the numeric cross-checks and the lambdified Jacobian."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symsoft.errors import UsageError
from symsoft.symbolic.model import s_symbols
from symsoft.symbolic.numeric import (
    closed_form_jacobian,
    finite_difference_jacobian,
    jacobian_from_entries,
    jacobian_function,
    softmax_vjp,
    stable_softmax,
)
from symsoft.symbolic.routes import direct_route
from symsoft.verdict import Verdict
from symsoft.verifier import crosscheck

CHECKS = [crosscheck.random_logits, crosscheck.batch, crosscheck.extreme_logits]


@pytest.mark.parametrize("n", [1, 2, 5, 17])
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_numeric_checks_pass_for_the_symbolic_jacobian(check, n):
    """The lambdified Jacobian passes every numeric comparison, labelled as numeric."""
    result = check(jacobian_function(n), seed=3, tol=1e-9)
    assert result.verdict is Verdict.VERIFIED_NUMERICALLY, result.detail
    assert result.error is not None and result.error <= 1e-9
    assert "tolerance 1e-09" in result.detail


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_numeric_checks_fail_for_a_wrong_entry(check):
    """A Jacobian whose entry (2, 3) has the wrong sign fails every numeric check."""
    n = 4
    S = s_symbols(n)
    rows = [list(row) for row in direct_route(n).entries]
    rows[1][2] = S[1] * S[2]
    result = check(jacobian_from_entries(rows, n), seed=0, tol=1e-9)
    assert result.verdict is Verdict.REFUTED
    assert result.counterexample is not None


def test_diagonal_only_jacobian_fails_numerically():
    """The classic s(1 − s)-only Jacobian is caught by finite differences."""
    n = 3
    S = s_symbols(n)
    rows = [[S[i] * (1 - S[i]) if i == j else sp.Integer(0) for j in range(n)] for i in range(n)]
    result = crosscheck.random_logits(jacobian_from_entries(rows, n), seed=0, tol=1e-9)
    assert not result.passed


def test_jacobian_function_shapes_and_stability():
    """Vectors give (n, n), batches (m, n, n); logits of ±1000 stay finite and correct."""
    f = jacobian_function(3)
    assert f(np.zeros(3)).shape == (3, 3)
    assert f(np.zeros((5, 3))).shape == (5, 3, 3)
    z = np.array([1000.0, -1000.0, 999.0])
    J = f(z)
    assert np.all(np.isfinite(J))
    s = np.array([1 / (1 + np.exp(-1.0)), 0.0, np.exp(-1.0) / (1 + np.exp(-1.0))])
    assert np.allclose(J, np.diag(s) - np.outer(s, s), atol=1e-15)


@pytest.mark.parametrize("shape", [(4,), (2, 2), (3, 4, 4), ()])
def test_jacobian_function_rejects_wrong_shapes(shape):
    """A logits array of the wrong shape raises UsageError naming the expected shape."""
    with pytest.raises(UsageError, match=r"\(3,\)"):
        jacobian_function(3)(np.zeros(shape))


def test_references_agree_with_each_other():
    """Closed form, finite differences and the VJP formula agree at random logits."""
    rng = np.random.default_rng(1)
    z = rng.normal(size=(2, 4))
    g = rng.normal(size=(2, 4))
    J = closed_form_jacobian(stable_softmax(z))
    fd = finite_difference_jacobian(lambda v: stable_softmax(v), z[0])
    assert np.allclose(J[0], fd, atol=1e-9)
    assert np.allclose(np.einsum("mi,mij->mj", g, J), softmax_vjp(z, g), atol=1e-12)


def test_extreme_check_reports_naive_overflow():
    """At ±1000 the report says the naive exp-form overflows while the S-form does not."""
    result = crosscheck.extreme_logits(jacobian_function(4), seed=0, tol=1e-9)
    assert result.passed
    assert "naive exp-form gives inf/nan" in result.detail
