"""Symbolic matrix identities of the softmax Jacobian, and shift invariance.

Each function takes the Jacobian entries in S-form (``entries[i][j]`` = ∂S_i/∂z_j) and returns
a :class:`~symsoft.verifier.report.CheckResult`. They are written against any entries, so tests
can feed deliberately broken Jacobians and see each identity fail.

Examples
--------
>>> from symsoft.symbolic.routes import direct_route
>>> entries = direct_route(3).entries
>>> [check.passed for check in (matrix_form(entries), symmetry(entries), row_sums(entries))]
[True, True, True]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import sympy as sp

from symsoft.proof.equality import (
    add_into,
    as_expr,
    decide_on_simplex,
    expanded_terms,
    monomial,
    monomials,
    nonzero,
    same_polynomial,
    substitute_simplex,
)
from symsoft.symbolic.model import s_symbols, softmax, z_symbols
from symsoft.verdict import Verdict
from symsoft.verifier.report import CheckResult

__all__ = ["matrix_form", "row_sums", "shift_invariance", "symmetry", "vector_jacobian_product"]

Entries = Sequence[Sequence[sp.Expr]]


def _result(name: str, method: str, start: float, failures: list[str], ok: str) -> CheckResult:
    verdict = Verdict.REFUTED if failures else Verdict.VERIFIED
    detail = ok if not failures else f"{len(failures)} failure(s); first: {failures[0]}"
    return CheckResult(name, method, verdict, time.perf_counter() - start, detail)


def _polynomial_or_none(expr: sp.Expr, factor: sp.Symbol | None = None) -> dict | None:
    try:
        return monomials(expr, factor)
    except ValueError:
        return None


def matrix_form(entries: Entries) -> CheckResult:
    """J = diag(S) − S Sᵀ, compared entry by entry.

    diag(S) − S Sᵀ has entry δ_ij S_i − S_i S_j: built here as sparse polynomials
    (monomial S_i, monomial S_i S_j) and compared with each entry's expansion.
    """
    start = time.perf_counter()
    n = len(entries)
    s = s_symbols(n)
    failures = []
    one = sp.Integer(1)
    for i in range(n):
        for j in range(n):
            expected = {monomial(s[i], s[j]): -one}
            if i == j:
                expected[monomial(s[i])] = one
            derived = _polynomial_or_none(entries[i][j])
            if derived is not None:
                add_into(derived, expected, -1)
                equal = not nonzero(derived)
            else:
                equal = False
            if (
                not equal
                and not decide_on_simplex(entries[i][j], as_expr(expected), s).verdict.passed
            ):
                failures.append(
                    f"J[{i + 1},{j + 1}] = {entries[i][j]} but (diag(S) − S Sᵀ)"
                    f"[{i + 1},{j + 1}] = {as_expr(expected)}"
                )
    return _result(
        "matrix-form", "δ_ij S_i − S_i S_j entry by entry, expanded polynomials", start,
        failures, f"all {n * n} entries equal diag(S) − S Sᵀ",
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
        total: dict = {}
        polys = [_polynomial_or_none(entry) for entry in entries[i]]
        remainder: sp.Expr | None
        if all(p is not None for p in polys):
            for p in polys:
                add_into(total, p or {})
            # Eliminate a variable other than S_i: in a correct row it occurs only linearly.
            m = n - 1 if i != n - 1 else 0
            try:
                if n == 1:
                    remainder = as_expr(total).xreplace({s[0]: 1})
                else:
                    remainder = as_expr(substitute_simplex(nonzero(total), s, m))
            except ValueError:
                remainder = None
        else:
            remainder = None
        if remainder is None:  # not a plain polynomial, or S_m squared: the general decision
            row = sp.Add(*[t for entry in entries[i] for t in expanded_terms(entry)])
            passed = decide_on_simplex(row, sp.Integer(0), s).verdict.passed
            remainder = sp.Integer(0) if passed else row
        if remainder != 0:
            failures.append(f"row {i + 1} sums to {sp.sstr(remainder)[:120]} (with Σ S = 1)")
    return _result(
        "row-sums", "Σ_j J[i,j] collected, S_m = 1 − Σ_{k≠m} S_k", start, failures,
        f"all {n} rows sum to 0",
    )  # fmt: skip


def vector_jacobian_product(entries: Entries) -> CheckResult:
    """gᵀJ = S ⊙ (g − ⟨g, S⟩) for symbolic g.

    Both sides are expanded as sparse polynomials: Σ_i g_i J_ij from the entries, and the
    closed form S_j g_j − Σ_i S_j S_i g_i monomial by monomial.
    """
    start = time.perf_counter()
    n = len(entries)
    s = s_symbols(n)
    g = sp.symbols(f"g_1:{n + 1}", real=True)
    one = sp.Integer(1)
    failures, undecided = [], []
    for j in range(n):
        difference: dict = {monomial(s[j], g[j]): -one}
        for i in range(n):
            difference[monomial(s[j], s[i], g[i])] = (
                difference.get(monomial(s[j], s[i], g[i]), sp.Integer(0)) + one
            )
        for i in range(n):
            poly = _polynomial_or_none(entries[i][j], g[i])
            if poly is None:
                undecided.append(f"J[{i + 1},{j + 1}] = {entries[i][j]} is not a polynomial in S")
                poly = {}
            add_into(difference, poly)
        left = nonzero(difference)
        if left:
            shown = sp.sstr(as_expr(left))[:120]
            failures.append(f"(gᵀJ)_{j + 1} − S_{j + 1}(g_{j + 1} − ⟨g,S⟩) = {shown}")
    method = "Σ_i g_i J[i,j] − S_j (g_j − Σ_i g_i S_i) as expanded polynomials, symbolic g"
    if undecided:
        return CheckResult(
            "vjp", method, Verdict.NOT_DECIDED, time.perf_counter() - start,
            f"{len(undecided)} entries outside the polynomial method; first: {undecided[0]}",
        )  # fmt: skip
    return _result("vjp", method, start, failures, f"gᵀJ = S ⊙ (g − ⟨g, S⟩) in all {n} components")


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
