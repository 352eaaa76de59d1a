"""Describe how wrong outputs differ from the truth, when no catalogue mistake explains them.

A pure function of arrays (the inputs, the implementation's outputs and the right answers): it
never calls user code. The descriptions, tried in this order, are

* **wrong only at large logits** or **wrong only on square batches** (m = n), right elsewhere;
* **transposed**: every wrong batch is the right answer transposed;
* **a constant factor** c·(right answer), or **a batch-size factor** 1/m (right on single
  vectors, divided by the number of rows on batches);
* for a Jacobian or a backward pass, the **implied Jacobian**, fitted exactly as a small
  combination of the terms softmax's Jacobian is made of (diag(s), s sᵀ, diag(s²), I, ...):
  then which part differs, the diagonal (``s`` instead of ``s(1 − s)``, the sign flipped, ...),
  the off-diagonal (missing, the sign flipped, scaled) or both;
* otherwise only the worst element.

Every description carries the worst element: the case (an index into the evidence), its
position, the value found and the value expected. A description never names a catalogue entry.

Examples
--------
>>> import numpy as np
>>> from symsoft.impl.diagnosis import Evidence
>>> from symsoft.symbolic.numeric import closed_form_jacobian, stable_softmax
>>> zs = [np.array([0.3, -1.0, 2.0]), np.array([1.0, 0.5, -0.2, 0.1])]
>>> truth = [closed_form_jacobian(stable_softmax(z)) for z in zs]
>>> evidence = [Evidence(z, None, 2 * j, j, 1e-10, 1e-10) for z, j in zip(zs, truth)]
>>> [d.summary for d in describe("jacobian", evidence)]
['2 × the right answer (a constant factor 2)']
>>> describe("jacobian", [Evidence(z, None, j, j, 1e-10, 1e-10) for z, j in zip(zs, truth)])
()
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from symsoft.impl.diagnosis import Evidence

__all__ = ["Difference", "DifferenceKind", "describe", "implied_jacobian"]


class DifferenceKind(enum.Enum):
    """What kind of difference from the truth a description states."""

    LARGE_ONLY = "large-logits-only"
    SQUARE_ONLY = "square-batches-only"
    TRANSPOSED = "transposed"
    SCALE = "constant-factor"
    BATCH_SCALE = "batch-size-factor"
    DIAGONAL = "diagonal-only-wrong"
    OFF_DIAGONAL = "off-diagonal-only-wrong"
    BOTH = "diagonal-and-off-diagonal-wrong"
    UNSTRUCTURED = "no-structure-found"


@dataclass(frozen=True)
class Difference:
    """One structural description of wrong outputs, with the worst element."""

    kind: DifferenceKind
    summary: str
    #: index into the evidence of the case holding the worst element
    case: int
    index: tuple[int, ...]
    got: float
    expected: float
    #: that case's name, when the caller knows it
    case_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "summary": self.summary,
            "case": self.case_name or self.case,
            "index": list(self.index),
            "got": _json(self.got),
            "expected": _json(self.expected),
        }


def describe(contract: str, evidence: Sequence[Evidence]) -> tuple[Difference, ...]:
    """Structural descriptions of the wrong outputs in ``evidence`` (none when all are right).

    ``contract`` is "jacobian", "vjp" or "softmax"; only outputs of the expected shape count.
    """
    usable = [(i, e) for i, e in enumerate(evidence) if _shaped(e)]
    wrong = [(i, e) for i, e in usable if not _close(_out(e), e.expected, e)]
    if not wrong:
        return ()
    worst = _worst(wrong)
    for finder in (_transposed, _by_case, _scaled):
        found = finder(usable, wrong)
        if found:
            return (Difference(found[0], found[1], *worst),)
    if contract in ("jacobian", "vjp"):
        found = _by_terms(contract, usable)
        if found:
            return (Difference(found[0], found[1], *worst),)
    summary = "no simple structure: not a factor, a transpose or a combination of J's terms"
    return (Difference(DifferenceKind.UNSTRUCTURED, summary, *worst),)


def _shaped(e: Evidence) -> bool:
    return (
        e.output is not None
        and np.shape(e.output) == np.shape(e.expected)
        and bool(np.all(np.isfinite(e.output)))
        and bool(np.all(np.isfinite(e.expected)))
    )


def _close(a: np.ndarray, b: np.ndarray, e: Evidence) -> bool:
    slack = 8 * float(np.finfo(np.float32).eps) * float(np.max(np.abs(e.z))) if e.float32 else 0.0
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(a - b) <= e.atol + slack + e.rtol * np.abs(b)))


def _out(e: Evidence) -> np.ndarray:
    """The output of a usable case (:func:`_shaped` checked that there is one)."""
    assert e.output is not None
    return e.output


def _worst(wrong: list[tuple[int, Evidence]]) -> tuple[int, tuple[int, ...], float, float]:
    best: tuple[float, int, tuple[int, ...]] = (-1.0, 0, ())
    for i, e in wrong:
        excess = np.abs(_out(e) - e.expected) / (e.atol + e.rtol * np.abs(e.expected))
        flat = int(np.argmax(excess))
        if float(excess.flat[flat]) > best[0]:
            at = tuple(int(k) for k in np.unravel_index(flat, excess.shape))
            best = (float(excess.flat[flat]), i, at)
    _, i, at = best
    case = dict(wrong)[i]
    return i, at, float(_out(case)[at]), float(case.expected[at])


def _by_case(usable, wrong) -> tuple[DifferenceKind, str] | None:
    """Wrong on one kind of input only, right on every other usable case."""
    right = [e for _, e in usable if _close(e.output, e.expected, e)]
    if not right:
        return None
    if all(e.large for _, e in wrong) and any(not e.large for e in right):
        return (
            DifferenceKind.LARGE_ONLY,
            "wrong only at large logits (|z| > 50), right elsewhere: precision lost to "
            "exp overflow or underflow there (typically: no shift by the row maximum before exp)",
        )
    if all(_square(e) for _, e in wrong) and any(_batch(e) and not _square(e) for e in right):
        return (
            DifferenceKind.SQUARE_ONLY,
            "wrong only on square batches (m = n), right on the others: a reduction over "
            "the wrong axis, or without keepdims, that broadcasts silently when m = n",
        )
    return None


def _batch(e: Evidence) -> bool:
    return np.ndim(e.z) >= 2 and e.z.shape[-2] > 1


def _square(e: Evidence) -> bool:
    return _batch(e) and e.z.shape[-2] == e.z.shape[-1]


def _transposed(usable, wrong) -> tuple[DifferenceKind, str] | None:
    if all(
        np.ndim(e.z) == 2
        and e.output.T.shape == e.expected.shape
        and _close(e.output.T, e.expected, e)
        for _, e in wrong
    ):
        where = (
            " (only square batches, m = n, are affected)"
            if all(_square(e) for _, e in wrong)
            else ""
        )
        return (
            DifferenceKind.TRANSPOSED,
            f"each wrong output is the right answer transposed (rows and columns swapped){where}",
        )
    return None


def _scaled(usable, wrong) -> tuple[DifferenceKind, str] | None:
    """The right answer times a constant, or times 1/m or m (m the rows of a batch)."""
    cases = [e for _, e in usable]
    doubles = [e for e in cases if not e.float32] or cases
    factors = [c for c in (_factor(e) for e in doubles) if c is not None and math.isfinite(c)]
    if not factors:
        return None
    c = Fraction(factors[0]).limit_denominator(64)
    constant = float(c) if abs(float(c) - factors[0]) < 1e-9 else factors[0]
    if abs(constant - 1) > 1e-9 and all(_close(e.output, constant * e.expected, e) for e in cases):
        if abs(constant + 1) < 1e-9:
            return DifferenceKind.SCALE, "−1 × the right answer (the sign flipped)"
        shown = _number(constant)
        return DifferenceKind.SCALE, f"{shown} × the right answer (a constant factor {shown})"
    if all(_close(e.output, e.expected / _rows(e), e) for e in cases):
        return (
            DifferenceKind.BATCH_SCALE,
            "divided by the batch size m (a factor 1/m): right on single vectors, m times too "
            "small on batches of m rows (an average over the batch belongs in the loss)",
        )
    if all(_close(e.output, e.expected * _rows(e), e) for e in cases):
        return DifferenceKind.BATCH_SCALE, "multiplied by the batch size m (a factor m)"
    return None


def _factor(e: Evidence) -> float | None:
    norm = float(np.sum(e.expected * e.expected))
    return (
        None if norm <= e.atol**2 * e.expected.size else float(np.sum(e.output * e.expected)) / norm
    )


def _rows(e: Evidence) -> int:
    return int(np.prod(e.z.shape[:-1], dtype=int)) if np.ndim(e.z) >= 2 else 1


# The terms softmax's Jacobian is built from: name -> (diagonal monomial, off-diagonal
# monomial), with J_ij = Σ c_k term_k(s)_ij. Monomials are (power of s_i, power of s_j).
_TERMS: dict[str, tuple[int | None, tuple[int, int] | None]] = {
    "I": (0, None),
    "diag(s)": (1, None),
    "diag(s²)": (2, None),
    "s sᵀ": (2, (1, 1)),
    "s (s²)ᵀ": (3, (1, 2)),
    "s² sᵀ": (3, (2, 1)),
    "1 sᵀ": (1, (0, 1)),
    "s 1ᵀ": (1, (1, 0)),
}
_TRUTH = {"diag(s)": Fraction(1), "s sᵀ": Fraction(-1)}


def _term_matrix(name: str, s: np.ndarray) -> np.ndarray:
    diagonal, off = _TERMS[name]
    n = s.shape[-1]
    eye = np.eye(n)
    if off is None:
        return (s**diagonal)[..., :, None] * eye
    i, j = off
    return (s**i)[..., :, None] * (s**j)[..., None, :]


def _term_output(contract: str, name: str, s: np.ndarray, g: np.ndarray | None) -> np.ndarray:
    matrix = _term_matrix(name, s)
    if contract == "jacobian":
        return matrix
    # a backward pass returns gᵀJ: (gᵀJ)_j = Σ_i g_i J_ij
    assert g is not None  # a backward pass's evidence carries its upstream gradient
    return np.einsum("...i,...ij->...j", g, matrix)


def implied_jacobian(contract: str, evidence: Sequence[Evidence]) -> dict[str, Fraction] | None:
    """The combination of :data:`_TERMS` that reproduces every output exactly, if one does.

    Fitted by least squares on the float64 cases, rounded to simple fractions, and kept only
    when the rounded combination reproduces every case (float32 ones included).
    """
    from symsoft.symbolic.numeric import stable_softmax

    usable = [e for e in evidence if _shaped(e) and (contract == "jacobian" or e.g is not None)]
    fitting = [e for e in usable if not e.float32] or usable
    if not fitting:
        return None
    names = list(_TERMS)
    columns, target = [], []
    for e in fitting:
        s = stable_softmax(e.z)
        columns.append(np.stack([_term_output(contract, k, s, e.g).ravel() for k in names], 1))
        target.append(np.asarray(e.output, dtype=np.float64).ravel())
    coefficients = np.linalg.lstsq(np.concatenate(columns), np.concatenate(target), rcond=None)[0]
    rounded = {k: Fraction(float(c)).limit_denominator(4) for k, c in zip(names, coefficients)}
    for e in usable:
        s = stable_softmax(e.z)
        model = sum(float(c) * _term_output(contract, k, s, e.g) for k, c in rounded.items())
        if not _close(_out(e), np.asarray(model), e):
            return None
    return {k: c for k, c in rounded.items() if c}


def _by_terms(contract: str, usable) -> tuple[DifferenceKind, str] | None:
    terms = implied_jacobian(contract, [e for _, e in usable])
    if terms is None or terms == _TRUTH:
        return None
    diagonal, off = _diagonal_poly(terms), _off_poly(terms)
    right_diagonal, right_off = _diagonal_poly(_TRUTH), _off_poly(_TRUTH)
    implied = f"implied Jacobian {_formula(terms)} instead of diag(s) − s sᵀ"
    if off == right_off:
        how = _how(diagonal, right_diagonal, _poly_text(diagonal, _DIAGONAL_NAMES))
        return DifferenceKind.DIAGONAL, f"only the diagonal is wrong: {how} ({implied})"
    if diagonal == right_diagonal:
        how = _how(off, right_off, _poly_text(off, _OFF_NAMES), missing="missing (0)")
        return DifferenceKind.OFF_DIAGONAL, f"only the off-diagonal is wrong: {how} ({implied})"
    both = (
        f"diagonal {_how(diagonal, right_diagonal, _poly_text(diagonal, _DIAGONAL_NAMES))}, "
        f"off-diagonal {_how(off, right_off, _poly_text(off, _OFF_NAMES), missing='missing (0)')}"
    )
    if terms == {"I": Fraction(1)}:
        both += "; the identity: the upstream gradient passes through unchanged"
    return DifferenceKind.BOTH, f"diagonal and off-diagonal both wrong: {both} ({implied})"


def _diagonal_poly(terms: dict[str, Fraction]) -> dict[Any, Fraction]:
    poly: dict[Any, Fraction] = {}
    for name, c in terms.items():
        power = _TERMS[name][0]
        poly[power] = poly.get(power, Fraction(0)) + c
    return {k: v for k, v in poly.items() if v}


def _off_poly(terms: dict[str, Fraction]) -> dict[Any, Fraction]:
    poly: dict[Any, Fraction] = {}
    for name, c in terms.items():
        off = _TERMS[name][1]
        if off is not None:
            poly[off] = poly.get(off, Fraction(0)) + c
    return {k: v for k, v in poly.items() if v}


def _how(got: dict, right: dict, text: str, missing: str = "0 (missing)") -> str:
    if not got:
        return missing
    if got == {k: -v for k, v in right.items()}:
        return f"the sign flipped ({text})"
    ratios = {got.get(k, Fraction(0)) / v for k, v in right.items()}
    if set(got) == set(right) and len(ratios) == 1:
        return f"scaled by {ratios.pop()} ({text})"
    wanted = "s(1 − s)" if 0 not in right and 1 in right and 2 in right else "−s_i s_j"
    return f"{text} instead of {wanted}"


_DIAGONAL_NAMES = {0: "1", 1: "s", 2: "s²", 3: "s³"}
_OFF_NAMES = {
    (1, 1): "s_i s_j",
    (1, 2): "s_i s_j²",
    (2, 1): "s_i² s_j",
    (0, 1): "s_j",
    (1, 0): "s_i",
}


def _poly_text(poly: dict[Any, Fraction], names: dict[Any, str]) -> str:
    if not poly:
        return "0"
    ordered = sorted(poly.items(), key=lambda item: str(item[0]))
    return _signed_sum((c, names[k]) for k, c in ordered)


def _formula(terms: dict[str, Fraction]) -> str:
    return _signed_sum((c, name) for name, c in terms.items())


def _signed_sum(items) -> str:
    text = ""
    for c, name in items:
        sign = "−" if c < 0 else "+"
        size = "" if abs(c) == 1 else f"{abs(c)}·"
        part = f"{size}{name}" if name != "1" or abs(c) == 1 else f"{abs(c)}"
        text += f" {sign} {part}" if text else (f"−{part}" if c < 0 else part)
    return text


def _number(c: float) -> str:
    nice = Fraction(c).limit_denominator(16)
    return str(nice) if abs(float(nice) - c) < 1e-9 else f"{c:.6g}"


def _json(value: float) -> float | str:
    return value if np.isfinite(value) else str(value)
