"""Written-out matrices: the general term their entries show, and the entry that breaks it.

A matrix written with ``\\cdots``, ``\\vdots`` and ``\\ddots`` claims that its entries follow
one general term in the row and column labels ``1, 2, …, n``, with possibly a distinct term on
the diagonal. Each written entry gives a candidate term by replacing its own labels with the
letters ``r`` and ``c``; the term most entries of a class (diagonal or off-diagonal) agree on is
the pattern, and an entry that disagrees with it (while at least two others agree) breaks the
pattern: the error an author makes when copying a row by hand.

Examples
--------
>>> import sympy as sp
>>> p, n = sp.IndexedBase("p"), sp.Symbol("n", integer=True, positive=True)
>>> dots = sp.Symbol("…")
>>> matrix = sp.Matrix([
...     [p[1] * (1 - p[1]), -p[1] * p[2], dots, -p[1] * p[n]],
...     [-p[2] * p[1], p[2] * (1 - p[2]), dots, -p[2] * p[n]],
...     [dots, dots, dots, dots],
...     [-p[n] * p[1], p[n] * p[2], dots, p[n] * (1 - p[n])],
... ])
>>> broken = broken_entry(matrix, n)
>>> broken.row, broken.col, broken.expected
(4, 2, '-p[c]*p[r]')
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sympy as sp

__all__ = ["Break", "broken_entry", "row_offset"]

_DOTS_NAME = "…"
_R = sp.Symbol("r", integer=True)
_C = sp.Symbol("c", integer=True)
#: a pattern needs this many other entries of its class agreeing on it
_WITNESSES = 2


@dataclass(frozen=True)
class Break:
    """A written entry (1-based ``row``, ``col``) that does not follow the general term."""

    row: int
    col: int
    written: str
    expected: str
    diagonal: bool

    def describe(self) -> str:
        """The reason in words."""
        where = "diagonal" if self.diagonal else "off-diagonal"
        return (
            f"entry ({self.row}, {self.col}), {self.written}, breaks the pattern {self.expected} "
            f"of the other {where} entries"
        )


def _is_dots(entry: Any) -> bool:
    return isinstance(entry, sp.Symbol) and entry.name == _DOTS_NAME


def _labels(count: int, dots: set[int], n: Any) -> list[Any]:
    """Labels 1, 2, …, n−1, n of positions written around one run of dots; None elsewhere."""
    if not dots:
        return [sp.Integer(p + 1) for p in range(count)]
    first, last = min(dots), max(dots)
    labels: list[Any] = []
    for position in range(count):
        if position < first:
            labels.append(sp.Integer(position + 1))
        elif position > last:
            labels.append(n - (count - 1 - position))
        else:
            labels.append(None)
    return labels


def _template(entry: Any, row: Any, col: Any) -> Any:
    """The entry with its own labels replaced by the letters r and c (in indices only)."""
    mapping = {row: _R} if row == col else {row: _R, col: _C}

    def relabel(index: Any) -> Any:
        return mapping.get(index, index)

    return entry.replace(
        lambda e: isinstance(e, sp.Indexed),
        lambda e: e.base[tuple(relabel(i) for i in e.indices)],
    ).replace(
        lambda e: isinstance(e, sp.KroneckerDelta),
        lambda e: sp.KroneckerDelta(*(relabel(i) for i in e.args)),
    )


def broken_entry(matrix: Any, n: Any) -> Break | None:
    """The one written entry of a matrix with dots that breaks its general term, if any."""
    if not isinstance(matrix, sp.MatrixBase) or not any(_is_dots(e) for e in matrix):
        return None
    dotted_rows = {r for r in range(matrix.rows) if all(_is_dots(e) for e in matrix.row(r))}
    rows = _labels(matrix.rows, dotted_rows, n)
    found: dict[bool, list[tuple[int, int, Any, Any]]] = {True: [], False: []}
    for r in range(matrix.rows):
        # each row is labelled by its own dots, as a reader of that row would
        dots = {c for c in range(matrix.cols) if _is_dots(matrix[r, c])}
        cols = _labels(matrix.cols, dots, n)
        for c in range(matrix.cols):
            entry = matrix[r, c]
            if _is_dots(entry) or rows[r] is None or cols[c] is None:
                continue
            diagonal = bool(rows[r] - cols[c] == 0)  # labels are k or n - k: exact
            template = _template(entry, rows[r], cols[c])
            found[diagonal].append((r, c, entry, template))
    for diagonal, entries in found.items():
        counts = Counter(template for *_, template in entries)
        if len(counts) < 2:
            continue
        (pattern, agreeing), *rest = counts.most_common()
        odd = [e for e in entries if e[3] != pattern]
        if agreeing >= _WITNESSES and len(odd) == 1 and rest[0][1] < agreeing:
            r, c, entry, _ = odd[0]
            return Break(r + 1, c + 1, str(entry), str(pattern), diagonal)
    return None


_MATRIX_BEGIN = re.compile(r"\\begin\{([a-zA-Z]*matrix|array)\*?\}")


def row_offset(text: str, row: int) -> int | None:
    """Where row ``row`` (1-based) of the first written-out matrix in ``text`` starts."""
    begin = _MATRIX_BEGIN.search(text)
    if begin is None:
        return None
    at = begin.end()
    for _ in range(row - 1):
        at = text.find("\\\\", at)
        if at < 0:
            return None
        at += 2
    while at < len(text) and text[at].isspace():
        at += 1
    return at
