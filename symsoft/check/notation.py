"""What the symbols of one document mean, read once before any step of it is judged.

The document's own statements come first: its definitions (and which of them cannot be used),
the names whose meaning is fixed by notation (a Jacobian ``J`` beside a defined softmax is
``∂p_i/∂z_j``, so ``J_{ij} = …`` is a claim, not a definition), labels and targets, the stated
probability targets and the summation convention. Conventional guesses (an undefined ``σ``,
``S``, ``p``, ``ŷ`` read as the softmax) come last, and :meth:`Notation.weak_guess` says when
a guess is not backed by the document, so that a step refuted only under it is not reported as
refuted.

Examples
--------
>>> from symsoft.check.source import read_text
>>> from symsoft.check.plan import build_plan
>>> text = "$p_i = \\\\frac{e^{z_i}}{\\\\sum_k e^{z_k}}$ $$J_{ij} = p_i(1 - p_j)$$"
>>> document = read_text(text)
>>> notation, plan = read_notation(document, build_plan(document))
>>> [(str(step.lhs), step.lhs_text) for step in plan.steps]
[('Derivative(p[i], z[j])', 'J_{ij}')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symsoft.check.definitions import SOFTMAX_NAMES
from symsoft.check.plan import Definition, Plan, Step, Unread, split_text
from symsoft.check.source import Document, MathPiece

__all__ = [
    "Notation",
    "bases",
    "cross_entropy_targets",
    "exponentiated",
    "read_notation",
    "rebinding",
    "sides",
    "with_names",
]

#: names that denote the Jacobian of the map the document differentiates
_JACOBIAN_NAMES = frozenset({"J", "Jac", "J_softmax"})
#: matrix-valued operations: a right side holding one is a matrix, not a scalar cost J
_MATRIX_FUNCTIONS = frozenset({"diag", "transpose", "hadamard"})
#: the document names the softmax in prose or math (several languages)
_SOFTMAX_WORD = re.compile(
    r"soft[- ]?(?:arg)?max|ソフトマックス|софтмакс|归一化指数|normalized exponential", re.I
)
#: a document that speaks of the sigmoid may mean it by σ
_SIGMOID_WORD = re.compile(r"sigmoid|logistic|シグモイド|сигмоид|逻辑函数|logistique", re.I)
_PROBABILITY = re.compile(
    r"one[- ]hot|probability (vector|distribution)|sums? to (one|1)\b|add up to (one|1)\b"
    # "exactly one of the $t_i$s is 1 and the rest are zero", "a single non-zero entry, 1"
    r"|exactly one\b[^.]{0,40}?\b(is|equals?)\s+(one|1)\b|(single|only one) non-?zero\b",
    re.I,
)
#: prose declaring the summation convention: a repeated index is an implied sum
_EINSTEIN = re.compile(
    r"Einstein (?:notation|summation|convention)|summation convention|"
    r"sums? (?:is|are) implied|implied sums?\b",
    re.I,
)
#: "where $k$ is the index of the correct class": a one-hot target at k
_CORRECT_CLASS = re.compile(
    # [ \t] rather than \s: a run of newlines must not be rescanned from each of its positions
    r"\$?\\?\(?[ \t]*([a-z])[ \t]*\\?\)?\$? is the (?:index of the )?(?:correct|true|target|right) "
    r"(?:class|label|category)",
    re.I,
)


@dataclass(frozen=True)
class Notation:
    """The reading of one document: what it defines, fixes by notation, and leaves to guesses."""

    #: cross-entropy targets the prose calls one-hot or a probability vector
    targets: tuple[Any, ...] = ()
    #: cross-entropy targets the document never says sum to one
    unstated: tuple[Any, ...] = ()
    #: letters that are labels here, never the softmax
    labels: frozenset[str] = frozenset()
    einstein: bool = False
    #: "where k is the index of the correct class": the letter k
    correct: str | None = None
    #: names the document itself defines or names as a softmax
    softmax: frozenset[str] = frozenset()
    #: names a guess would read as the softmax though the document gives no ground for it
    weak: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: definitions that cannot be used, with the reason
    unusable: Mapping[Definition, str] = field(default_factory=lambda: MappingProxyType({}))
    #: definitions in a trailing clause ("… where g_k = ∂E/∂p_k"): visible to the steps just
    #: before them
    trailing: frozenset[Definition] = frozenset()

    def trails(self, definition: Definition, line: int) -> bool:
        """Whether ``definition`` is a trailing clause of a step whose right side is at
        ``line``."""
        return definition in self.trailing and 0 <= definition.line - line <= _TRAILING_LINES

    def weak_guess(self, expanded: Iterable[str]) -> str | None:
        """Why the softmax guesses behind a decision (its ``expanded`` notes) are not the
        document's reading, or ``None`` when every guess is backed or none was made."""
        reasons = []
        for note in expanded:
            name = note.split(" read as softmax", 1)[0] if " read as softmax" in note else None
            if name is not None and name in self.weak:
                reasons.append(f"wrong if {_shown(name)} means softmax; {self.weak[name]}")
        return "; ".join(reasons) or None


#: a run of capitals standing alone in math (``CE``, ``NLL``, ``LSE``) or a word (``Loss``,
#: ``cost``), outside a command and not a subscript or superscript
_CAPITALS = re.compile(r"(?<![\\A-Za-z^_])(?<![_^]\{)([A-Z]{2,5}|[A-Za-z][a-z]{2,})(?![A-Za-z])")
#: nouns that write-ups use as the name of a quantity, never as a product of its letters
_WORDS = frozenset(
    {
        "loss",
        "cost",
        "error",
        "err",
        "sum",
        "prob",
        "score",
        "scores",
        "logit",
        "logits",
        "out",
        "pred",
        "label",
        "target",
        "grad",
        "total",
        "norm",
        "denom",
        "num",
        "output",
    }
)
#: a command whose argument is already one name (``\\mathrm{CE}``, ``\\mathbf{AB}``)
_NAMING = re.compile(
    r"\\(?:mathrm|text|textrm|textit|mathit|mathsf|mathbf|boldsymbol|bm|operatorname|mbox)"
    r"\s*\{$"
)
#: a capital letter written alone in math
_CAPITAL = re.compile(r"(?<![\\A-Za-z])([A-Z])(?![A-Za-z])")


def with_names(document: Document) -> Document:
    """The document with each run of capitals it uses as one name (``CE``, ``NLL``) written
    as that name (``\\mathrm{CE}``), not a product of letters: a run is a name when none of its
    letters stands alone anywhere in the document's math."""
    math = "\n".join(piece.text for piece in document.pieces)
    alone = set(_CAPITAL.findall(math))
    names = {
        match.group(1)
        for match in _CAPITALS.finditer(math)
        if not _NAMING.search(math[: match.start()]) and _one_name(match.group(1), alone)
    }
    if not names:
        return document
    pieces = tuple(_named(piece, names) for piece in document.pieces)
    return replace(document, pieces=pieces)


def _one_name(run: str, alone: set[str]) -> bool:
    """A run of capitals none of which the document writes alone, or a noun (``Loss``)."""
    if run.isupper():
        return not set(run) & alone
    return run.lower() in _WORDS


def _named(piece: MathPiece, names: set[str]) -> MathPiece:
    text, breaks = piece.text, list(piece.breaks)
    out: list[str] = []
    at = 0
    for match in _CAPITALS.finditer(text):
        if match.group(1) not in names or _NAMING.search(text[: match.start()]):
            continue
        out.append(text[at : match.start()] + "\\mathrm{" + match.group(1) + "}")
        at = match.end()
        # keep each source line where it was: later lines move by the added characters
        breaks = [b + 9 if b > match.start() else b for b in breaks]
    if not out:
        return piece
    return replace(piece, text="".join(out) + text[at:], breaks=tuple(breaks))


def read_notation(document: Document, plan: Plan) -> tuple[Notation, Plan]:
    """The document's notation, and its plan with claims that were filed as definitions
    turned back into steps."""
    plan = _bind_entries(_claims(plan, _softmax_vectors(document)))
    targets = _probability_targets(document, plan)
    unstated = [t for t in cross_entropy_targets(plan) if t not in targets]
    unstated += [
        sp.IndexedBase(name)
        for name in sorted(_targets_beside_softmax(plan))
        if sp.IndexedBase(name) not in targets + unstated
    ]
    unusable = {d: reason for d in plan.definitions if (reason := _unusable(d, plan))}
    match = _CORRECT_CLASS.search(document.text)
    notation = Notation(
        targets=tuple(targets),
        unstated=tuple(unstated),
        labels=_labels(plan, targets),
        einstein=bool(_EINSTEIN.search(document.text)),
        correct=match.group(1) if match else None,
        softmax=frozenset(_softmax_names(plan)) | frozenset(_softmax_vectors(document)),
        weak=MappingProxyType(_weak_guesses(document, plan, unusable)),
        unusable=MappingProxyType(unusable),
        trailing=frozenset(d for d in plan.definitions if _introduced_by_clause(document, d)),
    )
    return notation, _report_unusable(plan, unusable)


#: lines between a step and the definition in the clause that trails it
_TRAILING_LINES = 2
#: prose that opens a clause defining what a step used (several languages)
_CLAUSE = re.compile(
    r"(?:\b(?:where|with|wobei|mit|donde|con|où|avec)|где|其中|ただし)\s*[:,]?\s*"
    r"(?:\\text\{[^{}]*\}\s*)?[$\\(\[]*\s*$",
    re.I,
)


#: prose that (re)binds the name of the equation after it (several languages)
_BINDING = re.compile(
    r"(?:\b(?:let|say|if we have|now take|set|sei|soit|sea)|пусть|设|令)\s*[:,]?\s*"
    r"[$\\(\[]*\s*$",
    re.I,
)


def rebinding(document: Document) -> frozenset[MathPiece]:
    """The math pieces that "let / say / if we have / sei / soit / sea / пусть / 设" opens:
    an equation there binds its left side from there on, even a name used before."""
    lines = document.text.splitlines()
    found = set()
    for piece in document.pieces:
        if not 0 < piece.line <= len(lines):
            continue
        line = lines[piece.line - 1]
        start = line.find(piece.text.strip()[:12])
        before = line[:start] if start > 0 else ""
        if not before.strip(" $\\([") and piece.line > 1:
            before = lines[piece.line - 2]  # display math: the clause ends the line before
        if _BINDING.search(before):
            found.add(piece)
    return frozenset(found)


def _introduced_by_clause(document: Document, definition: Definition) -> bool:
    """Whether a "where / with / 其中 / donde / где / wobei / où" clause introduces the
    definition: the prose just before its math on its line opens such a clause."""
    lines = document.text.splitlines()
    if not 0 < definition.line <= len(lines):
        return False
    line = lines[definition.line - 1]
    start = line.find(definition.text.strip()[:12])
    if start <= 0:
        return False
    return bool(_CLAUSE.search(line[:start]))


def _shown(name: str) -> str:
    return {"sigma": "σ", "hat_y": "ŷ"}.get(name, name)


# ---------------------------------------------------------------------------------------
# guesses
# ---------------------------------------------------------------------------------------


def _weak_guesses(
    document: Document, plan: Plan, unusable: Mapping[Definition, str]
) -> dict[str, str]:
    """Softmax letters written but not (usably) defined, whose reading as softmax the
    document does not back: it never names the softmax, it speaks of the sigmoid (σ), or its
    own definition of the letter cannot be used."""
    defined = {d.key[1] for d in plan.definitions if d not in unusable}
    broken = {d.key[1]: reason for d, reason in unusable.items()}
    written = bases(sides(plan)) | {
        s.name for side in sides(plan) for s in side.free_symbols if isinstance(s, sp.Symbol)
    }
    weak: dict[str, str] = {}
    for name in sorted(written - defined):
        bare = name.removeprefix("hat_")
        if bare not in SOFTMAX_NAMES:
            continue
        if name in broken:
            weak[name] = f"its definition in this document is unusable ({broken[name]})"
        elif _has_prose(document) and not _SOFTMAX_WORD.search(document.text):
            weak[name] = f"{_shown(name)} is not defined and the document never names the softmax"
        elif bare == "sigma" and _SIGMOID_WORD.search(document.text):
            weak[name] = "σ is not defined in this document, which also speaks of the sigmoid"
    return weak


def _has_prose(document: Document) -> bool:
    """Whether the document says anything in words: bare formulas given to a softmax checker
    are read in its domain, a write-up that never names the softmax is not."""
    prose = _MATH.sub(" ", document.text)
    return len(re.findall(r"[^\W\d_]{3,}", _COMMAND.sub(" ", prose))) >= 5


_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\[.*?\\\]|\\\(.*?\\\)", re.S)
_COMMAND = re.compile(r"\\[A-Za-z]+")


# ---------------------------------------------------------------------------------------
# claims filed as definitions
# ---------------------------------------------------------------------------------------


def _softmax_names(plan: Plan) -> dict[str, tuple[Definition, sp.IndexedBase]]:
    """Indexed names the document defines as ``e^{v_i} / Σ_k e^{v_k}``, with the vector v."""
    found: dict[str, tuple[Definition, sp.IndexedBase]] = {}
    for definition in plan.definitions:
        lhs, rhs = definition.lhs, definition.rhs
        if not (isinstance(lhs, sp.Indexed) and len(lhs.indices) == 1):
            continue
        if not isinstance(rhs, sp.Basic):
            continue
        numerator, denominator = rhs.as_numer_denom()
        if not (isinstance(numerator, sp.exp) and isinstance(numerator.args[0], sp.Indexed)):
            continue
        vector = numerator.args[0].base
        if numerator.args[0].indices != lhs.indices or not isinstance(denominator, sp.Sum):
            continue
        body = denominator.function
        if isinstance(body, sp.exp) and body.args[0].atoms(sp.IndexedBase) == {vector}:
            found.setdefault(str(lhs.base.label), (definition, vector))
    return found


_BOLD = r"(?:\\(?:mathbf|boldsymbol|vec|bm)\s*\{?\s*)?"
#: ``\mathbf p = \operatorname{softmax}(\mathbf z)``: a vector named as the softmax of another
_SOFTMAX_VECTOR = re.compile(
    r"^\s*" + _BOLD + r"([A-Za-z])\s*\}?\s*=\s*\\(?:operatorname|mathrm|text)\s*\{\s*softmax\s*\}"
    r"\s*\(\s*" + _BOLD + r"([A-Za-z])\s*\}?\s*\)\s*[.,]?\s*$"
)


def _softmax_vectors(document: Document) -> dict[str, tuple[int, sp.IndexedBase]]:
    """Vectors the document names as the softmax of another (``\\mathbf p = softmax(\\mathbf z)``)
    whose letter reads as the softmax by itself, with the line and the logits."""
    found: dict[str, tuple[int, sp.IndexedBase]] = {}
    for piece in document.pieces:
        match = _SOFTMAX_VECTOR.match(piece.text)
        if match and match.group(1) in SOFTMAX_NAMES - {"y", "Y"}:
            found.setdefault(match.group(1), (piece.line, sp.IndexedBase(match.group(2))))
    return found


def _claims(
    plan: Plan, vectors: Mapping[str, tuple[int, sp.IndexedBase]] = MappingProxyType({})
) -> Plan:
    """Left sides whose meaning notation fixes are claims, not definitions: the softmax itself
    (``\\mathrm{softmax}(z)_i = …``), and a Jacobian ``J_{ij} = …`` or ``J = …`` in a
    document that defines the softmax p (a claim about ``∂p_i/∂z_j``). Each becomes a step,
    and the name keeps its meaning for later steps."""
    plan = _softmax_claims(plan)
    softmax = {name: (d.line, vector) for name, (d, vector) in _softmax_names(plan).items()}
    if not softmax:
        softmax = dict(vectors)
    if len(softmax) != 1:
        return plan  # no softmax, or several: which one J differentiates is not fixed
    ((name, (since, vector)),) = softmax.items()
    definitions = list(plan.definitions)
    items = list(plan.items)
    for at, definition in enumerate(plan.definitions):
        meaning = _jacobian_meaning(definition, sp.IndexedBase(name), vector)
        if meaning is None or definition.line < since:
            continue
        definitions[at] = replace(
            definition,
            name=f"{definition.name} = ∂{name}/∂{vector.label} (the Jacobian)",
            rhs=meaning,
        )
        parts = [part for _, part in split_text(definition.text)]
        step = Step(
            line=definition.line,
            lhs=meaning,
            rhs=definition.rhs,
            lhs_text=parts[0] if len(parts) == 2 else definition.name,
            rhs_text=parts[1] if len(parts) == 2 else str(definition.rhs),
            visible=at + 1,
        )
        _insert(items, step)
    return replace(plan, items=tuple(items), definitions=tuple(definitions))


def _insert(items: list[Step | Unread], item: Step | Unread) -> None:
    """Insert ``item`` after everything on its line or before it (reading order)."""
    where = next((n for n, other in enumerate(items) if other.line > item.line), len(items))
    items.insert(where, item)


#: the name whose meaning is the softmax itself
_SOFTMAX_NAME = "softmax"


def _softmax_claims(plan: Plan) -> Plan:
    """``\\mathrm{softmax}(z)_i = …`` claims what the softmax is: checked against
    ``e^{z_i} / Σ_k e^{z_k}``, which later steps then use."""
    definitions = list(plan.definitions)
    items = list(plan.items)
    for at, definition in enumerate(plan.definitions):
        meaning = _softmax_meaning(definition, plan)
        if meaning is None:
            continue
        definitions[at] = replace(definition, rhs=meaning)
        parts = [part for _, part in split_text(definition.text)]
        # the link that names the softmax (``o_j = \\mathrm{softmax}(z_j) = …``)
        first = next((n for n, part in enumerate(parts[:-1]) if _SOFTMAX_NAME in part), None)
        _insert(
            items,
            Step(
                line=definition.line,
                lhs=meaning,
                rhs=definition.rhs,
                lhs_text=parts[first] if first is not None else definition.name,
                rhs_text=parts[first + 1] if first is not None else str(definition.rhs),
                visible=at,
            ),
        )
    return replace(plan, items=tuple(items), definitions=tuple(definitions))


def _softmax_meaning(definition: Definition, plan: Plan) -> Any:
    """``e^{v_i} / Σ_k e^{v_k}`` for a definition of the softmax's own name at index i."""
    kind, name = definition.key
    lhs, rhs = definition.lhs, definition.rhs
    if name != _SOFTMAX_NAME or not isinstance(rhs, sp.Basic):
        return None
    labels = {base.label for base in rhs.atoms(sp.IndexedBase)}
    if any(
        isinstance(s, sp.Symbol) and not s.is_integer and s not in labels for s in rhs.free_symbols
    ):
        return None  # a softmax with a parameter (a temperature) defines a variant of its own
    if kind == "indexed" and len(lhs.indices) == 1:
        index = lhs.indices[0]
        vectors = exponentiated([rhs])
        if len(vectors) != 1:
            return None
        (vector,) = vectors
    elif kind == "function" and len(lhs.args) == 1 and isinstance(lhs.args[0], sp.Indexed):
        vector, (index,) = lhs.args[0].base, lhs.args[0].indices
    else:
        return None
    if not isinstance(index, sp.Symbol):
        return None
    bound = sp.Symbol("k" if index.name != "k" else "m", integer=True)
    dimension = sp.Symbol(getattr(plan.context, "dimension", "n"), integer=True, positive=True)
    return sp.exp(vector[index]) / sp.Sum(sp.exp(vector[bound]), (bound, 1, dimension))


def _bind_entries(plan: Plan) -> Plan:
    """A name defined with a free index (``f = e^{z_i}``) stands for the entry it names; a
    later definition through it (``S_i = f / g``) binds that index, so ``S_j`` is ``e^{z_j}/g``.
    """
    entries: dict[sp.Symbol, Any] = {}
    definitions = list(plan.definitions)
    for at, definition in enumerate(plan.definitions):
        kind, rhs = definition.key[0], definition.rhs
        if not isinstance(rhs, sp.Basic):
            continue
        if kind == "indexed" and entries and rhs.free_symbols & set(entries):
            free = {s for s in definition.lhs.free_symbols if isinstance(s, sp.Symbol)}
            usable = {
                name: body
                for name, body in entries.items()
                if {s for s in body.free_symbols if _is_index(s)} <= free
            }
            definitions[at] = replace(definition, rhs=rhs.xreplace(usable))
        elif kind == "symbol" and any(_is_index(s) for s in rhs.free_symbols):
            entries[definition.lhs] = rhs
    return replace(plan, definitions=tuple(definitions))


def _is_index(symbol: Any) -> bool:
    """An index letter (integer), not the dimension (a positive integer)."""
    return isinstance(symbol, sp.Symbol) and bool(symbol.is_integer) and not symbol.is_positive


def _jacobian_meaning(definition: Definition, softmax: sp.IndexedBase, vector: Any) -> Any:
    """``∂p_i/∂z_j`` for ``J_{ij}``, ``∂p/∂z`` for a matrix ``J``; ``None`` when the
    definition is not of a Jacobian name or already says it is a derivative."""
    kind, name = definition.key
    rhs = definition.rhs
    if name not in _JACOBIAN_NAMES or not isinstance(rhs, sp.Basic) or rhs.has(sp.Derivative):
        return None
    lhs = definition.lhs
    if kind == "indexed" and len(lhs.indices) == 2:
        row, column = lhs.indices
        free = {s for s in rhs.free_symbols if isinstance(s, sp.Symbol) and s.is_integer}
        if isinstance(row, sp.Symbol) and {row, column} <= free:
            return sp.Derivative(softmax[row], vector[column])
        return None
    names = {f.func.__name__ for f in rhs.atoms(AppliedUndef)}
    if kind == "symbol" and names & _MATRIX_FUNCTIONS:
        return sp.Derivative(sp.Symbol(str(softmax.label)), sp.Symbol(str(vector.label)))
    return None


# ---------------------------------------------------------------------------------------
# unusable definitions
# ---------------------------------------------------------------------------------------


def _unusable(definition: Definition, plan: Plan) -> str | None:
    """Why a definition cannot be used: an index free on the right only, or a Σ whose index
    does not occur in its body (``S_i = e^{z_j} / Σ_k e^{z_k}``, ``Σ_k e^{z_i}``)."""
    kind = definition.key[0]
    lhs, rhs = definition.lhs, definition.rhs
    if kind not in ("indexed", "symbol") or not isinstance(rhs, sp.Basic):
        return None
    for sum_ in rhs.atoms(sp.Sum):
        for variable, *_ in sum_.limits:
            body = sum_.function
            if body.atoms(sp.Indexed) and variable not in body.free_symbols:
                return f"the index {variable} of its sum does not occur in the summand"
    bounds = {
        s
        for side in [*sides(plan), *(d.rhs for d in plan.definitions)]
        if isinstance(side, sp.Basic)
        for sum_ in side.atoms(sp.Sum)
        for limit in sum_.limits
        for bound in limit[1:]
        for s in bound.free_symbols
    }
    dimension = getattr(plan.context, "dimension", "n")
    on_left = lhs.free_symbols if isinstance(lhs, sp.Basic) else set()
    loose = {
        s
        for s in rhs.free_symbols
        if isinstance(s, sp.Symbol) and s.is_integer and s not in on_left and s not in bounds
    }
    loose = {s for s in loose if s.name != dimension}
    if loose and kind == "indexed":
        shown = ", ".join(sorted(map(str, loose)))
        return f"the index {shown} is free on the right only"
    return None


def _report_unusable(plan: Plan, unusable: Mapping[Definition, str]) -> Plan:
    """Each unusable definition is reported at its line as not understood."""
    if not unusable:
        return plan
    items = list(plan.items)
    for definition, reason in unusable.items():
        unread = Unread(
            definition.line,
            definition.text,
            f"the definition of {definition.name} is unusable: {reason}",
        )
        _insert(items, unread)
    return replace(plan, items=tuple(items))


# ---------------------------------------------------------------------------------------
# labels and targets
# ---------------------------------------------------------------------------------------


def sides(plan: Plan) -> list[sp.Basic]:
    """Both sides of every step of the plan that were read as expressions."""
    return [
        side
        for item in plan.items
        if isinstance(item, Step)
        for side in (item.lhs, item.rhs)
        if isinstance(side, sp.Basic)
    ]


def bases(expressions: Any) -> set[str]:
    """Names of the indexed letters in ``expressions``."""
    return {str(base.label) for side in expressions for base in side.atoms(sp.IndexedBase)}


def exponentiated(expressions: Any) -> set[sp.IndexedBase]:
    """The vectors whose entries are exponentiated in ``expressions`` (the logits)."""
    return {
        x.base
        for side in expressions
        if isinstance(side, sp.Basic)
        for power in side.atoms(sp.exp)
        for x in power.args[0].atoms(sp.Indexed)
    }


def _probability_targets(document: Document, plan: Plan) -> list[Any]:
    """Cross-entropy targets (the undefined indexed name weighting ``log`` in a definition,
    ``L = -Σ_k y_k log S_k``) when the prose calls them one-hot or a probability vector."""
    if not _PROBABILITY.search(document.text):
        return []
    return cross_entropy_targets(plan)


def cross_entropy_targets(plan: Plan) -> list[Any]:
    """Undefined indexed names multiplying a log in a definition or a step."""
    defined = {d.key[1] for d in plan.definitions if d.key[0] in ("indexed", "function")}
    targets: dict[str, Any] = {}
    # the loss may be written only inside a step when its definition was not read
    # (``CE(\bf{y, \hat y}) = -\sum_i y_i \log \hat y_i``)
    for side in [d.rhs for d in plan.definitions] + sides(plan):
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


def _labels(plan: Plan, targets: list[Any]) -> frozenset[str]:
    """Letters that are labels, never the softmax, in this document."""
    names = bases(sides(plan))
    # an undefined S, p, y, σ … is the softmax ("we write p_i for softmax(x)_i"), except a
    # label: y beside \hat y, a cross-entropy target, or a name with a stated Σ y_k = 1
    labels = {name.removeprefix("hat_") for name in names if name.startswith("hat_")}
    labels |= _targets_beside_softmax(plan)
    labels |= {str(base.label) for base in targets}
    labels |= {d.key[1] for d in plan.definitions if d.key[0] == "fact"}
    labels |= {str(base.label) for base in cross_entropy_targets(plan)}
    # y in f_{y_i} is a class index, not a probability
    labels |= {
        str(inner.base.label)
        for side in sides(plan)
        for outer in side.atoms(sp.Indexed)
        for index in outer.indices
        for inner in index.atoms(sp.Indexed)
    }
    return frozenset(labels)


def _targets_beside_softmax(plan: Plan) -> set[str]:
    """y (Y) beside another softmax letter (p_i - y_i, σ(A_i) - Y_i): the target, not a second
    softmax."""
    names = bases(sides(plan))
    defined = {d.key[1] for d in plan.definitions}
    # a letter that is exponentiated is the logits (Bishop's a_k), not another softmax
    written = sides(plan) + [d.rhs for d in plan.definitions]
    logits = {str(base.label) for base in exponentiated(written)}
    if (names | defined) & (SOFTMAX_NAMES - {"y", "Y"}) - logits:
        # ``-Σ_j t_j log(y_j)``: y is what the target t weights, the probability, not a label
        return {"y", "Y"} & names - defined - _weighted_by_targets(plan) - _differentiated(plan)
    return set()


def _differentiated(plan: Plan) -> set[str]:
    """Indexed letters a step differentiates (``∂y_i/∂x_j``): outputs, never a fixed target."""
    return {
        str(derivative.expr.base.label)
        for side in sides(plan)
        for derivative in side.atoms(sp.Derivative)
        if isinstance(derivative.expr, sp.Indexed)
    }


def _weighted_by_targets(plan: Plan) -> set[str]:
    """Letters inside the log of a cross-entropy whose target is another undefined letter."""
    targets = {str(base.label) for base in cross_entropy_targets(plan)}
    weighted: set[str] = set()
    for side in [d.rhs for d in plan.definitions] + sides(plan):
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
