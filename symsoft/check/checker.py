"""Checking a derivation document step by step: the public entry points of ``symsoft check``.

:func:`check_document` reads a file (or ``-`` for stdin) and :func:`check_text` a string; both
return a :class:`DocumentReport` with one :class:`StepResult` per step, in reading order.

Examples
--------
>>> report = check_text(r"$$\\frac{\\partial S_i}{\\partial z_j} = S_i(1 - S_j)$$")
>>> step = report.steps[0]
>>> step.verdict.value, step.condition
('conditional', 'i = j')
>>> report.summary
{'conditional': 1}
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sympy as sp

from symsoft.check.decide import Decision, decide
from symsoft.check.definitions import SOFTMAX_NAMES, Definitions
from symsoft.check.notation import Notation, read_notation, rebinding, with_names
from symsoft.check.notation import bases as _bases
from symsoft.check.notation import cross_entropy_targets as _cross_entropy_targets
from symsoft.check.notation import exponentiated as _exponentiated
from symsoft.check.notation import sides as _sides
from symsoft.check.plan import Plan, Step, Unread, build_plan
from symsoft.check.rounding import rounded
from symsoft.check.source import Document, read_document, read_text
from symsoft.check.written import row_offset
from symsoft.errors import DocumentError, UsageError
from symsoft.verdict import Verdict

__all__ = ["MAX_STEPS", "DocumentReport", "StepResult", "check_document", "check_text"]

_FAILING = (Verdict.REFUTED, Verdict.CONDITIONAL)
#: verdicts that fail only under ``--strict``
_UNSETTLED = (Verdict.NOT_UNDERSTOOD, Verdict.NOT_DECIDED, Verdict.DEPENDS_ON_READING)
_DECIDED = (Verdict.VERIFIED, Verdict.VERIFIED_NUMERICALLY, *_FAILING)
#: A document with more steps than this is not a derivation a person wrote; refuse it rather
#: than spend up to ``timeout`` seconds on each.
MAX_STEPS = 500
#: Seconds for a whole document, on top of each step's own budget: the steps left when it runs
#: out are reported not decided, so a long document of slow steps cannot run for hours.
DOCUMENT_TIMEOUT = 600.0


@dataclass(frozen=True)
class StepResult:
    """The verdict on one step: where it is, what it says, and the evidence."""

    line: int
    lhs: str
    rhs: str
    verdict: Verdict
    method: str
    detail: str
    counterexample: Mapping[str, Any] | None = None
    #: the index condition under which a ``conditional`` step holds
    condition: str | None = None
    #: in a notebook: the cell and the line within it (``line`` is the line of the file)
    cell: tuple[int, int] | None = None

    @property
    def where(self) -> str:
        """The place as a reader finds it: ``line 12``, or ``cell 3, line 2`` in a notebook."""
        if self.cell is None:
            return f"line {self.line}"
        return f"cell {self.cell[0]}, line {self.cell[1]}"

    def to_dict(self) -> dict[str, Any]:
        """The step as in ``symsoft check --json``."""
        return {
            "line": self.line,
            "lhs": self.lhs,
            "rhs": self.rhs,
            "verdict": self.verdict.value,
            "method": self.method,
            "detail": self.detail,
            "counterexample": dict(self.counterexample) if self.counterexample else None,
            **({"cell": {"index": self.cell[0], "line": self.cell[1]}} if self.cell else {}),
        }


@dataclass(frozen=True)
class DocumentReport:
    """All steps of one document, the count per verdict, and the definitions it used."""

    path: str
    steps: tuple[StepResult, ...]
    summary: Mapping[str, int]
    #: ``"S_i (line 3)"``, and how a definition was extended by pattern
    definitions: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether a step is refuted or conditional."""
        return any(step.verdict in _FAILING for step in self.steps)

    @property
    def understood(self) -> bool:
        """Whether every step was read and decided under the document's own reading, and at
        least one step was checked (``--strict`` fails otherwise)."""
        return any(step.verdict in _DECIDED for step in self.steps) and not any(
            step.verdict in _UNSETTLED for step in self.steps
        )

    def to_dict(self) -> dict[str, Any]:
        """The document as in ``symsoft check --json``."""
        return {
            "path": self.path,
            "steps": [step.to_dict() for step in self.steps],
            "summary": dict(self.summary),
        }

    def _repr_html_(self) -> str:
        """The report in Jupyter: each step marked by its verdict, the evidence one click away."""
        from symsoft.render.html import check_fragment

        return check_fragment([self])


def check_document(
    path: str | Path, *, timeout: float = 5.0, document_timeout: float = DOCUMENT_TIMEOUT
) -> DocumentReport:
    """Check every step of the derivation in the file ``path`` (``"-"`` reads stdin)."""
    _check_timeout(timeout)
    return _check(read_document(path), timeout=timeout, document_timeout=document_timeout)


def check_text(
    text: str,
    *,
    kind: str = "auto",
    path: str = "<string>",
    timeout: float = 5.0,
    document_timeout: float = DOCUMENT_TIMEOUT,
) -> DocumentReport:
    """Check every step of the derivation in ``text`` (Markdown or LaTeX source).

    Examples
    --------
    >>> text = "$$S_i = \\\\frac{e^{z_i}}{\\\\sum_k e^{z_k}}$$ $$S_i = S_i + 1$$"
    >>> check_text(text).steps[0].verdict
    <Verdict.REFUTED: 'refuted'>
    """
    _check_timeout(timeout)
    document = read_text(text, kind=kind, path=path)
    return _check(document, timeout=timeout, document_timeout=document_timeout)


def _check_timeout(timeout: float) -> None:
    if not (isinstance(timeout, (int, float)) and 0 < timeout <= 3600):
        raise UsageError("timeout", timeout, "a number of seconds in (0, 3600]")


def _check(document: Document, *, timeout: float, document_timeout: float) -> DocumentReport:
    deadline = time.monotonic() + document_timeout
    document = with_names(document)
    plan = build_plan(document, rebinding=rebinding(document))
    if len(plan.items) > MAX_STEPS:
        raise DocumentError(document.path, f"more than {MAX_STEPS} steps; refusing to check it")
    notation, plan = read_notation(document, plan)
    targets = list(notation.targets)
    concrete_n = 0 if _symbolic(plan) else plan.concrete_dimension
    entries = _entry_counts(plan)
    results: list[StepResult] = []
    extended: set[str] = set()
    used: set[str] = set()
    for number, item in enumerate(plan.items):
        if isinstance(item, Unread):
            results.append(
                StepResult(
                    line=item.line,
                    lhs=item.text,
                    rhs="",
                    verdict=Verdict.NOT_UNDERSTOOD,
                    method="none",
                    detail=f"{item.reason}: {_shorten(item.text)}",
                )
            )
            continue
        if time.monotonic() > deadline:
            results.append(_out_of_time(item, document_timeout))
            continue
        visible = _definitions(
            plan,
            item,
            targets,
            notation.labels,
            correct=notation.correct,
            notation=notation,
            entries=entries,
        )
        written = rounded(item.lhs, item.rhs_text) or rounded(item.rhs, item.lhs_text)
        if written is not None:
            results.append(_result(item, written))
            continue
        decision = decide(
            item.lhs,
            item.rhs,
            visible,
            conditions=item.conditions,
            timeout=timeout,
            seed=number,
            concrete_n=_written_out_dimension(item) or concrete_n,
        )
        if decision.verdict is Verdict.REFUTED and notation.unstated:
            decision = _unstated_target(item, plan, notation, decision, timeout, number)
        if decision.verdict is Verdict.REFUTED:
            decision = _at_parameter(item, plan, notation, decision, timeout, number)
        if decision.verdict in _FAILING and notation.einstein:
            decision = _einstein(item, decision)
        if decision.verdict in _FAILING and notation.weak_guess(decision.expanded):
            decision = _guessed_reading(item, plan, notation, decision, timeout, number)
        extended.update(decision.extended)
        used.update(decision.expanded)
        results.append(_result(item, _at_entry_line(document, item, decision)))
    summary: dict[str, int] = {}
    for verdict in Verdict:
        count = sum(1 for result in results if result.verdict is verdict)
        if count:
            summary[verdict.value] = count
    definitions = tuple(
        f"{definition.name} (line {definition.line}"
        + (", unusable)" if definition in notation.unusable else ")")
        for definition in plan.definitions
    ) + tuple(f"{text} (extended by pattern)" for text in sorted(extended))
    # conventional guesses come last and are named as guesses
    implicit = tuple(
        sorted(
            u if u.split(" ", 1)[0] in notation.softmax else f"{u} (a guess)"
            for u in used
            if "read as softmax" in u
        )
    )
    placed = tuple(replace(r, cell=document.place_of(r.line)) for r in results)
    return DocumentReport(document.path, placed, summary, definitions + implicit)


def _symbolic(plan: Plan) -> bool:
    """Whether the document works with a symbolic dimension (any sum with a letter bound)."""
    context = plan.context
    dimension = getattr(context, "dimension", "n")
    if any(getattr(s, "name", "") == dimension for side in _sides(plan) for s in side.free_symbols):
        return True
    return any(
        any(getattr(s, "name", "") == dimension for s in d.rhs.free_symbols)
        for d in plan.definitions
        if isinstance(d.rhs, sp.Basic)
    )


def _unstated_target(
    step: Step,
    plan: Plan,
    notation: Notation,
    refuted: Decision,
    timeout: float,
    seed: int,
) -> Decision:
    """A refuted step that holds once the cross-entropy target sums to one is conditional."""
    unstated = list(notation.unstated)
    retry = decide(
        step.lhs,
        step.rhs,
        _definitions(
            plan, step, list(notation.targets) + unstated, notation.labels, notation=notation
        ),
        conditions=step.conditions,
        timeout=timeout,
        seed=seed,
        concrete_n=0 if _symbolic(plan) else plan.concrete_dimension,
    )
    if not retry.verdict.passed:
        return refuted
    condition = " and ".join(f"Σ_k {t.label}_k = 1" for t in unstated)
    return Decision(
        Verdict.CONDITIONAL,
        refuted.method,
        f"holds when {condition} (a probability target; the document does not say so), "
        f"fails otherwise: {refuted.detail}",
        refuted.counterexample,
        condition,
        refuted.expanded,
        refuted.extended,
    )


def _differentiates(step: Step, name: str) -> bool:
    """Whether the step differentiates the scalar ``name`` (``∂C/∂z_i``), which without a
    definition it could not decide."""
    return any(
        isinstance(d.expr, sp.Symbol) and d.expr.name == name
        for side in (step.lhs, step.rhs)
        if isinstance(side, sp.Basic)
        for d in side.atoms(sp.Derivative)
    )


def _definitions(
    plan: Plan,
    step: Step,
    targets: list[Any],
    labels: frozenset[str] = frozenset(),
    *,
    correct: str | None = None,
    entries: Mapping[str, frozenset[int]] | None = None,
    notation: Notation | None = None,
) -> Definitions:
    context = plan.context
    variable = _step_variable(plan, step, sp.IndexedBase(getattr(context, "variable", "z")))
    dimension = sp.Symbol(getattr(context, "dimension", "n"), integer=True, positive=True)
    defs = Definitions(variable=variable, dimension=dimension, implicit=True, not_softmax=labels)
    defs.facts.extend((base, sp.S.One) for base in targets)
    # a stated Σ_k y_k = 1 describes the target everywhere, also when it is stated after the
    # derivation ("… = p_i - y_i, given that Σ_k y_k = 1")
    # so does a scalar defined right after the step that differentiates it
    # ("∂C/∂z_i = … = s_i - y_i, where C = -Σ_k y_k ln s_k")
    earlier = {d.key for d in plan.definitions[: step.visible]}
    later = [
        d
        for d in plan.definitions[step.visible :]
        if d.key[0] == "fact"
        or (d.key not in earlier and d.key[0] == "symbol" and _differentiates(step, d.key[1]))
        or (d.key not in earlier and notation is not None and notation.trails(d, step.line))
    ]
    later = [d for n, d in enumerate(later) if d.key not in {e.key for e in later[:n]}]
    unusable = notation.unusable if notation is not None else {}
    for definition in [*plan.definitions[: step.visible], *later]:
        if definition in unusable:
            continue  # reported at its own line; the name stays undefined
        if definition.key[0] == "chain":
            defs.chain[definition.key[1]] = definition.rhs.variables[0].base
            defs.add(
                ("indexed", str(definition.lhs.base.label)),
                definition.lhs,
                definition.rhs,
                definition.name,
            )
            continue
        if definition.key[0] == "fact":
            sum_, total = (
                (definition.lhs, definition.rhs)
                if isinstance(definition.lhs, sp.Sum)
                else (definition.rhs, definition.lhs)
            )
            defs.facts.append((sum_.function.base, total))
            continue
        rhs = definition.rhs
        argument = _FUNCTION_OF_VECTOR.match(definition.text)
        if argument and argument.group(1) != str(variable.label) and isinstance(rhs, sp.Basic):
            # ``σ(\mathbf z)_i = e^{z_i} / Σ_j e^{z_j}`` defines σ for any vector: a step about
            # the logits a reads σ_i as σ(a)_i
            rhs = rhs.xreplace({sp.IndexedBase(argument.group(1)): variable})
        defs.add(
            definition.key,
            definition.lhs,
            _applied_to(rhs, variable, plan, step),
            definition.name,
        )
    defs.entries = dict(entries or {})
    if correct is not None:
        defs.fixed = frozenset({correct})
        # "where k is the index of the correct class": the target is one-hot at k
        index = sp.Symbol("j" if correct == "i" else "i", integer=True)
        for base in _cross_entropy_targets(plan):
            # "where y is the true label" with a target y_i: y names the vector, not a class
            if ("indexed", str(base.label)) not in defs.table and str(base.label) != correct:
                label = f"{base.label}_{index} = [{index} = {correct}] (one-hot at class {correct})"
                defs.add(
                    ("indexed", str(base.label)),
                    base[index],
                    sp.KroneckerDelta(index, sp.Symbol(correct, integer=True)),
                    label,
                )
    return defs


def _entry_counts(plan: Plan) -> dict[str, frozenset[int]]:
    """How many indices each name takes where the document writes its entries (``J_{\\mathbf
    x}``, subscripted with the differentiation variable, is a label, not an entry)."""
    variable = getattr(plan.context, "variable", "z")
    counts: dict[str, set[int]] = {}
    sides = _sides(plan) + [
        side for d in plan.definitions for side in (d.lhs, d.rhs) if isinstance(side, sp.Basic)
    ]
    for side in sides:
        for entry in side.atoms(sp.Indexed):
            if all(index.is_integer and str(index) != variable for index in entry.indices):
                counts.setdefault(str(entry.base.label), set()).add(len(entry.indices))
    return {name: frozenset(found) for name, found in counts.items()}


def _applied_to(rhs: Any, variable: sp.IndexedBase, plan: Plan, step: Step) -> Any:
    """A softmax defined on a vector the step never mentions (``σ(\\mathbf z)_i = …``), used
    where the document exponentiates another vector (``∂σ_i/∂a_j`` after ``e^{a_i}``): the
    definition is of the function, so it is read at that vector."""
    if not isinstance(rhs, sp.Basic):
        return rhs
    written = _exponentiated([rhs])
    if len(written) != 1 or variable in written:
        return rhs
    (other,) = written
    mentioned = {
        base
        for side in (step.lhs, step.rhs)
        if isinstance(side, sp.Basic)
        for base in side.atoms(sp.IndexedBase)
    }
    defined = {d.key[1] for d in plan.definitions}
    if (
        other in mentioned
        or str(other.label) in defined
        or variable not in _exponentiated(_sides(plan))
    ):
        return rhs
    return rhs.xreplace({other: variable})


#: ``\sigma(\mathbf z)_i = …``: a function of a whole vector, written entry-wise
_FUNCTION_OF_VECTOR = re.compile(
    r"\s*\\?[A-Za-z]+\s*\(\s*(?:\\(?:mathbf|boldsymbol|vec|bm)\s*\{?\s*)?([A-Za-z])\s*\}?\s*\)\s*_"
)


def _written_out_dimension(step: Step) -> int:
    """N when the step writes a softmax denominator out as ``e^{z_1} + … + e^{z_N}``.

    A document with a symbolic dimension may still work one example through for n = 3;
    that step is about n = N only (0: no such sum).
    """
    sizes = set()
    for side in (step.lhs, step.rhs):
        if not isinstance(side, sp.Basic):
            continue
        for add in side.atoms(sp.Add):
            terms = [t.args[0] if isinstance(t, sp.exp) else None for t in add.args]
            if not all(isinstance(t, sp.Indexed) and len(t.indices) == 1 for t in terms):
                continue
            bases = {t.base for t in terms}  # type: ignore[union-attr]
            indices = {t.indices[0] for t in terms}  # type: ignore[union-attr]
            expected = set(map(sp.Integer, range(1, len(terms) + 1)))
            if len(bases) == 1 and len(terms) >= 2 and indices == expected:
                sizes.add(len(terms))
    return sizes.pop() if len(sizes) == 1 else 0


def _step_variable(plan: Plan, step: Step, default: sp.IndexedBase) -> sp.IndexedBase:
    """What this step differentiates (or else exponentiates) by, when it is one undefined
    vector other than the document's: a section that switches from ``∂σ(A_k)/∂A_i`` to
    ``∂a_1/∂z_1`` reads the undefined a as the softmax of z there, not of A."""
    defined = {d.key[1] for d in plan.definitions}
    vectors = _bases(_sides(plan))
    names: set[str] = set()
    for side in (step.lhs, step.rhs):
        if not isinstance(side, sp.Basic):
            continue
        for derivative in side.atoms(sp.Derivative):
            for by, _ in derivative.variable_count:
                if isinstance(by, sp.Indexed):
                    names.add(str(by.base.label))
                elif isinstance(by, sp.Symbol) and not by.is_integer and by.name in vectors:
                    names.add(by.name)
    if not names:  # no derivative: the exponentiated letter (``e^{z_1} / (…) = a_1(1 - a_1)``)
        names.update(str(base.label) for base in _exponentiated((step.lhs, step.rhs)))
    names -= defined | SOFTMAX_NAMES
    if len(names) == 1 and (name := names.pop()) != str(default.label):
        return sp.IndexedBase(name)
    return default


def _einstein(step: Step, decision: Decision) -> Decision:
    """An alarm on a step with a repeated index, in a document that sums repeated indices
    implicitly, is not-understood: read literally (no sum) the step is not what it says."""
    index = _implied_sum_index(step.lhs, step.rhs)
    if index is None:
        return decision
    return Decision(
        Verdict.NOT_UNDERSTOOD,
        "none",
        f"the document uses Einstein summation and index {index} repeats, so it may be an "
        "implied sum; implied sums are not read",
        expanded=decision.expanded,
    )


def _implied_sum_index(*sides: Any) -> Any:
    """An index repeated in one product outside any ∑, or free on one side and summed on the
    other: where the summation convention would sum. ``None`` when there is none."""
    free: list[set[Any]] = []
    bound: set[Any] = set()
    for side in sides:
        if not isinstance(side, sp.Basic):
            return None
        free.append({s for s in side.free_symbols if s.is_integer})
        for node in sp.preorder_traversal(side):
            if isinstance(node, sp.Sum):
                bound.update(limit[0] for limit in node.limits)
    for index in sorted((free[0] ^ free[1]) & bound, key=str):
        return index
    for side in sides:
        found = _repeated_in_product(side)
        if found is not None:
            return found
    return None


def _repeated_in_product(expr: Any) -> Any:
    if isinstance(expr, sp.Sum) or not isinstance(expr, sp.Basic):
        return None
    if isinstance(expr, sp.Mul):
        seen: set[Any] = set()
        for arg in expr.args:
            indices = {s for s in arg.free_symbols if s.is_integer}
            for index in sorted(indices & seen, key=str):
                return index
            seen |= indices
    for arg in expr.args:
        found = _repeated_in_product(arg)
        if found is not None:
            return found
    return None


_ENTRY = re.compile(r"entry \((\d+), (\d+)\)")


def _at_entry_line(document: Document, step: Step, decision: Decision) -> Decision:
    """Name the source line of the matrix entry a failing verdict is about: a written-out
    matrix spans several lines and the author fixes the entry, not the equation."""
    match = _ENTRY.search(decision.detail)
    if match is None or decision.verdict not in _FAILING:
        return decision
    lines = document.text.splitlines()
    for side in (step.rhs_text, step.lhs_text):
        offset = row_offset(side, int(match.group(1)))
        first = side.strip().splitlines()[0].strip() if side.strip() else ""
        if offset is None or not first:
            continue
        start = next(
            (at for at in range(max(step.line - 1, 0), len(lines)) if first in lines[at]), None
        )
        if start is None:
            return decision
        line = start + 1 + side[:offset].count("\n")
        detail = decision.detail.replace(match.group(0), f"{match.group(0)} on line {line}", 1)
        return replace(decision, detail=detail)
    return decision


#: the value at which a parameter leaves the softmax unchanged: a temperature or a scale
_NEUTRAL = sp.Integer(1)


def _parameters(step: Step, plan: Plan) -> list[sp.Symbol]:
    """Scalar parameters of the definitions a step sees (a temperature T in
    ``e^{z_i/T} / Σ_k e^{z_k/T}``): plain letters that are neither indices nor defined names."""
    defined = {d.key[1] for d in plan.definitions}
    dimension = getattr(plan.context, "dimension", "n")
    found: set[sp.Symbol] = set()
    for definition in plan.definitions[: step.visible]:
        if isinstance(definition.rhs, sp.Basic) and definition.key[0] == "indexed":
            vectors = {base.label for base in definition.rhs.atoms(sp.IndexedBase)}
            found |= {
                s
                for s in definition.rhs.free_symbols
                if isinstance(s, sp.Symbol)
                and not s.is_integer
                and s.name not in defined
                and s.name != dimension
                and s not in vectors
            }
    return sorted(found, key=str)[:2]


def _at_parameter(
    step: Step, plan: Plan, notation: Notation, refuted: Decision, timeout: float, seed: int
) -> Decision:
    """A refuted step that holds when a parameter of its definitions takes its neutral value
    (T = 1) is conditional on it: ``∂p_i/∂z_j = p_i(δ_ij - p_j)`` with a temperature."""
    for parameter in _parameters(step, plan):
        for value in _candidates(step, plan, notation, parameter):
            decision = _holds_at(step, plan, notation, refuted, timeout, seed, parameter, value)
            if decision is not None:
                return decision
    return refuted


#: a step whose sides are bigger than this is not solved for an unknown
_MAX_SOLVE_OPS = 60


def _candidates(step: Step, plan: Plan, notation: Notation, parameter: sp.Symbol) -> list[Any]:
    """Values at which the step may hold: the parameter solved from the step when the
    definitions make it an unknown of a plain equation (``Σ_i e^{x_i}/N = 1`` gives
    ``N = Σ_i e^{x_i}``), then its neutral value."""
    values: list[Any] = []
    defs = _definitions(plan, step, list(notation.targets), notation.labels, notation=notation)
    try:
        left, right = defs.expand(defs.unify(step.lhs)), defs.expand(defs.unify(step.rhs))
        difference = left - right
        if not difference.has(sp.Derivative) and sp.count_ops(difference) <= _MAX_SOLVE_OPS:
            solved = sp.solve(sp.together(sp.factor_terms(difference)), parameter)
            if len(solved) == 1 and not solved[0].has(parameter):
                values.append(solved[0])
    except Exception:  # an equation SymPy cannot solve leaves only the neutral value
        pass
    return [*values, _NEUTRAL] if _NEUTRAL not in values else values


def _holds_at(
    step: Step,
    plan: Plan,
    notation: Notation,
    refuted: Decision,
    timeout: float,
    seed: int,
    parameter: sp.Symbol,
    value: Any,
) -> Decision | None:
    """The refuted step as conditional on ``parameter = value`` if it holds there."""
    at = {parameter: value}
    defs = _definitions(
        plan,
        step,
        list(notation.targets),
        notation.labels,
        correct=notation.correct,
        notation=notation,
    )
    defs.table = {
        key: (lhs, rhs.xreplace(at) if isinstance(rhs, sp.Basic) else rhs, label)
        for key, (lhs, rhs, label) in defs.table.items()
    }
    retry = decide(
        step.lhs.xreplace(at),
        step.rhs.xreplace(at),
        defs,
        conditions=step.conditions,
        timeout=timeout,
        seed=seed,
        concrete_n=_written_out_dimension(step)
        or (0 if _symbolic(plan) else plan.concrete_dimension),
    )
    if retry.verdict.passed:
        condition = f"{parameter} = {_show(value)}"
        # a solved value is the only one; the neutral value is one that works
        word = "when" if value == _NEUTRAL else "iff"
        return Decision(
            Verdict.CONDITIONAL,
            refuted.method,
            f"holds {word} {condition}, fails otherwise: {refuted.detail}",
            refuted.counterexample,
            condition,
            refuted.expanded,
            refuted.extended,
        )
    return None


def _show(value: Any) -> str:
    """A solved value as a reader writes it (``Σ_{i=1}^{n} exp(x_i)``)."""
    text = re.sub(r"Sum\((.*), \((\w+), 1, (\w+)\)\)", r"Σ_{\2=1}^{\3} \1", sp.sstr(value))
    text = re.sub(r"exp\((\w+)\[(\w+)\]\)", r"e^{\1_\2}", text)
    return re.sub(r"(\w+)\[(\w+)\]", r"\1_\2", text)


def _guessed_reading(
    step: Step, plan: Plan, notation: Notation, failed: Decision, timeout: float, seed: int
) -> Decision:
    """A step that fails when an undefined letter is guessed to be the softmax, which the
    document does not back, is decided again with that letter an unknown: if it fails there
    too the failure does not rest on the guess; otherwise it depends on the reading."""
    reason = notation.weak_guess(failed.expanded) or ""
    labels = notation.labels | frozenset(notation.weak)
    retry = decide(
        step.lhs,
        step.rhs,
        _definitions(
            plan, step, list(notation.targets), labels, correct=notation.correct, notation=notation
        ),
        conditions=step.conditions,
        timeout=timeout,
        seed=seed,
        concrete_n=_written_out_dimension(step)
        or (0 if _symbolic(plan) else plan.concrete_dimension),
    )
    if retry.verdict in _FAILING:
        return failed
    return Decision(
        Verdict.DEPENDS_ON_READING,
        failed.method,
        f"{reason}; under that reading: {failed.detail}",
        failed.counterexample,
        failed.condition,
        failed.expanded,
        failed.extended,
    )


def _result(step: Step, decision: Decision) -> StepResult:
    detail = decision.detail
    if decision.expanded:
        detail += "; expanded " + ", ".join(decision.expanded)
    if decision.extended:
        detail += "; extended by pattern " + ", ".join(decision.extended)
    return StepResult(
        line=_branch_line(step, decision),
        lhs=step.lhs_text,
        rhs=step.rhs_text,
        verdict=decision.verdict,
        method=decision.method,
        detail=detail,
        counterexample=decision.counterexample,
        condition=decision.condition,
    )


def _out_of_time(step: Step, seconds: float) -> StepResult:
    return StepResult(
        line=step.line,
        lhs=step.lhs_text,
        rhs=step.rhs_text,
        verdict=Verdict.NOT_DECIDED,
        method="none",
        detail=f"the document's time budget ({seconds:g} s) ran out before this step",
    )


def _branch_line(step: Step, decision: Decision) -> int:
    """The line of the ``cases`` branch a counterexample falls in; else the step's line.

    A right side written as ``\\begin{cases} … \\\\ … \\end{cases}`` over several lines is
    wrong in one branch; the branch is the first whose condition holds at the counterexample's
    indices, and its line is counted from the line where the right side starts.
    """
    indices = (decision.counterexample or {}).get("indices") or {}
    pieces = step.rhs.atoms(sp.Piecewise) if isinstance(step.rhs, sp.Basic) else set()
    if decision.verdict not in _FAILING or not indices or len(pieces) != 1:
        return step.line
    (piecewise,) = pieces
    values = {s: sp.Integer(indices[s.name]) for s in piecewise.free_symbols if s.name in indices}
    chosen = [i for i, (_, cond) in enumerate(piecewise.args) if cond.xreplace(values) is sp.true]
    starts = _branch_starts(step.rhs_text)
    if not chosen or len(starts) != len(piecewise.args):
        return step.line
    return step.line + step.rhs_text.count("\n", 0, starts[chosen[0]])


def _branch_starts(text: str) -> list[int]:
    """Where the rows of the one ``cases`` environment in ``text`` begin (first non-space)."""
    if text.count("\\begin{cases}") != 1:
        return []
    start = text.index("\\begin{cases}") + len("\\begin{cases}")
    end = text.find("\\end{cases}", start)
    cuts, depth, at = [start], 0, start
    while 0 <= at < end:
        if text[at] in "{}":
            depth += 1 if text[at] == "{" else -1
        if text.startswith("\\\\", at) and depth == 0:
            cuts.append(at + 2)
        at += 2 if text[at] == "\\" else 1
    return [cut + len(text[cut:]) - len(text[cut:].lstrip()) for cut in cuts]


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:117] + "..."
