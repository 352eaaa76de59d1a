"""The one enumeration of index patterns shared by ``check`` and ``derive`` / ``verify``."""

from __future__ import annotations

import sympy as sp

from symsoft.check import decide
from symsoft.proof import identity
from symsoft.proof.indexed import batch_setting, softmax_setting
from symsoft.proof.patterns import grouped_patterns, index_patterns, respects, set_partitions

i, j, k, q = sp.symbols("i j k q", integer=True)


def test_set_partitions_are_the_bell_numbers_without_repeats() -> None:
    """1, 2, 5, 15 partitions of 1..4 items, each a distinct partition of all items."""
    for size, bell in zip(range(1, 5), (1, 2, 5, 15), strict=True):
        found = list(set_partitions(list(range(size))))
        assert len(found) == bell
        assert len({frozenset(frozenset(b) for b in p) for p in found}) == bell
        assert all(sorted(x for b in p for x in b) == list(range(size)) for p in found)


def test_conditions_filter_patterns() -> None:
    """A stated i ≠ j drops the pattern i = j; i = j keeps only it; other relations are free."""
    assert [p.describe() for p in index_patterns({i, j}, set(), [])] == [
        "i = j",
        "i, j distinct",
    ]
    assert [p.describe() for p in index_patterns({i, j}, set(), [sp.Ne(i, j)])] == ["i, j distinct"]
    assert [p.describe() for p in index_patterns({i, j}, set(), [sp.Eq(i, j)])] == ["i = j"]
    assert not respects({i: i, j: i}, [sp.Ne(i, j)])
    assert respects({i: i, j: i}, [sp.Lt(i, 3)])


def test_two_integers_are_never_one_index() -> None:
    """Concrete indices 1 and 2 never share a block: no pattern says 1 = 2."""
    patterns = index_patterns({i}, {sp.Integer(1), sp.Integer(2)}, [])
    assert [p.describe() for p in patterns] == [
        "1 = i; 1, 2 distinct",
        "2 = i; 1, 2 distinct",
        "1, 2, i distinct",
    ]


def test_grouped_patterns_keep_groups_apart() -> None:
    """Indices of different ranges (rows, classes) are never merged."""
    found = list(grouped_patterns([[i, j], [k, q]], []))
    assert len(found) == 4
    rows = {i, j}
    assert all((a in rows) == (b in rows) for m in found for a, b in m.items())
    assert {j: i, q: k} in found


def test_check_and_derive_use_the_same_enumeration() -> None:
    """decide (check) and identity (derive / verify --n general) enumerate the same patterns."""
    assert [p.describe() for p in decide._patterns({i, j, k}, set(), [])] == [
        p.describe() for p in index_patterns({i, j, k}, set(), [])
    ]
    setting = softmax_setting()
    free = [setting.indices["i"], setting.indices["j"]]
    via_identity = list(identity._patterns(free, setting, []))
    assert via_identity == list(grouped_patterns([free], []))
    assert len(via_identity) == 2
    batch = batch_setting()
    assert len(list(identity._patterns(sorted(batch.ranges, key=str), batch, []))) >= 1
