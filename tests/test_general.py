"""Tests of the proof for symbolic n (``symsoft.verifier.general``) and its engine.

The engine is ``symsoft.proof.indexed``.
"""

# ruff: noqa: E741, RUF059 - one fixture unpacks the textbook names; l is the summation index
from __future__ import annotations

import json

import pytest
import sympy as sp
from typer.testing import CliRunner

import symsoft.proof.identity as identity
from symsoft.cli import app
from symsoft.errors import UsageError
from symsoft.proof.identity import decide
from symsoft.proof.indexed import batch_setting, normal_form, softmax_setting
from symsoft.verdict import Verdict
from symsoft.verifier.general import prove_general
from symsoft.verifier.report import VerifyReport

#: proves derivations for symbolic n, seconds each: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

CHECKS = [
    "direct",
    "quotient-rule",
    "log-derivative",
    "agreement",
    "vjp",
    "column-sums",
    "symmetry",
]


@pytest.fixture(scope="module")
def report():
    return prove_general()


@pytest.fixture
def vec():
    st = softmax_setting()
    l = sp.Symbol("l", integer=True, positive=True)
    return st, st.bases["S"], st.bases["z"], st.indices["i"], st.indices["j"], st.dims["n"], l


# ---------------------------------------------------------------------------------------------
# prove_general
# ---------------------------------------------------------------------------------------------


def test_prove_general_passes_every_check(report):
    """The identity, both routes, their agreement and the VJP are verified for symbolic n."""
    assert isinstance(report, VerifyReport)
    assert report.n == "general" and report.passed
    assert [check.name for check in report.checks] == CHECKS
    for check in report.checks:
        assert check.verdict is Verdict.VERIFIED
        assert check.method.endswith("[symbolic n]")
        assert "normal form for symbolic n" in check.detail
        assert "n=1; n=2; n=3; n=5" in check.detail


def test_assumptions_state_what_was_proven(report):
    """The report says under which assumptions what was proven."""
    text = " ".join(report.assumptions)
    assert "n ≥ 1" in text and "1 ≤ i, j, k ≤ n" in text and "real" in text
    assert "proven: ∂S_i/∂z_j = S_i(δ_ij − S_j)" in text
    assert json.loads(json.dumps(report.to_dict()))["n"] == "general"


@pytest.mark.parametrize(
    ("claim", "indices"),
    [
        (lambda S, i, j: S[i] * (1 - S[j]), {"i": 1, "j": 2}),  # δ dropped (δ → 1)
        (lambda S, i, j: -S[i] * S[j], {"i": 1, "j": 1}),  # δ dropped (δ → 0)
        (lambda S, i, j: -S[i] * (sp.KroneckerDelta(i, j) - S[j]), {"i": 1, "j": 1}),  # sign
        (lambda S, i, j: S[i] * (sp.KroneckerDelta(i, j) - S[i]), {"i": 1, "j": 2}),  # swap
        (lambda S, i, j: S[j] * (sp.KroneckerDelta(i, j) + S[i]), {"i": 1, "j": 1}),
    ],
)
def test_wrong_claims_are_refuted_with_counterexample(claim, indices):
    """A wrong entry formula fails the route checks with a counterexample (n, indices, values)."""
    wrong = prove_general(claim=claim)
    assert not wrong.passed
    for name in ("direct", "quotient-rule", "log-derivative"):
        check = wrong.check(name)
        assert check.verdict is Verdict.REFUTED
        example = check.counterexample
        assert example["indices"] == indices
        assert example["lhs"] != pytest.approx(example["rhs"])
    assert wrong.check("agreement").passed  # the two routes still agree with each other
    assert "not proven" in wrong.assumptions[-1]


def test_a_claim_that_is_only_symmetric_wrong_fails_symmetry():
    """S_i(δ_ij − S_j) + S_i is refuted by the routes and by the symmetry check."""
    wrong = prove_general(claim=lambda S, i, j: S[i] * (sp.KroneckerDelta(i, j) - S[j]) + S[i])
    assert wrong.check("symmetry").verdict is Verdict.REFUTED
    assert wrong.check("column-sums").verdict is Verdict.REFUTED


def test_broken_claim_callable_is_bad_input():
    """A claim that raises becomes a UsageError, not a traceback."""
    with pytest.raises(UsageError, match="claim"):
        prove_general(claim=lambda S, i, j: S[i] / "x")


def test_cli_verify_general_json():
    """`symsoft verify --n general --json` reports the symbolic proof."""
    result = CliRunner().invoke(app, ["verify", "--n", "general", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["n"] == "general" and payload["passed"] is True
    assert {check["name"] for check in payload["checks"]} == set(CHECKS)


# ---------------------------------------------------------------------------------------------
# the traps: none of them may pass as a proof
# ---------------------------------------------------------------------------------------------


def test_doit_piecewise_trap_is_not_used(vec):
    """Sum.doit gives a Piecewise valid only in range; the normal form uses the range explicitly."""
    st, S, z, i, j, n, l = vec
    total = sp.Sum(sp.KroneckerDelta(l, j) * sp.exp(z[l]), (l, 1, n))
    assert isinstance(total.doit(), sp.Piecewise)
    assert normal_form(total, st) == sp.exp(z[j])
    # the Piecewise's "otherwise 0" branch is wrong for j in range: refuted, not verified
    assert decide(total, 0, st).verdict is Verdict.REFUTED


def test_delta_outside_the_sum_range_is_not_resolved(vec):
    """Σ_{l=2}^{n} δ_lj e^{z_l} is not e^{z_j} (j may be 1): refuted at j = 1."""
    st, S, z, i, j, n, l = vec
    shifted = sp.Sum(sp.KroneckerDelta(l, j) * sp.exp(z[l]), (l, 2, n))
    decision = decide(shifted, sp.exp(z[j]), st)
    assert decision.verdict is Verdict.REFUTED
    assert decision.counterexample["indices"] == {"j": 1}


def test_true_but_unprovable_identity_is_not_decided(vec):
    """Splitting off the last term is true but outside the normal form: not decided."""
    st, S, z, i, j, n, l = vec
    whole = sp.Sum(sp.exp(z[l]), (l, 1, n))
    split = sp.Sum(sp.exp(z[l]), (l, 1, n - 1)) + sp.exp(z[n])
    decision = decide(whole, split, st)
    assert decision.verdict is Verdict.NOT_DECIDED
    assert "not reported as verified" in decision.detail


def test_matrix_symbol_calculus_is_refused(vec):
    """MatrixSymbol expressions (whose derivative drops −S Sᵀ) are never decided as proofs."""
    st, *_ = vec
    X = sp.MatrixSymbol("X", st.dims["n"], 1)
    decision = decide(X[0, 0], X[0, 0] * 1, st)
    assert decision.verdict is Verdict.NOT_DECIDED


def test_raw_indexed_derivative_is_decided_without_simplify(vec, monkeypatch):
    """The raw derivative of the indexed definition is decided; simplify is never called."""
    st, S, z, i, j, n, l = vec
    raw = sp.diff(sp.exp(z[i]) / sp.Sum(sp.exp(z[l]), (l, 1, n)), z[j])

    def forbidden(*args, **kwargs):
        raise AssertionError("simplify must not be used")

    monkeypatch.setattr(sp, "simplify", forbidden)
    assert decide(raw, S[i] * (sp.KroneckerDelta(i, j) - S[j]), st).verdict is Verdict.VERIFIED


def test_instances_overrule_a_wrong_normal_form(vec, monkeypatch):
    """If the normal form wrongly claimed equality, the exact instances still refute."""
    st, S, z, i, j, n, l = vec
    monkeypatch.setattr(identity, "normal_form", lambda expr, setting: sp.Integer(0))
    decision = decide(sp.Derivative(S[i], z[j]), S[i] * (1 - S[j]), st)
    assert decision.verdict is Verdict.REFUTED
    assert "had claimed it" in decision.detail


def test_free_index_only_in_derivative_variable_is_case_split(vec):
    """∂e^{z_i}/∂z_j = 0 is refuted (i = j), though j appears only in the variable."""
    st, S, z, i, j, n, l = vec
    assert decide(sp.Derivative(sp.exp(z[i]), z[j]), 0, st).verdict is Verdict.REFUTED
    under = decide(sp.Derivative(sp.exp(z[i]), z[j]), 0, st, conditions=[sp.Ne(i, j)])
    assert under.verdict is Verdict.VERIFIED


def test_summation_index_named_like_a_free_index(vec):
    """A sum over i next to a free i is renamed, not confused with it."""
    st, S, z, i, j, n, l = vec
    g = st.bases["g"]
    lhs = S[i] * sp.Sum(g[i] * S[i], (i, 1, n))
    rhs = S[i] * sp.Sum(g[l] * S[l], (l, 1, n))
    assert decide(lhs, rhs, st).verdict is Verdict.VERIFIED
    assert decide(lhs, S[i] * g[i] * S[i], st).verdict is Verdict.REFUTED


def test_log_of_non_positive_argument_is_not_split(vec):
    """log(g_i S_i) is not split into log g_i + log S_i (g_i may be negative)."""
    st, S, z, i, j, n, l = vec
    g = st.bases["g"]
    decision = decide(sp.log(g[i] * S[i]), sp.log(g[i]) + sp.log(S[i]), st)
    assert decision.verdict is not Verdict.VERIFIED


def test_batch_jacobian_and_block_structure():
    """The four-index batch Jacobian is proven for symbolic m and n; a wrong block is refuted."""
    st = batch_setting()
    S, Z = st.bases["S"], st.bases["Z"]
    a, b, i, j = (st.indices[name] for name in "abij")
    delta = sp.KroneckerDelta
    right = delta(a, b) * S[a, i] * (delta(i, j) - S[a, j])
    assert decide(sp.Derivative(S[a, i], Z[b, j]), right, st).verdict is Verdict.VERIFIED
    wrong = S[a, i] * (delta(i, j) - S[a, j])  # forgets that rows do not interact
    decision = decide(sp.Derivative(S[a, i], Z[b, j]), wrong, st)
    assert decision.verdict is Verdict.REFUTED
    assert decision.counterexample["indices"]["a"] != decision.counterexample["indices"]["b"]


def test_condition_on_an_index_the_sides_do_not_mention(vec):
    """Under i = j, S_i = S_j is verified even though neither side mentions both indices."""
    st, S, z, i, j, n, l = vec
    assert decide(S[i], S[j], st, conditions=[sp.Eq(i, j)]).verdict is Verdict.VERIFIED
    assert decide(S[i], S[j], st).verdict is Verdict.REFUTED


def test_contradictory_conditions_are_not_verified(vec):
    """Conditions no index pattern satisfies give not-decided for symbolic n, never verified."""
    st, S, z, i, j, n, l = vec
    decision = decide(S[i], -S[i], st, conditions=[sp.Eq(i, j), sp.Ne(i, j)])
    assert decision.verdict is Verdict.NOT_DECIDED


def test_sum_with_symbolic_but_shifted_bounds(vec):
    """Σ_{l=n}^{n+1} has symbolic bounds a constant apart: handled, not crashed on."""
    st, S, z, i, j, n, l = vec
    window = sp.Sum(sp.exp(z[l]), (l, n, n + 1))
    assert decide(window, window, st).verdict is Verdict.VERIFIED
    assert decide(window, 2 * window, st).verdict is not Verdict.VERIFIED


# ---------------------------------------------------------------------------------------------
# property: the decision agrees with plain numeric evaluation
# ---------------------------------------------------------------------------------------------

from hypothesis import HealthCheck, example, given, settings  # noqa: E402 - grouped with the property
from hypothesis import strategies as st_  # noqa: E402

_SET = softmax_setting()
_S, _Z, _G = _SET.bases["S"], _SET.bases["z"], _SET.bases["g"]
_I, _J = _SET.indices["i"], _SET.indices["j"]
_N = _SET.dims["n"]
_L = sp.Symbol("l", integer=True, positive=True)
_ATOMS = [
    _S[_I],
    _S[_J],
    sp.KroneckerDelta(_I, _J),
    sp.exp(_Z[_I]),
    sp.Sum(_G[_L] * _S[_L], (_L, 1, _N)),
    sp.Sum(sp.exp(_Z[_L]), (_L, 1, _N)),
    sp.Integer(1),
    sp.Integer(2),
]


def _expressions():
    leaf = st_.sampled_from(_ATOMS)
    return st_.recursive(
        leaf,
        lambda inner: st_.one_of(
            st_.tuples(inner, inner).map(lambda pair: pair[0] + pair[1]),
            st_.tuples(inner, inner).map(lambda pair: pair[0] * pair[1]),
            st_.tuples(inner, inner).map(lambda pair: pair[0] - pair[1]),
            inner.map(lambda e: sp.Derivative(e, _Z[_J])),
        ),
        max_leaves=5,
    )


def _numeric_values(expr, n, i, j, point):
    """Evaluate with SymPy's own doit: S expanded by hand, sums written out, 30 digits."""
    total = sum(sp.exp(_Z[k]) for k in range(1, n + 1))
    concrete = expr.subs({_N: n}).subs({_I: i, _J: j})
    # S is expanded before any derivative is taken: S_j depends on the logits
    concrete = concrete.replace(
        lambda x: isinstance(x, sp.Indexed) and x.base == _S,
        lambda x: sp.exp(_Z[x.indices[0]]) / total,
    ).doit()
    return complex(concrete.xreplace(point).evalf(30))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions(), _expressions())
@example(  # ∂Σ/∂z_j = ∂(S_j Σ)/∂z_j holds: S_j Σ is e^{z_j}
    sp.Derivative(sp.Sum(sp.exp(_Z[_L]), (_L, 1, _N)), _Z[_J]),
    sp.Derivative(_S[_J] * sp.Sum(sp.exp(_Z[_L]), (_L, 1, _N)), _Z[_J]),
)
def test_verdicts_agree_with_numeric_evaluation(left, right):
    """Verified means numerically equal everywhere tried; refuted comes with a real difference."""
    decision = decide(left, right, _SET)
    if decision.verdict is Verdict.VERIFIED:
        for n, i, j in [(2, 1, 2), (3, 2, 2), (4, 4, 1), (6, 3, 5)]:
            point = {_Z[k]: sp.Rational(k * 7 % 5 - 2, 3) for k in range(1, n + 1)}
            point |= {_G[k]: sp.Rational(k * 3 % 7 - 3, 2) for k in range(1, n + 1)}
            a = _numeric_values(left, n, i, j, point)
            b = _numeric_values(right, n, i, j, point)
            assert abs(a - b) <= 1e-12 * (1 + abs(a))
    elif decision.verdict is Verdict.REFUTED:
        example = decision.counterexample
        assert example["lhs"] != pytest.approx(example["rhs"], rel=1e-12, abs=1e-12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions())
def test_an_expression_equals_its_expansion(expr):
    """The normal form proves e = expand(e): rearrangement is never refuted or left undecided."""
    assert decide(expr, sp.expand(expr), _SET).verdict is Verdict.VERIFIED


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions())
def test_a_perturbed_expression_is_refuted(expr):
    """Adding δ_ij S_i (nonzero whenever i = j) is always refuted, with a counterexample."""
    decision = decide(expr, expr + sp.KroneckerDelta(_I, _J) * _S[_I], _SET)
    assert decision.verdict is Verdict.REFUTED
    assert decision.counterexample["indices"]["i"] == decision.counterexample["indices"]["j"]
