"""Which argument is which: settle a backward pass's parameters by running it on probes.

A backward pass takes the upstream gradient ``g`` and the logits ``z``, the softmax output
``s``, or both, in any order: ``(dA, Z)``, ``(Z, dA)``, ``(upstream, cache)``, ``(dA, Z, A)``.
Each plausible assignment of these roles to the parameters is run on a few probe inputs and
ranked by what a softmax backward pass must satisfy, names only breaking ties:

1. it returns the right VJP s ⊙ (g − ⟨g, s⟩) (then the code is right under that reading);
2. it is linear in the parameter taken as the gradient (every VJP is, right or wrong);
3. with a logits and an output parameter, its output is unchanged when the logits shift by a
   constant (softmax is; the output parameter then stays the same);
4. the parameter names agree (``grad``/``dA`` for g, ``probs``/``A`` for s, ``z``/``x`` for z).

This module runs user code (through :class:`~symsoft.impl.calling.Target`, with its time limit).

Examples
--------
>>> import numpy as np
>>> def backward(upstream, cache):  # cache is the forward output
...     return cache * (upstream - np.sum(upstream * cache, axis=-1, keepdims=True))
>>> found = settle_roles(backward, ["upstream", "cache"], (), None, allow_softmax=True)
>>> found.roles, found.ties
(('g', 's'), 1)
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from symsoft.impl.calling import GRADIENT_NAME, Target

__all__ = ["Roles", "describe_roles", "settle_roles", "with_roles"]

_ROLE_NAMES = {"z": "the logits z", "s": "softmax(z)", "g": "the upstream gradient"}
_SOFTMAX_NAME = re.compile(
    r"^(s|sm|p|probs?|probabilities|softmax\w*|y_?hat|out|output|outputs?|a|act|activations?)$",
    re.IGNORECASE,
)
_LOGITS_NAME = re.compile(r"^(x|z|logits?|inputs?|scores|h|a_prev|pre_?act\w*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Roles:
    """The role of each parameter ("z", "s" or "g"), how it was chosen, and how many tied."""

    roles: tuple[str, ...]
    reason: str
    #: assignments that fit the probes as well as the one chosen (itself included)
    ties: int
    #: the chosen assignment is linear in its gradient (or right): it reads as a backward pass
    plausible: bool = True
    #: the chosen assignment gives the right result on the probes
    right: bool = False


def with_roles(obj: Any, roles: tuple[str, ...]) -> Any:
    """``f(z, g)`` calling ``obj`` with each parameter given its role's value."""
    from symsoft.symbolic.numeric import stable_softmax

    @functools.wraps(obj)
    def assigned(z: Any, g: Any, **keywords: Any) -> Any:
        values = {"z": z, "g": g}
        if "s" in roles:
            s = stable_softmax(np.asarray(z, dtype=np.float64)).astype(np.asarray(z).dtype)
            values["s"] = s.reshape(np.shape(z))
        return obj(*(values[role] for role in roles), **keywords)

    return assigned


def settle_roles(
    obj: Any,
    params: list[str],
    fixed: tuple[tuple[str, float | None], ...],
    timeout: float | None,
    *,
    allow_softmax: bool,
) -> Roles | None:
    """The best assignment of roles to ``params`` (2 or 3 of them), or None if none runs.

    ``allow_softmax`` admits the softmax output in place of the logits for a two-parameter
    function (its input parameter's name says neither).
    """
    candidates = _candidates(len(params), allow_softmax)
    scored = []
    for roles in candidates:
        target = Target(
            "probe", with_roles(obj, roles), "vjp", "probe", timeout=timeout, fixed=fixed
        )
        try:
            score = _score(target, roles)
        except _TimedOut:
            # one slow call is enough: the battery's own time limit reports it
            return None
        if score is not None:
            scored.append(((*score, _name_agreement(params, roles)), roles))
    if not scored:
        return None
    best = max(score for score, _ in scored)
    ties = [roles for score, roles in scored if score[:3] == best[:3]]
    chosen = next(roles for score, roles in scored if score == best)
    return Roles(chosen, _reason(best, len(ties)), len(ties), best[0] or best[1], best[0])


def _candidates(count: int, allow_softmax: bool) -> list[tuple[str, ...]]:
    if count == 3:
        return list(itertools.permutations(("z", "s", "g")))
    inputs = ("z", "s") if allow_softmax else ("z",)
    return [order for x in inputs for order in ((x, "g"), ("g", x))]


#: probe logits: vectors, then a batch for code written for (m, n) only, then (1, m, n)
#: attention scores for code written for 3-D input only
_ROWS = np.array([[0.3, -1.2, 2.0, 0.5], [1.5, 0.1, -0.7, -2.0]])
_PROBES = ([_ROWS[0], _ROWS[1]], [_ROWS], [_ROWS[None]])


def _score(target: Target, roles: tuple[str, ...]) -> tuple[bool, bool, bool] | None:
    """(right, linear in g, unchanged by a shift of z), or None when it never runs."""
    from symsoft.symbolic.numeric import softmax_vjp

    for probes in _PROBES:
        g1 = [np.cos(np.arange(z.size) + 1.0).reshape(z.shape) for z in probes]
        g2 = [np.sin(2.0 * np.arange(z.size)).reshape(z.shape) for z in probes]
        found = [_value(target, z, g) for z, g in zip(probes, g1)]
        outputs = [out for out in found if out is not None]
        if len(outputs) < len(found):
            continue
        right = all(_near(o, softmax_vjp(z, g)) for o, z, g in zip(outputs, probes, g1))
        linear = all(
            _near(_value(target, z, a + b), _plus(o, _value(target, z, b)))
            and _near(_value(target, z, 2 * a), 2 * o)
            for z, a, b, o in zip(probes, g1, g2, outputs)
        )
        shifted = "z" not in roles or all(
            _near(_value(target, z + 3.0, g), o) for z, g, o in zip(probes, g1, outputs)
        )
        return right, linear and not _zero(outputs), shifted
    return None


def _plus(a: np.ndarray, b: np.ndarray | None) -> np.ndarray | None:
    return None if b is None else a + b


class _TimedOut(Exception):
    """A probe call ran past the time limit: probing stops."""


def _value(target: Target, z: np.ndarray, g: np.ndarray) -> np.ndarray | None:
    outcome = target.run(z, g)
    if outcome.timed_out:
        raise _TimedOut
    if outcome.value is None or np.squeeze(outcome.value).shape != np.squeeze(z).shape:
        return None
    return np.asarray(outcome.value, dtype=np.float64).reshape(z.shape)


def _near(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return False
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(a - b) <= 1e-6 + 1e-5 * np.abs(b)))


def _zero(outputs: list[np.ndarray]) -> bool:
    # the zero function is linear in everything: it says nothing about the order
    return all(np.all(np.abs(o) < 1e-12) for o in outputs)


def _name_agreement(params: list[str], roles: tuple[str, ...]) -> int:
    patterns = {"g": GRADIENT_NAME, "s": _SOFTMAX_NAME, "z": _LOGITS_NAME}
    return sum(bool(patterns[role].match(name)) for name, role in zip(params, roles))


def _reason(best: tuple[bool, bool, bool, int], ties: int) -> str:
    right, linear, shifted, _ = best
    if right:
        why = "the only assignment that gives the right result on probes"
    elif linear:
        why = "linear in the gradient on probes" + (
            ", unchanged by a shift of z" if shifted else ""
        )
    else:
        why = "no assignment behaves like a backward pass on probes; the closest"
    if ties > 1:
        why = f"{ties} assignments fit the probes equally; the parameter names chose"
        if right:
            why = f"{ties} assignments give the right result on probes; the names chose"
    return why


def describe_roles(params: list[str], roles: tuple[str, ...]) -> str:
    """``dA=the upstream gradient, Z=the logits z`` for the report."""
    return ", ".join(f"{name}={_ROLE_NAMES[role]}" for name, role in zip(params, roles))
