"""Tests of the matrix identities and shift invariance, including that each can fail."""

from __future__ import annotations

import pytest
import sympy as sp

from symsoft.symbolic.model import s_symbols
from symsoft.symbolic.routes import direct_route
from symsoft.verdict import Verdict
from symsoft.verifier import identities

CHECKS = [
    identities.matrix_form,
    identities.symmetry,
    identities.row_sums,
    identities.vector_jacobian_product,
]


def _corrupt(entries, i, j, value):
    rows = [list(row) for row in entries]
    rows[i][j] = value
    return tuple(tuple(row) for row in rows)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_identities_hold_for_the_derived_jacobian(check, n):
    """Every identity is verified on the direct route's Jacobian."""
    result = check(direct_route(n).entries)
    assert result.verdict is Verdict.VERIFIED, result.detail


def test_sign_flip_breaks_matrix_form_symmetry_rows_and_vjp():
    """Flipping the sign of entry (1, 2) fails every identity it touches."""
    n = 3
    S = s_symbols(n)
    broken = _corrupt(direct_route(n).entries, 0, 1, S[0] * S[1])
    for check in CHECKS:
        result = check(broken)
        assert result.verdict is Verdict.REFUTED, check.__name__
        assert "failure" in result.detail


def test_diagonal_only_jacobian_fails_rows_and_matrix_form_but_is_symmetric():
    """The diagonal-only mistake diag(s(1 − s)) is symmetric yet fails the other identities."""
    n = 3
    S = s_symbols(n)
    diagonal = tuple(
        tuple(S[i] * (1 - S[i]) if i == j else sp.Integer(0) for j in range(n)) for i in range(n)
    )
    assert identities.symmetry(diagonal).passed
    assert not identities.matrix_form(diagonal).passed
    assert not identities.row_sums(diagonal).passed
    assert not identities.vector_jacobian_product(diagonal).passed


def test_row_sums_uses_the_simplex_constraint():
    """A row written as S_1(S_2 + S_3) − S_1 S_2 − S_1 S_3 still sums to zero."""
    n = 3
    S = s_symbols(n)
    rewritten = _corrupt(direct_route(n).entries, 0, 0, S[0] * (S[1] + S[2]))
    assert identities.row_sums(rewritten).passed
    assert identities.matrix_form(rewritten).passed


@pytest.mark.parametrize("n", [1, 2, 4, 9])
def test_shift_invariance(n):
    """softmax(z − c) = softmax(z) for symbolic c."""
    assert identities.shift_invariance(n).verdict is Verdict.VERIFIED


def test_shift_invariance_fails_for_a_scaling():
    """softmax(c·z) is not softmax(z): the same check refutes it."""
    result = identities.shift_invariance(3, transform=lambda z, c: c * z)
    assert result.verdict is Verdict.REFUTED
    assert "S_1(z − c)" in result.detail


def test_vjp_with_a_non_polynomial_entry_is_not_decided():
    """An entry outside the polynomial method makes the VJP check undecided, not verified."""
    n = 2
    broken = _corrupt(direct_route(n).entries, 0, 0, sp.log(s_symbols(n)[0]))
    result = identities.vector_jacobian_product(broken)
    assert result.verdict is Verdict.NOT_DECIDED
    assert not result.passed
