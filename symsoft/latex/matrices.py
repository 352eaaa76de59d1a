"""Environments inside a formula: matrices (with dotted entries) and ``cases``.

Examples
--------
>>> from symsoft.latex import parse_expression, DOTS
>>> parse_expression(r"\\begin{pmatrix} a & \\cdots \\\\ \\vdots & \\ddots \\end{pmatrix}")
Matrix([
[a, …],
[…, …]])
>>> parse_expression(r"\\begin{cases} a & i = j \\\\ b & \\text{otherwise} \\end{cases}")
Piecewise((a, Eq(i, j)), (b, True))
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from lark import Tree

from symsoft.latex.context import DOTS
from symsoft.latex.trees import chain_parts, inner_chains, is_token

__all__ = ["environment"]


def environment(cv: Any, tree: Tree) -> sp.Basic:
    """The matrix or Piecewise an environment stands for."""
    begin, *rows, end = tree.children
    if str(begin) != str(end) and {str(begin), str(end)} != {"array", "matrix"}:
        raise cv.fail(f"\\begin{{{begin}}} closed by \\end{{{end}}}")
    table = [
        [cell for cell in row.children if isinstance(cell, Tree)]
        for row in rows
        if isinstance(row, Tree)
    ]
    while table and all(_empty(cell) for cell in table[-1]):
        table.pop()  # a trailing ``\\`` before ``\end``
    if not table:
        raise cv.fail(f"an empty {begin} environment")
    if str(begin) == "cases":
        return _cases(cv, table)
    return _matrix(cv, table)


def _empty(cell: Tree) -> bool:
    return not inner_chains(cell) and not any(is_token(c, "COND") for c in cell.children)


def _cell_value(cv: Any, cell: Tree) -> sp.Basic:
    if any(is_token(c, "COND") for c in cell.children):
        raise cv.fail("a condition word in a matrix entry")
    chains = inner_chains(cell)
    if len(chains) != 1:
        raise cv.fail("a matrix entry that is empty or a list")
    exprs, ops = chain_parts(chains[0])
    if ops:
        raise cv.fail("a relation inside a matrix entry")
    if _is_dots(exprs[0]):
        return DOTS
    return cv.expr(exprs[0])


def _is_dots(expr: Tree) -> bool:
    if len(expr.children) != 1:
        return False
    term = expr.children[0]
    if len(term.children) != 1 or len(term.children[0].children) != 1:
        return False
    factor = term.children[0].children[0]
    return isinstance(factor, Tree) and factor.children == ["..."]


def _matrix(cv: Any, table: list[list[Tree]]) -> sp.Basic:
    if len({len(row) for row in table}) != 1:
        raise cv.fail("matrix rows of different lengths")
    return sp.ImmutableMatrix([[_cell_value(cv, cell) for cell in row] for row in table])


def _cases(cv: Any, table: list[list[Tree]]) -> sp.Basic:
    pieces = []
    for row in table:
        if len(row) != 2:
            raise cv.fail("a cases row that is not 'value & condition'")
        value = _cell_value(cv, row[0])
        words = [str(c) for c in row[1].children if is_token(c, "COND")]
        chains = inner_chains(row[1])
        if words == ["otherwise"] and not chains:
            condition: Any = sp.true
        elif words in ([], ["if"], ["for"], ["when"]) and chains:
            found = cv.conditions_of(chains)
            if not found:
                raise cv.fail("a cases condition that is a range, not a condition")
            condition = sp.And(*found)
        else:
            raise cv.fail("a cases condition not understood")
        pieces.append((value, condition))
    return sp.Piecewise(*pieces)
