"""Tests of the symbolic model and the three differentiation routes."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symsoft.errors import UsageError
from symsoft.symbolic.model import (
    SIGMA,
    canonical_entry,
    exp_symbols,
    s_symbols,
    softmax,
    z_symbols,
)
from symsoft.symbolic.routes import (
    ROUTES,
    direct_route,
    log_route,
    quotient_route,
    softmax_jacobian,
    sum_derivatives,
)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_route_entries_are_in_s_symbols_only(route, n):
    """Every route leaves no Σ and no logit in any entry."""
    result = ROUTES[route](n)
    assert result.unreduced() == []
    assert all(e.free_symbols <= set(s_symbols(n)) for row in result.entries for e in row)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_routes_match_naive_sympy_differentiation(route, n):
    """Each route agrees with plain sp.diff of the exp-form softmax (the slow reference)."""
    S, z = softmax(n), z_symbols(n)
    total = sp.Add(*exp_symbols(n))
    back = {s: e / total for s, e in zip(s_symbols(n), exp_symbols(n), strict=True)}
    entries = ROUTES[route](n).entries
    for i in range(n):
        for j in range(n):
            naive = sp.diff(S[i], z[j])
            assert sp.simplify(entries[i][j].xreplace(back) - naive) == 0


@pytest.mark.parametrize("n", [1, 2, 4])
def test_routes_agree_numerically_with_finite_differences(n):
    """Entries evaluated at random logits match central differences of softmax."""
    rng = np.random.default_rng(7)
    z_values = rng.normal(size=n)
    s_values = np.exp(z_values) / np.exp(z_values).sum()
    subs = dict(zip(s_symbols(n), s_values, strict=True))
    for route in (direct_route, quotient_route, log_route):
        entries = route(n).entries
        for j in range(n):
            step = np.zeros(n)
            step[j] = 1e-6
            up = np.exp(z_values + step) / np.exp(z_values + step).sum()
            down = np.exp(z_values - step) / np.exp(z_values - step).sum()
            column = (up - down) / 2e-6
            for i in range(n):
                assert float(entries[i][j].xreplace(subs)) == pytest.approx(column[i], abs=1e-8)


def test_sum_derivatives_are_the_exponentials():
    """∂Σ/∂z_j = e^{z_j}, including the one-term sum of n = 1."""
    assert sum_derivatives(1) == (sp.exp(z_symbols(1)[0]),)
    assert sum_derivatives(3) == exp_symbols(3)


def test_canonical_entry_diagonal_and_off_diagonal():
    """S_i(δ_ij − S_j) is S_i(1 − S_i) on the diagonal and −S_i S_j off it."""
    S = s_symbols(3)
    assert sp.expand(canonical_entry(S, 1, 1)) == S[1] - S[1] ** 2
    assert canonical_entry(S, 0, 2) == -S[0] * S[2]


def test_softmax_jacobian_z_form_matches_sympy_jacobian():
    """The exp-form Jacobian equals Matrix.jacobian of softmax for a small n."""
    n = 3
    reference = softmax(n).jacobian(z_symbols(n))
    ours = softmax_jacobian(n, form="z")
    assert sp.simplify(ours - reference) == sp.zeros(n, n)
    assert SIGMA not in ours.free_symbols


@pytest.mark.parametrize("bad", [0, -3, 2.5, "4", True, None])
def test_bad_n_is_rejected_with_usage_error(bad):
    """Non-positive, non-integer and non-int n raise UsageError naming the value."""
    with pytest.raises(UsageError, match="n"):
        softmax_jacobian(bad)


def test_bad_form_is_rejected():
    """An unknown form raises UsageError."""
    with pytest.raises(UsageError, match="form"):
        softmax_jacobian(2, form="x")
