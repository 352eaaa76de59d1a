"""Deciding an identity over symbolic n: case split, exact instances, counterexamples.

:func:`decide` proves ``lhs = rhs`` for every index value a :class:`~symsoft.proof.indexed.Setting`
allows. Treating an unresolved sum as an independent atom (in the normal form of
:mod:`symsoft.proof.indexed`) is sound but not complete, so a failure of the symbolic
comparison alone never refutes anything. :func:`decide` therefore also instantiates the
dimension at several concrete values with every pattern of equal and distinct indices, where
sums are written out and the comparison is exact: only that can refute (with a counterexample).
Verified means the
symbolic normal form and every instance agree; anything else is not decided.

Examples
--------
>>> import sympy as sp
>>> from symsoft.proof.indexed import softmax_setting
>>> st = softmax_setting()
>>> i, j = st.indices["i"], st.indices["j"]
>>> S, z = st.bases["S"], st.bases["z"]
>>> decide(sp.Derivative(S[i], z[j]), S[i] * (sp.KroneckerDelta(i, j) - S[j]), st).verdict
<Verdict.VERIFIED: 'verified'>
>>> decide(sp.Derivative(S[i], z[j]), S[i] * (1 - S[j]), st).verdict
<Verdict.REFUTED: 'refuted'>
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symsoft.proof.indexed import (
    OutsideNormalForm,
    Setting,
    canonical_sum,
    instance_form,
    normal_form,
    reduce_case,
)
from symsoft.proof.patterns import grouped_patterns, respects
from symsoft.verdict import Verdict

__all__ = ["Decision", "decide", "satisfiable"]


@dataclass(frozen=True)
class Decision:
    """The verdict on ``lhs = rhs``, how it was reached, and a counterexample if refuted."""

    verdict: Verdict
    method: str
    detail: str = ""
    counterexample: Mapping[str, Any] | None = None


# ---------------------------------------------------------------------------------------------
# Deciding lhs = rhs
# ---------------------------------------------------------------------------------------------


def decide(
    lhs: sp.Expr | sp.MatrixBase,
    rhs: sp.Expr | sp.MatrixBase,
    setting: Setting,
    *,
    conditions: Sequence[sp.Eq | sp.Ne] = (),
    seed: int = 0,
) -> Decision:
    """Decide ``lhs = rhs`` for every index value allowed by ``setting`` and ``conditions``.

    Symbolic n: verified only when the normal form proves it *and* every instantiation agrees;
    refuted only by an exact instantiation (with a counterexample); anything else is not decided.
    Concrete n: every index assignment is checked exactly.

    Examples
    --------
    >>> import sympy as sp
    >>> from symsoft.proof.indexed import softmax_setting
    >>> st = softmax_setting(3)
    >>> S, z, i, j = st.bases["S"], st.bases["z"], st.indices["i"], st.indices["j"]
    >>> decide(sp.Derivative(S[i], z[j]), -S[i] * S[j], st, conditions=[sp.Ne(i, j)]).verdict
    <Verdict.VERIFIED: 'verified'>
    """
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        return _decide_matrix(lhs, rhs, setting, conditions=conditions, seed=seed)
    # a summation index may share its name with a free index elsewhere: rename bound ones
    lhs, rhs = _rename_bound(lhs), _rename_bound(rhs)
    present = _free_symbols(lhs) | _free_symbols(rhs)
    present |= {symbol for condition in conditions for symbol in condition.free_symbols}
    free = [symbol for symbol in setting.ranges if symbol in present]
    symbolic_ok: bool | None = None
    patterns = 0
    if not setting.concrete:
        try:
            difference = normal_form(lhs, setting) - normal_form(rhs, setting)
            difference = _apply_simplex_symbolic(difference, setting)
            symbolic_ok = True
            for mapping in _patterns(free, setting, conditions):
                patterns += 1
                if reduce_case(difference.xreplace(mapping), setting, free) != 0:
                    symbolic_ok = False
                    break
        except OutsideNormalForm:
            symbolic_ok = None
    checked = 0
    samples = setting.samples or ({},)
    for sample in samples:
        for assignment in _assignments(free, setting, sample, conditions):
            checked += 1
            try:
                refutation = _check_instance(lhs, rhs, setting, sample, assignment, seed=seed)
            except OutsideNormalForm as error:
                return Decision(Verdict.NOT_DECIDED, "normal form", str(error))
            if refutation is not None:
                note = " (the symbolic normal form had claimed it)" if symbolic_ok else ""
                return Decision(
                    Verdict.REFUTED,
                    "exact instantiation, e^(z) as positive symbols, cancel",
                    f"the sides differ{note}",
                    refutation,
                )
    if checked == 0 and not setting.concrete:
        return Decision(
            Verdict.NOT_DECIDED,
            "index patterns",
            "no pattern of the indices satisfies the conditions; nothing was checked",
        )
    if setting.concrete:
        dims = ", ".join(f"{name} = {value}" for name, value in setting.dims.items())
        if checked == 0:
            return Decision(
                Verdict.VERIFIED,
                f"vacuous for {dims}: no index values satisfy the conditions",
            )
        return Decision(
            Verdict.VERIFIED,
            f"exact for {dims}: all {checked} index assignment(s), "
            "e^(z) as positive symbols, cancel",
        )
    sizes = "; ".join(", ".join(f"{k}={v}" for k, v in sample.items()) for sample in samples)
    if symbolic_ok:
        return Decision(
            Verdict.VERIFIED,
            f"normal form for symbolic {', '.join(setting.dims)}: definitions and derivatives "
            f"expanded, δ-sums resolved under the index ranges, {patterns} index pattern(s), "
            f"cancel; cross-checked exactly at {sizes} ({checked} instances)",
        )
    reason = "outside the normal form" if symbolic_ok is None else "not proven by the normal form"
    return Decision(
        Verdict.NOT_DECIDED,
        f"exact instantiation at {sizes} ({checked} instances)",
        f"agrees at every instance checked but {reason} for symbolic "
        f"{', '.join(setting.dims)}; not reported as verified",
    )


def _rename_bound(expr: sp.Basic) -> sp.Basic:
    # deterministic names, so equal expressions stay equal (and share cached normal forms)
    counter = itertools.count()

    def rename(node: sp.Sum) -> sp.Sum:
        body, limits = node.function, []
        for index, lo, hi in node.limits:
            fresh = sp.Symbol(f"_b{next(counter)}", integer=True)
            body = body.xreplace({index: fresh})
            limits.append((fresh, lo, hi))
        return sp.Sum(body, *limits)

    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(_rename_bound)
    return expr.replace(lambda node: isinstance(node, sp.Sum), rename)


def _free_symbols(expr: sp.Basic) -> set[sp.Symbol]:
    # Derivative(..., z[j]).free_symbols omits j, and Sum keeps bound indices inside Indexed
    if isinstance(expr, sp.Symbol):
        return {expr}
    if isinstance(expr, sp.Sum):
        inner = _free_symbols(expr.function)
        for index, lo, hi in expr.limits:
            inner = (inner - {index}) | _free_symbols(lo) | _free_symbols(hi)
        return inner
    if isinstance(expr, sp.Derivative):
        found = _free_symbols(expr.expr)
        for variable in expr.variables:
            found |= _free_symbols(variable)
        return found
    if isinstance(expr, sp.MatrixBase):
        return set().union(*(_free_symbols(entry) for entry in expr))
    if not expr.args:
        return set()
    if isinstance(expr, sp.Indexed):
        return set().union(*(_free_symbols(index) for index in expr.indices))
    return set().union(*(_free_symbols(arg) for arg in expr.args))


def satisfiable(setting: Setting, conditions: Sequence[sp.Eq | sp.Ne]) -> bool:
    """Whether some index values allowed by ``setting`` satisfy ``conditions``.

    Examples
    --------
    >>> import sympy as sp
    >>> from symsoft.proof.indexed import softmax_setting
    >>> st = softmax_setting(1)
    >>> satisfiable(st, [sp.Ne(st.indices["i"], st.indices["j"])])
    False
    """
    free = sorted({s for c in conditions for s in c.free_symbols if s in setting.ranges}, key=str)
    samples = setting.samples or ({},)
    return any(
        next(iter(_assignments(free, setting, sample, conditions)), None) is not None
        for sample in samples
    )


def _decide_matrix(lhs: Any, rhs: Any, setting: Setting, **options: Any) -> Decision:
    if not (isinstance(lhs, sp.MatrixBase) and isinstance(rhs, sp.MatrixBase)):
        return Decision(Verdict.REFUTED, "shape", "a matrix is compared with a scalar")
    if lhs.shape != rhs.shape:
        return Decision(Verdict.REFUTED, "shape", f"shapes {lhs.shape} and {rhs.shape} differ")
    decisions = []
    for (r, c), left in zip(itertools.product(*map(range, lhs.shape)), lhs, strict=True):
        decision = decide(left, rhs[r, c], setting, **options)
        if not decision.verdict.passed:
            example = dict(decision.counterexample or {}) | {"entry": (r + 1, c + 1)}
            detail = f"entry ({r + 1}, {c + 1}): {decision.detail}"
            return Decision(decision.verdict, decision.method, detail, example)
        decisions.append(decision)
    return Decision(Verdict.VERIFIED, f"entry by entry ({len(decisions)}): {decisions[0].method}")


def _groups(free: Sequence[sp.Symbol], setting: Setting) -> list[list[sp.Symbol]]:
    groups: dict[Any, list[sp.Symbol]] = {}
    for symbol in free:
        groups.setdefault(setting.ranges[symbol], []).append(symbol)
    return list(groups.values())


def _patterns(free: Sequence[sp.Symbol], setting: Setting, conditions: Any) -> Iterator[dict]:
    return grouped_patterns(_groups(free, setting), conditions)


def _assignments(free: Any, setting: Setting, sample: Mapping[str, int], conditions: Any):
    values = {setting.dims[name]: size for name, size in sample.items()}
    if setting.concrete:
        ranges = [range(int(lo), int(hi) + 1) for lo, hi in (setting.ranges[s] for s in free)]
        for combo in itertools.product(*ranges):
            values_of = dict(zip(free, combo, strict=True))
            if respects(values_of, conditions):
                yield values_of
        return
    for pattern in _patterns(free, setting, conditions):
        mapping: dict[sp.Symbol, int] = {}
        feasible = True
        for group in _groups(free, setting):
            lo, hi = (sp.sympify(bound).xreplace(values) for bound in setting.ranges[group[0]])
            spread = _spread(int(lo), int(hi))
            reps = list(dict.fromkeys(pattern.get(symbol, symbol) for symbol in group))
            if len(reps) > len(spread):
                feasible = False
                break
            chosen = dict(zip(reps, spread, strict=False))
            mapping |= {symbol: chosen[pattern.get(symbol, symbol)] for symbol in group}
        if feasible:
            yield mapping


def _spread(lo: int, hi: int) -> list[int]:
    # the ends of the range first: off-by-one index mistakes show up there
    order: list[int] = []
    left, right = lo, hi
    while left <= right:
        order.append(left)
        if right != left:
            order.append(right)
        left, right = left + 1, right - 1
    return order


def _apply_simplex_symbolic(expr: sp.Expr, setting: Setting) -> sp.Expr:
    for name in setting.simplex:
        base = setting.bases[name]
        dim = setting.dims["n"]
        atom = canonical_sum(
            base[sp.Symbol("_k", integer=True)], sp.Symbol("_k", integer=True), 1, dim
        )
        expr = expr.xreplace({atom: sp.Integer(1)})
    return expr


def _check_instance(
    lhs: sp.Expr,
    rhs: sp.Expr,
    setting: Setting,
    sample: Mapping[str, int],
    assignment: Any,
    *,
    seed: int,
) -> dict[str, Any] | None:
    dims = {setting.dims[name]: size for name, size in sample.items()}
    left = instance_form(lhs.xreplace(assignment), setting, dims)
    right = instance_form(rhs.xreplace(assignment), setting, dims)
    constraint = _simplex_constraint(left - right, setting, dims)
    if reduce_case((left - right).xreplace(constraint), setting) == 0:
        return None
    return _counterexample(left, right, constraint, setting, sample, assignment, seed=seed)


def _simplex_constraint(expr: sp.Expr, setting: Setting, dims: Mapping[Any, int]) -> dict:
    constraint = {}
    for name in setting.simplex:
        base = setting.bases[name]
        size = int(sp.sympify(setting.dims["n"]).xreplace(dims))
        if expr.has(base):
            others = sp.Add(*(base[k] for k in range(1, size)))
            constraint[base[size]] = 1 - others
    return constraint


def _counterexample(
    left: sp.Expr,
    right: sp.Expr,
    constraint: dict,
    setting: Setting,
    sample: Any,
    assignment: Any,
    *,
    seed: int,
) -> dict[str, Any]:
    rng = random.Random(seed)
    left, right = left.xreplace(constraint), right.xreplace(constraint)
    atoms = sorted(
        (left.atoms(sp.Indexed) | right.atoms(sp.Indexed) | left.free_symbols | right.free_symbols)
        - set(setting.ranges),
        key=str,
    )
    values = {
        atom: sp.Rational(rng.randint(-20, 20), 10)
        for atom in atoms
        if isinstance(atom, sp.Indexed)
        or (isinstance(atom, sp.Symbol) and atom.is_real and str(atom) not in setting.bases)
    }
    shown = {str(atom): float(value) for atom, value in values.items()}
    dims = dict(setting.dims) if setting.concrete else dict(sample)
    return {
        **{str(name): int(value) for name, value in dims.items()},
        "indices": {str(symbol): int(value) for symbol, value in assignment.items()},
        "values": shown,
        "lhs": _number(left.xreplace(values)),
        "rhs": _number(right.xreplace(values)),
    }


def _number(expr: sp.Expr) -> float | str:
    value = expr.evalf(30)
    return float(value) if value.is_number and value.is_real else str(value)
