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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy as sp

from symsoft.decide import SOFTMAX_NAMES, Decision, Definitions, decide
from symsoft.document import Document, read_document, read_text
from symsoft.errors import DocumentError, UsageError
from symsoft.steps import Plan, Step, Unread, build_plan
from symsoft.verdict import Verdict

__all__ = ["MAX_STEPS", "DocumentReport", "StepResult", "check_document", "check_text"]

_FAILING = (Verdict.REFUTED, Verdict.CONDITIONAL)
#: A document with more steps than this is not a derivation a person wrote; refuse it rather
#: than spend up to ``timeout`` seconds on each.
MAX_STEPS = 500


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
        """Whether every step was read and decided."""
        return not any(
            step.verdict in (Verdict.NOT_UNDERSTOOD, Verdict.NOT_DECIDED) for step in self.steps
        )

    def to_dict(self) -> dict[str, Any]:
        """The document as in ``symsoft check --json``."""
        return {
            "path": self.path,
            "steps": [step.to_dict() for step in self.steps],
            "summary": dict(self.summary),
        }


def check_document(path: str | Path, *, timeout: float = 5.0) -> DocumentReport:
    """Check every step of the derivation in the file ``path`` (``"-"`` reads stdin)."""
    _check_timeout(timeout)
    return _check(read_document(path), timeout=timeout)


def check_text(
    text: str, *, kind: str = "auto", path: str = "<string>", timeout: float = 5.0
) -> DocumentReport:
    """Check every step of the derivation in ``text`` (Markdown or LaTeX source).

    Examples
    --------
    >>> text = "$$S_i = \\\\frac{e^{z_i}}{\\\\sum_k e^{z_k}}$$ $$S_i = S_i + 1$$"
    >>> check_text(text).steps[0].verdict
    <Verdict.REFUTED: 'refuted'>
    """
    _check_timeout(timeout)
    return _check(read_text(text, kind=kind, path=path), timeout=timeout)


def _check_timeout(timeout: float) -> None:
    if not (isinstance(timeout, (int, float)) and 0 < timeout <= 3600):
        raise UsageError("timeout", timeout, "a number of seconds in (0, 3600]")


def _check(document: Document, *, timeout: float) -> DocumentReport:
    plan = build_plan(document)
    if len(plan.items) > MAX_STEPS:
        raise DocumentError(document.path, f"more than {MAX_STEPS} steps; refusing to check it")
    targets = _probability_targets(document, plan)
    unstated = [t for t in _probability_targets(document, plan, stated=False) if t not in targets]
    unstated += [
        sp.IndexedBase(name)
        for name in sorted(_targets_beside_softmax(plan))
        if sp.IndexedBase(name) not in targets + unstated
    ]
    labels = _labels(plan, targets)
    concrete_n = 0 if _symbolic(plan) else plan.concrete_dimension
    einstein = bool(_EINSTEIN.search(document.text))
    match = _CORRECT_CLASS.search(document.text)
    correct = match.group(1) if match else None
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
        decision = decide(
            item.lhs,
            item.rhs,
            _definitions(plan, item, targets, labels, correct=correct),
            conditions=item.conditions,
            timeout=timeout,
            seed=number,
            concrete_n=_written_out_dimension(item) or concrete_n,
        )
        if decision.verdict is Verdict.REFUTED and unstated:
            decision = _unstated_target(
                item, plan, targets, unstated, decision, timeout, number, labels
            )
        if decision.verdict in _FAILING and einstein:
            decision = _einstein(item, decision)
        extended.update(decision.extended)
        used.update(decision.expanded)
        results.append(_result(item, decision))
    summary: dict[str, int] = {}
    for verdict in Verdict:
        count = sum(1 for result in results if result.verdict is verdict)
        if count:
            summary[verdict.value] = count
    definitions = tuple(
        f"{definition.name} (line {definition.line})" for definition in plan.definitions
    ) + tuple(f"{text} (extended by pattern)" for text in sorted(extended))
    implicit = tuple(sorted(u for u in used if "read as softmax" in u))
    return DocumentReport(document.path, tuple(results), summary, definitions + implicit)


def _sides(plan: Plan) -> list[sp.Basic]:
    """Both sides of every step of the plan that were read as expressions."""
    return [
        side
        for item in plan.items
        if isinstance(item, Step)
        for side in (item.lhs, item.rhs)
        if isinstance(side, sp.Basic)
    ]


def _bases(sides: Any) -> set[str]:
    """Names of the indexed letters in ``sides``."""
    return {str(base.label) for side in sides for base in side.atoms(sp.IndexedBase)}


def _exponentiated(sides: Any) -> set[sp.IndexedBase]:
    """The vectors whose entries are exponentiated in ``sides`` (the logits)."""
    return {
        x.base
        for side in sides
        if isinstance(side, sp.Basic)
        for power in side.atoms(sp.exp)
        for x in power.args[0].atoms(sp.Indexed)
    }


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


_PROBABILITY = re.compile(
    r"one[- ]hot|probability (vector|distribution)|sums? to (one|1)\b|add up to (one|1)\b"
    # "exactly one of the $t_i$s is 1 and the rest are zero", "a single non-zero entry, 1"
    r"|exactly one\b[^.]{0,40}?\b(is|equals?)\s+(one|1)\b|(single|only one) non-?zero\b",
    re.I,
)


def _probability_targets(document: Document, plan: Plan, *, stated: bool = True) -> list[Any]:
    """Cross-entropy targets: the undefined indexed name weighting ``log`` in a definition
    (``L = -Σ_k y_k log S_k``); with ``stated``, only when the prose calls it one-hot or a
    probability vector."""
    if stated and not _PROBABILITY.search(document.text):
        return []
    return _cross_entropy_targets(plan)


def _cross_entropy_targets(plan: Plan) -> list[Any]:
    defined = {d.key[1] for d in plan.definitions if d.key[0] in ("indexed", "function")}
    targets: dict[str, Any] = {}
    # the loss may be written only inside a step when its definition was not read
    # (``CE(\bf{y, \hat y}) = -\sum_i y_i \log \hat y_i``)
    sides = [d.rhs for d in plan.definitions] + _sides(plan)
    for side in sides:
        if not isinstance(side, sp.Basic):
            continue
        for term in sp.preorder_traversal(side):
            if isinstance(term, sp.Mul) and term.has(sp.log):
                for factor in term.args:
                    if (
                        isinstance(factor, sp.Indexed)
                        and str(factor.base.label) not in defined
                        and not factor.has(sp.log)
                    ):
                        targets[str(factor.base.label)] = factor.base
    return list(targets.values())


def _unstated_target(
    step: Step,
    plan: Plan,
    targets: list[Any],
    unstated: list[Any],
    refuted: Decision,
    timeout: float,
    seed: int,
    labels: frozenset[str],
) -> Decision:
    """A refuted step that holds once the cross-entropy target sums to one is conditional."""
    retry = decide(
        step.lhs,
        step.rhs,
        _definitions(plan, step, targets + unstated, labels),
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


def _labels(plan: Plan, targets: list[Any]) -> frozenset[str]:
    """Letters that are labels, never the softmax, in this document."""
    names = _bases(_sides(plan))
    # an undefined S, p, y, σ … is the softmax ("we write p_i for softmax(x)_i"), except a
    # label: y beside \hat y, a cross-entropy target, or a name with a stated Σ y_k = 1
    labels = {name.removeprefix("hat_") for name in names if name.startswith("hat_")}
    labels |= _targets_beside_softmax(plan)
    labels |= {str(base.label) for base in targets}
    labels |= {d.key[1] for d in plan.definitions if d.key[0] == "fact"}
    labels |= {str(base.label) for base in _cross_entropy_targets(plan)}
    # y in f_{y_i} is a class index, not a probability
    labels |= {
        str(inner.base.label)
        for side in _sides(plan)
        for outer in side.atoms(sp.Indexed)
        for index in outer.indices
        for inner in index.atoms(sp.Indexed)
    }
    return frozenset(labels)


def _differentiates(step: Step, name: str) -> bool:
    """Whether the step differentiates the scalar ``name`` (``∂C/∂z_i``), which without a
    definition it could not decide."""
    return any(
        isinstance(d.expr, sp.Symbol) and d.expr.name == name
        for side in (step.lhs, step.rhs)
        if isinstance(side, sp.Basic)
        for d in side.atoms(sp.Derivative)
    )


def _targets_beside_softmax(plan: Plan) -> set[str]:
    """y (Y) beside another softmax letter (p_i - y_i, σ(A_i) - Y_i): the target, not a second
    softmax."""
    names = _bases(_sides(plan))
    defined = {d.key[1] for d in plan.definitions}
    # a letter that is exponentiated is the logits (Bishop's a_k), not another softmax
    written = _sides(plan) + [d.rhs for d in plan.definitions]
    logits = {str(base.label) for base in _exponentiated(written)}
    if (names | defined) & (SOFTMAX_NAMES - {"y", "Y"}) - logits:
        # ``-Σ_j t_j log(y_j)``: y is what the target t weights, the probability, not a label
        return {"y", "Y"} & names - defined - _weighted_by_targets(plan) - _differentiated(plan)
    return set()


def _differentiated(plan: Plan) -> set[str]:
    """Indexed letters a step differentiates (``∂y_i/∂x_j``): outputs, never a fixed target."""
    return {
        str(derivative.expr.base.label)
        for item in plan.items
        if isinstance(item, Step)
        for side in (item.lhs, item.rhs)
        if isinstance(side, sp.Basic)
        for derivative in side.atoms(sp.Derivative)
        if isinstance(derivative.expr, sp.Indexed)
    }


def _weighted_by_targets(plan: Plan) -> set[str]:
    """Letters inside the log of a cross-entropy whose target is another undefined letter."""
    targets = {str(base.label) for base in _cross_entropy_targets(plan)}
    sides = [d.rhs for d in plan.definitions] + [
        side for item in plan.items if isinstance(item, Step) for side in (item.lhs, item.rhs)
    ]
    weighted: set[str] = set()
    for side in sides:
        if not isinstance(side, sp.Basic):
            continue
        for term in sp.preorder_traversal(side):
            if not isinstance(term, sp.Mul) or not any(
                isinstance(f, sp.Indexed) and str(f.base.label) in targets for f in term.args
            ):
                continue
            for log in term.atoms(sp.log):
                weighted |= {str(x.base.label) for x in log.atoms(sp.Indexed)} - targets
    return weighted


def _definitions(
    plan: Plan,
    step: Step,
    targets: list[Any],
    labels: frozenset[str] = frozenset(),
    *,
    correct: str | None = None,
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
    ]
    later = [d for n, d in enumerate(later) if d.key not in {e.key for e in later[:n]}]
    for definition in [*plan.definitions[: step.visible], *later]:
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
    if correct is not None:
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


#: "where $k$ is the index of the correct class": a one-hot target at k
_CORRECT_CLASS = re.compile(
    r"\$?\\?\(?\s*([a-z])\s*\\?\)?\$? is the (?:index of the )?(?:correct|true|target|right) "
    r"(?:class|label|category)",
    re.I,
)


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


#: prose declaring the summation convention: a repeated index is an implied sum
_EINSTEIN = re.compile(
    r"Einstein (?:notation|summation|convention)|summation convention|"
    r"sums? (?:is|are) implied|implied sums?\b",
    re.I,
)


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
