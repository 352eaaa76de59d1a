"""Index patterns: which free indices of an identity are equal and which are distinct.

An identity in free indices ``i, j, …`` over ``1..n`` with symbolic ``n`` holds for all index
values exactly when it holds on every *pattern*: every set partition of the indices (indices
in one block equal, in different blocks distinct), kept when it satisfies the stated ``i = j``
/ ``i ≠ j`` conditions. ``symsoft check`` (:mod:`symsoft.check.decide`) and ``derive`` / ``verify
--n general`` (:mod:`symsoft.proof.identity`) both enumerate patterns here, so a soundness fix (a
pattern missed, a condition misread) is made once.

Examples
--------
>>> import sympy as sp
>>> i, j, k = sp.symbols("i j k", integer=True)
>>> len(list(set_partitions([i, j, k])))  # the Bell number B_3
5
>>> [p.describe() for p in index_patterns({i, j}, set(), [sp.Ne(i, j)])]
['i, j distinct']
>>> [p.describe() for p in index_patterns({i}, {sp.Integer(1)}, [])]
['1 = i', '1, i distinct']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

__all__ = ["Pattern", "grouped_patterns", "index_patterns", "respects", "set_partitions"]


def set_partitions(items: Sequence[Any]) -> Iterator[list[list[Any]]]:
    """Every partition of ``items`` into non-empty blocks, each once, in a fixed order."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in set_partitions(rest):
        for at in range(len(partition)):
            yield [*partition[:at], [first, *partition[at]], *partition[at + 1 :]]
        yield [[first], *partition]


def respects(classes: Mapping[Any, Any], conditions: Iterable[Any]) -> bool:
    """Whether the classes (index → representative or value) satisfy every ``Eq`` / ``Ne``;
    other conditions do not constrain indices."""
    for condition in conditions:
        if not isinstance(condition, (sp.Eq, sp.Ne)):
            continue
        left, right = condition.args
        same = classes.get(left, left) == classes.get(right, right)
        if same != isinstance(condition, sp.Eq):
            return False
    return True


@dataclass(frozen=True)
class Pattern:
    """Which free indices are equal: ``mapping`` sends each to its block's representative."""

    mapping: dict[Any, Any]
    blocks: tuple[tuple[Any, ...], ...]

    def describe(self) -> str:
        """``"i = j; i, k distinct"``."""
        parts = []
        for block in self.blocks:
            if len(block) > 1:
                parts.append(" = ".join(str(x) for x in block))
        singles = [str(block[0]) for block in self.blocks]
        if len(singles) > 1:
            parts.append(", ".join(singles) + " distinct")
        # empty when nothing constrains the indices: a lone free index is not "no indices"
        return "; ".join(parts)

    def equal(self, a: Any, b: Any) -> bool:
        """Whether ``a`` and ``b`` are the same index in this pattern."""
        return self.mapping.get(a, a) == self.mapping.get(b, b)


def index_patterns(
    symbols: set[Any], integers: set[Any], conditions: Iterable[Any]
) -> list[Pattern]:
    """Patterns of letter indices and the concrete indices a step writes (at most one integer
    per block: two different integers are never equal), that satisfy ``conditions``."""
    conditions = tuple(conditions)
    elements = sorted(symbols, key=str) + sorted(integers)
    out = []
    for partition in set_partitions(elements):
        if any(sum(1 for x in block if isinstance(x, sp.Integer)) > 1 for block in partition):
            continue
        mapping: dict[Any, Any] = {}
        blocks = []
        for block in partition:
            block = sorted(block, key=lambda x: (not isinstance(x, sp.Integer), str(x)))
            for member in block:
                mapping[member] = block[0]
            blocks.append(tuple(block))
        pattern = Pattern(mapping, tuple(sorted(blocks, key=lambda b: str(b[0]))))
        if respects(pattern.mapping, conditions):
            out.append(pattern)
    return out


def grouped_patterns(
    groups: Sequence[Sequence[Any]], conditions: Sequence[Any]
) -> Iterator[dict[Any, Any]]:
    """Patterns of indices that range over different sets (rows and classes of a batch): only
    indices of one group can be equal. Each pattern maps an index to its block's first member;
    indices that represent themselves are left out."""
    for combination in itertools.product(*(set_partitions(group) for group in groups)):
        mapping: dict[Any, Any] = {}
        for partition in combination:
            for block in partition:
                mapping |= {symbol: block[0] for symbol in block}
        if respects(mapping, conditions):
            yield {symbol: rep for symbol, rep in mapping.items() if symbol != rep}
