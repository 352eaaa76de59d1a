"""Turning the relations of a document into steps, definitions and conditions.

A step is two consecutive expressions joined by ``=`` in a chain ``A = B = C``; a line that
starts with ``=``, ``\\implies``, ``\\Rightarrow``, ``\\to`` … continues the previous chain. An
equation whose left side is a bare name (``S_i``, ``y_1``, ``\\sigma(\\mathbf z)_q``,
``softmax(z_i)``, ``f(x)``, ``\\Sigma``) that is not defined yet *defines* it instead of being
checked. Conditions come from the prose (``if i = j``), from the line (``\\quad i \\neq j``) and
stay with the rest of the chain.

Examples
--------
>>> import sympy as sp
>>> from symsoft.latex.context import Relation
>>> i, j = sp.symbols("i j", integer=True)
>>> S, z = sp.IndexedBase("S"), sp.IndexedBase("z")
>>> rels = {"S_i = e^{z_i}": Relation((S[i], sp.exp(z[i])), ("=",), text="S_i = e^{z_i}"),
...         "= x": Relation((sp.Symbol("x"),), (), leading="=", text="= x")}
>>> from symsoft.check.source import read_text
>>> plan = build_plan(read_text("$$S_i = e^{z_i}$$ $$= x$$"), parse=lambda t, c: rels[t])
>>> [d.name for d in plan.definitions], [(s.lhs, s.rhs) for s in plan.steps]
(['S_i'], [(exp(z[i]), x)])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import sympy as sp

from symsoft.check.definitions import SOFTMAX_NAMES
from symsoft.check.source import Document, MathPiece
from symsoft.errors import LatexParseError

__all__ = ["Definition", "Plan", "Step", "Unread", "build_plan", "guess_context", "name_of"]

#: ``\mathbf{1}`` and ``\mathbf{0}`` as the LaTeX reader names them: constants, never names
_CONSTANT_VECTORS = frozenset({"ones", "zeros"})
_SOFTMAX_LETTERS = frozenset({"S", "s", "sigma", "softmax", "p", "y", "a", "P", "Y", "smax"})
#: the index of the coefficient of dz when differentials are compared
COEFFICIENT = sp.Symbol("coef", integer=True)
#: Relation operators that make a checkable step.
_EQUALITY = {"=", "equiv"}
_CONTINUATION = {"=", "equiv", "implies", "def"}


@dataclass(frozen=True)
class Step:
    """``lhs = rhs`` to be decided, with the conditions in scope."""

    line: int
    lhs: Any
    rhs: Any
    lhs_text: str
    rhs_text: str
    conditions: tuple[Any, ...] = ()
    #: index of the definitions (in :attr:`Plan.definitions`) visible to this step
    visible: int = 0


@dataclass(frozen=True)
class Unread:
    """A piece of math that holds an equality but could not be read."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Definition:
    """An equation that introduces a name for later steps."""

    name: str
    key: tuple[str, str]
    line: int
    lhs: Any
    rhs: Any
    text: str


@dataclass(frozen=True)
class Plan:
    """Everything :mod:`symsoft.check.decide` needs from a document, in reading order."""

    items: tuple[Step | Unread, ...]
    definitions: tuple[Definition, ...]
    context: Any = None
    #: largest concrete index written anywhere (``x_4`` gives 4); 0 if none
    concrete_dimension: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(item for item in self.items if isinstance(item, Step))


Parser = Callable[[str, Any], Any]


def _default_parser() -> Parser:
    from symsoft.latex import parse_relation

    return parse_relation


_FUNCTION_DEFINITION = re.compile(
    r"\s*([A-Za-z]|\\ell)\s*\((?:[^()]|\([^()]*\))*\)\s*(?:=|:=|\\coloneqq|\\equiv)"
)


def guess_context(document: Document) -> Any:
    """The :class:`~symsoft.latex.ParseContext` a document implies (variable, dimension, primes)."""
    from symsoft.latex.context import DEFAULT_FUNCTIONS, ParseContext

    text = "\n".join(piece.text for piece in document.pieces)
    # the variable is what derivatives are taken *by*: a denominator ``}{\partial z_j}``,
    # ``/ \partial z_j``, ``\partial_{z_j}``; a numerator ``\partial S_i`` says nothing
    style = r"(?:\\(?:mathbf|boldsymbol|vec|bm)\s*)?\{?\s*"
    variables = Counter(
        re.findall(r"\}\s*\{\s*\\partial\s*" + style + r"([A-Za-z])\s*\}?\s*(?:_|\})", text)
        + re.findall(r"/\s*\(?\s*\\partial\s*" + style + r"([A-Za-z])\s*\}?\s*_", text)
        + re.findall(r"\\partial_\{\s*" + style + r"([A-Za-z])\s*\}?\s*_", text)
        + re.findall(r"\}\s*\{\s*(?:\\mathrm\{d\}|d)\s*" + style + r"([A-Za-z])\s*\}?\s*_", text)
    )
    # the logits are what gets exponentiated: prefer a denominator letter seen in e^{z_k}
    exponentiated = set(
        re.findall(r"(?:e\s*\^\s*\{?|\\exp\s*\(?\s*\{?)\s*" + style + r"([A-Za-z])\s*\}?\s*_", text)
    )
    # …and a letter that is itself differentiated (∂s_i/∂…) is a function, not the variable
    numerators = set(
        re.findall(r"\\frac\s*\{\s*\\partial\s*" + style + r"([A-Za-z])\s*\}?\s*_", text)
    )
    ranked = sorted(
        variables, key=lambda v: (v not in exponentiated, v in numerators, -variables[v])
    )
    variable = ranked[0] if ranked else "z"
    bounds = Counter(
        re.findall(r"\\sum\s*_\{?\s*[a-z]'?\s*=\s*1\s*\}?\s*\^\s*\{?\s*([A-Za-z])\b", text)
        + re.findall(r"\\sum\s*\^\s*\{?\s*([A-Za-z])\s*\}?\s*_", text)
        # a subscripted bound names the dimension too: ``\\sum_{k=1}^{n_{1}}``
        + [
            f"{letter}_{sub}"
            for letter, sub in re.findall(
                r"\\sum\s*_\{?\s*[a-z]'?\s*=\s*1\s*\}?\s*\^\s*"
                r"\{\s*([A-Za-z])_\{?([A-Za-z0-9])\}?\s*\}",
                text,
            )
        ]
    )
    dimension = bounds.most_common(1)[0][0] if bounds else "n"
    functions = set(DEFAULT_FUNCTIONS)
    for name in re.findall(
        r"(?<![\\A-Za-z_^])([A-Za-z])\s*\(\s*(?:\\mathbf\s*\{?|\\boldsymbol\s*\{?)?[a-z]_", text
    ):
        functions.add(name)
    for name in re.findall(r"\\(?:operatorname|mathrm|text)\{([A-Za-z]+)\}\s*\(", text):
        functions.add(name)
    for piece in document.pieces:
        # ``l(\mathbf y, \hat{\mathbf y}) = …`` at the start of a line defines a function
        match = _FUNCTION_DEFINITION.match(piece.text)
        if match:
            functions.add(match.group(1))
    prime: str | None = None
    targets = Counter(
        re.findall(r"\\partial\s*(" + variable + r"_(?:\{[^{}=]*\}|[A-Za-z0-9]))", text)
    )
    if targets:
        prime = targets.most_common(1)[0][0]
    elif re.search(r"[fgh]\s*\(\s*x\s*\)|'\s*\(\s*x\s*\)", text):
        prime = "x"  # a rule over f(x), or a primed function of x (``\\sigma'(x) = (…)'``)
    return ParseContext(
        variable=variable, dimension=dimension, prime_variable=prime, functions=frozenset(functions)
    )


def name_of(expr: Any) -> tuple[str, str] | None:
    """The name an expression introduces if it stands alone on a left side, else ``None``.

    Examples
    --------
    >>> import sympy as sp
    >>> name_of(sp.IndexedBase("y")[1]), name_of(sp.Function("f")(sp.Symbol("x")))
    (('indexed', 'y'), ('function', 'f'))
    >>> name_of(sp.Symbol("x") + 1) is None
    True
    """
    if isinstance(expr, sp.Indexed) and all(
        isinstance(index, (sp.Symbol, sp.Integer)) for index in expr.indices
    ):
        return ("indexed", str(expr.base.label))
    if isinstance(expr, sp.core.function.AppliedUndef) and all(
        isinstance(arg, (sp.Symbol, sp.Indexed)) or _names_a_vector(arg) for arg in expr.args
    ):
        return ("function", expr.func.__name__)
    if isinstance(expr, sp.Symbol) and not expr.is_integer and expr.name not in ("…",):
        return ("symbol", expr.name)
    return None


def _names_a_vector(arg: Any) -> bool:
    """``σ(A)`` in ``H(Y, σ(A)) = …``: a function of a bare name, standing for a vector."""
    return isinstance(arg, sp.core.function.AppliedUndef) and all(
        isinstance(inner, sp.Symbol) for inner in arg.args
    )


def _mentions(expr: Any, key: tuple[str, str]) -> bool:
    kind, name = key
    if kind == "indexed":
        return any(str(base.label) == name for base in expr.atoms(sp.IndexedBase))
    if kind == "function":
        return any(f.func.__name__ == name for f in expr.atoms(sp.core.function.AppliedUndef))
    return any(s.name == name for s in expr.free_symbols if isinstance(s, sp.Symbol))


def _index_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True)


def _prose_conditions(piece: MathPiece) -> tuple[Any, ...]:
    out = []
    for a, op, b in piece.conditions:
        left, right = _index_symbol(a), _index_symbol(b)
        out.append(sp.Eq(left, right) if op == "=" else sp.Ne(left, right))
    return tuple(out)


_REL_TOKEN = re.compile(
    r"(?:\\q?quad\s*)?\\(?:text|mbox|textrm)\s*\{\s*and\s*\}(?:\s*\\q?quad)?|:=|\\coloneqq|\\triangleq|\\equiv|\\doteq|=|\\neq\b|\\ne\b|\\leq?\b|\\geq?\b|<|>|\\approx|"
    r"\\propto|\\in\b|\\implies|\\Longrightarrow|\\Rightarrow|\\rightarrow|\\longrightarrow|"
    r"\\to\b|\\therefore|\\iff|\\Leftrightarrow"
)
_CONDITION_START = re.compile(
    r"\\q?quad|\\text\s*\{\s*(?:if|for|when|where|otherwise)|\\mbox\s*\{\s*(?:if|for)|"
    r",\s*(?:\\[,;:!]\s*)*(?:\\text\s*\{\s*(?:if|for)[^}]*\}\s*)?[a-z]\s*(?:=|\\neq?)"
)
_ENV = re.compile(r"\\(begin|end)\{[^}]*\}")
_COMMAND = re.compile(r"\\[A-Za-z]+")
#: what is left of a line when it is only a condition: ``\quad \text{if } i \neq j.``
_CONDITION_ONLY = re.compile(
    r"(?:[,;]|\\q?quad|\\[,;:! ]|\s|[()]|\\(?:text|mbox|textrm)\s*\{[^{}]*\})*"
    r"[a-z]\s*(?:==|=|\\neq?\b|≠|\\not\s*=)\s*[a-z]\s*[).,;]*\s*$"
)


#: ``\mathbf z = (z_1, \dots, z_n)`` and ``i = 1, \dots, K``: notation, not a step
_LIST_DEFINITION = re.compile(
    r"^\s*(\\[A-Za-z]+\s*\{\s*[A-Za-z]\s*\}|[A-Za-z])\s*=\s*[^=]*?,\s*"
    r"(\\[lc]?dots|\.\.\.)[^=]*$"
)


def split_text(text: str) -> list[tuple[int, str]]:
    """Split a line at its top-level relation symbols: ``[(offset, part), ...]``.

    A trailing condition (``\\quad i \\neq j``) is cut off first; a leading symbol gives an
    empty first part.

    Examples
    --------
    >>> [p for _, p in split_text(r"\\frac{a}{b=c} = x_{i=j} = y \\quad i \\neq j")]
    ['\\\\frac{a}{b=c}', 'x_{i=j}', 'y']
    """
    depth = 0
    cut = len(text)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if depth == 0:
            token = _REL_TOKEN.match(text, index)
            if token and not (token.group(0) == "=" and text[index - 1 : index] in ("<", ">", ":")):
                spans.append((index, token.end()))
                index = token.end()
                continue
            if (
                char in ",\\"
                and _CONDITION_START.match(text, index)
                and _CONDITION_ONLY.match(text, index)
            ):
                cut = index
                break
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth = max(0, depth - 1)
        elif char == "\\":
            env = _ENV.match(text, index)
            if env:
                depth = depth + 1 if env.group(1) == "begin" else max(0, depth - 1)
                index = env.end()
                continue
            if text.startswith("\\{", index):
                depth += 1
            elif text.startswith("\\}", index):
                depth = max(0, depth - 1)
            command = _COMMAND.match(text, index)
            index = command.end() if command else index + 2
            continue
        index += 1
    parts: list[tuple[int, str]] = []
    start = 0
    for begin, end in spans:
        parts.append((start, text[start:begin].strip()))
        start = end
    parts.append((start, text[start:cut].strip()))
    return parts


def build_plan(
    document: Document,
    *,
    parse: Parser | None = None,
    rebinding: frozenset[MathPiece] = frozenset(),
) -> Plan:
    """Read every math piece of ``document`` into steps, definitions and unread pieces.

    An equation opening a piece of ``rebinding`` ("now let a = 3") defines its left side
    again even when the name is defined already."""
    parse = parse or _default_parser()
    try:
        context = guess_context(document)
    except ImportError:  # the reader is not installed; tests pass their own ``parse``
        context = None
    items: list[Step | Unread] = []
    definitions: list[Definition] = []
    defined: set[tuple[str, str]] = set()
    previous: Any = None  # last expression of the running chain
    previous_text = ""
    chain_conditions: tuple[Any, ...] = ()
    chain_prose: frozenset[Any] = frozenset()  # prose conditions where the chain started
    case_start: tuple[Any, str, frozenset[Any]] | None = None
    seen: set[str] = set()  # indexed names written so far
    previous_was_definition = False
    concrete = 0
    index_letters = _index_letters(document)
    for piece, shift, text in _fragments(document):
        if "=:" in text:
            text = text.replace("=:", "\\equiv ")  # ``A =: s_i`` names the right side
        try:
            relation = _parse_with_qualifier(parse, text, context)
        except LatexParseError as error:
            if _has_equality(text) and not _LIST_DEFINITION.match(text):
                items.append(Unread(piece.line_at(shift), text, error.reason))
            # ``s(\mathbf x + c)_i = \frac{…}{…}`` unreadable on the left: a next line ``= …``
            # still continues from the readable right side
            previous, previous_text = _last_side(parse, text, context)
            continue
        except RecursionError:
            items.append(Unread(piece.line_at(shift), text, "nested too deeply"))
            previous = None
            continue
        concrete = max(concrete, _largest_index(relation.parts))
        texts = [(shift + offset, part) for offset, part in split_text(text)]
        parts = list(relation.parts)
        ops = list(relation.ops)
        leading = relation.leading
        if leading is not None and len(parts) == len(ops):
            ops = ops[1:]
        if leading is None:
            chain_conditions = ()
        chain_conditions = _merge(chain_conditions, relation.conditions)
        # a condition written on the line wins over prose about the same pair of indices
        pairs = {frozenset(c.free_symbols) for c in chain_conditions}
        prose = [c for c in _prose_conditions(piece) if frozenset(c.free_symbols) not in pairs]
        scope = _merge(prose, chain_conditions)
        # texts[0] is empty for a continuation; line up the remaining texts with parts
        if leading is not None and texts and not texts[0][1]:
            texts = texts[1:]
        if len(texts) != len(parts):
            texts = [(shift, str(part)) for part in parts]

        continues = leading in _CONTINUATION and (leading != "implies" or not ops)
        stated = frozenset(_prose_conditions(piece))
        if not continues:
            chain_prose, case_start = stated, None
        elif previous is not None and stated and stated != chain_prose:
            # "If i = j, $$= …$$ … And if i ≠ j, $$= …$$": each case continues the expression
            # the cases split from, not the last line of the previous case
            if case_start is None:
                case_start = (previous, previous_text, stated)
            elif case_start[2] != stated:
                previous, previous_text = case_start[0], case_start[1]
                case_start = (previous, previous_text, stated)
        if continues and previous is None and leading != "implies":
            items.append(
                Unread(piece.line_at(shift), text, "continues a chain with nothing before it")
            )
        elif continues and previous is not None and leading in ("=", "equiv", "implies"):
            fresh = _new_names(parts[0], previous, seen) if previous_was_definition else set()
            if fresh:
                # ``L = -Σ_j y_j log p_j \\ = -Σ_j ℓ_j`` introduces ℓ_j; it says what ℓ_j is
                # only by matching terms, which is not a definition the checker can use
                items.append(
                    Unread(
                        piece.line_at(shift),
                        text,
                        f"introduces {', '.join(sorted(fresh))}, never defined",
                    )
                )
            else:
                items.append(
                    _step(
                        piece, texts, scope, previous, parts[0], previous_text, 0, len(definitions)
                    )
                )
        defining = False  # the previous link defined a name (``\hat y_j = softmax(o)_j = …``)
        defined_last = False  # the previous link was a definition (``h_i = Σ_k e^{a_k} = Σ``)
        for at, op in enumerate(ops):
            lhs, rhs = parts[at], parts[at + 1]
            starts_chain = (
                (at == 0 and leading is None)
                or (at > 0 and ops[at - 1] in ("implies", "and"))
                or defining
            )
            after_definition, defined_last = defined_last, False
            defining = False
            key = name_of(lhs)
            if op == "=" and starts_chain and _is_variable(lhs, context) and _is_matrix(rhs):
                continue  # ``\mathbf z = (z_1, \dots, z_n)`` only names the components
            if op == "=" and starts_chain and _names_entries(lhs, rhs):
                continue  # ``P = (p_{ij})`` names the entries of a matrix; P is no scalar
            if op == "=" and starts_chain and _names_softmax_vector(lhs, rhs):
                # ``\hat{\mathbf y} = \mathrm{softmax}(\mathbf o)``: its entries are softmax
                defined.add(("symbol", lhs.name))
                continue
            if op == "=" and starts_chain and key is not None and _opaque(rhs, defined):
                # ``g_i = \partial L / \partial s_i``: L is some function of s, g its gradient
                if _gradient_name(lhs, rhs):
                    name = f"{_display_name(lhs)} = ∂{rhs.expr}/∂{_display_name(rhs.variables[0])}"
                    definitions.append(
                        Definition(
                            name, ("chain", rhs.expr.name), piece.line_at(shift), lhs, rhs, text
                        )
                    )
                continue
            fact = _fact(lhs, rhs, defined, context) if op == "=" and starts_chain else None
            if fact is not None:
                definitions.append(
                    Definition(fact[0], fact[1], piece.line_at(shift), lhs, rhs, text)
                )
                continue
            if op in _EQUALITY and _index_statement(lhs, rhs, index_letters):
                continue  # ``i = j = k`` says which indices coincide; it defines nothing
            if op in _EQUALITY and starts_chain and _entry_value(lhs, rhs, defined, context):
                continue  # ``y_i = 1``, ``y_j = 0``: which entry is which, not a definition
            if (
                op in _EQUALITY
                and isinstance(lhs, sp.Symbol)
                and lhs.name == getattr(context, "dimension", None)
                and isinstance(rhs, sp.Integer)
            ):
                continue  # "For K = 2, …" picks a dimension for an example
            if op == "=" and starts_chain and _models_variable(lhs, rhs, context):
                # ``z_j = \sum_i w_{ij} o_i + b``: the model that produces the logits
                items.append(
                    Unread(
                        piece.line_at(shift),
                        text,
                        "writes the logits through other quantities (a model equation, not a step)",
                    )
                )
                continue
            target = name_of(rhs)
            if (
                op == "="
                and after_definition
                and key is None
                and target is not None
                and target[0] == "symbol"
                and target not in defined
                and not _mentions(lhs, target)
            ):
                # ``h_i = \sum_k e^{a_k} = \Sigma`` names the sum as well
                defined.add(target)
                definitions.append(
                    Definition(_display_name(rhs), target, piece.line_at(shift), rhs, lhs, text)
                )
                continue
            if (
                op == "="
                and starts_chain
                and key is None
                and target is not None
                and target[0] == "symbol"
                and target not in defined
                and target[1] not in _CONSTANT_VECTORS
                and not _mentions(lhs, target)
                and not lhs.has(sp.Derivative)
                and not _is_variable(rhs, context)
            ):
                # ``\sum_j e^{z_j} = S``: an expression equated to a fresh name names it
                defined.add(target)
                definitions.append(
                    Definition(_display_name(rhs), target, piece.line_at(shift), rhs, lhs, text)
                )
                continue
            if op == "def" or (
                op == "="
                and starts_chain
                and key is not None
                and (key not in defined or (at == 0 and piece in rebinding))
                and not _mentions(rhs, key)
                and not _is_variable(lhs, context)
            ):
                target = name_of(rhs)
                if key is None and target is not None and target not in defined:
                    # ``\frac{e^{z_n}}{\sum e^{z_k}} \equiv y_n`` names the right side
                    defined.add(target)
                    definitions.append(
                        Definition(_display_name(rhs), target, piece.line_at(shift), rhs, lhs, text)
                    )
                    continue
                if key is None:
                    items.append(
                        Unread(piece.line_at(shift), text, "defines something that is not a name")
                    )
                    continue
                defined.add(key)
                definitions.append(
                    Definition(_display_name(lhs), key, piece.line_at(shift), lhs, rhs, text)
                )
                defining = name_of(rhs) is not None and name_of(rhs) not in defined
                defined_last = True
                continue
            if op in _EQUALITY:
                items.append(
                    _step(piece, texts, scope, lhs, rhs, texts[at][1], at + 1, len(definitions))
                )
        previous = parts[-1] if parts else None
        previous_text = texts[-1][1] if texts else ""
        previous_was_definition = defined_last and len(ops) == 1
        seen |= {
            str(b.label)
            for part in parts
            if isinstance(part, sp.Basic)
            for b in part.atoms(sp.IndexedBase)
        }
    return Plan(
        items=tuple(items),
        definitions=tuple(definitions),
        context=context,
        concrete_dimension=concrete,
    )


_SUBSCRIPT = re.compile(r"_\s*(?:\{([^{}]*)\}|([A-Za-z]))")


def _index_letters(document: Document) -> frozenset[str]:
    """Single letters the document uses as subscripts (``z_j``, ``\\delta_{ij}``, ``y_{k'}``)."""
    letters: set[str] = set()
    for piece in document.pieces:
        for group, single in _SUBSCRIPT.findall(piece.text):
            letters.update(re.findall(r"(?<![A-Za-z\\])[a-z](?![A-Za-z])", group) or single)
    return frozenset(letters)


def _new_names(expr: Any, other: Any, seen: set[str]) -> set[str]:
    """Indexed names in ``expr`` written nowhere before and not in ``other`` (nor the softmax)."""
    if not isinstance(expr, sp.Basic) or not isinstance(other, sp.Basic):
        return set()
    names = {str(b.label) for b in expr.atoms(sp.IndexedBase)}
    names -= {str(b.label) for b in other.atoms(sp.IndexedBase)}
    return names - seen - SOFTMAX_NAMES


def _last_side(parse: Parser, text: str, context: Any) -> tuple[Any, str]:
    """The expression after the last top-level ``=`` of ``text`` if it reads alone."""
    depth = 0
    cut = -1
    for at, char in enumerate(text):
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        elif char == "=" and depth == 0 and (at == 0 or text[at - 1] not in "\\!<>:"):
            cut = at
    if cut < 0:
        return None, ""
    rest = text[cut + 1 :].strip()
    try:
        relation = _parse_with_qualifier(parse, rest, context)
    except (LatexParseError, RecursionError):
        return None, ""
    if relation.leading is not None or len(relation.parts) != 1 or relation.ops:
        return None, ""
    return relation.parts[0], rest


def _index_statement(lhs: Any, rhs: Any, index_letters: frozenset[str]) -> bool:
    """``i = j`` between two letters the document uses as indices states a case; so does
    ``z_i = z_k``, the same entry written with two indices ("the case i = k, z_i = z_k")."""
    if all(isinstance(side, sp.Symbol) and side.name in index_letters for side in (lhs, rhs)):
        return True
    return (
        isinstance(lhs, sp.Indexed)
        and isinstance(rhs, sp.Indexed)
        and lhs.base == rhs.base
        and lhs != rhs
        and len(lhs.indices) == len(rhs.indices)
        and all(
            isinstance(index, sp.Symbol) and index.name in index_letters
            for index in (*lhs.indices, *rhs.indices)
        )
    )


_AND = re.compile(
    r"(?:\\q?quad\s*)?\\(?:text|mbox|textrm)\s*\{\s*(?:and|i\.\s*e\.,?|that is,?|so|hence|thus|"
    r"therefore|or)\s*\}(?:\s*\\q?quad)?"
)


def _fragments(document: Document) -> Iterator[tuple[MathPiece, int, str]]:
    """Each piece, split where two equations share a line (``A = B \\quad\\text{and}\\quad C``)."""
    for piece in document.pieces:
        start = 0
        for match in _AND.finditer(piece.text):
            before = piece.text[: match.start()]
            if before.count("{") != before.count("}") or before.count("(") != before.count(")"):
                continue
            yield piece, start, piece.text[start : match.start()].strip()
            start = match.end()
        rest = piece.text[start:]
        yield piece, start + len(rest) - len(rest.lstrip()), rest.strip()


def _step(
    piece: MathPiece,
    texts: list[tuple[int, str]],
    scope: tuple[Any, ...],
    lhs: Any,
    rhs: Any,
    lhs_text: str,
    rhs_at: int,
    visible: int,
) -> Step:
    offset, rhs_text = texts[rhs_at]
    return Step(
        line=piece.line_at(offset),
        lhs=lhs,
        rhs=rhs,
        lhs_text=lhs_text,
        rhs_text=rhs_text,
        conditions=scope,
        visible=visible,
    )


def _gradient_name(lhs: Any, rhs: Any) -> bool:
    return (
        isinstance(lhs, sp.Indexed)
        and isinstance(rhs, sp.Derivative)
        and isinstance(rhs.expr, sp.Symbol)
        and len(rhs.variables) == 1
        and isinstance(rhs.variables[0], sp.Indexed)
        and rhs.variables[0].indices == lhs.indices
    )


#: a trailing range or quantifier: ``\qquad \forall j \in 1..N``, ``, \; k = 1, \dots, n``
_QUALIFIER = re.compile(
    r"(?:\s|\\[,;:! ]|\\q?quad|,)*(?:\\forall\b|\\text\s*\{\s*(?:for\s+(?:all|each|every)|"
    r"where)\b|[a-z]\s*\\in\b|[a-z]\s*=\s*1\s*,\s*(?:\\[lc]?dots|\.\.\.))"
)


#: a differential ``\mathrm{d} X`` (not the ``\frac{\mathrm{d} y}{\mathrm{d} x}`` of a derivative)
_DIFFERENTIAL = re.compile(
    r"\\(?:mathrm|operatorname|text)\s*\{\s*d\s*\}|\\mathrm\s+d\b|\{\\rm\s+d\}"
)


def _parse_with_qualifier(parse: Parser, text: str, context: Any) -> Any:
    """Parse ``text``; if that fails, once more without a trailing quantifier or range, and
    with differentials read coefficient-wise."""
    try:
        return parse(text, context)
    except LatexParseError:
        for match in _QUALIFIER.finditer(text):
            head = text[: match.start()]
            if match.start() and head.count("{") == head.count("}") and "=" in head:
                return parse(head.rstrip(), context)
        if _DIFFERENTIAL.search(text) and not re.search(r"\\d?frac\s*\{\s*\\(?:mathrm|rm)", text):
            rewritten, index = _coefficients(text, context)
            relation = parse(rewritten, context)
            # the coefficient index is ours, not the author's: name it so verdicts can tell
            mark = {sp.Symbol(index, integer=True): COEFFICIENT}
            parts = tuple(
                p.xreplace(mark) if isinstance(p, sp.Basic) else p for p in relation.parts
            )
            return replace(relation, parts=parts, text=text)
        raise


def _coefficients(text: str, context: Any) -> tuple[str, str]:
    """``d f = Σ_k ∂f/∂z_k dz_k``: two differentials are equal iff every coefficient is, so
    each ``\\mathrm{d}`` becomes ``∂/∂z_κ`` for an index κ the line does not use."""
    used = set(re.findall(r"_\{?\s*([a-z])", text)) | set(re.findall(r"\\sum_\{?\s*([a-z])", text))
    index = next((c for c in "klmrtuw" if c not in used), None)
    if index is None:
        raise LatexParseError(text, "a differential with no free index letter left")
    variable = getattr(context, "variable", "z")
    rewritten = _DIFFERENTIAL.sub(
        lambda m: f"\\frac{{\\partial}}{{\\partial {variable}_{index}}} ", text
    )
    return rewritten, index


def _is_matrix(expr: Any) -> bool:
    if isinstance(expr, sp.core.function.AppliedUndef) and expr.func.__name__ == "transpose":
        return len(expr.args) == 1 and _is_matrix(expr.args[0])
    return isinstance(expr, sp.MatrixBase)


def _opaque(rhs: Any, defined: set[tuple[str, str]]) -> bool:
    """Whether ``rhs`` differentiates a bare name nobody defined (``∂L``)."""
    if not isinstance(rhs, sp.Basic):
        return False
    return any(
        isinstance(d.expr, sp.Symbol)
        and not d.expr.is_integer
        and ("symbol", d.expr.name) not in defined
        for d in rhs.atoms(sp.Derivative)
    )


def _fact(
    lhs: Any, rhs: Any, defined: set[tuple[str, str]], context: Any
) -> tuple[str, tuple[str, str]] | None:
    """A stated constraint ``Σ_k y_k = 1`` on an undefined indexed name, else ``None``."""
    if isinstance(rhs, sp.Sum) and isinstance(lhs, sp.Number):
        lhs, rhs = rhs, lhs
    if not (isinstance(lhs, sp.Sum) and isinstance(rhs, sp.Number) and len(lhs.limits) == 1):
        return None
    variable, low, _ = lhs.limits[0]
    body = lhs.function
    # ``Σ_k t_{nk} = 1`` states it for every row n of a batch
    if not (
        isinstance(body, sp.Indexed)
        and body.indices[-1] == variable
        and len(body.indices) <= 2
        and all(variable not in index.free_symbols for index in body.indices[:-1])
        and low == 1
    ):
        return None
    name = str(body.base.label)
    if ("indexed", name) in defined or name == getattr(context, "variable", "z"):
        return None
    if name in _SOFTMAX_LETTERS and not any(kind != "symbol" for kind, _ in defined):
        return None  # with nothing defined yet, Σ S_k = 1 is a claim about the softmax
    return f"Σ {name} = {rhs} (stated)", ("fact", name)


def _entry_value(lhs: Any, rhs: Any, defined: set[tuple[str, str]], context: Any) -> bool:
    """``y_i = 1`` or ``y_j = 0`` for a name the document does not define: the value of one
    entry at a particular index (a one-hot label: "y_i = 1 for the true class, y_j = 0 for
    j ≠ i"). Read as a definition it would make every entry 1; checked as a claim it is false
    at most indices. It is neither: a statement about the example at hand."""
    if isinstance(lhs, sp.Number):
        lhs, rhs = rhs, lhs
    if not (isinstance(lhs, sp.Indexed) and isinstance(rhs, sp.Number)):
        return False
    name = str(lhs.base.label)
    if ("indexed", name) in defined or name == getattr(context, "variable", "z"):
        return False
    return all(isinstance(index, sp.Symbol) and index.is_integer for index in lhs.indices)


def _merge(first: Iterable[Any], second: Iterable[Any]) -> tuple[Any, ...]:
    out = list(first)
    for item in second:
        if item not in out:
            out.append(item)
    return tuple(out)


def _has_equality(text: str) -> bool:
    return any(
        token in ("=", ":=", "\\coloneqq", "\\equiv") or token.startswith("\\implies")
        for token in (m.group(0) for m in _REL_TOKEN.finditer(text))
    ) and not re.fullmatch(r"\s*[a-zA-Z]\s*(=|\\neq)\s*[a-zA-Z]\s*", text)


def _largest_index(parts: Iterable[Any]) -> int:
    largest = 0
    for part in parts:
        if not isinstance(part, sp.Basic):
            continue
        for indexed in part.atoms(sp.Indexed):
            for index in indexed.indices:
                if isinstance(index, sp.Integer):
                    largest = max(largest, int(index))
    return largest


def _names_entries(lhs: Any, rhs: Any) -> bool:
    """``P = (p_{ij})``, ``A = (a_{ij})``: a matrix written through its generic entry."""
    return (
        isinstance(lhs, sp.Symbol)
        and isinstance(rhs, sp.Indexed)
        and len(rhs.indices) == 2
        and str(rhs.base.label).lower() == lhs.name.lower()
        and all(isinstance(index, sp.Symbol) for index in rhs.indices)
    )


def _names_softmax_vector(lhs: Any, rhs: Any) -> bool:
    """``\\hat{\\mathbf y} = \\mathrm{softmax}(\\mathbf o)`` names the whole vector; as a
    scalar definition it would stand for an opaque function wherever ``\\hat y_j`` is used."""
    return (
        isinstance(lhs, sp.Symbol)
        # only a name that reads as the softmax by itself (``\\mathbf q = …`` keeps its definition)
        and lhs.name.removeprefix("hat_") in _SOFTMAX_LETTERS
        and isinstance(rhs, sp.core.function.AppliedUndef)
        and rhs.func.__name__ in ("softmax", "sigma", "smax")
        and len(rhs.args) == 1
        and isinstance(rhs.args[0], sp.Symbol)
        and not rhs.args[0].is_integer
    )


def _models_variable(lhs: Any, rhs: Any, context: Any) -> bool:
    """``z_j = \\sum_i w_{ij} o_i + b``, ``z = X\\Theta + \\epsilon``: the logits (every step's
    free input) computed from other quantities. It constrains nothing the steps decide, and read
    as a claim about free logits it would be refuted."""
    if not _is_variable(lhs, context) or not isinstance(rhs, sp.Basic):
        return False
    variable = getattr(context, "variable", "z")
    mentioned = {str(b.label) for b in rhs.atoms(sp.IndexedBase)} | {
        s.name for s in rhs.free_symbols if isinstance(s, sp.Symbol)
    }
    return variable not in mentioned and not isinstance(rhs, sp.Number)


def _is_variable(expr: Any, context: Any) -> bool:
    variable = getattr(context, "variable", "z")
    if isinstance(expr, sp.Indexed):
        return str(expr.base.label) == variable
    return isinstance(expr, sp.Symbol) and expr.name == variable


def _display_name(expr: Any) -> str:
    if isinstance(expr, sp.Indexed):
        return f"{expr.base.label}_{','.join(str(i) for i in expr.indices)}"
    return str(expr)
