"""Map a parse tree to SymPy: relations, sums of terms, and the reading of products.

Juxtaposition is where LaTeX is ambiguous, so products are read here with their context:
``S_i(1 - S_j)`` is a product, ``f(x)`` an application (``f`` is in ``ParseContext.functions``),
``\\sum_k`` and ``\\frac{\\partial}{\\partial z_j}`` take the rest of the product as body or
operand, and ``a / b c`` is refused as ambiguous.

Examples
--------
>>> from symsoft.latex import parse_expression
>>> parse_expression(r"S_i(1 - S_j)")
(1 - S[j])*S[i]
>>> parse_expression(r"f(x) + 2ab")
2*a*b + f(x)
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from lark import Token, Tree

from symsoft.errors import LatexParseError
from symsoft.latex import derivatives, sums
from symsoft.latex.context import DOTS, ParseContext
from symsoft.latex.factors import FactorReader
from symsoft.latex.trees import Script, chain_parts, is_token, single_expr, split_factor, token_type

__all__ = ["Converter"]

_MAX_RECURSION = 150


class Converter(FactorReader):
    """Reads one fragment's tree; collects conditions written inside derivative variables."""

    def __init__(self, ctx: ParseContext, source: str, index_names: frozenset[str]) -> None:
        super().__init__(ctx, source, index_names)
        self.depth = 0

    def fail(self, reason: str, node: Any = None) -> LatexParseError:
        pos = getattr(node, "start_pos", None) if is_token(node) else None
        return LatexParseError(self.source, reason, position=pos)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > _MAX_RECURSION:
            raise self.fail(f"expression nested deeper than {_MAX_RECURSION} levels")

    # --- relations -----------------------------------------------------------------------
    def relation(self, tree: Tree) -> tuple[list[sp.Basic], list[str], str | None]:
        lead = None
        children = list(tree.children)
        if isinstance(children[0], Tree) and children[0].data == "lead":
            lead = _op_name(str(children.pop(0).children[0]))
        exprs, ops = chain_parts(children[0])
        parts = [self.expr(e) for e in exprs]
        ops = [_op_name(op) for op in ops]
        if "==" in ops:
            raise self.fail("'==' outside an indicator")
        if lead is not None:
            ops.insert(0, lead)
        return parts, ops, lead

    def value(self, node: Any) -> sp.Basic:
        """The expression inside a group or delimiter that must hold exactly one."""
        expr = single_expr(node)
        if expr is None:
            raise self.fail("a relation or list where a value was expected")
        return self.expr(expr)

    # --- sums of terms -------------------------------------------------------------------
    def expr(self, tree: Tree) -> sp.Basic:
        self.enter()
        signed: list[tuple[int, Tree]] = []
        sign = 1
        for child in tree.children:
            if child.data == "addop":
                sign = 1 if token_type(child.children[0]) == "PLUS" else -1
                continue
            signed.append((sign, child))
            sign = 1
        terms: list[Any] = []
        k = 0
        while k < len(signed):
            sign, child = signed[k]
            if _ends_with_sum(child) and k + 1 < len(signed):
                # ``\sum_j -\frac{y_j}{a_j}``: the signed term after a bare \sum is its body.
                body = self.term(signed[k + 1][1], signed[k + 1][0])
                terms.append(self.term(child, sign, body=body))
                k += 2
                continue
            terms.append(self.term(child, sign))
            k += 1
        self.depth -= 1
        if any(term is DOTS for term in terms):
            terms = sums.collapse_written(terms, self.fail)
        return sp.Add(*terms)

    def term(self, tree: Tree, sign: int, *, body: Any = None) -> Any:
        *signs, product = tree.children
        for s in signs:
            sign *= -1 if token_type(s.children[0]) == "MINUS" else 1
        items = product.children
        if body is not None:
            if body is DOTS:
                raise self.fail("dots as the body of a sum")
            script = split_factor(items[-1])
            assert script is not None  # checked by _ends_with_sum
            value = sums.big_operator(self, script, body)
            if len(items) > 1:
                value = self.product(items[:-1]) * value
            return -value if sign < 0 else value
        if (
            len(items) == 1
            and isinstance(items[0], Tree)
            and items[0].children == [Token("DOTS", "...")]
        ):
            return DOTS
        value = self.product(items)
        return -value if sign < 0 else value

    # --- products ------------------------------------------------------------------------
    def product(self, items: list[Any]) -> sp.Basic:
        if not items:
            raise self.fail("missing operand")
        self.enter()
        if any(is_token(item, "ODOT") for item in items):
            segments: list[list[Any]] = [[]]
            for item in items:
                if is_token(item, "ODOT"):
                    segments.append([])
                else:
                    segments[-1].append(item)
            result = sp.Function("hadamard")(*[self.product(seg) for seg in segments])
            self.depth -= 1
            return result
        factors: list[sp.Basic] = []
        i = 0
        while i < len(items):
            item = items[i]
            if is_token(item, "CDOT"):
                if not factors or i + 1 == len(items) or is_token(items[i + 1]):
                    raise self.fail("'\\cdot' without two operands", item)
                i += 1
                continue
            if is_token(item, "SLASH"):
                if not factors or i + 1 == len(items) or is_token(items[i + 1]):
                    raise self.fail("'/' without two operands", item)
                denominator, i, rest = self.unit(items, i + 1)
                if rest:
                    raise self.fail("ambiguous 'a / b c': add braces or \\frac", item)
                factors = [self.multiply(factors) / denominator]
                continue
            value, i, _ = self.unit(items, i)
            factors.append(value)
        self.depth -= 1
        return self.multiply(factors)

    def multiply(self, factors: list[sp.Basic]) -> sp.Basic:
        """The product of ``factors``; two written-out matrices are not multiplied out."""
        if sum(isinstance(f, sp.MatrixBase) for f in factors) > 1:
            # A symbolic matrix product grows without bound (400 juxtaposed 2×2 matrices).
            raise self.fail("a product of written-out matrices")
        return sp.Mul(*factors)

    def unit(self, items: list[Any], i: int) -> tuple[sp.Basic, int, bool]:
        """Read the factor at ``items[i]`` with what it takes; returns (value, next, juxtaposed).

        ``juxtaposed`` tells whether another factor follows without an explicit operator.
        """
        self.enter()
        try:
            return self._unit(items, i)
        finally:
            self.depth -= 1

    def _unit(self, items: list[Any], i: int) -> tuple[sp.Basic, int, bool]:
        item = items[i]
        script = split_factor(item)
        if script is None:
            raise self.fail("a subscript or superscript given twice")
        base = script.base
        if sums.is_sigma_sum(self, script, items, i):
            script = Script(Token("BIGOP", "sum", base.start_pos), script.sub, script.sup)
            base = script.base
        if is_token(base, "BIGOP"):
            body = items[i + 1 :]
            if not body:
                raise self.fail("\\sum without a body", base)
            return sums.big_operator(self, script, self.product(body)), len(items), False
        operator = derivatives.operator_of(self, script, items, i)
        if operator is not None:
            return self.apply_operator(operator, items, i + 1)
        pattern = derivatives.slash_derivative(self, items, i)
        if pattern is not None:
            value, i = pattern
            return value, i, _juxtaposed(items, i)
        if is_token(base, "DIFF"):
            if script.sub is not None or script.sup is not None or script.primes:
                raise self.fail("\\mathrm{d} with a script", base)
            return self.apply_operator(lambda e: derivatives.differential(self, e), items, i + 1)
        nxt = items[i + 1] if i + 1 < len(items) else None
        applied = self.application(script, nxt)
        if applied is not None:
            return applied, i + 2, _juxtaposed(items, i + 2)
        if self.is_prefix_function(script):
            if nxt is None or is_token(nxt):
                raise self.fail(f"\\{base} without an argument", base)
            argument, j, rest = self.unit(items, i + 1)
            if rest:
                raise self.fail(f"ambiguous argument of \\{base}: add parentheses", base)
            return self.call_prefix(script, argument), j, False
        return self.factor(script), i + 1, _juxtaposed(items, i + 1)

    def apply_operator(self, operator: Any, items: list[Any], i: int) -> tuple[Any, int, bool]:
        if i >= len(items) or is_token(items[i]):
            raise self.fail("derivative operator without an operand")
        nxt = items[i]
        head = nxt.children[0] if nxt.children else None
        script = split_factor(nxt)
        bracketed = isinstance(head, Tree) and head.data == "delimited"
        if bracketed and script is not None and len(nxt.children) == 1:
            return operator(self.factor(script)), i + 1, _juxtaposed(items, i + 1)
        return operator(self.product(items[i:])), len(items), False


def _ends_with_sum(term: Tree) -> bool:
    """Whether a term's product ends with a bare ``\\sum_…`` (its body follows a sign)."""
    last = term.children[-1].children[-1]
    if not isinstance(last, Tree) or last.data != "factor":
        return False
    script = split_factor(last)
    return script is not None and is_token(script.base, "BIGOP")


def _juxtaposed(items: list[Any], i: int) -> bool:
    return i < len(items) and not is_token(items[i])


_OP_NAMES = {"=": "=", "!=": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}


def _op_name(op: str) -> str:
    return _OP_NAMES.get(op, op)
