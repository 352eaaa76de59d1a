"""A catalogue of known wrong softmax formulas, and matching a user's outputs against it.

Each hypothesis is written as the NumPy code a person would write when making that mistake
(with a max-shifted softmax, so that a prediction stays finite at large logits). It is run on
the same inputs as the user's implementation; a prediction may also be "raises", as sums
without ``keepdims`` raise on a non-square batch. A hypothesis *matches* only when it
reproduces the user's output on every case considered (every case whose output is finite,
within the case's tolerance, and a raise wherever the prediction raises), and at least one of
those cases tells it apart from the correct answer. Two mistakes are found differently:
``unstable-exp`` (NaN or inf only at large logits, finite elsewhere; reported next to a
wrong formula when the code has both mistakes) and
``single-precision`` (right to float32 accuracy, wrong at float64).

The Jacobian is symmetric, so a transposed Jacobian is *correct* and has no hypothesis here.

Examples
--------
>>> import numpy as np
>>> [h.name for h in CATALOGUE][:3]
['diagonal-only', 'missing-sum-term', 'jacobian-at-logits']
>>> z = np.array([[0.1, 2.0, -1.0], [0.5, 0.5, 3.0]]); g = np.ones_like(z)
>>> wrong = z - z  # an implementation returning zeros
>>> evidence = [Evidence(z, g, wrong, expected=np.zeros_like(z), rtol=1e-10, atol=1e-10)]
>>> [f.name for f in diagnose("vjp", evidence)]  # zeros are right for g = 1: nothing to tell
[]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["CATALOGUE", "Evidence", "Finding", "Hypothesis", "diagnose", "hypothesis"]

_RAISES = "raises"
_OVERFLOW_ERRORS = ("OverflowError", "FloatingPointError", "ZeroDivisionError")
Formula = Callable[..., Any]


@dataclass(frozen=True)
class Hypothesis:
    """A named wrong formula: what the code computes, how to fix it, and variants per contract."""

    name: str
    summary: str
    advice: str
    #: contract ("jacobian", "vjp", "softmax") -> ((variant label, formula), ...)
    variants: dict[str, tuple[tuple[str, Formula], ...]]
    #: input conventions under which the hypothesis makes sense
    conventions: tuple[str, ...] = ("logits", "softmax")


@dataclass(frozen=True)
class Evidence:
    """One battery case as the diagnosis sees it: inputs, the user's output, the right answer."""

    z: np.ndarray
    g: np.ndarray | None
    output: np.ndarray | None
    expected: np.ndarray
    rtol: float
    atol: float
    large: bool = False
    float32: bool = False
    #: the exception the user's code raised on this case, if it raised
    error: str | None = None

    @property
    def broken(self) -> bool:
        """NaN/inf in the output, or an overflow error: what an unguarded exp does."""
        if self.output is None:
            return any(kind in (self.error or "") for kind in _OVERFLOW_ERRORS)
        return not bool(np.all(np.isfinite(self.output)))


@dataclass(frozen=True)
class Finding:
    """A hypothesis that reproduces the user's output, with the cases that support it."""

    name: str
    summary: str
    advice: str
    variant: str
    cases: int
    decisive: int
    #: which inputs it explains: "all cases", or one family when no hypothesis explains all
    scope: str = "all cases"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "variant": self.variant,
            "advice": self.advice,
            "cases_matched": self.cases,
            "cases_decisive": self.decisive,
            "scope": self.scope,
        }


def _softmax(z: np.ndarray, axis: int | None = -1) -> np.ndarray:
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _global(z: np.ndarray) -> np.ndarray:
    return _softmax(z.ravel()).reshape(z.shape)


def _jacobian(s: np.ndarray) -> np.ndarray:
    return _diagonal(s) - s[..., :, None] * s[..., None, :]


def _diagonal(v: np.ndarray) -> np.ndarray:
    return v[..., :, None] * np.eye(v.shape[-1])


def _vjp(s: np.ndarray, g: np.ndarray) -> np.ndarray:
    return s * (g - np.sum(g * s, axis=-1, keepdims=True))


def _flat_keepdims_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1)


def _flat_max_softmax(z: np.ndarray) -> np.ndarray:
    return _softmax(z - np.max(z, axis=-1))


def _flat_unshifted_softmax(z: np.ndarray) -> np.ndarray:
    # np.exp(z) / np.sum(np.exp(z), axis=-1): entry (i, j) is divided by row j's sum. Without the
    # max shift, the shift of row j does not cancel against row i's: shift both by row j's max.
    top = np.max(z, axis=-1)
    rows = np.sum(np.exp(z - np.max(z, axis=-1, keepdims=True)), axis=-1)
    return np.exp(z - top) / rows


def _dot_vjp(z: np.ndarray, g: np.ndarray) -> np.ndarray:
    s = _softmax(z)
    return s * g - np.sum(s * s, axis=-1, keepdims=True) * np.sum(g, axis=-1, keepdims=True)


def _off_sign(s: np.ndarray) -> np.ndarray:
    return _diagonal(s - 2 * s * s) + s[..., :, None] * s[..., None, :]


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _dot_jacobian(z: np.ndarray) -> np.ndarray:
    s = _softmax(z)
    return np.diagflat(s) - np.dot(s, s.T)


S = _softmax

CATALOGUE: tuple[Hypothesis, ...] = (
    Hypothesis(
        "diagonal-only",
        "only the diagonal s ⊙ (1 − s): the off-diagonal terms −s_i s_j are missing",
        "use the full Jacobian diag(s) − s sᵀ",
        {
            "jacobian": (
                ("diag(s ⊙ (1 − s)) as a matrix", lambda z: _diagonal(S(z) * (1 - S(z)))),
                ("s ⊙ (1 − s) as a vector", lambda z: S(z) * (1 - S(z))),
            ),
            "vjp": (("s ⊙ (1 − s), upstream gradient ignored", lambda z, g: S(z) * (1 - S(z))),),
        },
    ),
    Hypothesis(
        "missing-sum-term",
        "g ⊙ s ⊙ (1 − s): the sum term −s ⊙ ⟨g, s⟩ from the off-diagonal entries is missing",
        "return s ⊙ (g − ⟨g, s⟩), the inner product taken per row",
        {"vjp": (("g ⊙ s ⊙ (1 − s)", lambda z, g: g * S(z) * (1 - S(z))),)},
    ),
    Hypothesis(
        "jacobian-at-logits",
        "the Jacobian formula evaluated at the logits z instead of at s = softmax(z)",
        "compute s = softmax(z) first (or pass --input softmax if the function takes s)",
        {
            "jacobian": (("diag(z) − z zᵀ", _jacobian),),
            "vjp": (("z ⊙ (g − ⟨g, z⟩)", lambda z, g: _vjp(z, g)),),
        },
        conventions=("logits",),
    ),
    Hypothesis(
        "softmax-applied-twice",
        "softmax applied to an input that already is softmax(z)",
        "the function takes logits, not softmax(z): pass --input logits",
        {
            "jacobian": (("J(softmax(s))", lambda z: _jacobian(S(S(z)))),),
            "vjp": (("vjp at softmax(s)", lambda z, g: _vjp(S(S(z)), g)),),
        },
        conventions=("softmax",),
    ),
    Hypothesis(
        "wrong-axis",
        "a reduction over the wrong axis of the batch (axis 0, the samples, instead of -1)",
        "reduce over the class axis: axis=-1 with keepdims=True (the contract puts samples in"
        " rows, (m, n); code written for samples in columns, (n, m), shows up here)",
        {
            "softmax": (("normalised over axis 0", lambda z: S(z, axis=0)),),
            "vjp": (
                ("softmax and ⟨g, s⟩ over axis 0", lambda z, g: _vjp0(S(z, axis=0), g)),
                ("⟨g, s⟩ summed over axis 0", lambda z, g: _vjp0(S(z), g)),
                ("softmax over axis 0", lambda z, g: _vjp(S(z, axis=0), g)),
            ),
            "jacobian": (("softmax over axis 0", lambda z: _jacobian(S(z, axis=0))),),
        },
    ),
    Hypothesis(
        "missing-keepdims",
        "a row reduction without keepdims=True, broadcast along the wrong axis (silent when m = n)",
        "use keepdims=True (or [:, None]) on every per-row max and sum",
        {
            "softmax": (
                ("normalising sum without keepdims", _flat_keepdims_softmax),
                ("max shift without keepdims", _flat_max_softmax),
                ("exp(z) / sum without keepdims, no max shift", _flat_unshifted_softmax),
            ),
            "vjp": (
                ("⟨g, s⟩ without keepdims", lambda z, g: S(z) * (g - np.sum(g * S(z), axis=-1))),
                (
                    "⟨g, s⟩ over axis=1 without keepdims",
                    lambda z, g: S(z) * (g - np.sum(g * S(z), axis=1)),
                ),
                ("softmax sum without keepdims", lambda z, g: _vjp(_flat_keepdims_softmax(z), g)),
                ("softmax max shift without keepdims", lambda z, g: _vjp(_flat_max_softmax(z), g)),
                (
                    "softmax sum without keepdims, no max shift",
                    lambda z, g: _vjp(_flat_unshifted_softmax(z), g),
                ),
            ),
        },
    ),
    Hypothesis(
        "transposed",
        "the right values in transposed layout (n, m) instead of (m, n)",
        "return an array laid out like the input, one row per sample",
        {
            "softmax": (("softmax(z)ᵀ", lambda z: S(z).T),),
            "vjp": (("vjpᵀ", lambda z, g: _vjp(S(z), g).T),),
        },
    ),
    Hypothesis(
        "jacobian-instead-of-vjp",
        "returns the Jacobian itself instead of the vector–Jacobian product (g is ignored)",
        "multiply by the upstream gradient: gᵀJ = s ⊙ (g − ⟨g, s⟩)",
        {"vjp": (("diag(s) − s sᵀ", lambda z, g: _jacobian(S(z))),)},
    ),
    Hypothesis(
        "s-minus-g",
        "s − g: the fused softmax + cross-entropy gradient, with g taken as the labels",
        "that shortcut is only for softmax followed by cross-entropy; use s ⊙ (g − ⟨g, s⟩)",
        {"vjp": (("s − g", lambda z, g: S(z) - g),)},
    ),
    Hypothesis(
        "batch-normalised",
        "softmax or ⟨g, s⟩ taken over the whole batch instead of per row",
        "normalise and sum per sample: axis=-1, keepdims=True",
        {
            "softmax": (("softmax over all m·n entries", _global),),
            "vjp": (
                (
                    "softmax and ⟨g, s⟩ over the whole batch",
                    lambda z, g: _global(z) * (g - np.sum(g * _global(z))),
                ),
                ("softmax over the whole batch", lambda z, g: _vjp(_global(z), g)),
                ("⟨g, s⟩ summed over the whole batch", lambda z, g: S(z) * (g - np.sum(g * S(z)))),
            ),
        },
    ),
    Hypothesis(
        "g-one-minus-g",
        "g ⊙ (1 − g): the sigmoid-style derivative applied to the upstream gradient",
        "the derivative is taken at s = softmax(z): s ⊙ (g − ⟨g, s⟩)",
        {"vjp": (("g ⊙ (1 − g)", lambda z, g: g * (1 - g)),)},
    ),
    Hypothesis(
        "gradient-passed-through",
        "the upstream gradient returned unchanged: the softmax backward is skipped",
        "apply s ⊙ (g − ⟨g, s⟩); skipping it is right only when the loss's gradient is already "
        "taken with respect to the logits (softmax fused with cross-entropy: s − y)",
        {"vjp": (("g", lambda z, g: g),)},
    ),
    Hypothesis(
        "log-softmax-jacobian",
        "the Jacobian of log-softmax, δ_ij − s_j, instead of softmax's s_i(δ_ij − s_j)",
        "multiply row i by s_i: J = diag(s) − s sᵀ",
        {
            "jacobian": (("I − 1 sᵀ", lambda z: np.eye(z.shape[-1]) - S(z)[..., None, :]),),
            "vjp": (("g − s Σ g", lambda z, g: g - S(z) * np.sum(g, axis=-1, keepdims=True)),),
        },
    ),
    Hypothesis(
        "log-softmax-output",
        "log-softmax, z − log Σ e^z, instead of softmax",
        "exponentiate: softmax = exp(log_softmax)",
        {"softmax": (("log softmax(z)", _log_softmax),)},
    ),
    Hypothesis(
        "dot-instead-of-outer",
        "np.dot(s, s.T) on a 1-D s is the scalar ⟨s, s⟩, not the outer product s sᵀ",
        "use np.outer(s, s), or reshape s to a column (n, 1) first",
        {
            "jacobian": (("diag(s) − ⟨s, s⟩", _dot_jacobian),),
            "vjp": (("(diag(s) − ⟨s, s⟩) g", _dot_vjp),),
        },
    ),
    Hypothesis(
        "sign-flipped",
        "the right magnitude with the opposite sign",
        "J = diag(s) − s sᵀ (positive diagonal)",
        {
            "jacobian": (("s sᵀ − diag(s)", lambda z: -_jacobian(S(z))),),
            "vjp": (("−s ⊙ (g − ⟨g, s⟩)", lambda z, g: -_vjp(S(z), g)),),
        },
    ),
    Hypothesis(
        "missing-diagonal-term",
        "−s sᵀ only: the diag(s) term is missing",
        "add diag(s): J = diag(s) − s sᵀ",
        {
            "jacobian": (("−s sᵀ", lambda z: -S(z)[..., :, None] * S(z)[..., None, :]),),
            "vjp": (("−s ⟨g, s⟩", lambda z, g: -S(z) * np.sum(g * S(z), axis=-1, keepdims=True)),),
        },
    ),
    Hypothesis(
        "missing-delta",
        "s_i(1 − s_j) for every entry: the Kronecker delta δ_ij replaced by 1",
        "the 1 belongs on the diagonal only: J_ij = s_i(δ_ij − s_j)",
        {
            "jacobian": (("s (1 − s)ᵀ", lambda z: S(z)[..., :, None] * (1 - S(z)[..., None, :])),),
            "vjp": (
                (
                    "s ⊙ (Σ g − ⟨g, s⟩)",
                    lambda z, g: (
                        S(z)
                        * (
                            np.sum(g, axis=-1, keepdims=True)
                            - np.sum(g * S(z), axis=-1, keepdims=True)
                        )
                    ),
                ),
            ),
        },
    ),
    Hypothesis(
        "off-diagonal-sign",
        "+s_i s_j off the diagonal: the minus sign of the off-diagonal entries is lost",
        "off-diagonal entries are −s_i s_j: J = diag(s) − s sᵀ",
        {
            "jacobian": (("diag(s − 2s²) + s sᵀ", lambda z: _off_sign(S(z))),),
            "vjp": (
                (
                    "g (diag(s − 2s²) + s sᵀ)",
                    lambda z, g: np.einsum("...i,...ij->...j", g, _off_sign(S(z))),
                ),
            ),
        },
    ),
    Hypothesis(
        "summed-jacobian",
        "the Jacobian summed over j: Σ_j ∂S_i/∂z_j = 0 for every i, since softmax sums to 1",
        "keep the whole matrix, or contract it with the upstream gradient: gᵀJ",
        {
            "jacobian": (("Σ_j J_ij (zeros)", lambda z: np.sum(_jacobian(S(z)), axis=-1)),),
            "vjp": (("J 1 (zeros; g ignored)", lambda z, g: np.sum(_jacobian(S(z)), axis=-1)),),
        },
    ),
    Hypothesis(
        "missing-s-factor",
        "g − ⟨g, s⟩: the final multiplication by s is missing",
        "multiply elementwise by s: s ⊙ (g − ⟨g, s⟩)",
        {"vjp": (("g − ⟨g, s⟩", lambda z, g: g - np.sum(g * S(z), axis=-1, keepdims=True)),)},
    ),
    Hypothesis(
        "unstable-exp",
        "NaN, inf or an OverflowError only at large logits: exp without the max shift",
        "subtract the row maximum before exp: exp(z − max(z, axis=-1, keepdims=True))",
        {},
    ),
    Hypothesis(
        "single-precision",
        "right to float32 accuracy but not to float64: the computation runs in float32",
        "keep the input dtype (e.g. torch.float64 / np.float64), or loosen --rtol/--atol",
        {},
    ),
)


def _vjp0(s: np.ndarray, g: np.ndarray) -> np.ndarray:
    return s * (g - np.sum(g * s, axis=0, keepdims=True))


def hypothesis(name: str) -> Hypothesis:
    """Return the catalogue entry called ``name``.

    Examples
    --------
    >>> hypothesis("s-minus-g").summary.split(":")[0]
    's − g'
    """
    for entry in CATALOGUE:
        if entry.name == name:
            return entry
    raise KeyError(name)


def diagnose(
    contract: str, evidence: Sequence[Evidence], *, convention: str = "logits"
) -> tuple[Finding, ...]:
    """Every catalogue hypothesis that reproduces the user's outputs on ``evidence``."""
    finite = [e for e in evidence if not e.broken]
    findings = _catalogue(contract, finite, convention)
    scaled = [dataclasses.replace(e, output=_times_rows(e)) for e in finite]
    if (
        not findings
        and any(_rows(case) > 1 for case in finite)
        and not any(s.broken for s in scaled)
    ):
        # A known formula divided by the batch size (a mean taken here and again in the loss).
        findings = [_per_batch(f) for f in _catalogue(contract, scaled, convention)]
    findings.extend(_special(evidence, finite))
    return tuple(findings)


def _catalogue(contract: str, cases: Sequence[Evidence], convention: str) -> list[Finding]:
    findings: list[Finding] = []
    for entry in CATALOGUE:
        if convention not in entry.conventions:
            continue
        for label, formula in entry.variants.get(contract, ()):
            found = _match(entry, label, formula, contract, cases)
            if found:
                findings.append(found)
                break
    return findings


def _rows(case: Evidence) -> int:
    return case.z.shape[0] if case.z.ndim == 2 else 1


def _times_rows(case: Evidence) -> np.ndarray | None:
    if case.output is None:
        return None
    with np.errstate(all="ignore"):
        return case.output * _rows(case)


def _per_batch(finding: Finding) -> Finding:
    return dataclasses.replace(
        finding,
        summary=finding.summary + ", then divided by the batch size m",
        variant=finding.variant + " ÷ m",
        advice=finding.advice + "; and do not divide by m here (a mean over the batch belongs "
        "to the loss)",
    )


def _match(entry, label, formula, contract, cases) -> Finding | None:
    decisive = 0
    for case in cases:
        prediction = _predict(formula, contract, case)
        if isinstance(prediction, str):
            if case.output is not None:
                return None
            decisive += 1
            continue
        if case.output is None or not _close(case.output, prediction, case, _slack(case)):
            return None
        decisive += not _close(prediction, case.expected, case)
    if not cases or not decisive:
        return None
    return Finding(entry.name, entry.summary, entry.advice, label, len(cases), decisive)


def _predict(formula: Formula, contract: str, case: Evidence) -> np.ndarray | str:
    try:
        with np.errstate(all="ignore"):
            value = formula(case.z) if contract != "vjp" else formula(case.z, case.g)
        return np.asarray(value, dtype=np.float64)
    except (ValueError, IndexError):
        return _RAISES


def _close(a: np.ndarray | None, b: np.ndarray, case: Evidence, slack: float = 0.0) -> bool:
    if a is None:
        return False
    a, b = np.squeeze(a), np.squeeze(b)
    if a.shape != b.shape or not np.all(np.isfinite(b)):
        return False
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(a - b) <= case.atol + slack + case.rtol * np.abs(b)))


def _slack(case: Evidence) -> float:
    """Rounding a float32 formula carries at inputs near ±1000 (z − logsumexp(z), say).

    The prediction is exact on the float32 input; the user's float32 arithmetic is not, and a
    result that cancels terms as large as the inputs keeps their absolute error. Only matching
    a hypothesis uses it, never the verdict.
    """
    if not case.float32:
        return 0.0
    return 8 * float(np.finfo(np.float32).eps) * float(np.max(np.abs(case.z), initial=0.0))


def _special(evidence: Sequence[Evidence], finite: Sequence[Evidence]) -> list[Finding]:
    found = []
    broken = [e for e in evidence if e.broken]
    if broken and all(e.large for e in broken):
        rest = [e for e in finite if e.output is not None]
        if rest:
            entry = hypothesis("unstable-exp")
            right = all(_close(e.output, e.expected, e) for e in rest)
            elsewhere = "correct elsewhere" if right else "finite (but wrong) elsewhere"
            label = f"NaN/inf/overflow in {len(broken)} large-logit case(s), {elsewhere}"
            found.append(
                Finding(entry.name, entry.summary, entry.advice, label, len(evidence), len(broken))
            )
    doubles = [e for e in finite if not e.float32 and e.output is not None]
    singles = [e for e in finite if e.float32]
    loose = [_relaxed(e) for e in doubles]
    if (
        doubles
        and len(finite) == len(evidence)
        and all(e.output is not None for e in singles)
        and all(_close(e.output, e.expected, e) for e in singles)
        and all(_close(e.output, e.expected, r) for e, r in zip(doubles, loose))
        and not all(_close(e.output, e.expected, e) for e in doubles)
    ):
        entry = hypothesis("single-precision")
        wrong = sum(not _close(e.output, e.expected, e) for e in doubles)
        found.append(
            Finding(
                entry.name, entry.summary, entry.advice, "float32 accuracy", len(evidence), wrong
            )
        )
    return found


def _relaxed(case: Evidence) -> Evidence:
    return Evidence(case.z, case.g, case.output, case.expected, 1e-5, 1e-5, case.large, True)
