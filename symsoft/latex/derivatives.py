"""Every way write-ups spell a derivative, mapped to ``Derivative(expr, var)``.

``\\frac{\\partial S_i}{\\partial z_j}``, ``\\frac{\\partial}{\\partial z_j}(...)``,
``\\frac{d y}{d x}``, ``\\partial y_i / \\partial x_k``, ``\\partial_j S_i``, ``D_j S_i``,
``\\partial_{z_j} S_i``, ``\\nabla_{\\mathbf z} L``, ``f'(x)``, ``f^\\prime(x)`` and
``(e^{z_i})'``. A ``d`` or ``\\partial`` that is not part of one of these shapes is refused.

Examples
--------
>>> from symsoft.latex import parse_expression
>>> parse_expression(r"\\frac{\\partial S_i}{\\partial z_j}")
Derivative(S[i], z[j])
>>> parse_expression(r"\\partial_j S_i") == parse_expression(r"\\partial S_i / \\partial z_j")
True
>>> parse_expression(r"\\frac{d}{dx} x^2")
Derivative(x**2, x)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp
from lark import Tree
from sympy.core.function import AppliedUndef

from symsoft.latex.trees import Script, is_token, product_items, split_factor, superscript_label

__all__ = ["fraction", "operator_of", "prime_applied", "primed", "slash_derivative"]

Operator = Callable[[sp.Basic], sp.Basic]


def _marker(item: Any) -> tuple[str, int] | None:
    """``\\partial`` / ``d`` (with an order ``^2``) as ("partial" | "d", order)."""
    if not isinstance(item, Tree) or item.data != "factor":
        return None
    script = split_factor(item)
    if script is None or script.sub is not None or script.primes:
        return None
    if is_token(script.base, "PARTIAL") and str(script.base) == "partial":
        kind = "partial"
    elif is_token(script.base, "DIFF") or (
        is_token(script.base, "LETTER") and str(script.base) == "d"
    ):
        kind = "d"
    elif is_token(script.base, "GREEK") and str(script.base) == "delta" and script.sup is None:
        # ``\frac{\delta L}{\delta y_1}``: some authors write δ for ∂; only a fraction with a
        # bare δ on top *and* below reads so (a Kronecker delta always has its indices)
        kind = "delta"
    else:
        return None
    if script.sup is None:
        return kind, 1
    if is_token(script.sup, "NUMBER") and str(script.sup).isdigit():
        return kind, int(str(script.sup))
    return None


def _variables(cv: Any, items: list[Any], kind: str) -> list[sp.Basic] | None:
    """Variables of a denominator ``\\partial z_j \\partial z_k`` / ``dx``, or None."""
    if len(items) == 3 and _marker(items[0]) == (kind, 1):
        # ``\\partial \\sigma(A_i)``: by a function's value, the chain-rule factor ∂log σ/∂σ
        value = cv.product(items[1:])
        if isinstance(value, AppliedUndef) and all(
            isinstance(arg, (sp.Symbol, sp.Indexed)) for arg in value.args
        ):
            return [value]
        return None
    if not items or len(items) % 2:
        return None
    out: list[sp.Basic] = []
    for marker, var in zip(items[::2], items[1::2], strict=True):
        found = _marker(marker)
        if found != (kind, 1) or not isinstance(var, Tree) or var.data != "factor":
            return None
        script = split_factor(var)
        if script is None or script.primes:
            return None
        order = 1
        if script.sup is not None and superscript_label(script.sup) is None:
            if not (is_token(script.sup, "NUMBER") and str(script.sup).isdigit()):
                return None
            order = int(str(script.sup))
            script = Script(script.base, script.sub)
        value = cv.factor(script)
        if not isinstance(value, (sp.Symbol, sp.Indexed)):
            raise cv.fail("a derivative by something that is not a variable")
        out.extend([value] * order)
    return out


def fraction(cv: Any, tree: Tree) -> Any:
    """A ``\\frac``: a derivative, a derivative operator (a callable) or a quotient."""
    _, top, bottom = tree.children
    numerator, denominator = product_items(top), product_items(bottom)
    found = _marker(numerator[0]) if numerator else None
    if found is not None and numerator is not None and denominator:
        kind, order = found
        variables = _variables(cv, denominator, kind)
        if variables is not None:
            if len(variables) != order:
                raise cv.fail("the order of a derivative does not match its variables")
            rest = numerator[1:]
            if not rest:
                return lambda expr: sp.Derivative(expr, *variables)
            return sp.Derivative(cv.product(rest), *variables)
        if kind == "partial":
            raise cv.fail("a \\partial fraction whose denominator is not \\partial x")
    return cv.arg_value(top) / cv.arg_value(bottom)


def operator_of(cv: Any, script: Script, items: list[Any], i: int) -> Operator | None:
    """The derivative operator at ``items[i]`` (``\\frac{d}{dx}``, ``\\partial_j``, ``D_j``)."""
    base = script.base
    if isinstance(base, Tree) and base.data == "frac" and not (script.sub or script.sup):
        numerator = product_items(base.children[1])
        if numerator and len(numerator) == 1 and _marker(numerator[0]) is not None:
            value = fraction(cv, base)
            if callable(value):
                return value  # type: ignore[no-any-return]
        return None
    subscripted = script.sub is not None and script.sup is None and not script.primes
    if not subscripted or i + 1 >= len(items) or is_token(items[i + 1]):
        if is_token(base, "PARTIAL") and script.sub is not None:
            raise cv.fail("\\partial_… without an operand", base)
        return None
    is_partial = is_token(base, "PARTIAL")
    if not is_partial and not (
        is_token(base, "LETTER") and str(base) in cv.ctx.derivative_operators
    ):
        return None
    found = cv.indices(script.sub)
    if len(found) != 1:
        if is_partial:
            raise cv.fail("\\partial_… with more than one index", base)
        return None  # ``D_{ij} x_j``: the matrix entry D_ij, not an operator
    var = _subscript_variable(cv, found[0])
    return lambda expr: sp.Derivative(expr, var)


def _subscript_variable(cv: Any, index: sp.Basic) -> sp.Basic:
    if isinstance(index, sp.Symbol) and index.name in cv.vectors:
        return sp.Symbol(index.name)  # ``\\nabla_{\\mathbf z}``: the whole vector
    if isinstance(index, sp.Indexed) or (isinstance(index, sp.Symbol) and not index.is_integer):
        return index
    if index.is_integer:
        return sp.IndexedBase(cv.ctx.variable)[index]
    raise cv.fail("a derivative subscript that is neither an index nor a variable")


def slash_derivative(cv: Any, items: list[Any], i: int) -> tuple[sp.Basic, int] | None:
    """``\\partial y / \\partial x`` and ``dy/dx`` inside a product; None if not that shape."""
    found = _marker(items[i])
    if found is None:
        return None
    kind, order = found
    for j in range(i + 2, len(items) - 2):
        if is_token(items[j], "SLASH"):
            variables = _variables(cv, items[j + 1 : j + 3], kind)
            if variables is None:
                break
            if order != 1:
                raise cv.fail("a higher derivative written with '/'")
            return sp.Derivative(cv.product(items[i + 1 : j]), *variables), j + 3
    if kind == "partial":
        raise cv.fail("\\partial not in a derivative")
    return None


def differential(cv: Any, expr: sp.Basic) -> sp.Basic:
    """``\\mathrm{d} F``: the total differential Σ_k ∂F/∂z_k · dz_k, with dz the IndexedBase ``dz``.

    ``\\mathrm{d} z_i`` (an entry of the variable itself) is ``dz[i]`` directly.
    """
    var = cv.ctx.variable
    dz = sp.IndexedBase(f"d{var}")
    if isinstance(expr, sp.Indexed) and expr.base == sp.IndexedBase(var) and len(expr.indices) == 1:
        return dz[expr.indices[0]]
    taken = {getattr(s, "name", "") for s in expr.free_symbols}
    k = sp.Symbol(
        next(n for n in ("k", "l", "m", "r", "s", "p", "kappa") if n not in taken), integer=True
    )
    zk = sp.IndexedBase(var)[k]
    return sp.Sum(sp.Derivative(expr, zk) * dz[k], (k, 1, cv.ctx.dimension_symbol))


def _prime_variable(cv: Any) -> sp.Basic:
    chosen = cv.ctx.prime_variable
    # parse_relation has read a textual option into an expression before converting.
    if not isinstance(chosen, sp.Basic):
        raise cv.fail("a prime (') without a known variable")
    return chosen


def prime_applied(cv: Any, name: str, args: list[sp.Basic], primes: int) -> sp.Basic:
    """``f'(x)``: the derivative of f at x (``Subs`` when x is not a plain variable)."""
    if len(args) != 1:
        raise cv.fail(f"{name}' applied to several arguments")
    (arg,) = args
    if isinstance(arg, (sp.Symbol, sp.Indexed)):
        return sp.Derivative(sp.Function(name)(arg), (arg, primes))
    point = sp.Symbol("xi")
    return sp.Subs(sp.Derivative(sp.Function(name)(point), (point, primes)), point, arg)


def primed(cv: Any, script: Script) -> sp.Basic:
    """``g'`` and ``(e^{z_i})'``: derivative by ``ParseContext.prime_variable``."""
    base = script.base
    if script.sub is not None or script.sup is not None:
        raise cv.fail("a prime together with a subscript or power")
    if is_token(base, "LETTER", "GREEK") and str(base) in cv.ctx.functions:
        var = _prime_variable(cv)
        return sp.Derivative(sp.Function(str(base))(var), (var, script.primes))
    if isinstance(base, Tree) and base.data in ("group", "delimited"):
        var = _prime_variable(cv)
        return sp.Derivative(cv.value(base), (var, script.primes))
    raise cv.fail("a prime on something that is not a function", base)
