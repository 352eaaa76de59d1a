"""Numeric instances of a step: random points, 30-digit evaluation, and what counts as a difference.

A step that the symbolic engine cannot settle is evaluated at random points (logits in
[-2, 2], a log's argument sampled positive, a vector the document says sums to one given
positive entries that do) in 30-digit mpmath arithmetic. Two values differ beyond a relative
1e-15; a value that is not a finite real number (an overflow, a log of a negative number) is no
evidence either way.

Examples
--------
>>> import sympy as sp
>>> differ(sp.Float(2), sp.Float(3)), differ(sp.Float(1) + 3 * sp.I, sp.Float(1))
(True, None)
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import mpmath
import sympy as sp

__all__ = [
    "DIGITS",
    "TOLERANCE",
    "differ",
    "evaluate",
    "mp_value",
    "random_function",
    "respect_facts",
    "sample_point",
    "show_value",
]

#: digits of every numeric evaluation
DIGITS = 30
#: the relative difference above which two sampled values differ
TOLERANCE = mpmath.mpf(10) ** -15


def random_function(rng: random.Random) -> sp.Lambda:
    x = sp.Dummy("x")
    coefficients = [sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(3)]
    return sp.Lambda(
        x, coefficients[0] + coefficients[1] * x + coefficients[2] * x**2 + sp.exp(x / 2)
    )


def evaluate(expr: Any, point: dict[Any, Any]) -> Any:
    """The value of ``expr`` at ``point`` in 30-digit mpmath arithmetic (evalf as a fallback)."""
    with mpmath.workdps(DIGITS):
        try:
            return mp_value(expr, point)
        except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
            pass
    return expr.xreplace(point).evalf(DIGITS)


_MP_FUNCTIONS = {sp.exp: mpmath.exp, sp.log: mpmath.log, sp.sqrt: mpmath.sqrt}


def mp_value(expr: Any, point: dict[Any, Any]) -> Any:
    """A small tree walk over +, ×, powers, exp, log and numbers; anything else raises."""
    if expr in point:
        return mpmath.mpf(str(point[expr]))
    if isinstance(expr, sp.Integer):
        return mpmath.mpf(int(expr))
    if isinstance(expr, sp.Rational):
        return mpmath.mpf(int(expr.p)) / int(expr.q)
    if isinstance(expr, sp.Float):
        return mpmath.mpf(str(expr))
    if isinstance(expr, sp.Add):
        return mpmath.fsum(mp_value(arg, point) for arg in expr.args)
    if isinstance(expr, sp.Mul):
        result = mpmath.mpf(1)
        for arg in expr.args:
            result *= mp_value(arg, point)
        return result
    if isinstance(expr, sp.Pow):
        base, exponent = mp_value(expr.base, point), mp_value(expr.exp, point)
        if base < 0 and exponent != int(exponent):
            raise ValueError("complex power")
        return mpmath.power(base, exponent)
    if expr.func in _MP_FUNCTIONS and len(expr.args) == 1:
        argument = mp_value(expr.args[0], point)
        if expr.func is sp.log and argument <= 0:
            raise ValueError("log of a non-positive number")
        return _MP_FUNCTIONS[expr.func](argument)
    if expr is sp.E:
        return mpmath.e
    if expr is sp.pi:
        return mpmath.pi
    raise TypeError(f"no fast evaluation for {type(expr).__name__}")


def sample_point(exprs: Iterable[Any], rng: random.Random) -> dict[Any, Any]:
    """Random values in [-2, 2] for every logit and free real symbol of ``exprs``."""
    point: dict[Any, Any] = {}
    exprs = list(exprs)
    labels = {base.label for expr in exprs for base in expr.atoms(sp.IndexedBase)}
    # the argument of a real logarithm (a log base) is positive: sampled away from 0 and 1
    positive = {log.args[0] for expr in exprs for log in expr.atoms(sp.log)}
    for expr in exprs:
        # sorted: the same seed gives the same point whatever the hash seed of the process
        for atom in sorted(expr.atoms(sp.Indexed, sp.Symbol), key=sp.default_sort_key):
            if atom in point or isinstance(atom, (sp.Dummy, sp.IndexedBase)):
                continue
            if isinstance(atom, sp.Symbol) and (atom.is_integer or atom in labels):
                continue
            low, high = (1.5, 3) if atom in positive else (-2, 2)
            point[atom] = sp.Float(repr(round(rng.uniform(low, high), 4)), DIGITS)
    return point


def respect_facts(
    point: dict[Any, Any],
    facts: Iterable[tuple[Any, Any]],
    n_value: int | None,
    rng: random.Random,
) -> dict[Any, Any]:
    """Give a vector the document says sums to a number values that do: positive, that sum.

    The instance eliminated its last entry (total minus the others); that entry is returned so
    a counterexample shows every value, and all of them are what the document allows.
    """
    eliminated: dict[Any, Any] = {}
    for base, total in facts:
        if n_value is None or not total.is_number:
            continue
        entries = [base[k] for k in range(1, n_value + 1)]
        if not any(entry in point for entry in entries[:-1]):
            continue
        weights = [rng.uniform(0.05, 1.0) for _ in entries]
        scale = float(total) / sum(weights)
        for entry, weight in zip(entries[:-1], weights):
            point[entry] = sp.Float(repr(round(weight * scale, 4)), DIGITS)
        eliminated[entries[-1]] = total - sp.Add(*[point[entry] for entry in entries[:-1]])
    return eliminated


def differ(left: Any, right: Any) -> bool | None:
    """True if two numbers differ, False if equal, None if either is not a finite number."""
    # compared in mpmath, not as floats: 10^400 is a finite number that a float cannot hold
    with mpmath.workdps(DIGITS):
        try:
            a, b = _as_mp(left), _as_mp(right)
        except (TypeError, ValueError, OverflowError):
            return None
        if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
            return None
        if _imaginary(a) or _imaginary(b):
            # a real derivation has no complex values: the point left the sides' domain (the
            # log of a negative number), so it is no evidence either way
            return None
        scale = max(mpmath.mpf(1), abs(a), abs(b))
        return bool(abs(a - b) > TOLERANCE * scale)


def _imaginary(value: Any) -> bool:
    return isinstance(value, mpmath.mpc) and abs(value.imag) > TOLERANCE * max(1, abs(value))


def _as_mp(value: Any) -> Any:
    """An mpmath number for an mpmath or SymPy number, keeping 30 digits when real."""
    if isinstance(value, sp.Basic):
        if value.is_real:
            return mpmath.mpf(sp.Float(value, DIGITS)._mpf_)
        return mpmath.mpc(complex(value))
    return mpmath.mpmathify(value)


def show_value(value: Any) -> Any:
    try:
        number = complex(value)
    except (TypeError, OverflowError):
        return str(value)
    if number != number or abs(number) == float("inf"):
        return str(value)
    return round(number.real, 12) if abs(number.imag) < 1e-20 else str(number)
