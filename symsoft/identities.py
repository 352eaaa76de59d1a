"""Symbolic matrix identities of the softmax Jacobian, and shift invariance.

Each function takes the Jacobian entries in S-form (``entries[i][j]`` = ∂S_i/∂z_j) and returns
a :class:`~symsoft.report.CheckResult`. They are written against any entries, so tests can feed
deliberately broken Jacobians and see each identity fail.

Examples
--------
>>> from symsoft.routes import direct_route
>>> entries = direct_route(3).entries
>>> [check.passed for check in (matrix_form(entries), symmetry(entries), row_sums(entries))]
[True, True, True]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import sympy as sp

from symsoft.equality import decide_on_simplex, expanded_terms, reduce_on_simplex, same_polynomial
from symsoft.model import s_symbols, softmax, z_symbols
from symsoft.report import CheckResult
from symsoft.verdict import Verdict

__all__ = ["matrix_form", "row_sums", "shift_invariance", "symmetry", "vector_jacobian_product"]

Entries = Sequence[Sequence[sp.Expr]]


def _result(name: str, method: str, start: float, failures: list[str], ok: str) -> CheckResult:
    verdict = Verdict.REFUTED if failures else Verdict.VERIFIED
    detail = ok if not failures else f"{len(failures)} failure(s); first: {failures[0]}"
    return CheckResult(name, method, verdict, time.perf_counter() - start, detail)


def matrix_form(entries: Entries) -> CheckResult:
    """J = diag(S) − S Sᵀ, compared entry by entry."""
    start = time.perf_counter()
    n = len(entries)
    s = s_symbols(n)
    failures = []
    for i in range(n):
        for j in range(n):
            outer = s[i] * s[j]
            expected = s[i] - outer if i == j else -outer
            if (
                entries[i][j] != expected
                and not decide_on_simplex(entries[i][j], expected, s).verdict.passed
            ):
                failures.append(
                    f"J[{i + 1},{j + 1}] = {entries[i][j]} but (diag(S) − S Sᵀ)"
                    f"[{i + 1},{j + 1}] = {expected}"
                )
    return _result(
        "matrix-form", "diag(S) − S Sᵀ entry by entry, expand", start, failures,
        f"all {n * n} entries equal diag(S) − S Sᵀ",
    )  # fmt: skip


def symmetry(entries: Entries) -> CheckResult:
    """J = Jᵀ: entry (i, j) equals entry (j, i) as polynomials."""
    start = time.perf_counter()
    n = len(entries)
    failures = [
        f"J[{i + 1},{j + 1}] = {entries[i][j]} ≠ J[{j + 1},{i + 1}] = {entries[j][i]}"
        for i in range(n)
        for j in range(i + 1, n)
        if not same_polynomial(entries[i][j], entries[j][i])
    ]
    return _result(
        "symmetry", "expand(J[i,j] − J[j,i])", start, failures,
        f"all {n * (n - 1) // 2} pairs symmetric",
    )  # fmt: skip


def row_sums(entries: Entries) -> CheckResult:
    """J·1 = 0: each row sums to zero, using Σ_k S_k = 1 (softmax is a distribution)."""
    start = time.perf_counter()
    n = len(entries)
    s = s_symbols(n)
    failures = []
    for i in range(n):
        terms = [t for entry in entries[i] for t in expanded_terms(entry)]
        # Eliminate a variable other than S_i: in a correct row it then occurs only linearly.
        m = n - 1 if i != n - 1 else 0
        try:
            total = reduce_on_simplex(terms, s, m) if n > 1 else sp.Add(*terms).xreplace({s[0]: 1})
        except ValueError:
            total = sp.Add(*terms)
            total = sp.Integer(0) if decide_on_simplex(total, 0, s).verdict.passed else total
        if total != 0:
            failures.append(f"row {i + 1} sums to {sp.sstr(total)[:120]} (with Σ S = 1)")
    return _result(
        "row-sums", "Σ_j J[i,j] collected, S_m = 1 − Σ_{k≠m} S_k", start, failures,
        f"all {n} rows sum to 0",
    )  # fmt: skip


def vector_jacobian_product(entries: Entries) -> CheckResult:
    """gᵀJ = S ⊙ (g − ⟨g, S⟩) for symbolic g."""
    start = time.perf_counter()
    n = len(entries)
    s = s_symbols(n)
    g = sp.symbols(f"g_1:{n + 1}", real=True)
    failures = []
    for j in range(n):
        terms = [t for i in range(n) for t in expanded_terms(entries[i][j], g[i])]
        # minus the closed form S_j g_j − Σ_i S_j S_i g_i, term by term
        terms.append(-s[j] * g[j])
        terms.extend(s[j] * s[i] * g[i] for i in range(n))
        difference = sp.Add(*terms)
        if difference != 0:
            failures.append(
                f"(gᵀJ)_{j + 1} − S_{j + 1}(g_{j + 1} − ⟨g,S⟩) = {sp.sstr(difference)[:120]}"
            )
    return _result(
        "vjp", "Σ_i g_i J[i,j] − S_j (g_j − Σ_i g_i S_i) collected term by term, symbolic g",
        start, failures, f"gᵀJ = S ⊙ (g − ⟨g, S⟩) in all {n} components",
    )  # fmt: skip


def shift_invariance(
    n: int, *, transform: Callable[[sp.Expr, sp.Symbol], sp.Expr] | None = None
) -> CheckResult:
    """softmax(z − c) = softmax(z) for a symbolic real c (why subtracting max z is exact).

    ``transform(z_k, c)`` replaces z_k − c, so a test can offer a map that is not a shift.
    """
    start = time.perf_counter()
    c = sp.Symbol("c", real=True)
    move = transform or (lambda z, c: z - c)
    shifted_terms = [sp.exp(move(z, c)) for z in z_symbols(n)]
    # e^{z − c} = e^{z} e^{−c} (exponent law), then e^{−c} factors out of the sum.
    split = {t: sp.expand(t, power_exp=True) for t in shifted_terms}
    denominator = sp.factor_terms(sp.Add(*[split[t] for t in shifted_terms]))
    original = softmax(n)
    failures = []
    for i, term in enumerate(shifted_terms):
        shifted = split[term] / denominator
        if shifted != original[i] and sp.cancel(shifted - original[i]) != 0:
            failures.append(f"S_{i + 1}(z − c) = {shifted} ≠ {original[i]}")
    return _result(
        "shift-invariance", "exponent law e^{z−c} = e^z e^{−c}, factor e^{−c}", start, failures,
        f"softmax(z − c) = softmax(z) for symbolic c, all {n} components",
    )  # fmt: skip
