"""A number written with decimals: a worked example's ``-\\log(0.245) = 1.406``.

An author who writes a decimal for a closed-form number has rounded it. Such a step holds when
the number and the decimal agree to the decimals written (within half a unit of the last
one); an exact comparison would refute every worked example.

Examples
--------
>>> import sympy as sp
>>> rounded(-sp.log(sp.Rational(245, 1000)), "1.406").verdict.value
'verified-numerically'
>>> rounded(-sp.log(sp.Rational(245, 1000)), "1.416").verdict.value
'refuted'
>>> rounded(sp.Symbol("x"), "1.5") is None
True
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp

from symsoft.check.decide import Decision
from symsoft.verdict import Verdict

__all__ = ["rounded"]

_DECIMAL = re.compile(r"^\s*([-+]?)\s*(\d+)\.(\d+)\s*$")
_METHOD = "numeric (to the decimals written)"


def rounded(other: Any, written: str) -> Decision | None:
    """The verdict on ``other = written`` when ``written`` is a decimal and ``other`` a number."""
    match = _DECIMAL.match(written)
    if match is None or not isinstance(other, sp.Basic) or other.free_symbols:
        return None
    try:
        value = sp.N(other, 30)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not value.is_real or not value.is_finite:
        return None
    decimals = len(match.group(3))
    number = sp.Float(match.group(1) + match.group(2) + "." + match.group(3), 30)
    half_unit = sp.Rational(1, 2) * sp.Rational(1, 10**decimals)
    agrees = bool(abs(value - number) <= half_unit * (1 + sp.Rational(1, 10**9)))
    shown = sp.N(value, decimals + 4)
    if agrees:
        detail = f"{shown} agrees with {written.strip()} to the {decimals} decimal(s) written"
        return Decision(Verdict.VERIFIED_NUMERICALLY, _METHOD, detail)
    detail = f"{shown} is not {written.strip()} to the {decimals} decimal(s) written"
    return Decision(Verdict.REFUTED, _METHOD, detail, {"lhs": str(shown), "rhs": written.strip()})
