"""Deciding one step of a derivation: proven, refuted with a counterexample, or conditional.

Both sides are expanded (definitions, then derivatives). For a symbolic dimension ``n`` the
difference is proven zero with indexed sums and Kronecker deltas under ``1 <= index <= n``:
sums are made linear, ``Σ_k f(k)·δ_kj`` becomes ``f(j)``, closed sums become atoms, and every
pattern of equal and distinct free indices is checked with exponentials as positive symbols and
``cancel``. Independently the step is instantiated for ``n`` in {2, 3, 5} (or the document's own
concrete ``n``) with every index pattern and evaluated at random logits in high precision; a
disagreement there is a counterexample. A step that holds only for some index patterns is
``conditional`` unless the document stated that condition.

Examples
--------
>>> import sympy as sp
>>> i, j, k = sp.symbols("i j k", integer=True)
>>> n = sp.Symbol("n", integer=True, positive=True)
>>> z, S = sp.IndexedBase("z"), sp.IndexedBase("S")
>>> defs = Definitions.softmax(S, z, n)
>>> good = decide(sp.Derivative(S[i], z[j]), S[i] * (sp.KroneckerDelta(i, j) - S[j]), defs)
>>> good.verdict.value, good.method
('verified', 'symbolic (general n)')
>>> bad = decide(sp.Derivative(S[i], z[j]), S[i] * (1 - S[j]), defs)
>>> bad.verdict.value, bad.condition
('conditional', 'i = j')
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symsoft.check.definitions import (
    Definitions,
    Unsupported,
    fresh_bound,
    show,
    undefined_dependency,
)
from symsoft.check.entries import (
    COL,
    DOTS_NAME,
    INTERNAL,
    ROW,
    SHAPE_NAMES,
    VECTOR_FUNCTIONS,
    entries_of,
    is_matrix,
    is_vector_step,
    matrix_pairs,
)
from symsoft.check.sampling import (
    DIGITS,
    differ,
    evaluate,
    random_function,
    respect_facts,
    sample_point,
    show_value,
)
from symsoft.check.shapes import Kinds, free_indices, free_only_on_one_side, ill_typed
from symsoft.check.written import broken_entry
from symsoft.proof.budget import Timeout, budget
from symsoft.proof.patterns import Pattern as _Pattern
from symsoft.proof.patterns import index_patterns
from symsoft.verdict import Verdict

__all__ = ["Decision", "Definitions", "decide"]

#: Dimensions a symbolic ``n`` is instantiated with.
TRIAL_DIMENSIONS = (2, 3, 5)
#: Random points per index pattern in the numeric comparison.
POINTS = 3
_MAX_FREE_INDICES = 6


@dataclass(frozen=True)
class Decision:
    """The verdict on one step and the evidence for it."""

    verdict: Verdict
    method: str
    detail: str
    counterexample: dict[str, Any] | None = None
    #: the index condition under which a conditional step holds
    condition: str | None = None
    #: definitions expanded (``"S_i (line 3)"``) and pattern extensions (``"y_1 → y_2"``)
    expanded: tuple[str, ...] = ()
    extended: tuple[str, ...] = ()


def _do_derivatives(expr: Any) -> Any:
    """Evaluate every ``Derivative`` (innermost first) without touching sums."""
    if not isinstance(expr, sp.Basic) or expr.is_Atom or isinstance(expr, sp.Indexed):
        return expr
    if isinstance(expr, sp.Derivative):
        result = _do_derivatives(expr.expr)
        for variable, count in expr.variable_count:
            result = sp.diff(result, variable, count)
        return result
    if not expr.has(sp.Derivative):
        return expr
    return expr.func(*[_do_derivatives(arg) for arg in expr.args])


def _linear_sums(expr: Any, n: Any) -> Any:
    """Make sums linear and resolve ``Σ_k f(k)·δ_{k,j} = f(j)`` under ``1 <= j <= n``."""
    if not isinstance(expr, sp.Basic) or expr.is_Atom or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum):
        body = _linear_sums(expr.function, n)
        limits = list(expr.limits)
        for variable, low, high in reversed(limits):
            body = _sum_of(body, variable, low, high, n)
        return body
    return expr.func(*[_linear_sums(arg, n) for arg in expr.args])


def _sum_of(body: Any, k: Any, low: Any, high: Any, n: Any) -> Any:
    if sp.count_ops(body) > 400:
        raise Unsupported("a summand too large to expand")
    if body.has(sp.log):
        # logits are real: log(e^{z_k} / Σ) = z_k − log Σ, so the sum splits
        body = _log_exp(sp.expand_log(body, force=True))
    total = sp.S.Zero
    for term in sp.Add.make_args(sp.expand(body)):
        coeff, dependent = term.as_independent(k, as_Add=False)
        if dependent == 1:
            total += coeff * (high - low + 1)
            continue
        delta = next(
            (
                factor
                for factor in sp.Mul.make_args(dependent)
                if isinstance(factor, sp.KroneckerDelta) and k in factor.free_symbols
            ),
            None,
        )
        if delta is not None:
            other = delta.args[1] if delta.args[0] == k else delta.args[0]
            if k not in other.free_symbols and _in_range(other, low, high, n):
                total += coeff * (dependent / delta).xreplace({k: other})
                continue
        if isinstance(low, sp.Integer) and isinstance(high, sp.Integer) and high - low < 50:
            total += coeff * sp.Add(*[dependent.xreplace({k: v}) for v in range(low, high + 1)])
            continue
        total += coeff * sp.Sum(dependent, (k, low, high))
    return total


def _log_exp(expr: Any) -> Any:
    """log(exp(a)) = a for real a (the logits, and sums of them, are real)."""
    return expr.replace(
        lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.exp),
        lambda e: e.args[0].args[0],
    )


def _in_range(index: Any, low: Any, high: Any, n: Any) -> bool:
    """Whether ``low <= index <= high`` holds for every index of a vector of length ``n``."""
    if isinstance(index, sp.Integer) and isinstance(low, sp.Integer):
        if isinstance(high, sp.Integer):
            return bool(low <= index <= high)
        return low <= index and high == n  # z_c is written, so n >= c
    # a free index met by a sum over 1..m is one of the m positions that sum runs over
    return low == 1 and (high == n or (isinstance(high, sp.Symbol) and bool(high.is_integer)))


def _canonical_sums(expr: Any, depth: int = 0) -> Any:
    """Give bound variables fixed names so equal sums written with k and l compare equal."""
    if not isinstance(expr, sp.Basic) or expr.is_Atom or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum):
        body, limits = expr.function, []
        for offset, (variable, low, high) in enumerate(expr.limits):
            canon = sp.Symbol(f"κ{depth + offset}", integer=True)
            body = body.xreplace({variable: canon})
            limits.append((canon, low, high))
        return sp.Sum(_canonical_sums(body, depth + len(limits)), *limits)
    return expr.func(*[_canonical_sums(arg, depth) for arg in expr.args])


def _fact_sums(defs: Definitions) -> dict[Any, Any]:
    out = {}
    for base, total in defs.facts:
        k = sp.Dummy("k", integer=True)
        out[_canonical_sums(sp.Sum(base[k], (k, 1, defs.dimension)))] = total
    return out


def _row_facts(expr: Any, defs: Definitions) -> Any:
    """``Σ_k t_{r,k}`` → the stated total, for every row r of a batch (``Σ_k t_{nk} = 1``)."""
    totals = dict(defs.facts)

    def stated(node: Any) -> bool:
        if not (isinstance(node, sp.Sum) and len(node.limits) == 1):
            return False
        k, low, high = node.limits[0]
        body = node.function
        return (
            isinstance(body, sp.Indexed)
            and body.base in totals
            and len(body.indices) == 2
            and body.indices[1] == k
            and k not in body.indices[0].free_symbols
            and low == 1
            and high == defs.dimension
        )

    return expr.replace(stated, lambda node: totals[node.function.base]) if totals else expr


def _free_indices(expr: Any, n: Any) -> set[Any]:
    """Index symbols free in ``expr`` (derivative variables too), the dimension ``n`` aside."""
    return set(free_indices(expr, frozenset({n})))


def _integer_indices(expr: Any) -> set[sp.Integer]:
    found: set[sp.Integer] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Indexed):
            found.update(i for i in node.indices if isinstance(i, sp.Integer))
        elif isinstance(node, sp.KroneckerDelta):
            found.update(i for i in node.args if isinstance(i, sp.Integer))
    return found


def _patterns(symbols: set[Any], integers: set[Any], conditions: Iterable[Any]) -> list[_Pattern]:
    if len(symbols) > _MAX_FREE_INDICES:
        raise Unsupported(f"{len(symbols)} free indices (at most {_MAX_FREE_INDICES} are checked)")
    return index_patterns(symbols, integers, conditions)


def _apply_pattern(expr: Any, pattern: _Pattern) -> Any:
    expr = expr.xreplace(pattern.mapping)
    representatives = set(pattern.mapping.values())

    def delta(node: Any) -> Any:
        a, b = node.args
        if a == b:
            return sp.S.One
        if a in representatives and b in representatives:
            return sp.S.Zero
        return node

    def relation(node: Any) -> Any:
        a, b = node.args
        if a in representatives and b in representatives:
            same = a == b
            return sp.true if same == isinstance(node, sp.Eq) else sp.false
        return node

    expr = expr.replace(lambda e: isinstance(e, sp.KroneckerDelta), delta)
    return expr.replace(lambda e: isinstance(e, (sp.Eq, sp.Ne)), relation)


def _known_deltas(expr: Any, conditions: tuple[Any, ...], n: Any, minimum_n: int) -> Any:
    """δ(a, b) = 0 for a stated ``a ≠ b``; δ(c, n − m) = 0 when n ≥ minimum_n puts c below."""
    unequal = {frozenset(c.args) for c in conditions if isinstance(c, sp.Ne) and len(c.args) == 2}

    def delta(node: Any) -> Any:
        a, b = node.args
        if frozenset((a, b)) in unequal:
            return sp.S.Zero
        for c, other in ((a, b), (b, a)):
            offset = n - other
            if (
                isinstance(c, sp.Integer)
                and isinstance(offset, sp.Integer)
                and c < minimum_n - offset
            ):
                return sp.S.Zero
        return node

    return expr.replace(lambda e: isinstance(e, sp.KroneckerDelta), delta)


def _cases_as_deltas(expr: Any) -> Any:
    """``{A if a = b, B if a ≠ b}`` over two index letters as ``δ_ab A + (1 − δ_ab) B``, which a
    sum over a or b collapses (``Σ_i {t_i(y_i − 1) if i = j, t_i y_j otherwise}``)."""

    def delta_form(piecewise: Any) -> Any:
        (first, when), (second, other) = piecewise.args
        if isinstance(when, sp.Ne):
            (first, when), (second, other) = (second, other), (first, when)
        delta = sp.KroneckerDelta(*when.args)
        return delta * first + (1 - delta) * second

    def index_cases(piecewise: Any) -> bool:
        if not isinstance(piecewise, sp.Piecewise) or len(piecewise.args) != 2:
            return False
        conditions = [piecewise.args[0].cond, piecewise.args[1].cond]
        equal = [c for c in conditions if isinstance(c, sp.Eq)]
        if len(equal) != 1 or not all(
            isinstance(side, sp.Symbol) and side.is_integer for side in equal[0].args
        ):
            return False
        other = conditions[1] if conditions[0] is equal[0] else conditions[0]
        otherwise = other is sp.true and conditions[1] is other
        return otherwise or (isinstance(other, sp.Ne) and set(other.args) == set(equal[0].args))

    return expr.replace(index_cases, delta_form) if expr.has(sp.Piecewise) else expr


def _is_zero(expr: Any, variable: Any) -> bool:
    """True when ``expr`` is identically zero with exponentials as positive symbols."""
    if expr == 0:
        return True
    positives: dict[Any, Any] = {}
    reals: dict[Any, Any] = {}
    for number, sum_ in enumerate(sorted(expr.atoms(sp.Sum), key=str)):
        probe = sum_.function.xreplace(
            {x: sp.Symbol("r", real=True) for x in sum_.function.atoms(sp.Indexed)}
        )
        positives[sum_] = sp.Symbol(f"Σ{number}", positive=bool(probe.is_positive))
    expr = expr.xreplace(positives)
    for indexed in expr.atoms(sp.Indexed):
        name = f"{indexed.base.label}_{'_'.join(map(str, indexed.indices))}"
        if indexed.base == variable:
            reals[indexed] = sp.log(sp.Symbol(f"E_{name}", positive=True))
        else:
            reals[indexed] = sp.Symbol(name, real=True)
    expr = sp.expand(expr.xreplace(reals), mul=False, multinomial=False, power_exp=True)
    if expr.has(sp.log):
        expr = sp.expand_log(expr, force=True)
    try:
        if sp.cancel(sp.together(expr)) == 0:
            return True
    except (sp.PolynomialError, TypeError, ValueError):
        pass
    if sp.count_ops(expr) < 80:
        return bool(sp.simplify(expr) == 0)
    return False


# ---------------------------------------------------------------------------------------
# concrete instances and numbers
# ---------------------------------------------------------------------------------------


def _do_sums(expr: Any) -> Any:
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum):
        body = _do_sums(expr.function)
        for variable, low, high in reversed(expr.limits):
            if not (isinstance(low, sp.Integer) and isinstance(high, sp.Integer)):
                raise Unsupported("a sum whose bounds are not numbers after instantiation")
            if high - low > 200:
                raise Unsupported("a sum of more than 200 terms")
            body = sp.Add(*[body.xreplace({variable: v}) for v in range(low, high + 1)])
        return body
    return expr.func(*[_do_sums(arg) for arg in expr.args])


def _instantiate(
    expr: Any,
    n_value: int | None,
    values: dict[Any, Any],
    defs: Definitions,
    functions: dict[Any, Any],
) -> Any:
    substitution = dict(values)
    if n_value is not None:
        substitution[defs.dimension] = sp.Integer(n_value)
        for dimension in defs.extra:
            substitution[dimension] = sp.Integer(n_value)
    expr = defs.expand(expr.xreplace(substitution)).xreplace(substitution)
    expr = _do_sums(expr)
    for function, replacement in functions.items():
        expr = expr.replace(function, replacement)
    expr = _do_sums(_do_derivatives(expr))
    if n_value is not None:
        for base, total in defs.facts:
            last = total - sp.Add(*[base[k] for k in range(1, n_value)])
            expr = expr.xreplace({base[n_value]: last})
            rows = {
                x.indices[0]
                for x in expr.atoms(sp.Indexed)
                if x.base == base and len(x.indices) == 2 and x.indices[1] == n_value
            }
            for row in rows:
                rest = total - sp.Add(*[base[row, k] for k in range(1, n_value)])
                expr = expr.xreplace({base[row, n_value]: rest})
    return expr


# ---------------------------------------------------------------------------------------
# the decision
# ---------------------------------------------------------------------------------------


def decide(
    lhs: Any,
    rhs: Any,
    defs: Definitions,
    *,
    conditions: Iterable[Any] = (),
    timeout: float = 5.0,
    seed: int = 0,
    concrete_n: int = 0,
) -> Decision:
    """Decide ``lhs = rhs`` under the index ``conditions`` stated in scope.

    ``concrete_n`` is the document's own dimension when it only ever writes concrete indices
    (``x_1 … x_4``); a symbolic dimension is instantiated with :data:`TRIAL_DIMENSIONS`.
    """
    defs.used, defs.extended = set(), set()
    conditions = tuple(conditions)
    if any(isinstance(side, sp.Basic) and side.has(sp.nan, sp.zoo) for side in (lhs, rhs)):
        return Decision(
            Verdict.NOT_DECIDED, "none", "a side is not a finite number (0/0 or a division by 0)"
        )
    if lhs == rhs and isinstance(lhs, sp.Basic):
        return Decision(Verdict.VERIFIED, "identical", "both sides are the same expression")
    _chain_from_step(lhs, rhs, defs)
    lhs, rhs = fresh_bound(defs.unify(lhs)), fresh_bound(defs.unify(rhs))
    try:
        if is_matrix(lhs) or is_matrix(rhs):
            decision = _decide_matrix(lhs, rhs, defs, conditions, timeout, seed, concrete_n)
        elif is_vector_step(lhs, defs) or is_vector_step(rhs, defs):
            decision = _decide_vector(lhs, rhs, defs, conditions, timeout, seed, concrete_n)
        else:
            decision = _decide_scalar(lhs, rhs, defs, conditions, timeout, seed, concrete_n)
    except Unsupported as error:
        decision = Decision(Verdict.NOT_UNDERSTOOD, "none", str(error))
    except (RecursionError, MemoryError):
        decision = Decision(Verdict.NOT_UNDERSTOOD, "none", "expression too large to decide")
    except Timeout:
        decision = Decision(Verdict.NOT_DECIDED, "none", f"time budget of {timeout:g} s ran out")
    except Exception as error:  # one odd step must not stop the document
        decision = Decision(
            Verdict.NOT_DECIDED, "none", f"could not decide ({type(error).__name__}: {error})"
        )
    if decision.verdict not in (Verdict.VERIFIED, Verdict.VERIFIED_NUMERICALLY):
        decision = _written_pattern(lhs, rhs, defs, decision)
    if decision.verdict not in (Verdict.VERIFIED, Verdict.VERIFIED_NUMERICALLY, Verdict.REFUTED):
        decision = _typed(lhs, rhs, defs, conditions, decision)
    return Decision(
        decision.verdict,
        decision.method,
        decision.detail,
        decision.counterexample,
        decision.condition,
        tuple(sorted(defs.used)),
        tuple(sorted(defs.extended)),
    )


def _written_pattern(lhs: Any, rhs: Any, defs: Definitions, decision: Decision) -> Decision:
    """A written-out matrix whose one entry breaks the general term of the others is wrong
    there, whatever the other side reads as."""
    for side in (lhs, rhs):
        broken = broken_entry(side, defs.dimension)
        if broken is not None:
            evidence = f"; {decision.detail}" if decision.verdict is Verdict.REFUTED else ""
            return Decision(
                Verdict.REFUTED,
                "written-out pattern",
                broken.describe() + evidence,
                decision.counterexample,
            )
    return decision


def _typed(
    lhs: Any, rhs: Any, defs: Definitions, conditions: tuple[Any, ...], decision: Decision
) -> Decision:
    """A step that did not pass and is ill-typed under every reading is refuted for that.

    Only a failing or undecided step is typed: a step that holds needs no typing, and typing
    it would cost time on every correct step."""
    kinds = _kinds(lhs, rhs, defs)
    why = ill_typed(lhs, rhs, kinds)
    if why is None:
        fixed = {defs.dimension, *defs.extra}
        fixed |= {s for c in conditions for s in c.free_symbols if isinstance(s, sp.Symbol)}
        fixed |= {sp.Symbol(name, integer=True) for name in defs.fixed}
        why = free_only_on_one_side(lhs, rhs, kinds, frozenset(fixed))
    if why is None:
        return decision
    if decision.verdict is Verdict.CONDITIONAL:
        # "holds when j = k" already says the step fails; the index slip is why
        return replace(decision, detail=f"{decision.detail}; ill-typed: {why}")
    evidence = "" if decision.verdict is Verdict.NOT_UNDERSTOOD else f"; {decision.detail}"
    return Decision(
        Verdict.REFUTED, "typed", f"ill-typed: {why}{evidence}", decision.counterexample
    )


def _entry_of(entry: sp.Indexed, variable: Any = None) -> bool:
    """Whether ``entry`` is an entry (integer indices), not a labelled name (``J_{\\mathbf x}``,
    subscripted with the vector the document differentiates by)."""
    return all(index.is_integer and str(index) != str(variable) for index in entry.indices)


def _kinds(lhs: Any, rhs: Any, defs: Definitions) -> Kinds:
    """What each name of the step is, from the definitions and the entries the document writes."""
    variable = defs.variable.label
    counts = dict(defs.entries)
    for (kind, name), (left, _, _) in defs.table.items():
        if kind == "indexed" and isinstance(left, sp.Indexed) and _entry_of(left, variable):
            counts[name] = counts.get(name, frozenset()) | {len(left.indices)}
    for side in (lhs, rhs):
        if isinstance(side, sp.Basic):
            for entry in side.atoms(sp.Indexed):
                if _entry_of(entry, defs.variable.label):
                    name = str(entry.base.label)
                    counts[name] = counts.get(name, frozenset()) | {len(entry.indices)}
    # a letter only guessed to be the softmax (never written with entries) stays untyped: a
    # typing refutation must not rest on a guess
    vectors = {name for name, c in counts.items() if c == {1}} | {str(defs.variable.label)}
    return Kinds(
        vectors=frozenset(vectors),
        matrices=frozenset(name for name, c in counts.items() if c == {2}),
        rows=frozenset(name for name, c in counts.items() if len(c) > 1),
        definitions={
            name: value
            for (kind, name), (_, value, _) in defs.table.items()
            if kind == "symbol" and name not in counts
        },
    )


def _chain_from_step(lhs: Any, rhs: Any, defs: Definitions) -> None:
    """A step that writes ∂L/∂s_i for an undefined L treats L as a function of s."""
    for side in (lhs, rhs):
        if not isinstance(side, sp.Basic):
            continue
        for derivative in side.atoms(sp.Derivative):
            inner, variables = derivative.expr, derivative.variables
            if (
                isinstance(inner, sp.Symbol)
                and not inner.is_integer
                and ("symbol", inner.name) not in defs.table
                and inner.name not in defs.chain
                and len(variables) == 1
                and isinstance(variables[0], sp.Indexed)
                and variables[0].base != defs.variable
            ):
                defs.chain[inner.name] = variables[0].base


def _check_notation(expr: Any, defs: Definitions) -> None:
    for applied in expr.atoms(AppliedUndef):
        if applied.func.__name__ in VECTOR_FUNCTIONS:
            raise Unsupported(
                f"vector notation ({applied.func.__name__}) is not checked entry-wise yet"
            )
    for total in expr.atoms(sp.Sum):
        if any(low == 0 and not high.is_number for _, low, high in total.limits):
            # free indices are instantiated in 1..n: with Σ_{k=0}^{N-1} the last index would
            # fall outside the sum and give a false counterexample
            raise Unsupported("a sum from 0 to N - 1 (0-based indices) is not read")
    names = {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    if DOTS_NAME in names:
        raise Unsupported("dots outside a matrix or a written-out sum")
    if "ones" in names:
        raise Unsupported("the all-ones vector is not checked entry-wise yet")
    for derivative in expr.atoms(sp.Derivative):
        for variable, _ in derivative.variable_count:
            if (
                isinstance(variable, sp.Symbol)
                and variable.name == str(defs.variable.label)
                # f'(x) with a scalar x is fine; entries x_i of it in the function are not
                and (
                    variable not in derivative.expr.free_symbols
                    or any(x.base.label == variable for x in derivative.expr.atoms(sp.Indexed))
                )
            ):
                raise Unsupported(
                    f"a derivative by the whole vector {variable.name} outside a written-out matrix"
                )
    for derivative in expr.atoms(sp.Derivative):
        inner = derivative.expr
        if (
            isinstance(inner, sp.Symbol)
            and not inner.is_integer
            and inner != defs.dimension
            and all(inner != v for v, _ in derivative.variable_count)
        ):
            raise Unsupported(
                f"derivative of {inner}, which the document does not define as a function"
            )
        if isinstance(inner, sp.Indexed) and any(
            isinstance(v, sp.Indexed) and v.base != inner.base for v, _ in derivative.variable_count
        ):
            raise Unsupported(undefined_dependency(inner, derivative))
        if isinstance(inner, AppliedUndef) and any(
            isinstance(v, sp.Indexed) and not inner.has(v.base)
            for v, _ in derivative.variable_count
        ):
            # ``∂ CE(y, \hat y) / ∂θ_k`` with CE never defined: not 0
            raise Unsupported(undefined_dependency(inner, derivative))
    if expr.has(sp.Integral, sp.Limit):
        raise Unsupported("integrals and limits are not checked")


def _scalar_exponents(expr: Any) -> set[Any]:
    return {
        power.args[0]
        for power in expr.atoms(sp.exp)
        if isinstance(power.args[0], sp.Symbol) and not power.args[0].is_integer
    }


def _check_same_variables(sides: list[Any], defs: Definitions) -> None:
    """``y_1 = e^x / (e^x + e^y)`` after ``y_k = e^{a_k} / Σ_j e^{a_j}``: a worked example that
    renames the logits; and ``∂y_1/∂x`` by a letter the expanded side does not contain."""
    logits = [side.has(defs.variable) for side in sides]
    scalars = [_scalar_exponents(side) for side in sides]
    for k in (0, 1):
        renamed = scalars[k] and not logits[k] and logits[1 - k]
        if renamed and not scalars[k] & sides[1 - k].free_symbols:
            names = ", ".join(sorted(str(s) for s in scalars[k]))
            raise Unsupported(f"one side exponentiates {names}, the other the logits: renamed?")
    for side in sides:
        for derivative in side.atoms(sp.Derivative):
            for by, _ in derivative.variable_count:
                if (
                    isinstance(by, sp.Symbol)
                    and not by.is_integer
                    and by not in derivative.expr.free_symbols
                    and derivative.expr.has(defs.variable)
                ):
                    raise Unsupported(
                        f"a derivative by {by}, which the differentiated expression does not "
                        "contain (logits renamed?)"
                    )


def _leaked_index(lhs: Any, rhs: Any, conditions: tuple[Any, ...], n: Any) -> str | None:
    """A summation index used outside its sum: bound on one side, free on the other only."""
    bound: set[str] = set()
    for side in (lhs, rhs):
        for sum_ in side.atoms(sp.Sum):
            bound.update(limit[0].name for limit in sum_.limits)
    mentioned = {str(s) for condition in conditions for s in condition.free_symbols}
    left = {str(s) for s in _free_indices(lhs, n)}
    right = {str(s) for s in _free_indices(rhs, n)}
    for name in sorted(left ^ right):
        if name in bound and name not in mentioned:
            return name
    return None


def _assign(
    pattern: _Pattern, n_value: int, conditions: tuple[Any, ...] = (), n: Any = None
) -> dict[Any, Any] | None:
    taken = {int(x) for x in pattern.mapping.values() if isinstance(x, sp.Integer)}
    if any(t > n_value for t in taken):
        return None
    # a stated "q ≠ n" keeps q off the last index
    forbidden: dict[Any, set[int]] = {}
    for condition in conditions:
        if isinstance(condition, sp.Ne) and n is not None:
            a, b = condition.args
            if n in b.free_symbols and a in pattern.mapping:
                forbidden.setdefault(pattern.mapping[a], set()).add(int(b.subs(n, n_value)))
            elif n in a.free_symbols and b in pattern.mapping:
                forbidden.setdefault(pattern.mapping[b], set()).add(int(a.subs(n, n_value)))
    chosen: dict[Any, Any] = {}
    for block in pattern.blocks:
        if isinstance(block[0], sp.Integer):
            value = block[0]
        else:
            options = [
                v
                for v in range(1, n_value + 1)
                if v not in taken and v not in forbidden.get(block[0], set())
            ]
            if not options:
                return None
            value = sp.Integer(options[0])
            taken.add(options[0])
        for member in block:
            if not isinstance(member, sp.Integer):
                chosen[member] = value
    return chosen


def _has_unexpanded(expr: Any, defs: Definitions) -> bool:
    keys = {name for kind, name in defs.table if kind == "indexed"}
    return any(str(x.base.label) in keys for x in expr.atoms(sp.Indexed))


def _decide_scalar(
    lhs: Any,
    rhs: Any,
    defs: Definitions,
    conditions: tuple[Any, ...],
    timeout: float,
    seed: int,
    concrete_n: int,
    minimum_n: int = 1,
) -> Decision:
    started = time.monotonic()
    n = defs.dimension
    expanded = [defs.expand(lhs), defs.expand(rhs)]
    for side in expanded:
        _check_notation(side, defs)
    _check_same_variables(expanded, defs)
    # other letters bounding sums (m rows of a batch) are dimensions too, tried like n
    defs.extra = {
        limit[2]
        for side in expanded
        for sum_ in side.atoms(sp.Sum)
        for limit in sum_.limits
        if isinstance(limit[2], sp.Symbol) and limit[2] != n
    }
    symbolic_n = not concrete_n and any(
        n in side.free_symbols or side.free_symbols & defs.extra for side in expanded
    )
    free = _free_indices(lhs, n) | _free_indices(rhs, n)
    for side in expanded:
        free |= _free_indices(side, n)
    free -= defs.extra
    for condition in conditions:
        free |= {s for s in condition.free_symbols if isinstance(s, sp.Symbol) and s != n}
    integers = _integer_indices(expanded[0]) | _integer_indices(expanded[1])
    # a sum from k = 2 makes index 1 (and 2) special: try free indices on and off them
    bounds = {
        limit[1]
        for side in expanded
        for sum_ in side.atoms(sp.Sum)
        for limit in sum_.limits
        if isinstance(limit[1], sp.Integer) and limit[1] > 1
    }
    if bounds and free:
        integers |= bounds | {sp.Integer(1)}
    patterns = _patterns(free, integers, conditions)
    if not patterns:
        return Decision(
            Verdict.NOT_DECIDED, "none", "the conditions in scope contradict each other"
        )
    leak = _leaked_index(lhs, rhs, conditions, n)

    proven: dict[int, bool] = {}
    notes: list[str] = []
    if symbolic_n:
        try:
            with budget(timeout):
                for number, pattern in enumerate(patterns):
                    sides = [defs.expand(_apply_pattern(side, pattern)) for side in (lhs, rhs)]
                    if any(_has_unexpanded(side, defs) for side in sides):
                        notes.append("a definition written for a concrete index needs values")
                        break
                    difference = _do_derivatives(sides[0]) - _do_derivatives(sides[1])
                    difference = _cases_as_deltas(_apply_pattern(difference, pattern))
                    difference = _known_deltas(difference, conditions, n, minimum_n)
                    difference = _canonical_sums(_linear_sums(difference, n))
                    difference = _row_facts(difference.xreplace(_fact_sums(defs)), defs)
                    proven[number] = _is_zero(difference, defs.variable)
        except Timeout:
            notes.append(
                f"symbolic proof stopped at the {timeout:g} s time budget; fell back to instances"
            )
        except (sp.PolynomialError, TypeError, ValueError, NotImplementedError) as error:
            notes.append(f"symbolic proof failed ({type(error).__name__})")
    if symbolic_n:
        dimensions = tuple(d for d in TRIAL_DIMENSIONS if d >= minimum_n) or (
            minimum_n,
            minimum_n + 1,
        )
    else:
        dimensions = (concrete_n or max([3, *map(int, integers)]),)

    proven_all = len(proven) == len(patterns) and all(proven.values())
    rng = random.Random(seed)
    good: dict[int, list[int]] = {}
    bad: dict[int, dict[str, Any]] = {}
    exact: dict[tuple[int, int], bool] = {}
    checked = 0
    try:
        with budget(max(timeout, 1.0)):
            for n_value in dimensions:
                for number, pattern in enumerate(patterns):
                    values = _assign(pattern, n_value, conditions, n)
                    if values is None:
                        continue
                    plain = [_instantiate(s, n_value, values, defs, {}) for s in (lhs, rhs)]
                    if any(
                        side.has(sp.Derivative, sp.Sum) and not side.atoms(AppliedUndef)
                        for side in plain
                    ):
                        raise Unsupported("a derivative or sum that does not evaluate")
                    if not symbolic_n:
                        exact[(number, n_value)] = _is_zero(plain[0] - plain[1], defs.variable)
                    functions = {
                        f.func: random_function(rng)
                        for side in plain
                        for f in sorted(side.atoms(AppliedUndef), key=sp.default_sort_key)
                    }
                    if functions:
                        sides = [
                            _instantiate(s, n_value, values, defs, functions) for s in (lhs, rhs)
                        ]
                    else:
                        sides = plain
                    # a proven step is only cross-checked: one point per instance suffices
                    found = _compare(sides, rng, 1 if proven_all else POINTS, defs.facts, n_value)
                    checked += 1
                    if isinstance(found, dict):
                        if number not in bad:
                            bad[number] = {
                                "n": n_value if symbolic_n or concrete_n else None,
                                "indices": {
                                    str(k): int(v) for k, v in sorted(values.items(), key=str)
                                },
                                **found,
                                **(
                                    {
                                        "functions": {
                                            str(f): str(g.expr) for f, g in functions.items()
                                        }
                                    }
                                    if functions
                                    else {}
                                ),
                            }
                    elif found:
                        good.setdefault(number, []).append(n_value)
    except Timeout:
        notes.append("numeric comparison stopped at the time budget")
    elapsed = time.monotonic() - started
    # a `cases` expression states its own conditions: a wrong branch is wrong, not conditional
    cases = any(
        piecewise.has(sp.Eq, sp.Ne) for side in (lhs, rhs) for piecewise in side.atoms(sp.Piecewise)
    )
    return _verdict(
        patterns,
        proven,
        good,
        bad,
        exact,
        leak,
        symbolic_n,
        dimensions,
        checked,
        notes,
        conditions,
        elapsed,
        cases,
        any(side.atoms(AppliedUndef) for side in expanded),
    )


def _compare(
    sides: list[Any],
    rng: random.Random,
    points: int = POINTS,
    facts: Iterable[tuple[Any, Any]] = (),
    n_value: int | None = None,
) -> dict[str, Any] | bool:
    """A counterexample dict, True if the sides agree at every point, False if undecidable."""
    agreed = 0
    for _ in range(points * 3):
        point = sample_point(sides, rng)
        eliminated = respect_facts(point, facts, n_value, rng)
        left, right = (evaluate(side, point) for side in sides)
        differs = differ(left, right)
        if differs is None:
            continue
        if differs:
            shown = sorted({**point, **eliminated}.items(), key=str)
            logits = {show(k): float(v) for k, v in shown}
            return {"logits": logits, "lhs": show_value(left), "rhs": show_value(right)}
        agreed += 1
        if agreed >= points:
            return True
    return False


def _show_condition(condition: Any) -> str:
    if isinstance(condition, (sp.Eq, sp.Ne)):
        a, b = condition.args
        return f"{a} {'=' if isinstance(condition, sp.Eq) else '≠'} {b}"
    return str(condition)


def _describe(patterns: list[_Pattern], bad: dict[int, Any]) -> str | None:
    """The simplest index condition that holds exactly on the patterns where the step holds."""
    ok = {number for number in range(len(patterns)) if number not in bad}
    elements = sorted({x for p in patterns for x in p.mapping}, key=str)
    relations = []
    for a, b in itertools.combinations(elements, 2):
        if isinstance(a, sp.Integer) and isinstance(b, sp.Integer):
            continue
        relations.append((f"{a} = {b}", lambda p, a=a, b=b: p.equal(a, b)))
        relations.append((f"{a} ≠ {b}", lambda p, a=a, b=b: not p.equal(a, b)))
    for text, test in relations:
        if {number for number, p in enumerate(patterns) if test(p)} == ok:
            return text
    common = [
        (text, test) for text, test in relations if all(test(patterns[number]) for number in ok)
    ]
    if (
        common
        and {number for number, p in enumerate(patterns) if all(test(p) for _, test in common)}
        == ok
    ):
        return ", ".join(text for text, _ in common)
    return None


def _verdict(
    patterns: list[_Pattern],
    proven: dict[int, bool],
    good: dict[int, list[int]],
    bad: dict[int, dict[str, Any]],
    exact: dict[tuple[int, int], bool],
    leak: str | None,
    symbolic_n: bool,
    dimensions: tuple[int, ...],
    checked: int,
    notes: list[str],
    conditions: tuple[Any, ...],
    elapsed: float,
    cases: bool = False,
    abstract: bool = False,
) -> Decision:
    stated = ", ".join(_show_condition(c) for c in conditions)
    under = f" under {stated} (stated in the document)" if stated else ""
    sizes = ", ".join(map(str, dimensions))
    note = ("; " + "; ".join(notes)) if notes else ""
    if bad:
        number = min(bad)
        example = bad[number]
        where = patterns[number].describe()
        at = ", ".join(f"{k} = {v}" for k, v in (example.get("indices") or {}).items())
        when = f" when {where}" if where else f" at {at}" if at else ""
        values = f"lhs = {example['lhs']}, rhs = {example['rhs']}"
        if leak:
            return Decision(
                Verdict.REFUTED,
                "instantiated",
                f"summation index {leak} is used outside its sum; the sides differ{when}: {values}",
                example,
            )
        if len(bad) < len(patterns) and not cases:
            condition = _describe(patterns, bad)
            if condition and INTERNAL & set(condition.replace(",", " ").split()):
                condition = None  # a condition on dz's index is a wrong differential
            if condition:
                return Decision(
                    Verdict.CONDITIONAL,
                    "instantiated",
                    f"holds when {condition}{under}, fails{when}: {values}",
                    example,
                    condition,
                )
        return Decision(
            Verdict.REFUTED,
            "instantiated",
            f"the sides differ{under}{when}"
            + (f" (n = {example['n']})" if example["n"] else "")
            + f": {values}",
            example,
        )
    if checked == 0:
        return Decision(Verdict.NOT_DECIDED, "none", "no instance could be evaluated" + note)
    exact_proof = not symbolic_n and exact and all(exact.values())
    if not good and not exact_proof:
        # a point where a side is 0/0 or overflows says nothing: agreement needs finite values
        return Decision(
            Verdict.NOT_DECIDED,
            "none",
            "no sample point gave a finite value on both sides, so nothing agreed" + note,
        )
    patterns_text = f"{len(patterns)} index pattern{'s' if len(patterns) != 1 else ''}"
    if symbolic_n and len(proven) == len(patterns) and all(proven.values()):
        return Decision(
            Verdict.VERIFIED,
            "symbolic (general n)",
            f"proven for symbolic n{under} over {patterns_text} (indexed sums, Kronecker deltas, "
            f"1 <= indices <= n); cross-checked numerically at n = {sizes}",
        )
    if not symbolic_n and exact and all(exact.values()):
        if any(p.mapping for p in patterns) or dimensions != (3,):
            return Decision(
                Verdict.VERIFIED,
                f"exact (n = {sizes})",
                f"exact rational identity for n = {sizes}{under} over {patterns_text}",
            )
        return Decision(
            Verdict.VERIFIED,
            "symbolic",
            f"exact identity{under}" + (" over undefined functions" if abstract else ""),
        )
    return Decision(
        Verdict.VERIFIED_NUMERICALLY,
        "numeric (probabilistic)",
        f"agrees at {POINTS} random points per case in {DIGITS}-digit precision for n = {sizes}"
        f"{under} over {patterns_text}; no symbolic proof{note}",
    )


# ---------------------------------------------------------------------------------------
# written-out matrices
# ---------------------------------------------------------------------------------------


def _decide_matrix(
    lhs: Any,
    rhs: Any,
    defs: Definitions,
    conditions: tuple[Any, ...],
    timeout: float,
    seed: int,
    concrete_n: int,
) -> Decision:
    pairs, size, labels = matrix_pairs(lhs, rhs, defs)
    # a matrix written 1, 2, …, q, …, n shows distinct rows and columns: n is at least the
    # number of written labels, and a symbolic label differs from the written ones
    minimum_n = len(labels)
    extra = tuple(
        sp.Ne(a, b)
        for a, b in itertools.combinations(labels, 2)
        if any(isinstance(x, sp.Symbol) and x != defs.dimension for x in (a, b))
    )
    conditions = conditions + extra
    if not pairs:
        raise Unsupported("a matrix with no written entries")
    if len(pairs) > 64:
        raise Unsupported(f"a matrix with {len(pairs)} entries (at most 64 are checked)")
    deadline = time.monotonic() + timeout
    results = []
    for where, a, b in pairs:
        remaining = max(0.2, deadline - time.monotonic())
        decision = _decide_scalar(
            a, b, defs, conditions, remaining, seed, size or concrete_n, minimum_n=minimum_n
        )
        results.append((where, decision))
    for verdict in (
        Verdict.REFUTED,
        Verdict.CONDITIONAL,
        Verdict.NOT_UNDERSTOOD,
        Verdict.NOT_DECIDED,
    ):
        for where, decision in results:
            if decision.verdict is verdict:
                return Decision(
                    verdict,
                    decision.method,
                    f"{where}: {decision.detail}",
                    decision.counterexample,
                    decision.condition,
                )
    numeric = [where for where, d in results if d.verdict is Verdict.VERIFIED_NUMERICALLY]
    methods = sorted({d.method for _, d in results})
    detail = f"all {len(results)} written entries checked ({', '.join(methods)})"
    if numeric:
        return Decision(
            Verdict.VERIFIED_NUMERICALLY,
            "numeric (probabilistic)",
            detail + f"; no symbolic proof for {', '.join(numeric)}",
        )
    return Decision(Verdict.VERIFIED, methods[0] if len(methods) == 1 else "symbolic", detail)


def _decide_vector(
    lhs: Any,
    rhs: Any,
    defs: Definitions,
    conditions: tuple[Any, ...],
    timeout: float,
    seed: int,
    concrete_n: int,
) -> Decision:
    left_shape, left = entries_of(lhs, defs)
    right_shape, right = entries_of(rhs, defs, hint=left_shape)
    if left_shape == "zero":
        left_shape, left = entries_of(lhs, defs, hint=right_shape)
    vectors = {left_shape, right_shape}
    if vectors == {"row", "col"}:
        # gᵀJ (a row) written equal to S ⊙ (…) (a column): compared as vectors
        left = left.xreplace({COL: ROW})
        right = right.xreplace({COL: ROW})
        left_shape = right_shape = "col"
    if "zero" not in (left_shape, right_shape) and left_shape != right_shape:
        # read as not-understood: the reader does not keep the order of a product
        raise Unsupported(f"a {SHAPE_NAMES[left_shape]} compared with a {SHAPE_NAMES[right_shape]}")
    decision = _decide_scalar(left, right, defs, conditions, timeout, seed, concrete_n)
    shape = left_shape if left_shape != "zero" else right_shape
    verdict = decision.verdict
    if verdict is Verdict.CONDITIONAL and INTERNAL & set(
        (decision.condition or "").replace(",", " ").split()
    ):
        # "holds off the diagonal" is a wrong matrix, not a condition the author could state
        verdict = Verdict.REFUTED
    return Decision(
        verdict,
        decision.method,
        f"read entry-wise as a {SHAPE_NAMES[shape]} (row, col): {decision.detail}",
        decision.counterexample,
        decision.condition,
    )
