"""Check a user's softmax Jacobian, backward pass, forward pass or layer, and name the mistake.

The implementation runs on the seeded battery of :mod:`symsoft.impl.battery` (n = 1, 2, 3 and a
main size ``n``; ties; logits near ±1000; mixed scales; a non-square and a square batch;
float64 and float32) against the symbolic ground truth, then its outputs are matched against
the catalogue of :mod:`symsoft.impl.diagnosis` (when none matches, :mod:`symsoft.impl.difference`
describes the difference structurally). The implementation runs in a worker process
(:mod:`symsoft.impl.isolation`), which returns its outputs; the truth, the comparison and the
verdict are computed here. An element passes when
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

import dataclasses
import time
from typing import Any

import numpy as np

from symsoft.errors import ImplementationError, UsageError
from symsoft.impl.battery import (
    DEFAULT_TOLERANCES,
    Case,
    build_battery,
    expected_output,
    tolerances,
)
from symsoft.impl.calling import DEFAULT_TIMEOUT, Outcome
from symsoft.impl.diagnosis import Evidence, Finding, diagnose
from symsoft.impl.difference import Difference, describe
from symsoft.impl.elementwise import ELEMENTWISE_NOTE, diagonal_of, embed
from symsoft.impl.isolation import (
    DEFAULT_MEMORY,
    Limits,
    RemoteTarget,
    Worker,
    WorkerEnd,
    WorkerError,
    parse_memory,
    ship,
)
from symsoft.impl.layouts import mark_unsupported, optional, run_family
from symsoft.impl.loader import INPUTS, KINDS, check_options
from symsoft.impl.report import CaseResult, ImplReport, json_float

__all__ = ["CaseResult", "ImplReport", "check_implementation"]


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
    samples: str = "rows",
    strict: bool = False,
    memory: int | str | None = DEFAULT_MEMORY,
) -> ImplReport:
    """Run the battery on an implementation (``"PATH.py:NAME"``, ``"pkg.mod:NAME"`` or an object).

    The implementation runs in a worker process (:mod:`symsoft.impl.isolation`): ``timeout`` seconds
    per call of its code, ``memory`` bytes (or ``"2G"``, ``"512M"``, ``None`` for no limit).
    Raises :class:`~symsoft.errors.ImplementationError` (exit code 2) when the implementation
    cannot be loaded, raises on every input, times out, ends its worker, or returns a wrongly
    shaped output that no known mistake explains; :class:`~symsoft.errors.UsageError` for bad
    options. ``samples="columns"`` passes batches as (n, m), one sample per column, and reads
    the output the same way (course code in that convention normalises over axis 0). Code
    that modifies its arguments in place is reported (``mutated``, with a note);
    ``strict=True`` makes that a failure.
    """
    start = time.perf_counter()
    limits = tolerances(rtol, atol)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError("seed", seed, "a non-negative integer")
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= 1024:
        raise UsageError("n", n, "an integer from 2 to 1024", "the battery also covers n = 1, 2, 3")
    if samples not in ("rows", "columns"):
        raise UsageError("samples", samples, "rows or columns")
    check_options(kind, input, timeout)
    settings = Limits(timeout=timeout, memory=parse_memory(memory))
    shipped: tuple[str | None, bytes | None]
    if isinstance(target_or_callable, str):
        label, shipped = target_or_callable, (target_or_callable, None)
    else:
        obj = target_or_callable
        label = getattr(obj, "__qualname__", None) or type(obj).__name__
        shipped = ship(obj, label)
    with Worker(settings, label) as worker:
        target, load_notes = _remote(worker.setup(*shipped, kind=kind, input=input), kind, worker)
        # The checker's own arithmetic (underflow at logits of -1000) must not warn or raise.
        with np.errstate(all="ignore"):
            report = _check_both(target, input, limits, samples, seed, n, load_notes, start)
        report = dataclasses.replace(report, output=worker.output())
    return dataclasses.replace(report, strict=True) if strict else report


def _remote(facts, kind, worker) -> tuple[RemoteTarget, tuple[str, ...]]:
    """The worker's account of the contract, held to the contract the caller fixed."""
    # resolve_target checks an autograd.Function through autograd, and a layer as a vjp
    allowed = {kind, "autograd", *(("layer",) if kind == "vjp" else ())} if kind else _CHECKABLE
    if facts["kind"] not in allowed or facts["input"] not in INPUTS:
        raise WorkerError(
            worker.label,
            WorkerEnd.PROTOCOL,
            f"the worker reported contract {facts['kind']!r} on {facts['input']!r}",
        )
    target = RemoteTarget(
        worker.label,
        facts["kind"],
        facts["kind_reason"],
        facts["input"],
        facts["input_reason"],
        facts["notes"],
        worker,
    )
    return target, tuple(facts["load_notes"])


_CHECKABLE = {*KINDS, "autograd"}


def _check_both(target, input, limits, samples, seed, n, load_notes, start):
    """Run the battery, and retry the logits when a guess that the input is softmax fails."""
    cases = build_battery(n, seed)
    report = _check(target, cases, limits, samples, seed, n, load_notes, start)
    if input is None and not report.passed and target.input == "softmax":
        # "softmax" was a guess from a parameter name; a function that is right on the logits
        # meets the contract f(z), whatever its parameter is called. (Never the other way:
        # that would excuse the Jacobian evaluated at the logits.)
        why = f"{target.input_reason}, but the function is right on the logits"
        retry = dataclasses.replace(target, input="logits", input_reason=why, notes=[])
        try:
            second = _check(retry, cases, limits, samples, seed, n, load_notes, start)
        except WorkerError:
            raise
        except ImplementationError:
            return report
        if second.passed:
            return second
    if input is None and not report.passed and target.input == "logits":
        return _other_reading(target, report, cases, limits, samples, seed, n, load_notes, start)
    return report


def _other_reading(target, report, cases, limits, samples, seed, n, load_notes, start):
    """A failure that rests on reading the argument as the logits says so when the code is
    right on softmax(z): the verdict stays a failure (that reading is also what the Jacobian
    evaluated at the logits looks like), with the other reading named and how to check it."""
    retry = dataclasses.replace(target, input="softmax", input_reason="the other reading", notes=[])
    try:
        second = _check(retry, cases, limits, samples, seed, n, load_notes, start)
    except ImplementationError:
        return report
    if not second.passed:
        return report
    note = (
        f"depends on the input: {target.input_reason}, and then it is wrong; it is right on "
        "every case if its argument is softmax(z) (the layer's output). If that is how your "
        "code calls it, check it with --input softmax"
    )
    return dataclasses.replace(report, notes=(note, *report.notes))


def _check(target, cases, limits, samples, seed, n, load_notes, start) -> ImplReport:
    """One run of the battery with the contract settled."""
    contract = {"layer": "vjp", "autograd": "vjp", "elementwise": "jacobian"}.get(
        target.kind, target.kind
    )
    run = _Runner(target, contract, limits, samples)
    notes: list[str] = list(load_notes)
    results, layout = _run_battery(run, target.label, cases, contract, notes)
    failing = [(c, r, o) for c, (r, o) in zip(cases, results) if r.status in ("fail", "error")]
    findings: tuple[Finding, ...] = ()
    structure: tuple[Difference, ...] = ()
    if failing:
        findings, structure = _diagnosis(run, cases, results, contract, target.input)
        _reject_unexplained_shapes(target.label, results, failing, findings)
        notes.extend(_failure_notes(results, findings, samples, target.input))
    if target.kind == "elementwise":
        notes.append(ELEMENTWISE_NOTE)
    notes.extend(target.notes)
    mutated = tuple(sorted({m for _, o in results for m in o.mutated}))
    notes.extend(_behaviour_notes(results, mutated))
    return ImplReport(
        target=target.label,
        kind="vjp" if target.kind == "autograd" else target.kind,
        kind_reason=target.kind_reason,
        input=target.input,
        input_reason=target.input_reason,
        layout=layout,
        cases=tuple(r for r, _ in results),
        diagnosis=findings,
        notes=tuple(notes),
        tolerances=limits,
        seed=seed,
        n=n,
        first_failure=_first_failure(failing, run),
        seconds=time.perf_counter() - start,
        user_seconds=run.user_seconds,
        structure=structure,
        mutated=mutated,
    )


def _run_battery(run, label, cases, contract, notes) -> tuple[list, str]:
    """Every case, single vectors then batches, and the layouts the code accepted."""
    vector = [c for c in cases if c.family == "vector"]
    batch = [c for c in cases if c.family == "batch"]
    vector_results, vector_layout = run_family(run, vector, notes, run.target.input)
    batch_results, batch_layout = run_family(run, batch, notes, run.target.input)
    # Checked before a Jacobian's batches become optional: raising on them is raising too.
    if all(r.status == "error" for r, _ in vector_results + batch_results):
        first = next(r for r, _ in vector_results + batch_results)
        raise ImplementationError(
            label,
            f"raised on every input; first, on {first.name!r}: {first.detail}"
            + _missing_modules_hint(notes),
        )
    if contract == "jacobian":
        batch_results = [(optional(r), o) for r, o in batch_results]
        if batch_results and all(r.status == "unsupported" for r, _ in batch_results):
            notes.append("batched input (m, n) is not supported: optional for a Jacobian")
    results = mark_unsupported(vector_results + batch_results, notes)
    supported = {r.family for r, _ in results if r.status != "unsupported"}
    layout = ", ".join(
        text
        for family, text in (("vector", vector_layout), ("batch", batch_layout))
        if family in supported
    )
    return results, layout


def _diagnosis(run, cases, results, contract, convention):
    """The catalogue's names for the mistake, or else a structural description of it."""
    checked = [(c, o) for c, (r, o) in zip(cases, results) if r.status != "unsupported"]
    evidence = [run.evidence(c, o) for c, o in checked]
    findings = diagnose(contract, evidence, convention=convention)
    if not findings:
        findings = _per_family(run, cases, results, contract, convention)
    if not findings and any(_single(o) for _, o in checked):
        # run in float32 (it raised on float64): formulas are matched to float32 accuracy
        evidence = [_as_single(e) if _single(o) else e for e, (_, o) in zip(evidence, checked)]
        findings = diagnose(contract, evidence, convention=convention)
    elif findings and all(f.name in _SPECIAL for f in findings) and _wrong_where_finite(evidence):
        # unstable and wrong elsewhere too: what explains the finite outputs, per family
        named = {f.name for f in findings}
        extra = _per_family(run, cases, results, contract, convention)
        findings += tuple(f for f in extra if f.name not in named)
        if all(f.name in _SPECIAL for f in findings):
            # and when no formula does, the structure of the finite outputs' difference
            kept = [(c, e) for c, e in zip(checked, evidence) if not e.broken]
            return findings, _structure(run, [c for c, _ in kept], contract, [e for _, e in kept])
    if findings:
        return findings, ()
    return findings, _structure(run, checked, contract, evidence)


def _behaviour_notes(results, mutated: tuple[str, ...]) -> list[str]:
    """In-place modification of the caller's arrays, and the warnings the code raised."""
    notes = []
    if mutated:
        count = sum(bool(o.mutated) for _, o in results)
        notes.append(
            f"modifies {' and '.join(mutated)} in place on {count} case(s): the caller's arrays "
            "change (a warning; --strict makes it a failure); work on a copy or use "
            "out-of-place operations (z = z - z.max(...), not z -= ...)"
        )
    warned = sorted({w for _, o in results for w in o.warnings})
    if warned:
        notes.append("the implementation warned: " + "; ".join(warned[:3]))
    return notes


_SPECIAL = ("unstable-exp", "single-precision")


def _wrong_where_finite(evidence) -> bool:
    return any(
        not e.broken
        and e.output is not None
        and not (
            np.shape(e.output) == np.shape(e.expected)
            and np.all(np.abs(e.output - e.expected) <= e.atol + e.rtol * np.abs(e.expected))
        )
        for e in evidence
    )


def _structure(run, checked, contract, evidence) -> tuple[Difference, ...]:
    """The structural description, on the outputs as compared (an elementwise f as diag(f))."""
    evidence = [dataclasses.replace(e, output=o.value) for e, (_, o) in zip(evidence, checked)]
    return tuple(
        dataclasses.replace(d, case_name=checked[d.case][0].name)
        for d in describe(contract, evidence)
    )


def _single(outcome: Outcome) -> bool:
    return outcome.value is not None and outcome.value.dtype == np.float32


def _as_single(evidence: Evidence) -> Evidence:
    rtol, atol = DEFAULT_TOLERANCES["float32"]
    return dataclasses.replace(
        evidence, rtol=max(rtol, evidence.rtol), atol=max(atol, evidence.atol), float32=True
    )


def _missing_modules_hint(notes: list[str]) -> str:
    """Code that failed everywhere after its imports were stubbed: the likely cause."""
    prefix = "not installed, imported as inert stubs: "
    listed = [note[len(prefix) :].split(" (")[0] for note in notes if note.startswith(prefix)]
    roots = dict.fromkeys(name.split(".")[0] for names in listed for name in names.split(", "))
    if not roots:
        return ""
    return f" (it depends on {', '.join(roots)}, not installed here: install to check this code)"


def _per_family(run, cases, results, contract, convention) -> tuple[Finding, ...]:
    """When nothing explains every case: what explains the single vectors, or the batches."""
    found: list[Finding] = []
    for family, scope in (("vector", "single vectors only"), ("batch", "batches only")):
        mine = [(c, r, o) for c, (r, o) in zip(cases, results) if r.family == family]
        checked = [(c, r, o) for c, r, o in mine if r.status != "unsupported"]
        if checked and not all(r.passed for _, r, _ in checked):
            evidence = [run.evidence(c, o) for c, _, o in checked]
            matches = diagnose(contract, evidence, convention=convention)
            found.extend(dataclasses.replace(f, scope=scope) for f in matches)
    return tuple(found)


def _reject_unexplained_shapes(label, results, failing, findings) -> None:
    """Wrong shapes everywhere it does not raise, and no known mistake: the code cannot run."""
    # n = 1 does not count: any output squeezes to a scalar there, so its shape proves nothing.
    failing = [(c, r, o) for c, r, o in failing if r.shape[-1] > 1]
    if findings or not all("shape" in r.detail or r.status == "error" for _, r, _ in failing):
        return
    shaped = [(c, r, o) for c, r, o in failing if "shape" in r.detail]
    checked = [r for r, _ in results if r.status != "unsupported" and r.shape[-1] > 1]
    if shaped and len(shaped) + sum(r.passed for r in checked) == len(checked):
        case, first, outcome = shaped[0]
        n = case.z.shape[-1]
        square = outcome.value is not None and outcome.value.shape == (n, n)
        hint = (
            "; it returns an n × n matrix where a vector belongs: if that is a Jacobian, "
            "check it as one (--kind jacobian; a method as Class.method)"
            if square and case.z.ndim == 1
            else ""
        )
        raise ImplementationError(
            label, f"{first.detail} on {first.name!r}, which no known mistake explains{hint}"
        )


def _failure_notes(results, findings, samples: str, convention: str) -> list[str]:
    notes = []
    for family, other in (("vector", "batch"), ("batch", "vector")):
        mine = [r for r, _ in results if r.family == family]
        theirs = [r for r, _ in results if r.family == other and r.status != "unsupported"]
        if mine and all(r.passed for r in mine) and theirs:
            good, bad = ("single vectors", "batches")[:: 1 if family == "vector" else -1]
            notes.append(f"right on all {good}; the failures are all on {bad}")
    names = {finding.name for finding in findings}
    if samples == "rows" and names & {"wrong-axis", "transposed"}:
        notes.append("if your code keeps one sample per column, (n, m), pass --samples columns")
    if "jacobian-at-logits" in names and convention == "logits":
        notes.append("if the function takes s = softmax(z) rather than z, pass --input softmax")
    return notes


class _Runner:
    """Runs one case through the implementation and compares it with the ground truth."""

    def __init__(
        self,
        target: RemoteTarget,
        contract: str,
        tolerances: dict[str, tuple[float, float]],
        samples: str = "rows",
    ):
        self.target = target
        self.samples = samples
        self.contract = contract
        self.tolerances = tolerances
        #: time spent inside the user's code, every layout tried included
        self.user_seconds = 0.0

    def __call__(self, case: Case, *, layout: str) -> tuple[CaseResult, Outcome]:
        x = self.input_of(case)
        # the upstream gradient in the case's dtype too: JAX's vjp refuses a float64 cotangent
        # for a float32 output, and a float32 backward should see float32 data throughout
        g = case.g.astype(case.dtype) if self.contract == "vjp" else None
        if layout != "plain":
            where = {"column": (..., None), "heads": (None, None, ...)}.get(layout, (None, ...))
            x = x[where]
            g = None if g is None else g[where]
        transpose = self.samples == "columns" and case.family == "batch"
        if transpose:
            x, g = x.T, None if g is None else g.T
        try:
            outcome = self.target.run(x, g, classes=case.z.shape[-1])
        except WorkerError as error:
            raise error.at(f"on case {case.name!r}") from None
        self.user_seconds += outcome.seconds
        if outcome.timed_out:
            raise ImplementationError(self.target.label, f"{outcome.error} on case {case.name!r}")
        if transpose and outcome.value is not None and outcome.value.ndim == 2:
            outcome = dataclasses.replace(outcome, value=outcome.value.T)
        if self.target.kind == "elementwise" and outcome.value is not None:
            # used as grad * f(z): f amounts to the Jacobian diag(f(z))
            outcome = dataclasses.replace(outcome, value=embed(outcome.value, case.z.shape))
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

    def input_of(self, case: Case) -> np.ndarray:
        from symsoft.symbolic.numeric import stable_softmax

        if self.target.input == "softmax" and self.contract != "softmax":
            return stable_softmax(case.z).astype(case.dtype)
        return case.z.astype(case.dtype)

    def expected(self, case: Case) -> np.ndarray:
        return expected_output(self.contract, case)

    def evidence(self, case: Case, outcome: Outcome) -> Evidence:
        rtol, atol = self.tolerances[case.dtype]
        g = case.g if self.contract == "vjp" else None
        value = outcome.value
        if self.target.kind == "elementwise":
            # the catalogue reads an elementwise f(z) as what it returns: a vector
            value = diagonal_of(value, case.z.shape)
        return Evidence(
            case.z,
            g,
            value,
            self.expected(case),
            rtol,
            atol,
            case.large,
            case.dtype == "float32",
            outcome.error,
        )


def _compare(
    case: Case, outcome: Outcome, expected: np.ndarray, rtol: float, atol: float
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
            expected=json_float(float(expected[result.worst_index])),
            got=json_float(float(got[result.worst_index])),
        )
    return record
