"""Equality of expressions over symbolic n: indexed sums, Kronecker deltas and index ranges.

SymPy has no sound decision for ``Sum``/``Indexed`` identities: ``simplify`` raises on the raw
derivative of an indexed sum (sympy issue 14570) and ``doit`` turns ``Σ_l δ_lj e^{z_l}`` into a
``Piecewise`` that is right only when ``j`` is in range. This module decides such identities
with a normal form whose every rewrite is sound under stated assumptions:

1. definitions are expanded (``S_k → e^{z_k} / Σ_l e^{z_l}``) and derivatives evaluated;
2. a sum is split over its terms, factors free of its index are pulled out, and
   ``Σ_{k=lo}^{hi} f(k) δ_{k x}`` becomes ``f(x)`` **only** when ``x`` is declared to range over
   exactly ``lo..hi``; every other sum is kept as an atom with a canonical bound variable;
3. ``log`` of a product of provably positive factors is split, ``log e^x = x`` for real ``x``;
4. the free indices are case-split over every pattern of equal and distinct values (``i = j``,
   ``i ≠ j``), ``e^{x}`` becomes a positive symbol and each case is compared with ``cancel``.

Treating an unresolved sum as an independent atom is sound (an identity that holds for every
value of the atom holds for its actual value) but not complete, so a failure of step 4 alone
never refutes anything. :func:`decide` therefore also instantiates the dimension at several
concrete values with every index pattern, where the sums are written out and the comparison is
exact: only that can refute. Verified means both agree.

Examples
--------
>>> import sympy as sp
>>> from symsoft.indexed import softmax_setting, decide
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symsoft.verdict import Verdict

__all__ = [
    "Decision",
    "Setting",
    "batch_setting",
    "decide",
    "normal_form",
    "satisfiable",
    "softmax_setting",
]

Definition = Callable[[tuple[sp.Expr, ...], int | sp.Expr], sp.Expr]


@dataclass(frozen=True)
class Setting:
    """What the symbols of a derivation mean.

    ``ranges`` maps each free index symbol to its range ``(lo, hi)``; ``definitions`` maps an
    IndexedBase name to a function of its indices and the dimension giving its definition;
    ``samples`` are the concrete values of each symbolic dimension used for the cross-check;
    ``simplex`` names bases whose entries sum to one (a probability vector).
    """

    dims: Mapping[str, sp.Symbol | int]
    ranges: Mapping[sp.Symbol, tuple[Any, Any]]
    bases: Mapping[str, sp.IndexedBase]
    indices: Mapping[str, sp.Symbol]
    definitions: Mapping[str, Callable[..., sp.Expr]] = field(default_factory=dict)
    samples: tuple[Mapping[str, int], ...] = ()
    simplex: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()

    @property
    def concrete(self) -> bool:
        """True when every dimension is a number (sums are written out)."""
        return all(isinstance(value, int) for value in self.dims.values())


@dataclass(frozen=True)
class Decision:
    """The verdict on ``lhs = rhs``, how it was reached, and a counterexample if refuted."""

    verdict: Verdict
    method: str
    detail: str = ""
    counterexample: Mapping[str, Any] | None = None


def _index(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


def softmax_setting(n: int | None = None) -> Setting:
    """The vector softmax ``S_k = e^{z_k}/Σ_l e^{z_l}`` with free indices i, j, k over 1..n.

    ``n=None`` means symbolic n (``n ≥ 1``), cross-checked at n ∈ {1, 2, 3, 5}.

    Examples
    --------
    >>> softmax_setting().dims["n"]
    n
    >>> softmax_setting(3).concrete
    True
    """
    dim: sp.Symbol | int = sp.Symbol("n", integer=True, positive=True) if n is None else n
    z = sp.IndexedBase("z", real=True)
    bases = {name: sp.IndexedBase(name, real=True) for name in ("z", "S", "g", "y")}
    bases["z"] = z
    indices = {name: _index(name) for name in ("i", "j", "k")}

    def softmax_entry(k: sp.Expr) -> sp.Expr:
        dummy = sp.Dummy("l", integer=True, positive=True)
        return sp.exp(z[k]) / sp.Sum(sp.exp(z[dummy]), (dummy, 1, dim))

    return Setting(
        dims={"n": dim},
        ranges={symbol: (1, dim) for symbol in indices.values()},
        bases=bases,
        indices=indices,
        definitions={"S": softmax_entry},
        samples=tuple({"n": value} for value in (1, 2, 3, 5)) if n is None else (),
        simplex=("y",),
        assumptions=(
            "n ≥ 1 is an integer; the logits z_1..z_n, g and y are real",
            "free indices i, j, k are integers with 1 ≤ i, j, k ≤ n",
            "S_k is defined as e^{z_k} / Σ_{l=1}^{n} e^{z_l}",
            "y is a probability vector: Σ_{k=1}^{n} y_k = 1",
        ),
    )


def batch_setting(m: int | None = None, n: int | None = None) -> Setting:
    """Row-wise softmax of an m × n batch ``Z``: ``S_{a,i} = e^{Z_{a,i}}/Σ_k e^{Z_{a,k}}``.

    Rows a, b range over 1..m, columns i, j over 1..n.

    Examples
    --------
    >>> sorted(batch_setting().indices)
    ['a', 'b', 'i', 'j']
    """
    rows: sp.Symbol | int = sp.Symbol("m", integer=True, positive=True) if m is None else m
    cols: sp.Symbol | int = sp.Symbol("n", integer=True, positive=True) if n is None else n
    bases = {name: sp.IndexedBase(name, real=True) for name in ("Z", "S", "G")}
    indices = {name: _index(name) for name in ("a", "b", "i", "j")}
    zb = bases["Z"]

    def softmax_entry(a: sp.Expr, i: sp.Expr) -> sp.Expr:
        dummy = sp.Dummy("k", integer=True, positive=True)
        return sp.exp(zb[a, i]) / sp.Sum(sp.exp(zb[a, dummy]), (dummy, 1, cols))

    ranges = {indices["a"]: (1, rows), indices["b"]: (1, rows)}
    ranges |= {indices["i"]: (1, cols), indices["j"]: (1, cols)}
    symbolic = m is None or n is None
    return Setting(
        dims={"m": rows, "n": cols},
        ranges=ranges,
        bases=bases,
        indices=indices,
        definitions={"S": softmax_entry},
        samples=tuple({"m": a, "n": b} for a, b in ((1, 1), (2, 3), (3, 2))) if symbolic else (),
        assumptions=(
            "m, n ≥ 1 are integers; the logits Z_{a,i} and the cotangents G_{a,i} are real",
            "row indices a, b are integers in 1..m, column indices i, j in 1..n",
            "S_{a,i} is defined as e^{Z_{a,i}} / Σ_{k=1}^{n} e^{Z_{a,k}}",
        ),
    )


# ---------------------------------------------------------------------------------------------
# The normal form
# ---------------------------------------------------------------------------------------------


def normal_form(expr: sp.Expr, setting: Setting) -> sp.Expr:
    """Expand definitions and derivatives and reduce sums soundly (see the module docstring).

    Examples
    --------
    >>> import sympy as sp
    >>> st = softmax_setting()
    >>> z, j, n = st.bases["z"], st.indices["j"], st.dims["n"]
    >>> l = sp.Symbol("l", integer=True, positive=True)
    >>> normal_form(sp.Derivative(sp.Sum(sp.exp(z[l]), (l, 1, n)), z[j]), st)
    exp(z[j])
    """
    return _Normalizer(setting).run(expr, {})


class _Normalizer:
    def __init__(self, setting: Setting, dim_values: Mapping[sp.Symbol, int] | None = None) -> None:
        self.setting = setting
        self.dim_values = dict(dim_values or {})

    def run(self, expr: sp.Expr, bound: dict[sp.Symbol, tuple[Any, Any]]) -> sp.Expr:
        if isinstance(expr, sp.Indexed):
            define = self.setting.definitions.get(str(expr.base))
            if define is not None:
                return self.run(define(*expr.indices).xreplace(self.dim_values), bound)
            return expr
        if isinstance(expr, sp.Symbol) and expr.name in self.setting.definitions:
            return self.run(self.setting.definitions[expr.name]().xreplace(self.dim_values), bound)
        if not expr.args or isinstance(expr, sp.Symbol | sp.Number):
            return expr
        if isinstance(expr, sp.Derivative):
            inner = self.run(expr.expr, bound)
            for variable, count in expr.variable_count:
                inner = sp.diff(inner, variable, count)
            return self.run(inner, bound)
        if isinstance(expr, sp.Sum):
            body = expr.function
            limits = list(expr.limits)
            # nested limits are sums inside sums: the first limit is the innermost
            for index, lo, hi in limits:
                inner_bound = dict(bound)
                inner_bound[index] = (lo, hi)
                body = self._sum(self.run(body, inner_bound), index, lo, hi, bound)
            return body
        if isinstance(expr, sp.log):
            return self._log(self.run(expr.args[0], bound))
        if isinstance(expr, sp.exp):
            argument = sp.expand(self.run(expr.args[0], bound))
            return sp.Mul(*(sp.exp(term) for term in sp.Add.make_args(argument)))
        if (
            isinstance(expr, sp.Pow)
            and isinstance(expr.base, sp.KroneckerDelta)
            and expr.exp.is_positive
            and expr.exp.is_integer
        ):
            return self.run(expr.base, bound)
        if isinstance(expr, sp.Piecewise | sp.MatrixBase | sp.MatrixExpr):
            raise _Unsupported(f"{type(expr).__name__} is outside the normal form")
        return expr.func(*(self.run(arg, bound) for arg in expr.args))

    def _range(self, symbol: sp.Expr, bound: Mapping[sp.Symbol, tuple[Any, Any]]) -> Any:
        if symbol in bound:
            return bound[symbol]
        return self.setting.ranges.get(symbol)

    def _sum(self, body: sp.Expr, index: sp.Symbol, lo: Any, hi: Any, bound: Any) -> sp.Expr:
        if getattr(hi - lo, "is_Integer", False):
            return sp.Add(*(body.subs(index, value) for value in range(int(lo), int(hi) + 1)))
        total = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(body)):
            outside, inside = term.as_independent(index, as_Add=False)
            if inside == 1:
                total += outside * (hi - lo + 1)
                continue
            factors = list(sp.Mul.make_args(inside))
            for position, factor in enumerate(factors):
                if not isinstance(factor, sp.KroneckerDelta) or index not in factor.args:
                    continue
                other = factor.args[1] if factor.args[0] == index else factor.args[0]
                if other.has(index) or self._range(other, bound) != (lo, hi):
                    continue
                # the only sound use of the index-range assumption: other ∈ lo..hi
                rest = sp.Mul(*(factors[:position] + factors[position + 1 :]))
                total += outside * self.run(rest.subs(index, other), bound)
                break
            else:
                total += outside * _canonical_sum(inside, index, lo, hi)
        return total

    def _log(self, argument: sp.Expr) -> sp.Expr:
        factors = sp.Mul.make_args(argument)
        if not all(_positive(factor) for factor in factors):
            return sp.log(argument)
        parts = []
        for factor in factors:
            if isinstance(factor, sp.exp) and factor.args[0].is_real:
                parts.append(factor.args[0])
            elif isinstance(factor, sp.Pow) and factor.exp.is_real:
                parts.append(factor.exp * self._log(factor.base))
            else:
                parts.append(sp.log(factor))
        return sp.Add(*parts)


class _Unsupported(Exception):
    """An expression the normal form does not cover (becomes not-decided, never verified)."""


def _sum_depth(expr: sp.Expr) -> int:
    depth = 0
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            name = str(node.limits[-1][0])
            level = int(name[2:]) if name[2:].isdigit() and name.startswith("_s") else 0
            depth = max(depth, level + 1)
    return depth


def _canonical_sum(body: sp.Expr, index: sp.Symbol, lo: Any, hi: Any) -> sp.Expr:
    # canonical bound names make equal sums structurally equal: _s0 innermost, _s1 around it
    name = sp.Symbol(f"_s{_sum_depth(body)}", integer=True)
    return sp.Sum(body.xreplace({index: name}), (name, lo, hi))


def _positive(expr: sp.Expr) -> bool:
    if expr.is_Number:
        return bool(expr > 0)
    if isinstance(expr, sp.exp):
        return bool(expr.args[0].is_real)
    if isinstance(expr, sp.Sum):
        lo, hi = expr.limits[0][1:]
        nonempty = (hi - lo).is_nonnegative
        return bool(nonempty) and _positive(expr.function)
    if isinstance(expr, sp.Add | sp.Mul):
        return all(_positive(arg) for arg in expr.args)
    if isinstance(expr, sp.Pow):
        return _positive(expr.base) and bool(expr.exp.is_real)
    return bool(expr.is_positive)


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
                if _reduce(difference.xreplace(mapping), setting, free) != 0:
                    symbolic_ok = False
                    break
        except _Unsupported:
            symbolic_ok = None
    checked = 0
    samples = setting.samples or ({},)
    for sample in samples:
        for assignment in _assignments(free, setting, sample, conditions):
            checked += 1
            try:
                refutation = _check_instance(lhs, rhs, setting, sample, assignment, seed=seed)
            except _Unsupported as error:
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
    def rename(node: sp.Sum) -> sp.Sum:
        body, limits = node.function, []
        for index, lo, hi in node.limits:
            fresh = sp.Dummy(str(index), integer=True)
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


def _partitions(items: Sequence[Any]) -> Iterator[list[list[Any]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in _partitions(rest):
        for position in range(len(partition)):
            merged = [first, *partition[position]]
            yield [*partition[:position], merged, *partition[position + 1 :]]
        yield [[first], *partition]


def _respects(classes: Mapping[sp.Symbol, Any], conditions: Sequence[Any]) -> bool:
    for condition in conditions:
        left, right = condition.args
        same = classes.get(left, left) == classes.get(right, right)
        if same != isinstance(condition, sp.Eq):
            return False
    return True


def _patterns(free: Sequence[sp.Symbol], setting: Setting, conditions: Any) -> Iterator[dict]:
    for combination in itertools.product(*(_partitions(g) for g in _groups(free, setting))):
        mapping = {}
        for partition in combination:
            for block in partition:
                mapping |= {symbol: block[0] for symbol in block}
        if _respects(mapping, conditions):
            yield {symbol: rep for symbol, rep in mapping.items() if symbol != rep}


def _assignments(free: Any, setting: Setting, sample: Mapping[str, int], conditions: Any):
    values = {setting.dims[name]: size for name, size in sample.items()}
    if setting.concrete:
        ranges = [range(int(lo), int(hi) + 1) for lo, hi in (setting.ranges[s] for s in free)]
        for combo in itertools.product(*ranges):
            mapping = dict(zip(free, combo, strict=True))
            if _respects(mapping, conditions):
                yield mapping
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
        atom = _canonical_sum(
            base[sp.Symbol("_k", integer=True)], sp.Symbol("_k", integer=True), 1, dim
        )
        expr = expr.xreplace({atom: sp.Integer(1)})
    return expr


def _reduce(expr: sp.Expr, setting: Setting, enumerated: Sequence[sp.Symbol] = ()) -> sp.Expr:
    # distinct symbols are distinct values only for indices whose patterns were enumerated
    free = set(enumerated)
    groups = {symbol: setting.ranges[symbol] for symbol in free}

    def delta(node: sp.KroneckerDelta) -> sp.Expr:
        left, right = node.args
        if left in free and right in free:
            if groups[left] != groups[right]:
                raise _Unsupported("a Kronecker delta between indices of different ranges")
            return sp.Integer(0)
        if left.is_Integer and right.is_Integer:
            return sp.Integer(int(left == right))
        return node

    outer_sums = {}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum) and node not in outer_sums:
            outer_sums[node] = sp.Symbol(f"_sum{len(outer_sums)}", positive=_positive(node))
    expr = expr.xreplace(outer_sums)
    expr = expr.replace(lambda node: isinstance(node, sp.KroneckerDelta), delta)
    return sp.cancel(_exp_to_symbols(expr))


def _exp_to_symbols(expr: sp.Expr) -> sp.Expr:
    cache: dict[sp.Expr, sp.Symbol] = {}

    def rewrite(node: sp.exp) -> sp.Expr:
        result = sp.Integer(1)
        for term in sp.Add.make_args(sp.expand(node.args[0])):
            coefficient, rest = term.as_coeff_Mul()
            if rest == 1:
                result *= sp.exp(coefficient)
                continue
            symbol = cache.setdefault(rest, sp.Symbol(f"_e{len(cache)}", positive=True))
            result *= symbol**coefficient
        return result

    return expr.replace(lambda node: isinstance(node, sp.exp), rewrite)


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
    normalizer = _Normalizer(setting, dims)
    left = normalizer.run(lhs.xreplace(dims).xreplace(assignment), {})
    right = normalizer.run(rhs.xreplace(dims).xreplace(assignment), {})
    constraint = _simplex_constraint(left - right, setting, dims)
    if _reduce((left - right).xreplace(constraint), setting) == 0:
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
