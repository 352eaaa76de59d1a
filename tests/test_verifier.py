"""Tests of ``symsoft.verify``: every check passes for the truth and each can be made to fail."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp

import symsoft
from symsoft.errors import UsageError
from symsoft.symbolic.model import s_symbols
from symsoft.symbolic.routes import direct_route, log_route, quotient_route
from symsoft.verdict import Verdict
from symsoft.verifier.fixed import check_agreement, check_route, claimed_entries

NAMES = [
    "direct", "quotient", "log", "agreement", "matrix-form", "symmetry", "row-sums", "vjp",
    "shift-invariance", "numeric", "numeric-batch", "numeric-extreme",
]  # fmt: skip


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7])
def test_verify_passes_with_every_named_check(n):
    """All twelve checks run and pass for the textbook formula."""
    report = symsoft.verify(n)
    assert [check.name for check in report.checks] == NAMES
    assert report.passed, [c.detail for c in report.failures()]
    assert report.check("numeric").verdict is Verdict.VERIFIED_NUMERICALLY
    assert report.check("direct").verdict is Verdict.VERIFIED


def test_verify_reports_entries_one_by_one_for_small_n():
    """For n = 2 the direct check lists all four entries and how each was reduced."""
    entries = symsoft.verify(2).check("direct").entries
    assert [(e["i"], e["j"]) for e in entries] == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert entries[0]["derived"] == "-S_1**2 + S_1"
    assert entries[0]["expected"] == "S_1*(1 - S_1)"
    assert entries[1]["method"] == "identical"


def test_wrong_claim_fails_with_a_counterexample():
    """S_i(1 − S_j) (a dropped δ) is refuted by all three routes, with logits and values."""
    report = symsoft.verify(4, claim=lambda S, i, j: S[i] * (1 - S[j]))
    assert not report.passed
    for name in ("direct", "quotient", "log"):
        check = report.check(name)
        assert check.verdict is Verdict.REFUTED
        cx = check.counterexample
        assert cx["entry"] == [1, 2] and len(cx["z"]) == 4 and cx["left"] != cx["right"]
    assert report.check("agreement").passed  # the routes still agree with each other


@pytest.mark.parametrize(
    "claim",
    [
        lambda S, i, j: -S[i] * S[j],  # diagonal dropped
        lambda S, i, j: S[j] * ((1 if i == j else 0) - S[i]) + (S[0] if (i, j) == (0, 1) else 0),
        lambda S, i, j: S[i] * ((1 if i == j else 0) + S[j]),  # flipped sign
    ],
)
def test_other_wrong_claims_are_refuted(claim):
    """A missing diagonal, one corrupted entry and a flipped sign are refuted."""
    assert not symsoft.verify(3, claim=claim).check("direct").passed


def test_equivalent_claim_on_the_simplex_passes():
    """S_i(Σ_{k≠i} S_k) on the diagonal equals S_i(1 − S_i) because the S sum to one."""

    def claim(S, i, j):
        if i == j:
            return S[i] * sp.Add(*[S[k] for k in range(len(S)) if k != i])
        return -S[i] * S[j]

    assert symsoft.verify(3, claim=claim).passed


def test_check_route_fails_on_a_sign_flip_in_one_entry():
    """Corrupting one entry of one route fails that route's check and the agreement."""
    n = 3
    S = s_symbols(n)
    good = quotient_route(n)
    rows = [list(row) for row in good.entries]
    rows[2][0] = S[2] * S[0]
    bad = replace(good, entries=tuple(tuple(r) for r in rows))
    result = check_route(bad, claimed_entries(n))
    assert result.verdict is Verdict.REFUTED
    assert result.counterexample["entry"] == [3, 1]
    assert not check_agreement([direct_route(n), bad, log_route(n)]).passed
    assert check_agreement([direct_route(n), good, log_route(n)]).passed


def test_unreduced_entry_is_not_decided_never_verified():
    """An entry still containing e^{z} is reported not decided, not verified."""
    n = 2
    good = direct_route(n)
    rows = [list(row) for row in good.entries]
    rows[0][0] = sp.exp(sp.Symbol("z_1", real=True))
    bad = replace(good, entries=tuple(tuple(r) for r in rows))
    result = check_route(bad, claimed_entries(n))
    assert result.verdict is Verdict.NOT_DECIDED
    assert not result.passed


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"seed": -1}, "seed"), ({"tol": -1}, "tol"), ({"tol": 2}, "tol"), ({"seed": "x"}, "seed")],
)
def test_bad_options_raise_usage_error(kwargs, name):
    """Bad seed or tolerance is rejected at the door, naming the option."""
    with pytest.raises(UsageError, match=name):
        symsoft.verify(2, **kwargs)


def test_broken_claim_function_is_a_usage_error():
    """A claim that raises, or returns a string, gives one clear UsageError."""
    with pytest.raises(UsageError, match="ZeroDivisionError"):
        symsoft.verify(2, claim=lambda S, i, j: 1 / 0)
    with pytest.raises(UsageError, match="claim"):
        symsoft.verify(2, claim=lambda S, i, j: "__import__('os')")


def test_progress_callback_reaches_the_total():
    """The progress callback is called with a final count equal to its total."""
    calls = []
    symsoft.verify(3, progress=lambda label, done, total: calls.append((label, done, total)))
    assert calls[-1][1] == calls[-1][2]
    assert any("route" in label for label, _, _ in calls)


def test_report_to_dict_matches_the_documented_json():
    """to_dict has n, passed and checks with name, method, passed, seconds, detail."""
    data = symsoft.verify(2).to_dict()
    assert data["n"] == 2 and data["passed"] is True
    assert set(data["checks"][0]) >= {"name", "method", "passed", "seconds", "detail"}
