"""The verifier behind ``symsoft verify``: ∂S_i/∂z_j = S_i(δ_ij − S_j) for a fixed n.

Each fact is a named check with its own verdict.

Checks, in order: the three differentiation routes each reduced entry by entry to the claimed
formula (``direct``, ``quotient``, ``log``); their ``agreement``; the matrix identities
(``matrix-form`` J = diag(S) − S Sᵀ, ``symmetry``, ``row-sums``, ``vjp``);
``shift-invariance``; and the numeric cross-checks (``numeric``, ``numeric-batch``,
``numeric-extreme``) of the lambdified symbolic Jacobian.

A ``claim`` (a function of the S symbols and 0-based i, j) replaces the textbook formula, so
the verifier can be seen to fail:

Examples
--------
>>> from symsoft import verify
>>> verify(3).passed
True
>>> report = verify(3, claim=lambda S, i, j: S[i] * (1 - S[j]))
>>> report.passed, report.check("direct").passed, report.check("agreement").passed
(False, False, True)
>>> report.check("direct").counterexample["entry"]
[1, 2]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp

from symsoft.errors import UsageError
from symsoft.proof.equality import counterexample, decide_on_simplex, same_polynomial
from symsoft.symbolic.model import SIGMA, canonical_entry, check_n, s_symbols, z_symbols
from symsoft.symbolic.numeric import jacobian_from_entries
from symsoft.symbolic.routes import Route, direct_route, log_route, quotient_route
from symsoft.verdict import Verdict
from symsoft.verifier import crosscheck, identities
from symsoft.verifier.report import CheckResult, VerifyReport

__all__ = [
    "CheckResult",
    "VerifyReport",
    "check_agreement",
    "check_route",
    "claimed_entries",
    "verify",
]

Claim = Callable[[Sequence[sp.Symbol], int, int], Any]
Progress = Callable[[str, int, int], None]

#: entries listed one by one in a report up to this n; above it, only the failing ones
LIST_ENTRIES_UP_TO = 4
#: a failing route check stops deciding after this many failing entries
MAX_FAILURES = 25


def claimed_entries(n: int, claim: Claim | None = None) -> tuple[tuple[sp.Expr, ...], ...]:
    """The claimed Jacobian entries; the textbook S_i(δ_ij − S_j) when ``claim`` is None."""
    s = s_symbols(n)
    rule = claim or canonical_entry
    rows = []
    for i in range(n):
        row = []
        for j in range(n):
            try:
                value = rule(s, i, j)
                # strict: a string is refused, never parsed; only numbers and SymPy objects pass
                row.append(sp.sympify(value, strict=True))
            except Exception as error:  # a user's function may raise anything
                raise UsageError(
                    "claim", f"claim(S, {i}, {j})", "a SymPy expression in S[0..n-1]",
                    f"calling it raised {type(error).__name__}: {error}",
                ) from None  # fmt: skip
        rows.append(tuple(row))
    return tuple(rows)


def check_route(route: Route, claimed: Sequence[Sequence[sp.Expr]]) -> CheckResult:
    """Each entry of ``route`` equals the claimed entry, decided exactly on the simplex."""
    start = time.perf_counter()
    n = len(route.entries)
    s, z = s_symbols(n), z_symbols(n)
    leftovers = {SIGMA, *z}
    methods: dict[str, int] = {}
    listed, failures = [], []
    first_counterexample = None
    stopped = False
    for i in range(n):
        for j in range(n):
            derived, expected = route.entries[i][j], claimed[i][j]
            if derived.free_symbols & leftovers:
                decision_verdict, method = Verdict.NOT_DECIDED, "not reduced to S symbols"
            elif derived == expected:
                decision_verdict, method = Verdict.VERIFIED, "identical"
            else:
                decision = decide_on_simplex(derived, expected, s, keep=(i, j))
                decision_verdict, method = decision.verdict, decision.method
            methods[method] = methods.get(method, 0) + 1
            if decision_verdict.passed and n > LIST_ENTRIES_UP_TO:
                continue  # printing every entry would cost more than deciding it
            record = {
                "i": i + 1, "j": j + 1, "derived": sp.sstr(derived),
                "expected": sp.sstr(expected), "verdict": decision_verdict.value, "method": method,
            }  # fmt: skip
            listed.append(record)
            if not decision_verdict.passed:
                failures.append(record)
                if first_counterexample is None:
                    found = counterexample(derived, expected, s, z)
                    if found is not None:
                        first_counterexample = {"entry": [i + 1, j + 1], **found}
            if len(failures) >= MAX_FAILURES:
                stopped = True
                break
        if stopped:
            break
    how = ", ".join(f"{count} {method}" for method, count in sorted(methods.items()))
    if failures:
        first = failures[0]
        detail = (
            f"entry ({first['i']},{first['j']}): derived {first['derived']} but claimed "
            f"{first['expected']}; failing entries: {len(failures)}"
            + (f" (stopped after {MAX_FAILURES})" if stopped else "")
        )
        verdict = (
            Verdict.REFUTED
            if any(f["verdict"] == "refuted" for f in failures)
            else (Verdict.NOT_DECIDED)
        )
    else:
        detail = f"all {n * n} entries reduce to the claimed formula ({how})"
        verdict = Verdict.VERIFIED
    return CheckResult(
        route.name, route.method, verdict, route.seconds + time.perf_counter() - start, detail,
        counterexample=first_counterexample, entries=tuple(listed),
    )  # fmt: skip


def check_agreement(routes: Sequence[Route]) -> CheckResult:
    """The routes give the same polynomial in every entry."""
    start = time.perf_counter()
    first, *others = routes
    n = len(first.entries)
    failures = []
    for other in others:
        for i in range(n):
            for j in range(n):
                a, b = first.entries[i][j], other.entries[i][j]
                if not same_polynomial(a, b):
                    failures.append(f"({i + 1},{j + 1}): {first.name} {a} ≠ {other.name} {b}")
    names = " = ".join(route.name for route in routes)
    return CheckResult(
        "agreement", f"expand, entry by entry: {names}",
        Verdict.REFUTED if failures else Verdict.VERIFIED, time.perf_counter() - start,
        f"{len(failures)} disagreement(s); first {failures[0]}" if failures
        else f"{len(routes)} routes agree in all {n * n} entries",
    )  # fmt: skip


def _validate(seed: object, tol: object) -> tuple[int, float]:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError("seed", seed, "a whole number >= 0")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 < tol < 1:
        raise UsageError("tol", tol, "a number between 0 and 1", "for example 1e-9")
    return seed, float(tol)


def verify(
    n: int,
    *,
    claim: Claim | None = None,
    seed: int = 0,
    tol: float = 1e-9,
    progress: Progress | None = None,
) -> VerifyReport:
    """Run every check for softmax over ``n`` logits and return a :class:`VerifyReport`."""
    check_n(n)
    seed, tol = _validate(seed, tol)
    claimed = claimed_entries(n, claim)
    total = 3 * n + 9  # route rows, then nine further checks
    done = 0

    def tick(label: str, units: int = 1) -> None:
        nonlocal done
        done += units
        if progress is not None:
            progress(label, done, total)

    routes: list[Route] = []
    for name, build in (("direct", direct_route), ("quotient", quotient_route), ("log", log_route)):

        def advance(units: int, label: str = f"{name} route") -> None:
            tick(label, units)

        routes.append(build(n, progress=advance))
    checks = [check_route(route, claimed) for route in routes]
    checks.append(check_agreement(routes))
    tick("agreement")
    entries = routes[0].entries
    for identity in (
        identities.matrix_form,
        identities.symmetry,
        identities.row_sums,
        identities.vector_jacobian_product,
    ):
        checks.append(identity(entries))
        tick(checks[-1].name)
    checks.append(identities.shift_invariance(n))
    tick("shift-invariance")
    start = time.perf_counter()
    jacobian = jacobian_from_entries(entries, n)
    lambdify_seconds = time.perf_counter() - start
    for numeric in (crosscheck.random_logits, crosscheck.batch, crosscheck.extreme_logits):
        result = numeric(jacobian, seed=seed, tol=tol)
        if numeric is crosscheck.random_logits:  # the lambdify cost belongs to the first use
            result = _plus_seconds(result, lambdify_seconds)
        checks.append(result)
        tick(result.name)
    return VerifyReport(
        n, tuple(checks), seed=seed, tol=tol,
        assumptions=(f"n = {n}", "z_1..z_n real", "S_k = e^{z_k} / Σ_l e^{z_l}"),
    )  # fmt: skip


def _plus_seconds(result: CheckResult, seconds: float) -> CheckResult:
    from dataclasses import replace

    return replace(result, seconds=result.seconds + seconds)
