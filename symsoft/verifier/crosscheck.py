"""Numeric cross-checks of the lambdified symbolic Jacobian.

The symbolic Jacobian (S-form) is lambdified once (:mod:`symsoft.symbolic.numeric`) and compared
with independent numbers: the closed form diag(s) − s sᵀ of a max-shifted softmax, central finite
differences, batches (per-sample, the block-diagonal (m, n, m, n) Jacobian, the batched VJP),
and logits of ±1000 and mixed scales against a 50-digit mpmath softmax. Seeds are reported.

Examples
--------
>>> from symsoft.symbolic.numeric import jacobian_function
>>> random_logits(jacobian_function(3), seed=0, tol=1e-9).passed
True
"""

from __future__ import annotations

import time

import mpmath
import numpy as np

from symsoft.symbolic.numeric import (
    JacobianFunction,
    closed_form_jacobian,
    finite_difference_jacobian,
    softmax_vjp,
    stable_softmax,
)
from symsoft.verdict import Verdict
from symsoft.verifier.report import CheckResult

__all__ = ["batch", "extreme_logits", "random_logits"]

_FD_STEP = 1e-5


def _errors(actual: np.ndarray, reference: np.ndarray) -> tuple[float, float, tuple[int, ...]]:
    with np.errstate(invalid="ignore", divide="ignore"):
        absolute = np.abs(actual - reference)
        absolute = np.where(np.isfinite(absolute), absolute, np.inf)
        relative = absolute / np.maximum(np.abs(reference), 1e-300)
    worst = np.unravel_index(int(np.argmax(absolute)), absolute.shape)
    return float(absolute.max()), float(relative.max()), tuple(int(k) for k in worst)


def _numeric_result(
    name: str, method: str, start: float, parts: list[tuple[str, float, float, tuple[int, ...]]],
    tol: float, seed: int, extra: str = "",
) -> CheckResult:  # fmt: skip
    worst = max(parts, key=lambda part: part[1])
    failed = [part for part in parts if not part[1] <= tol]
    summary = "; ".join(f"{label}: max abs {a:.1e}, max rel {r:.1e}" for label, a, r, _ in parts)
    detail = f"{summary}; tolerance {tol:g} on the absolute error (float64), seed {seed}" + (
        f"; {extra}" if extra else ""
    )
    counterexample = None
    if failed:
        label, absolute, _, index = failed[0]
        counterexample = {
            "comparison": label,
            "index": [k + 1 for k in index],
            "abs_error": absolute,
        }
    return CheckResult(
        name,
        method,
        Verdict.REFUTED if failed else Verdict.VERIFIED_NUMERICALLY,
        time.perf_counter() - start,
        detail,
        error=worst[1],
        counterexample=counterexample,
    )


def random_logits(jacobian: JacobianFunction, *, seed: int, tol: float) -> CheckResult:
    """At seeded random logits: against diag(s) − s sᵀ and against central differences."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3.0, size=jacobian.n)
    symbolic = jacobian(z)
    closed = closed_form_jacobian(stable_softmax(z))
    fd = finite_difference_jacobian(stable_softmax, z, step=_FD_STEP)
    parts = [
        ("closed form", *_errors(symbolic, closed)),
        ("finite differences", *_errors(symbolic, fd)),
    ]
    return _numeric_result(
        "numeric", "lambdify (S-form) vs diag(s) − s sᵀ and central differences", start, parts,
        tol, seed,
    )  # fmt: skip


def batch(jacobian: JacobianFunction, *, seed: int, tol: float, m: int = 3) -> CheckResult:
    """An (m, n) batch: per-sample Jacobians, block-diagonal (m, n, m, n), batched VJP."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed + 1)
    n = jacobian.n
    z = rng.normal(scale=3.0, size=(m, n))
    g = rng.normal(size=(m, n))
    per_sample = jacobian(z)
    closed = closed_form_jacobian(stable_softmax(z))
    # The full Jacobian of the batched map is block diagonal: sample a's output does not
    # depend on sample b's logits.
    full = np.zeros((m, n, m, n))
    for a in range(m):
        full[a, :, a, :] = per_sample[a]
    fd_full = finite_difference_jacobian(stable_softmax, z, step=_FD_STEP)
    vjp_symbolic = np.einsum("mi,mij->mj", g, per_sample)
    parts = [
        ("per-sample", *_errors(per_sample, closed)),
        ("block-diagonal (m, n, m, n)", *_errors(full, fd_full)),
        ("batched VJP", *_errors(vjp_symbolic, softmax_vjp(z, g))),
    ]
    return _numeric_result(
        "numeric-batch", f"m = {m} batch: lambdify vs closed form, finite differences, VJP",
        start, parts, tol, seed + 1,
    )  # fmt: skip


def _mp_softmax(z: np.ndarray) -> np.ndarray:
    with mpmath.workdps(50):
        exps = [mpmath.exp(mpmath.mpf(float(v))) for v in z]
        total = mpmath.fsum(exps)
        return np.array([float(e / total) for e in exps])


def extreme_logits(jacobian: JacobianFunction, *, seed: int, tol: float) -> CheckResult:
    """Logits near ±1000 and of mixed scales 1e-3..1e3, against a 50-digit softmax."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed + 2)
    n = jacobian.n
    cases = {
        "±1000": rng.choice([-1000.0, 1000.0], size=n) + rng.normal(size=n),
        "mixed scales": rng.choice([-1.0, 1.0], size=n) * 10.0 ** rng.uniform(-3, 3, size=n),
    }
    parts: list[tuple[str, float, float, tuple[int, ...]]] = []
    overflow = []
    for label, z in cases.items():
        symbolic = jacobian(z)
        reference = closed_form_jacobian(_mp_softmax(z))
        if not np.all(np.isfinite(symbolic)):
            parts.append((label, float("inf"), float("inf"), (0,)))
            continue
        parts.append((label, *_errors(symbolic, reference)))
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(z)
            naive = closed_form_jacobian(e / np.sum(e))
        bad = int(np.count_nonzero(~np.isfinite(naive)))
        if bad:
            overflow.append(f"naive exp-form gives inf/nan in {bad} of {n * n} entries at {label}")
    return _numeric_result(
        "numeric-extreme", "lambdified S-form fed a max-shifted softmax vs 50-digit mpmath",
        start, parts, tol, seed + 2,
        extra="; ".join(overflow) or "naive exp-form stayed finite here",
    )  # fmt: skip
