"""Tests of the structural description of wrong outputs that no catalogue entry names."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from symsoft.impl.diagnosis import CATALOGUE, Evidence, diagnose
from symsoft.impl.difference import DifferenceKind, describe, implied_jacobian
from symsoft.symbolic.numeric import closed_form_jacobian, softmax_vjp, stable_softmax

RNG = np.random.default_rng(5)
INPUTS = [RNG.normal(scale=2.0, size=n) for n in (1, 2, 3, 5)] + [
    RNG.normal(scale=2.0, size=shape) for shape in ((3, 5), (5, 5), (4, 2))
]
S = stable_softmax


def _rows(z: np.ndarray) -> int:
    return z.shape[0] if z.ndim == 2 else 1


def _inner(g: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.sum(g * v, axis=-1, keepdims=True)


def evidence(contract: str, user, inputs=INPUTS, large=()) -> list[Evidence]:
    cases = []
    for k, z in enumerate(inputs):
        g = np.cos(3 * np.arange(z.size)).reshape(z.shape) + 0.2
        right = softmax_vjp(z, g) if contract == "vjp" else closed_form_jacobian(S(z))
        got = user(z, g) if contract == "vjp" else user(z)
        cases.append(
            Evidence(
                z,
                g if contract == "vjp" else None,
                np.asarray(got, float),
                right,
                1e-10,
                1e-10,
                large=k in large,
            )
        )
    return cases


def _diag(v: np.ndarray) -> np.ndarray:
    return v[..., :, None] * np.eye(v.shape[-1])


# (label, contract, formula, expected kind, words the summary must contain)
WRONG = [
    (
        "s ⊙ g − s² ⟨g, s⟩",
        "vjp",
        lambda z, g: S(z) * g - S(z) ** 2 * _inner(g, S(z)),
        DifferenceKind.BOTH,
        ["s − s³ instead of s(1 − s)", "−s_i s_j² instead of −s_i s_j"],
    ),
    ("2 J", "vjp", lambda z, g: 2 * softmax_vjp(z, g), DifferenceKind.SCALE, ["factor 2"]),
    ("2 J", "jacobian", lambda z: 2 * closed_form_jacobian(S(z)), DifferenceKind.SCALE, ["2 ×"]),
    (
        "J / m",
        "vjp",
        lambda z, g: softmax_vjp(z, g) / _rows(z),
        DifferenceKind.BATCH_SCALE,
        ["1/m"],
    ),
    (
        "diag(s) + s sᵀ",
        "jacobian",
        lambda z: _diag(S(z)) + S(z)[..., :, None] * S(z)[..., None, :],
        DifferenceKind.BOTH,
        ["off-diagonal the sign flipped", "s + s² instead of s(1 − s)"],
    ),
    (
        "diag(s) − s sᵀ + diag(s²)",
        "vjp",
        lambda z, g: softmax_vjp(z, g) + S(z) ** 2 * g,
        DifferenceKind.DIAGONAL,
        ["only the diagonal", "s instead of s(1 − s)"],
    ),
    (
        "diagonal sign flipped",
        "jacobian",
        lambda z: closed_form_jacobian(S(z)) - 2 * _diag(S(z) * (1 - S(z))),
        DifferenceKind.DIAGONAL,
        ["the sign flipped"],
    ),
    (
        "off-diagonal halved",
        "vjp",
        lambda z, g: S(z) * g * (1 - S(z)) - 0.5 * (S(z) * _inner(g, S(z)) - S(z) ** 2 * g),
        DifferenceKind.OFF_DIAGONAL,
        ["scaled by 1/2"],
    ),
    (
        "identity",
        "jacobian",
        lambda z: np.broadcast_to(np.eye(z.shape[-1]), (*z.shape, z.shape[-1])),
        DifferenceKind.BOTH,
        ["passes through unchanged"],
    ),
    (
        "transposed on square batches",
        "vjp",
        lambda z, g: (
            softmax_vjp(z, g).T if z.ndim == 2 and z.shape[0] == z.shape[1] else softmax_vjp(z, g)
        ),
        DifferenceKind.TRANSPOSED,
        ["transposed", "m = n"],
    ),
    (
        "temperature 1.1",
        "vjp",
        lambda z, g: softmax_vjp(z / 1.1, g),
        DifferenceKind.UNSTRUCTURED,
        ["no simple structure"],
    ),
]


@pytest.mark.parametrize(("label", "contract", "formula", "kind", "words"), WRONG)
def test_out_of_catalogue_mistakes_get_their_structure(label, contract, formula, kind, words):
    """Each wrong formula outside the catalogue gets the right kind of description."""
    cases = evidence(contract, formula)
    assert diagnose(contract, cases) == ()  # outside the catalogue indeed
    (found,) = describe(contract, cases)
    assert found.kind is kind, found.summary
    for word in words:
        assert word in found.summary, found.summary
    case = cases[found.case]
    assert found.got == pytest.approx(case.output[found.index])
    assert found.expected == pytest.approx(case.expected[found.index])
    assert found.got != pytest.approx(found.expected)


@pytest.mark.parametrize("contract", ["vjp", "jacobian"])
def test_right_outputs_get_no_description(contract):
    """Correct outputs, in float64 and rounded to float32, are never described."""
    right = softmax_vjp if contract == "vjp" else lambda z: closed_form_jacobian(S(z))
    cases = evidence(contract, right)
    assert describe(contract, cases) == ()
    rounded = [
        dataclasses.replace(
            e, output=e.output.astype(np.float32).astype(float), rtol=1e-5, atol=1e-5, float32=True
        )
        for e in cases
    ]
    assert describe(contract, rounded) == ()


def test_softmax_outputs_are_described_by_factor_only():
    """A forward pass has no Jacobian to fit: a constant factor is found, the truth is not."""
    cases = [Evidence(z, None, S(z), S(z), 1e-10, 1e-10) for z in INPUTS]
    assert describe("softmax", cases) == ()
    halved = [dataclasses.replace(e, output=e.output / 2) for e in cases]
    (found,) = describe("softmax", halved)
    assert found.kind is DifferenceKind.SCALE and "1/2" in found.summary


def test_wrong_only_at_large_logits():
    """Finite but wrong only on the large-logit cases: said so, right elsewhere."""
    inputs = [*INPUTS, 1000.0 + RNG.normal(size=4)]

    def clipped(z, g):
        # exp(z) clipped at exp(700) before normalising: right unless the logits are large
        e = np.exp(np.minimum(z, 700.0))
        s = e / np.sum(e, axis=-1, keepdims=True)
        return s * (g - _inner(g, s))

    cases = evidence("vjp", clipped, inputs, large=(len(inputs) - 1,))
    (found,) = describe("vjp", cases)
    assert found.kind is DifferenceKind.LARGE_ONLY
    assert found.case == len(inputs) - 1


def test_wrong_only_on_square_batches():
    """A reduction over axis 0 without keepdims: raises or is right except when m = n."""

    def square_only(z, g):
        out = softmax_vjp(z, g)
        if z.ndim == 2 and z.shape[0] == z.shape[1]:
            out = out + 0.01 * np.arange(z.shape[0])  # silently broadcast along the rows
        return out

    (found,) = describe("vjp", evidence("vjp", square_only))
    assert found.kind is DifferenceKind.SQUARE_ONLY
    assert "m = n" in found.summary


def test_catalogue_formulas_are_not_misdescribed():
    """Where a description is given for a catalogue formula, it states a true structure."""
    entry = next(e for e in CATALOGUE if e.name == "missing-sum-term")
    ((_label, formula),) = entry.variants["vjp"]
    (found,) = describe("vjp", evidence("vjp", formula))
    assert found.kind is DifferenceKind.OFF_DIAGONAL and "missing" in found.summary


def test_implied_jacobian_of_the_truth_is_the_truth():
    """The fit recovers diag(s) − s sᵀ from right outputs, and nothing from unrelated ones."""
    from fractions import Fraction

    assert implied_jacobian("vjp", evidence("vjp", softmax_vjp)) == {
        "diag(s)": Fraction(1),
        "s sᵀ": Fraction(-1),
    }
    assert implied_jacobian("vjp", evidence("vjp", lambda z, g: np.sin(z) * g)) is None
