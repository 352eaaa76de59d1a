"""Tests of exact equality on the softmax simplex."""

from __future__ import annotations

import sympy as sp

from symsoft.proof.equality import (
    counterexample,
    decide_on_simplex,
    expanded_terms,
    reduce_on_simplex,
    same_polynomial,
)
from symsoft.symbolic.model import s_symbols, z_symbols
from symsoft.verdict import Verdict

S = s_symbols(3)


def test_identical_and_expanded_forms_are_equal():
    """Factored and expanded forms of the diagonal entry are the same polynomial."""
    assert same_polynomial(S[0] * (1 - S[0]), S[0] - S[0] ** 2)
    assert decide_on_simplex(S[0] * (1 - S[0]), S[0] - S[0] ** 2, S).verdict is Verdict.VERIFIED


def test_equal_only_on_the_simplex_needs_the_constraint():
    """S_1(1 − S_1) equals S_1(S_2 + S_3) only because the S sum to 1."""
    assert not same_polynomial(S[0] * (1 - S[0]), S[0] * (S[1] + S[2]))
    decision = decide_on_simplex(S[0] * (1 - S[0]), S[0] * (S[1] + S[2]), S)
    assert decision.verdict is Verdict.VERIFIED
    assert decision.method == "expand modulo Σ S = 1"


def test_wrong_entries_are_refuted():
    """A dropped δ, a swapped index and a flipped sign are all refuted."""
    truth = -S[0] * S[1]
    for wrong in (S[0] * (1 - S[1]), -S[1] * S[2], S[0] * S[1]):
        assert decide_on_simplex(truth, wrong, S).verdict is Verdict.REFUTED


def test_non_polynomial_expressions_use_cancel_or_stay_undecided():
    """Rational expressions are cancelled; an unrelated transcendental one is not decided."""
    assert decide_on_simplex(S[0] / S[1] * S[1], S[0], S).verdict is Verdict.VERIFIED
    undecided = decide_on_simplex(sp.log(S[0]), S[0], S)
    assert undecided.verdict is Verdict.NOT_DECIDED


def test_counterexample_finds_different_values():
    """A counterexample gives logits where both sides differ, and none for equal sides."""
    z = z_symbols(3)
    found = counterexample(-S[0] * S[1], S[0] * (1 - S[1]), S, z)
    assert found is not None and found["left"] != found["right"]
    assert counterexample(S[0] * (1 - S[0]), S[0] * (S[1] + S[2]), S, z) is None


def test_reduce_on_simplex_and_expanded_terms():
    """Row 1 of the Jacobian sums to zero after eliminating S_3."""
    row = [S[0] - S[0] ** 2, -S[0] * S[1], -S[0] * S[2]]
    terms = [t for entry in row for t in expanded_terms(entry)]
    assert reduce_on_simplex(terms, S, 2) == 0
    assert reduce_on_simplex([S[0]], S, 2) == S[0]
