"""The proof of the softmax derivative for symbolic n.

:func:`prove_general` establishes ∂S_i/∂z_j = S_i(δ_ij − S_j) for every integer n ≥ 1 and every
pair of indices 1 ≤ i, j ≤ n with indexed sums and the Kronecker delta, by the quotient rule and
by the log-derivative, checks that the two routes agree, and proves the vector–Jacobian product
and two matrix identities (zero column sums, symmetry). Each identity is decided by
:func:`symsoft.proof.identity.decide`: a sound normal form for symbolic n, cross-checked exactly at
n ∈ {1, 2, 3, 5} with every pattern of equal and distinct indices.

The SymPy traps are avoided by construction, not worked around: no ``simplify`` of a raw indexed
derivative (sympy issue 14570), no ``Sum.doit`` (its ``Piecewise`` holds only for indices in
range; the range assumption is applied explicitly, once, where a δ meets a sum), and no
``MatrixSymbol`` calculus (which drops the −S Sᵀ term).

Examples
--------
>>> report = prove_general()
>>> report.n, report.passed
('general', True)
>>> [check.name for check in report.checks][:3]
['direct', 'quotient-rule', 'log-derivative']
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sympy as sp

from symsoft.errors import UsageError
from symsoft.proof.identity import Decision, decide
from symsoft.proof.indexed import softmax_setting
from symsoft.verdict import Verdict
from symsoft.verifier.report import CheckResult, VerifyReport

__all__ = ["prove_general"]

Claim = Callable[[sp.IndexedBase, sp.Symbol, sp.Symbol], sp.Expr]


def prove_general(*, claim: Claim | None = None) -> VerifyReport:
    """Prove the softmax Jacobian, its routes and the VJP for symbolic n.

    ``claim(S, i, j)`` replaces the entry formula S_i(δ_ij − S_j) that the routes must reach;
    a wrong claim makes the route checks fail with a counterexample.

    Examples
    --------
    >>> wrong = prove_general(claim=lambda S, i, j: S[i] * (1 - S[j]))
    >>> wrong.passed, wrong.check("quotient-rule").verdict.value
    (False, 'refuted')
    >>> wrong.check("quotient-rule").counterexample["indices"]
    {'i': 1, 'j': 2}
    """
    setting = softmax_setting()
    S, z, g = setting.bases["S"], setting.bases["z"], setting.bases["g"]
    i, j = setting.indices["i"], setting.indices["j"]
    n = setting.dims["n"]
    l = sp.Symbol("l", integer=True, positive=True)  # noqa: E741 - the summation index of the text
    delta = sp.KroneckerDelta(i, j)
    if claim is None:
        entry = S[i] * (delta - S[j])
    else:
        try:
            entry = sp.sympify(claim(S, i, j))
        except Exception as error:  # a user's callable: any failure is bad input
            raise UsageError("claim", claim, "a function (S, i, j) -> SymPy expression") from error
    total = sp.Sum(sp.exp(z[l]), (l, 1, n))
    u, v = sp.exp(z[i]), total
    quotient = (sp.Derivative(u, z[j]) * v - u * sp.Derivative(v, z[j])) / v**2
    log_form = z[i] - sp.log(total)
    log_entry = S[i] * sp.Derivative(log_form, z[j])
    cotangent = sp.Sum(g[l] * S[l], (l, 1, n))

    checks = [
        _check(
            "direct",
            "SymPy differentiates the indexed definition of S_i by z_j",
            lambda: decide(sp.Derivative(S[i], z[j]), entry, setting),
        ),
        _check(
            "quotient-rule",
            "(u'v − uv')/v² from u = e^{z_i}, v = Σ_l e^{z_l} and their derivatives",
            lambda: decide(quotient, entry, setting),
        ),
        _check(
            "log-derivative",
            "log S_i = z_i − log Σ_l e^{z_l}; ∂ log S_i/∂z_j = δ_ij − S_j; times S_i",
            lambda: _all(
                decide(sp.log(S[i]), log_form, setting),
                decide(sp.Derivative(log_form, z[j]), delta - S[j], setting),
                decide(log_entry, entry, setting),
            ),
        ),
        _check(
            "agreement",
            "the quotient-rule and log-derivative entries are equal",
            lambda: decide(quotient, log_entry, setting),
        ),
        _check(
            "vjp",
            "∂/∂z_j Σ_l g_l S_l = S_j (g_j − Σ_l g_l S_l) for real g",
            lambda: decide(sp.Derivative(cotangent, z[j]), S[j] * (g[j] - cotangent), setting),
        ),
        _check(
            "column-sums",
            "Σ_i ∂S_i/∂z_j = 0 (softmax outputs sum to one)",
            lambda: decide(sp.Sum(entry.xreplace({i: l}), (l, 1, n)), 0, setting),
        ),
        _check(
            "symmetry",
            "the claimed entry is symmetric in i and j",
            lambda: decide(entry, entry.xreplace({i: j, j: i}), setting),
        ),
    ]
    proven = (
        "proven: ∂S_i/∂z_j = S_i(δ_ij − S_j) and ∂/∂z_j Σ_l g_l S_l = S_j(g_j − Σ_l g_l S_l)"
        " for every such n, i, j, z and g"
        if all(check.passed for check in checks)
        else "not proven: see the failed checks"
    )
    return VerifyReport(
        n="general",
        checks=tuple(checks),
        assumptions=(*setting.assumptions[:3], proven),
    )


def _all(*decisions: Decision) -> Decision:
    for decision in decisions:
        if not decision.verdict.passed:
            return decision
    return Decision(Verdict.VERIFIED, decisions[0].method)


def _check(name: str, route: str, run: Callable[[], Decision]) -> CheckResult:
    start = time.perf_counter()
    decision = run()
    seconds = time.perf_counter() - start
    counterexample: Any = decision.counterexample
    # the route in the method column, how the engine decided it in the detail line
    detail = decision.method + (f"; {decision.detail}" if decision.detail else "")
    return CheckResult(
        name=name,
        method=f"{route} [symbolic n]",
        verdict=decision.verdict,
        seconds=seconds,
        detail=detail,
        counterexample=counterexample,
    )
