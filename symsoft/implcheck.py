"""Check a user's softmax Jacobian, backward pass, forward pass or layer, and name the mistake.

The implementation runs on a seeded battery: random logits for n = 1, 2, 3 and a main size
``n``; ties; logits near +1000 and −1000; mixed scales 1e-3..1e3; a non-square batch and a
square batch m = n (a sum over the wrong axis is silent when m = n); float64 and float32.
The ground truth is the symbolic Jacobian lambdified in its stable S-form
(:func:`symsoft.numeric.jacobian_function`), the backward pass S ⊙ (g − ⟨g, S⟩)
(:func:`symsoft.numeric.softmax_vjp`) and the max-shifted softmax
(:func:`symsoft.numeric.stable_softmax`). An element passes when
``|got − expected| <= atol + rtol·|expected|`` and ``got`` is finite. Defaults: rtol = atol =
1e-10 for float64 cases and 1e-5 for float32 cases; ``rtol``/``atol`` set the float64 values,
and float32 cases use the larger of the given value and 1e-5.

Single vectors are passed as (n,); when that fails, the column layout (n, 1) is tried and
reported if it passes. A family of inputs that raises on every case (a backward pass written
for one vector, a layer that needs a batch) is reported as unsupported, not as wrong, as long as
the other family passes. A Jacobian implementation is checked on batches only when it returns
(m, n, n) for them.

Examples
--------
>>> import numpy as np
>>> def backward(z, grad):
...     s = np.exp(z - z.max(axis=-1, keepdims=True))
...     s /= s.sum(axis=-1, keepdims=True)
...     return s * (grad - (grad * s).sum(axis=-1, keepdims=True))
>>> report = check_implementation(backward)
>>> report.passed, report.kind, report.exit_code
(True, 'vjp', 0)
>>> wrong = check_implementation(lambda z, g: g * (1 - g))
>>> wrong.passed, [f.name for f in wrong.diagnosis]
(False, ['g-one-minus-g'])
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from symsoft.diagnosis import Evidence, Finding, diagnose
from symsoft.errors import EXIT_FAILED, EXIT_OK, ImplementationError, UsageError
from symsoft.loader import DEFAULT_TIMEOUT, Outcome, Target, load_object, resolve_target
from symsoft.verdict import Verdict

__all__ = ["DEFAULT_TOLERANCES", "CaseResult", "ImplReport", "check_implementation"]

#: dtype -> (rtol, atol) used when none is given.
DEFAULT_TOLERANCES = {"float64": (1e-10, 1e-10), "float32": (1e-5, 1e-5)}
_LARGE = 50.0


@dataclass(frozen=True)
class _Case:
    name: str
    family: str
    z: np.ndarray
    g: np.ndarray
    dtype: str

    @property
    def large(self) -> bool:
        return bool(np.max(np.abs(self.z)) > _LARGE)


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one battery case: pass, fail, error (the code raised) or unsupported."""

    name: str
    family: str
    shape: tuple[int, ...]
    dtype: str
    status: str
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    worst_index: tuple[int, ...] | None = None
    detail: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "family": self.family,
            "shape": list(self.shape),
            "dtype": self.dtype,
            "status": self.status,
            "max_abs_error": _json_float(self.max_abs_error),
            "max_rel_error": _json_float(self.max_rel_error),
            "worst_index": list(self.worst_index) if self.worst_index is not None else None,
            "detail": self.detail,
            "seconds": round(self.seconds, 6),
        }


@dataclass(frozen=True)
class ImplReport:
    """Everything one ``check_implementation`` run found; the CLI and tests read this object."""

    target: str
    kind: str
    kind_reason: str
    input: str
    input_reason: str
    layout: str
    cases: tuple[CaseResult, ...]
    diagnosis: tuple[Finding, ...]
    notes: tuple[str, ...]
    tolerances: dict[str, tuple[float, float]]
    seed: int
    n: int
    first_failure: dict[str, Any] | None
    seconds: float
    user_seconds: float

    @property
    def passed(self) -> bool:
        checked = [case for case in self.cases if case.status != "unsupported"]
        return bool(checked) and all(case.passed for case in checked)

    @property
    def verdict(self) -> Verdict:
        return Verdict.VERIFIED_NUMERICALLY if self.passed else Verdict.REFUTED

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.passed else EXIT_FAILED

    def failures(self) -> tuple[CaseResult, ...]:
        return tuple(case for case in self.cases if case.status in ("fail", "error"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "passed": self.passed,
            "verdict": self.verdict.value,
            "kind": self.kind,
            "kind_reason": self.kind_reason,
            "input": self.input,
            "input_reason": self.input_reason,
            "layout": self.layout,
            "n": self.n,
            "seed": self.seed,
            "tolerances": {k: {"rtol": r, "atol": a} for k, (r, a) in self.tolerances.items()},
            "cases": [case.to_dict() for case in self.cases],
            "first_failure": self.first_failure,
            "diagnosis": [finding.to_dict() for finding in self.diagnosis],
            "notes": list(self.notes),
            "seconds": round(self.seconds, 6),
            "user_seconds": round(self.user_seconds, 6),
        }

    def to_text(self) -> str:
        """The report as plain text: the CLI prints it, ``symsoft.testing`` raises it."""
        failed = self.failures()
        head = "PASSED" if self.passed else f"FAILED ({len(failed)} of {len(self.cases)} cases)"
        tol = "; ".join(f"{k} rtol={r:g} atol={a:g}" for k, (r, a) in self.tolerances.items())
        lines = [
            f"check-impl {self.target}: {head}",
            f"kind: {self.kind} ({self.kind_reason})",
            f"input: {self.input} ({self.input_reason}); layout: {self.layout}",
            f"tolerance: {tol}; seed {self.seed}; n {self.n}",
            "cases:",
        ]
        for case in self.cases:
            shape = "×".join(map(str, case.shape))
            error = ""
            if case.max_abs_error is not None:
                at = f" at {case.worst_index}" if case.worst_index is not None else ""
                error = f"max abs {case.max_abs_error:.1e}{at}, rel {case.max_rel_error:.1e}"
            tail = "; ".join(part for part in (error, case.detail) if part)
            lines.append(f"  {case.status.upper():<11} {case.name:<28} {shape:<8} {tail}")
        if self.first_failure:
            f = self.first_failure
            lines.append(f"first failing input: case {f['case']!r}: z = {f['z']}")
            if f.get("grad") is not None:
                lines.append(f"  grad = {f['grad']}")
            if f.get("index") is not None:
                lines.append(f"  at {f['index']}: expected {f['expected']!r}, got {f['got']!r}")
        if not self.passed:
            lines.append("diagnosis:")
            if not self.diagnosis:
                lines.append("  no known pattern matches the outputs")
            for finding in self.diagnosis:
                lines.append(
                    f"  {finding.name}: {finding.summary} [{finding.variant}; matches "
                    f"{finding.cases} cases, {finding.decisive} of them unlike the right answer]"
                )
                lines.append(f"    fix: {finding.advice}")
        lines.extend(f"note: {note}" for note in self.notes)
        return "\n".join(lines)


def check_implementation(
    target_or_callable: Any,
    *,
    kind: str | None = None,
    input: str | None = None,  # mirrors the --input option
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
    n: int = 6,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> ImplReport:
    """Run the battery on an implementation (``"PATH.py:NAME"``, ``"pkg.mod:NAME"`` or an object).

    Raises :class:`~symsoft.errors.ImplementationError` (exit code 2) when the implementation
    cannot be loaded, raises on every input, times out, or returns a wrongly shaped output that
    no known mistake explains; :class:`~symsoft.errors.UsageError` for bad options.
    """
    start = time.perf_counter()
    tolerances = _tolerances(rtol, atol)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError("seed", seed, "a non-negative integer")
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= 1024:
        raise UsageError("n", n, "an integer from 2 to 1024", "the battery also covers n = 1, 2, 3")
    if isinstance(target_or_callable, str):
        obj, label = load_object(target_or_callable), target_or_callable
    else:
        obj = target_or_callable
        label = getattr(obj, "__qualname__", None) or type(obj).__name__
    target = resolve_target(obj, kind=kind, input=input, label=label, timeout=timeout)
    contract = {"layer": "vjp", "autograd": "vjp"}.get(target.kind, target.kind)
    cases = _battery(n, seed)
    run = _Runner(target, contract, tolerances)

    vector = [c for c in cases if c.family == "vector"]
    batch = [c for c in cases if c.family == "batch"]
    notes: list[str] = []
    vector_results, vector_layout = _run_family(run, vector, notes, target.input)
    batch_results, batch_layout = _run_family(run, batch, notes, target.input)
    if contract == "jacobian":
        batch_results = [(_optional(r), o) for r, o in batch_results]
        if batch_results and all(r.status == "unsupported" for r, _ in batch_results):
            notes.append("batched input (m, n) is not supported: optional for a Jacobian")
    results = vector_results + batch_results
    timed_out = [(c, o) for c, (_, o) in zip(cases, results) if o.timed_out]
    if timed_out:
        case, outcome = timed_out[0]
        raise ImplementationError(label, f"{outcome.error} on case {case.name!r}")
    if all(r.status == "error" for r, _ in results):
        first = next(r for r, _ in results)
        raise ImplementationError(
            label, f"raised on every input; first, on {first.name!r}: {first.detail}"
        )
    results = _mark_unsupported(results, notes)
    supported = {r.family for r, _ in results if r.status != "unsupported"}
    layout = ", ".join(
        text
        for family, text in (("vector", vector_layout), ("batch", batch_layout))
        if family in supported
    )

    findings: tuple[Finding, ...] = ()
    failing = [(c, r, o) for c, (r, o) in zip(cases, results) if r.status in ("fail", "error")]
    if failing:
        dead = {
            family
            for family in ("vector", "batch")
            if all(r.status == "error" for r, _ in results if r.family == family)
        }
        if dead >= {r.family for r, _ in results}:
            dead = set()
        # A family that raised on every case is a layout the code does not handle, not evidence.
        evidence = [
            run.evidence(c, o)
            for c, (r, o) in zip(cases, results)
            if r.status != "unsupported" and r.family not in dead
        ]
        findings = diagnose(contract, evidence, convention=target.input)
        if not findings and all("shape" in r.detail or r.status == "error" for _, r, _ in failing):
            shaped = [r for _, r, _ in failing if "shape" in r.detail]
            checked = [r for r, _ in results if r.status != "unsupported"]
            if shaped and len(shaped) + sum(r.passed for r in checked) == len(checked):
                raise ImplementationError(
                    label,
                    f"{shaped[0].detail} on {shaped[0].name!r}, which no known mistake explains",
                )
        if any(f.name == "jacobian-at-logits" for f in findings) and target.input == "logits":
            notes.append("if the function takes s = softmax(z) rather than z, pass --input softmax")
    notes.extend(target.notes)
    warned = sorted({w for _, o in results for w in o.warnings})
    if warned:
        notes.append("the implementation warned: " + "; ".join(warned[:3]))
    return ImplReport(
        target=label,
        kind="vjp" if target.kind == "autograd" else target.kind,
        kind_reason=target.kind_reason,
        input=target.input,
        input_reason=target.input_reason,
        layout=layout,
        cases=tuple(r for r, _ in results),
        diagnosis=findings,
        notes=tuple(notes),
        tolerances=tolerances,
        seed=seed,
        n=n,
        first_failure=_first_failure(failing, run),
        seconds=time.perf_counter() - start,
        user_seconds=sum(o.seconds for _, o in results) + run.extra_user_seconds,
    )


class _Runner:
    """Runs one case through the implementation and compares it with the ground truth."""

    def __init__(self, target: Target, contract: str, tolerances: dict[str, tuple[float, float]]):
        self.target = target
        self.contract = contract
        self.tolerances = tolerances
        self.extra_user_seconds = 0.0

    def __call__(self, case: _Case, *, column: bool) -> tuple[CaseResult, Outcome]:
        x = self.input_of(case)
        g = case.g if self.contract == "vjp" else None
        if column:
            x = x[..., None]
            g = None if g is None else g[..., None]
        outcome = self.target.run(x, g)
        shape = tuple(case.z.shape)
        if outcome.error is not None:
            return CaseResult(
                case.name,
                case.family,
                shape,
                case.dtype,
                "error",
                detail=f"raised {outcome.error}",
                seconds=outcome.seconds,
            ), outcome
        rtol, atol = self.tolerances[case.dtype]
        expected = self.expected(case)
        return _compare(case, outcome, expected, rtol, atol), outcome

    def input_of(self, case: _Case) -> np.ndarray:
        from symsoft.numeric import stable_softmax

        if self.target.input == "softmax" and self.contract != "softmax":
            return stable_softmax(case.z).astype(case.dtype)
        return case.z.astype(case.dtype)

    def expected(self, case: _Case) -> np.ndarray:
        from symsoft.numeric import softmax_vjp, stable_softmax

        if self.contract == "jacobian":
            return _jacobian_truth(case.z)
        if self.contract == "vjp":
            return softmax_vjp(case.z, case.g)
        return stable_softmax(case.z)

    def evidence(self, case: _Case, outcome: Outcome) -> Evidence:
        rtol, atol = self.tolerances[case.dtype]
        g = case.g if self.contract == "vjp" else None
        return Evidence(
            case.z,
            g,
            outcome.value,
            self.expected(case),
            rtol,
            atol,
            case.large,
            case.dtype == "float32",
            outcome.error,
        )


def _jacobian_truth(z: np.ndarray) -> np.ndarray:
    from symsoft.numeric import closed_form_jacobian, jacobian_function, stable_softmax

    try:
        return np.asarray(jacobian_function(z.shape[-1])(z), dtype=np.float64)
    except TypeError:
        # The lambdified route leaves an unreduced entry at n = 1 (a core bug reported to the
        # lead); diag(s) − s sᵀ from the same module is the documented closed form.
        return closed_form_jacobian(stable_softmax(z))


def _compare(
    case: _Case, outcome: Outcome, expected: np.ndarray, rtol: float, atol: float
) -> CaseResult:
    got = outcome.value
    assert got is not None  # the caller handles outcomes that raised
    base: dict[str, Any] = {
        "name": case.name,
        "family": case.family,
        "shape": tuple(case.z.shape),
        "dtype": case.dtype,
        "seconds": outcome.seconds,
    }
    if got.shape != expected.shape:
        if np.squeeze(got).shape != np.squeeze(expected).shape:
            return CaseResult(
                **base, status="fail", detail=f"output shape {got.shape}, expected {expected.shape}"
            )
        got = got.reshape(expected.shape)
    with np.errstate(all="ignore"):
        error = np.abs(got.astype(np.float64) - expected)
        error = np.where(np.isfinite(got), error, np.inf)
        excess = error / (atol + rtol * np.abs(expected))
        # Relative error over entries above atol: tiny entries only have a meaningful abs error.
        relative = np.where(np.abs(expected) > atol, error / np.abs(expected), 0.0)
    worst = (
        tuple(int(i) for i in np.unravel_index(int(np.argmax(excess)), expected.shape))
        if excess.size
        else None
    )
    bad = int(np.sum(excess > 1))
    nonfinite = int(np.sum(~np.isfinite(got)))
    detail = (
        f"{nonfinite} non-finite (NaN/inf) entries"
        if nonfinite
        else (f"{bad} of {got.size} entries off" if bad else "")
    )
    return CaseResult(
        **base,
        status="fail" if bad else "pass",
        max_abs_error=float(np.max(error)) if error.size else 0.0,
        max_rel_error=float(np.max(relative)) if relative.size else 0.0,
        worst_index=worst if bad else None,
        detail=detail,
    )


def _optional(result: CaseResult) -> CaseResult:
    if result.status == "error" or (result.status == "fail" and "shape" in result.detail):
        return _unsupported(result)
    return result


def _mark_unsupported(results, notes):
    # A family that raises on every case is a layout the code does not handle (a backward pass
    # for one vector, a layer for batches): reported as unsupported, judged on the other family.
    marked = list(results)
    for family in ("vector", "batch"):
        mine = [r for r, _ in results if r.family == family]
        others = [r for r, _ in results if r.family != family and r.status != "unsupported"]
        if (
            mine
            and all(r.status == "error" for r in mine)
            and any(r.status != "error" for r in others)
        ):
            what = "single vectors (n,)" if family == "vector" else "batches (m, n)"
            notes.append(f"{what} are not supported: {mine[0].detail}")
            marked = [(_unsupported(r), o) if r.family == family else (r, o) for r, o in marked]
    return marked


def _unsupported(result: CaseResult) -> CaseResult:
    return CaseResult(
        result.name,
        result.family,
        result.shape,
        result.dtype,
        "unsupported",
        detail=result.detail,
        seconds=result.seconds,
    )


def _run_family(run: _Runner, cases: list[_Case], notes: list[str], convention: str):
    """Run one family in its plain layout, and in the column layout when that fails."""
    if not cases:
        return [], ""
    vector = cases[0].family == "vector"
    plain_name = "vectors (n,)" if vector else "batches (m, n)"
    column_name = "column vectors (n, 1)" if vector else "batches of columns (m, n, 1)"
    plain = [run(case, column=False) for case in cases]
    if all(r.passed for r, _ in plain):
        return plain, plain_name
    column = [run(case, column=True) for case in cases]
    column_ok = all(r.passed for r, _ in column)
    plain_dead = all(r.status == "error" for r, _ in plain)

    # n = 1 is trivially right in either layout, so it does not vote.
    def votes(results: list[tuple[CaseResult, Outcome]]) -> int:
        return sum(r.passed for r, _ in results if r.shape[-1] > 1)

    def acceptable(results: list[tuple[CaseResult, Outcome]]) -> bool:
        # Right wherever the output is finite: an unstable implementation in that layout.
        return all(r.passed or "non-finite" in r.detail for r, _ in results)

    sizable = sum(case.z.shape[-1] > 1 for case in cases)
    if vector:
        chosen = (
            column_ok
            or (acceptable(column) and not acceptable(plain))
            or (plain_dead and 2 * votes(column) >= sizable)
        )
    else:
        # (m, n, 1) is only a fallback for code that cannot take (m, n) at all: a layer that
        # runs on (m, n) but is right only on (m, n, 1) (a forgotten reshape) is wrong.
        chosen = plain_dead and (acceptable(column) or 2 * votes(column) >= sizable)
    if not chosen:
        if column_ok:
            notes.append(f"would pass with {column_name}, but {plain_name} run and are wrong")
        return plain, plain_name
    if column_ok and not plain_dead:
        contract = run.contract
        notes.append(_layout_note(run, cases, plain, contract, convention, column_name, plain_name))
    elif column_ok:
        notes.append(f"takes {column_name}; {plain_name} {plain[0][0].detail}")
    return column, column_name


def _layout_note(run, cases, results, contract, convention, column_name, plain_name) -> str:
    evidence = [run.evidence(c, o) for c, (_, o) in zip(cases, results)]
    names = [f.name for f in diagnose(contract, evidence, convention=convention)]
    because = f" (diagnosis: {', '.join(names)})" if names else ""
    return f"passes with {column_name}; with {plain_name} it is wrong{because}"


def _first_failure(failing, run) -> dict[str, Any] | None:
    if not failing:
        return None
    # A wrong value says more than a raise (often a layout the code does not handle).
    case, result, outcome = min(failing, key=lambda item: item[1].status == "error")
    record: dict[str, Any] = {
        "case": case.name,
        "z": case.z.tolist(),
        "grad": case.g.tolist() if run.contract == "vjp" else None,
        "index": None,
        "expected": None,
        "got": None,
        "detail": result.detail,
    }
    if result.worst_index is not None and outcome.value is not None:
        expected = run.expected(case)
        got = outcome.value.reshape(expected.shape)
        record.update(
            index=list(result.worst_index),
            expected=_json_float(float(expected[result.worst_index])),
            got=_json_float(float(got[result.worst_index])),
        )
    return record


def _battery(n: int, seed: int) -> list[_Case]:
    rng = np.random.default_rng(seed)
    cases: list[_Case] = []

    def add(name: str, family: str, z: Any, dtype: str = "float64") -> None:
        z = np.asarray(z, dtype=np.float64).astype(dtype).astype(np.float64)
        g = rng.normal(size=z.shape).astype(dtype).astype(np.float64)
        cases.append(_Case(f"{name} {dtype}", family, z, g, dtype))

    def mixed(size: int) -> np.ndarray:
        z = rng.choice([-1.0, 1.0], size=size) * 10.0 ** rng.uniform(-3, 3, size=size)
        # A runner-up near the maximum keeps softmax from being one-hot, which would hide
        # most wrong formulas (every Jacobian entry of a one-hot s is zero).
        z[int(np.argmin(z))] = np.max(z) - 0.5
        return z

    for size in sorted({1, 2, 3, n}):
        add(f"random n={size}", "vector", rng.normal(scale=2.0, size=size))
    add(f"ties n={n}", "vector", np.full(n, 0.7))
    tied = rng.normal(size=n)
    tied[1] = tied[0]
    add(f"tied pair n={n}", "vector", tied)
    add(f"logits ≈ +1000 n={n}", "vector", 1000.0 + rng.normal(scale=3.0, size=n))
    add(f"logits ≈ −1000 n={n}", "vector", -1000.0 + rng.normal(scale=3.0, size=n))
    add(f"mixed scales n={n}", "vector", mixed(n))
    add(f"random n={n}", "vector", rng.normal(scale=2.0, size=n), "float32")
    add(f"logits ≈ +1000 n={n}", "vector", 1000.0 + rng.normal(scale=3.0, size=n), "float32")
    m = 3 if n != 3 else 5
    add(f"batch {m}×{n}", "batch", rng.normal(scale=2.0, size=(m, n)))
    add(f"square batch {n}×{n}", "batch", rng.normal(scale=2.0, size=(n, n)))
    add("batch 4×2", "batch", rng.normal(scale=2.0, size=(4, 2)))
    extreme = np.stack(
        [1000.0 + rng.normal(scale=3.0, size=n), -1000.0 + rng.normal(scale=3.0, size=n), mixed(n)]
    )
    add(f"extreme batch 3×{n}", "batch", extreme)
    add(f"square batch {n}×{n}", "batch", rng.normal(scale=2.0, size=(n, n)), "float32")
    return cases


def _tolerances(rtol: float | None, atol: float | None) -> dict[str, tuple[float, float]]:
    for name, value in (("rtol", rtol), ("atol", atol)):
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < 0
        ):
            raise UsageError(name, value, "a finite number >= 0", "e.g. --rtol 1e-8")
    r64, a64 = DEFAULT_TOLERANCES["float64"]
    r32, a32 = DEFAULT_TOLERANCES["float32"]
    r64 = r64 if rtol is None else float(rtol)
    a64 = a64 if atol is None else float(atol)
    return {"float64": (r64, a64), "float32": (max(r32, r64), max(a32, a64))}


def _json_float(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
