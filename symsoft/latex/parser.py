"""The entry points of the LaTeX reader: :func:`parse_relation` and :func:`parse_expression`.

A fragment goes through four stages: the lexer (presentation dropped, commands checked), the
line-level split (alignment ``&``, continuation ``\\\\``, trailing conditions such as
``\\quad i \\neq j``), the LALR grammar, and the mapping to SymPy, whose result is linted so
that no ``d``, ``e`` or ``\\partial`` survives as a symbol.

Examples
--------
>>> rel = parse_relation(r"\\frac{\\partial S_i}{\\partial z_j} = S_i(\\delta_{ij} - S_j)")
>>> rel.parts
(Derivative(S[i], z[j]), (KroneckerDelta(i, j) - S[j])*S[i])
>>> parse_relation(r"= -S_i S_j, \\; i \\neq j").conditions
(Ne(i, j),)
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any

import sympy as sp
from lark import Lark, Token, Tree, UnexpectedInput
from lark.lexer import Lexer
from sympy.tensor.indexed import IndexException

from symsoft.errors import LatexParseError
from symsoft.latex.context import DOTS, ParseContext, Relation
from symsoft.latex.lexer import tokenize
from symsoft.latex.lines import (
    evaluation_bars,
    index_names,
    join_relations,
    lines,
    range_statement,
    split_condition,
    trim,
)
from symsoft.latex.transform import Converter

__all__ = ["parse_expression", "parse_relation"]

_FORBIDDEN = frozenset({"d", "partial", "e"})


class _TokenFeed(Lexer):
    """Hands the lexer's ready-made tokens to lark."""

    def __init__(self, conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Any:  # type: ignore[override]
        yield from data


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("symsoft.latex").joinpath("grammar.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", lexer=_TokenFeed, start=["start", "inner"])


def parse_relation(text: str, ctx: ParseContext | None = None) -> Relation:
    """Read a relation chain ``A = B = C`` (or a continuation ``&= B``) from LaTeX.

    Examples
    --------
    >>> parse_relation(r"\\implies y = \\frac{a}{b}").ops
    ('implies', '=')
    >>> parse_relation(r"S_i = e^{z_i} / \\sum_k e^{z_k} \\quad \\text{for } i \\ne j").parts
    (S[i], exp(z[i])/Sum(exp(z[k]), (k, 1, n)))
    """
    ctx = ParseContext() if ctx is None else ctx
    if isinstance(ctx.prime_variable, str):
        ctx = replace(ctx, prime_variable=_prime_variable(ctx.prime_variable))
    if not isinstance(text, str):
        raise LatexParseError(repr(text)[:80], "the fragment is not text")
    tokens = lines(tokenize(text, ctx.macros), text)
    tokens, evaluated = evaluation_bars(tokens, text)
    tokens, condition = split_condition(tokens, text)
    for extra in evaluated:
        condition = [*condition, Token("COMMA", ",", extra[0].start_pos), *extra]
    condition = trim(condition[1:] if condition and condition[0].type == "COMMA" else condition)
    tokens = trim([t for t in join_relations(tokens) if t.type != "QUAD"])
    if not tokens:
        raise LatexParseError(text, "no mathematics in the fragment")
    names = index_names(tokens) | index_names(condition, everywhere=True)
    ranged = range_statement(tokens)
    if ranged is not None:
        names |= index_names(tokens, everywhere=True)
    converter = Converter(ctx, text, frozenset(names))
    try:
        if ranged is not None:
            return _range_relation(converter, ranged, text)
        tree = _parse(tokens, text, "start")
        parts, ops, leading = converter.relation(tree)
        conditions = []
        if condition:
            chains = _parse(condition, text, "inner").children
            conditions = converter.conditions_of([c for c in chains if isinstance(c, Tree)])
    except LatexParseError:
        raise
    except RecursionError:
        raise LatexParseError(text, "expression nested too deeply") from None
    except (TypeError, ValueError, ArithmeticError, NotImplementedError, IndexException) as error:
        # SymPy refuses some well-formed combinations (a matrix plus a scalar, a sum whose
        # bound is a matrix); the fragment then has no meaning we can represent.
        reason = f"no mathematical meaning ({type(error).__name__})"
        raise LatexParseError(text, reason) from None
    for part in parts:
        _lint(part, text)
    return Relation(
        parts=tuple(parts),
        ops=tuple(ops),
        conditions=tuple(conditions + converter.conditions),
        leading=leading,
        text=text,
    )


def parse_expression(text: str, ctx: ParseContext | None = None) -> sp.Basic:
    """Read one expression (no relation, no condition) from LaTeX.

    Examples
    --------
    >>> parse_expression(r"-a^2 + \\frac{1}{2}")
    1/2 - a**2
    >>> parse_expression(r"x = y")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    symsoft.errors.LatexParseError: cannot read LaTeX: a relation where an expression ...
    """
    relation = parse_relation(text, ctx)
    if relation.ops or relation.leading or relation.conditions:
        raise LatexParseError(text, "a relation where an expression was expected")
    return relation.parts[0]


@lru_cache(maxsize=64)
def _prime_variable(text: str) -> sp.Basic | None:
    """The variable a bare prime differentiates by, read once per context text.

    An unreadable guess (``z_{r \\neq q}`` from a derivative's denominator) only makes a prime
    unreadable, as if no variable were known; it must not make every formula unreadable.
    """
    try:
        return parse_expression(text)
    except LatexParseError:
        return None


def _range_relation(converter: Converter, segments: list[list[Token]], text: str) -> Relation:
    """``i = 1, \\dots, n`` read as ``i ∈ {1, …, n}`` (the relation ``"in"``)."""
    values = []
    for segment in (segments[0], segments[1], segments[-1]):
        chains = [c for c in _parse(segment, text, "inner").children if isinstance(c, Tree)]
        if len(chains) != 1 or len(chains[0].children) != 1:
            raise LatexParseError(text, "a range whose ends are not expressions")
        values.append(converter.expr(chains[0].children[0]))
    index, low, high = values
    try:
        domain = sp.Range(low, high + 1)
    except (TypeError, ValueError):
        raise LatexParseError(text, "a range whose ends are not integers") from None
    return Relation(parts=(index, domain), ops=("in",), text=text)


def _parse(tokens: list[Token], text: str, start: str) -> Any:
    try:
        return _parser().parse(tokens, start=start)
    except UnexpectedInput as error:
        token = getattr(error, "token", None)
        where = getattr(token, "start_pos", None)
        shown = f"unexpected {token}" if token is not None and str(token) else "incomplete formula"
        raise LatexParseError(text, shown, position=where) from None


def _lint(expr: sp.Basic, text: str) -> None:
    """Refuse results in which notation survived as a symbol (a reader bug, never guessed)."""
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, sp.MatrixBase):
            pending.extend(e for e in node if e is not DOTS)
            continue
        if node is DOTS:
            raise LatexParseError(text, "dots outside a written-out sum or matrix")
        if isinstance(node, sp.Symbol) and node.name in _FORBIDDEN and not node.is_integer:
            raise LatexParseError(text, f"the symbol {node.name!r} is notation, not a variable")
        if isinstance(node, sp.Basic):
            pending.extend(node.args)
