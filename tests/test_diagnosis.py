"""Tests of the catalogue of wrong softmax formulas and of the matching rules."""

from __future__ import annotations

import numpy as np
import pytest

from symsoft.impl.diagnosis import CATALOGUE, Evidence, diagnose, hypothesis
from symsoft.symbolic.numeric import closed_form_jacobian, softmax_vjp, stable_softmax

RNG = np.random.default_rng(11)
VECTORS = [RNG.normal(scale=2.0, size=n) for n in (2, 3, 5)]
BATCHES = [RNG.normal(scale=2.0, size=shape) for shape in ((3, 5), (5, 5), (4, 2))]
TOL = {"rtol": 1e-10, "atol": 1e-10}


def truth(contract: str, z: np.ndarray, g: np.ndarray) -> np.ndarray:
    if contract == "jacobian":
        return closed_form_jacobian(stable_softmax(z))
    if contract == "vjp":
        return softmax_vjp(z, g)
    return stable_softmax(z)


def evidence_from(contract: str, user, inputs) -> list[Evidence]:
    """Run ``user`` on the inputs as the checker would, recording raises as ``None``."""
    cases = []
    for z in inputs:
        g = np.cos(np.arange(z.size)).reshape(z.shape) + 0.3
        try:
            out = np.asarray(user(z, g) if contract == "vjp" else user(z), dtype=float)
        except (ValueError, IndexError):
            out = None
        cases.append(
            Evidence(z, g if contract == "vjp" else None, out, truth(contract, z, g), **TOL)
        )
    return cases


VARIANTS = [
    (entry.name, contract, label, formula)
    for entry in CATALOGUE
    for contract, variants in entry.variants.items()
    for label, formula in variants
]


@pytest.mark.parametrize(("name", "contract", "label", "formula"), VARIANTS)
def test_each_variant_is_recognised_by_name(name, contract, label, formula) -> None:
    """Output produced by a catalogue formula is diagnosed as that hypothesis."""
    inputs = VECTORS + (BATCHES if contract != "jacobian" or name == "wrong-axis" else [])
    convention = "softmax" if name == "softmax-applied-twice" else "logits"
    found = diagnose(contract, evidence_from(contract, formula, inputs), convention=convention)
    assert name in {f.name for f in found}


@pytest.mark.parametrize("contract", ["jacobian", "vjp", "softmax"])
def test_correct_output_matches_nothing(contract: str) -> None:
    """The right answer is never explained by a mistake (nothing decisive)."""
    right = (lambda z, g: softmax_vjp(z, g)) if contract == "vjp" else None
    right = right or (lambda z: truth(contract, z, None))
    inputs = VECTORS + (BATCHES if contract != "jacobian" else [])
    assert diagnose(contract, evidence_from(contract, right, inputs)) == ()


def test_one_mismatching_case_rejects_a_hypothesis() -> None:
    """A hypothesis must reproduce every considered case: one off case rejects it."""
    name = "s-minus-g"
    cases = evidence_from("vjp", lambda z, g: stable_softmax(z) - g, VECTORS + BATCHES)
    assert name in {f.name for f in diagnose("vjp", cases)}
    bent = cases[0]
    cases[0] = Evidence(bent.z, bent.g, bent.output + 1e-6, bent.expected, **TOL)
    assert name not in {f.name for f in diagnose("vjp", cases)}


def test_unshifted_sum_without_keepdims_is_missing_keepdims() -> None:
    """np.exp(z) / np.sum(np.exp(z), axis=1) (no shift, no keepdims) is named missing-keepdims."""

    def softmax(z):
        return np.exp(z) / np.sum(np.exp(z), axis=-1)

    found = diagnose("softmax", evidence_from("softmax", softmax, VECTORS + BATCHES))
    assert [f.name for f in found] == ["missing-keepdims"]


def test_unknown_mistake_matches_nothing() -> None:
    """An output no hypothesis explains gives no finding ("no known pattern")."""
    cases = evidence_from("vjp", lambda z, g: stable_softmax(z) * g, VECTORS + BATCHES)
    assert diagnose("vjp", cases) == ()


def test_several_matches_are_all_reported() -> None:
    """With g = 1 the diagonal-only and missing-sum-term outputs coincide: both are named."""
    cases = []
    for z in VECTORS + BATCHES:
        g = np.ones_like(z)
        s = stable_softmax(z)
        cases.append(Evidence(z, g, s * (1 - s), softmax_vjp(z, g), **TOL))
    names = {f.name for f in diagnose("vjp", cases)}
    assert {"diagonal-only", "missing-sum-term"} <= names


def test_predicted_raise_must_match_a_user_raise() -> None:
    """missing-keepdims predicts a raise on non-square batches; a value there rejects it."""

    def keepdims(z, g):
        s = stable_softmax(z)
        return s * (g - np.sum(g * s, axis=-1))

    cases = evidence_from("vjp", keepdims, VECTORS + BATCHES)
    assert "missing-keepdims" in {f.name for f in diagnose("vjp", cases)}
    non_square = next(i for i, c in enumerate(cases) if c.output is None)
    c = cases[non_square]
    cases[non_square] = Evidence(c.z, c.g, c.expected, c.expected, **TOL)
    assert "missing-keepdims" not in {f.name for f in diagnose("vjp", cases)}


def test_unstable_exp_needs_nan_only_at_large_logits() -> None:
    """NaN at large logits with correct values elsewhere is unstable-exp; NaN elsewhere is not."""
    z_big = np.array([1000.0, 999.0, 998.0])
    g = np.ones(3)
    good = []
    for z in VECTORS:
        right = softmax_vjp(z, z + 1)
        good.append(Evidence(z, z + 1, right, right, **TOL))
    nan = np.full(3, np.nan)
    unstable = [*good, Evidence(z_big, g, nan, softmax_vjp(z_big, g), large=True, **TOL)]
    assert [f.name for f in diagnose("vjp", unstable)] == ["unstable-exp"]
    small = np.array([0.1, 0.2, 0.3])
    not_large = [*good, Evidence(small, g, nan, softmax_vjp(small, g), large=False, **TOL)]
    assert diagnose("vjp", not_large) == ()


def test_single_precision_is_named_only_within_float32_accuracy() -> None:
    """Outputs rounded to float32 are single-precision; larger errors are not."""
    cases = []
    for z in VECTORS:
        exact = stable_softmax(z)
        rounded = exact.astype(np.float32).astype(float)
        cases.append(Evidence(z, None, rounded, exact, **TOL))
    assert [f.name for f in diagnose("softmax", cases)] == ["single-precision"]
    off = [Evidence(c.z, None, c.expected + 1e-3, c.expected, **TOL) for c in cases]
    assert diagnose("softmax", off) == ()


def test_catalogue_lookup() -> None:
    """hypothesis() finds entries by name and rejects unknown names."""
    assert hypothesis("wrong-axis").name == "wrong-axis"
    with pytest.raises(KeyError):
        hypothesis("nope")
    assert len({entry.name for entry in CATALOGUE}) == len(CATALOGUE)
