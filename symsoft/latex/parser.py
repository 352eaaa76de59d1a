"""The entry points of the LaTeX reader: :func:`parse_relation` and :func:`parse_expression`.

A fragment goes through four stages: the lexer (presentation dropped, commands checked), the
line-level split (alignment ``&``, continuation ``\\\\``, trailing conditions such as
``\\quad i \\neq j``), the LALR grammar, and the mapping to SymPy, whose result is linted so
that no ``d``, ``e`` or ``\\partial`` survives as a symbol.

Examples
--------
>>> rel = parse_relation(r"\\frac{\\partial S_i}{\\partial z_j} = S_i(\\delta_{ij} - S_j)")
>>> rel.parts
(Derivative(S[i], z[j]), (KroneckerDelta(i, j) - S[j])*S[i])
>>> parse_relation(r"= -S_i S_j, \\; i \\neq j").conditions
(Ne(i, j),)
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import sympy as sp
from lark import Lark, Token, Tree, UnexpectedInput
from lark.lexer import Lexer
from sympy.tensor.indexed import IndexException

from symsoft.errors import LatexParseError
from symsoft.latex.context import DOTS, ParseContext, Relation
from symsoft.latex.lexer import tokenize
from symsoft.latex.transform import Converter

__all__ = ["parse_expression", "parse_relation"]

_OPEN = {"LBRACE", "LPAR", "LBRACK", "LSET", "LANGLE", "BEGIN"}
_CLOSE = {"RBRACE", "RPAR", "RBRACK", "RSET", "RANGLE", "END"}
_CONDITION_TOKENS = {"LETTER", "NUMBER", "GREEK", "REL", "PLUS", "MINUS", "COMMA", "DOTS"}
_CONDITION_RELS = {"=", "!=", "<", "<=", ">", ">="}
_INDEX_LETTERS = "ijklmnpqrst"
_FORBIDDEN = frozenset({"d", "partial", "e"})


class _TokenFeed(Lexer):
    """Hands the lexer's ready-made tokens to lark."""

    def __init__(self, conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Any:  # type: ignore[override]
        yield from data


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("symsoft.latex").joinpath("grammar.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", lexer=_TokenFeed, start=["start", "inner"])


def parse_relation(text: str, ctx: ParseContext | None = None) -> Relation:
    """Read a relation chain ``A = B = C`` (or a continuation ``&= B``) from LaTeX.

    Examples
    --------
    >>> parse_relation(r"\\implies y = \\frac{a}{b}").ops
    ('implies', '=')
    >>> parse_relation(r"S_i = e^{z_i} / \\sum_k e^{z_k} \\quad \\text{for } i \\ne j").parts
    (S[i], exp(z[i])/Sum(exp(z[k]), (k, 1, n)))
    """
    ctx = ParseContext() if ctx is None else ctx
    if not isinstance(text, str):
        raise LatexParseError(repr(text)[:80], "the fragment is not text")
    tokens = _lines(tokenize(text), text)
    tokens, evaluated = _evaluation_bars(tokens, text)
    tokens, condition = _split_condition(tokens, text)
    for extra in evaluated:
        condition = [*condition, Token("COMMA", ",", extra[0].start_pos), *extra]
    condition = _trim(condition[1:] if condition and condition[0].type == "COMMA" else condition)
    tokens = _trim([t for t in _join_relations(tokens) if t.type != "QUAD"])
    if not tokens:
        raise LatexParseError(text, "no mathematics in the fragment")
    names = _index_names(tokens) | _index_names(condition, everywhere=True)
    ranged = _range_statement(tokens)
    if ranged is not None:
        names |= _index_names(tokens, everywhere=True)
    converter = Converter(ctx, text, frozenset(names))
    try:
        if ranged is not None:
            return _range_relation(converter, ranged, text)
        tree = _parse(tokens, text, "start")
        parts, ops, leading = converter.relation(tree)
        conditions = []
        if condition:
            chains = _parse(condition, text, "inner").children
            conditions = converter.conditions_of([c for c in chains if isinstance(c, Tree)])
    except LatexParseError:
        raise
    except RecursionError:
        raise LatexParseError(text, "expression nested too deeply") from None
    except (TypeError, ValueError, ArithmeticError, NotImplementedError, IndexException) as error:
        # SymPy refuses some well-formed combinations (a matrix plus a scalar, a sum whose
        # bound is a matrix); the fragment then has no meaning we can represent.
        reason = f"no mathematical meaning ({type(error).__name__})"
        raise LatexParseError(text, reason) from None
    for part in parts:
        _lint(part, text)
    return Relation(
        parts=tuple(parts),
        ops=tuple(ops),
        conditions=tuple(conditions + converter.conditions),
        leading=leading,
        text=text,
    )


def parse_expression(text: str, ctx: ParseContext | None = None) -> sp.Basic:
    """Read one expression (no relation, no condition) from LaTeX.

    Examples
    --------
    >>> parse_expression(r"-a^2 + \\frac{1}{2}")
    1/2 - a**2
    >>> parse_expression(r"x = y")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    symsoft.errors.LatexParseError: cannot read LaTeX: a relation where an expression ...
    """
    relation = parse_relation(text, ctx)
    if relation.ops or relation.leading or relation.conditions:
        raise LatexParseError(text, "a relation where an expression was expected")
    return relation.parts[0]


def _range_statement(tokens: list[Token]) -> list[list[Token]] | None:
    """``i = 1, \\dots, n`` as [[i], [1], [\\dots], [n]]; None for anything else."""
    if len(tokens) < 6 or tokens[0].type != "LETTER" or str(tokens[1]) != "=":
        return None
    top = set(_top_level(tokens))
    segments: list[list[Token]] = [[]]
    for i, token in enumerate(tokens[2:], start=2):
        if i in top and token.type == "COMMA":
            segments.append([])
        else:
            segments[-1].append(token)
    dots = [i for i, seg in enumerate(segments) if [t.type for t in seg] == ["DOTS"]]
    if len(segments) < 3 or dots != [len(segments) - 2] or not all(segments):
        return None
    return [[tokens[0]], *segments]


def _range_relation(converter: Converter, segments: list[list[Token]], text: str) -> Relation:
    """``i = 1, \\dots, n`` read as ``i ∈ {1, …, n}`` (the relation ``"in"``)."""
    values = []
    for segment in (segments[0], segments[1], segments[-1]):
        chains = [c for c in _parse(segment, text, "inner").children if isinstance(c, Tree)]
        if len(chains) != 1 or len(chains[0].children) != 1:
            raise LatexParseError(text, "a range whose ends are not expressions")
        values.append(converter.expr(chains[0].children[0]))
    index, low, high = values
    try:
        domain = sp.Range(low, high + 1)
    except (TypeError, ValueError):
        raise LatexParseError(text, "a range whose ends are not integers") from None
    return Relation(parts=(index, domain), ops=("in",), text=text)


def _parse(tokens: list[Token], text: str, start: str) -> Any:
    try:
        return _parser().parse(tokens, start=start)
    except UnexpectedInput as error:
        token = getattr(error, "token", None)
        where = getattr(token, "start_pos", None)
        shown = f"unexpected {token}" if token is not None and str(token) else "incomplete formula"
        raise LatexParseError(text, shown, position=where) from None


def _lines(tokens: list[Token], text: str) -> list[Token]:
    """Drop alignment ``&`` and continuation breaks ``\\\\ &=`` outside environments."""
    out: list[Token] = []
    env = 0
    for i, token in enumerate(tokens):
        env += token.type == "BEGIN"
        env -= token.type == "END"
        following = tokens[i + 1].type if i + 1 < len(tokens) else None
        if token.type == "COMMA" and following in ("ROWSEP", "END", "AMP"):
            continue  # punctuation at the end of a line or a cases condition
        if env or token.type not in ("AMP", "ROWSEP"):
            out.append(token)
            continue
        if token.type == "ROWSEP":
            rest = [t for t in tokens[i + 1 :] if t.type not in ("AMP", "ROWSEP", "QUAD")]
            if rest and rest[0].type != "REL":
                raise LatexParseError(text, "a line break inside the formula", position=None)
    return out


def _top_level(tokens: list[Token]) -> list[int]:
    """Positions of the tokens outside every bracket and environment."""
    depth, out = 0, []
    for i, token in enumerate(tokens):
        if token.type in _CLOSE:
            depth -= 1
        if depth == 0:
            out.append(i)
        if token.type in _OPEN:
            depth += 1
    return out


def _evaluation_bars(tokens: list[Token], text: str) -> tuple[list[Token], list[list[Token]]]:
    """``\\frac{\\partial S_i}{\\partial z_j}\\Big|_{i=j}``: the bar's subscript is a condition."""
    top = set(_top_level(tokens))
    out: list[Token] = []
    found: list[list[Token]] = []
    i = 0
    while i < len(tokens):
        bar = i in top and tokens[i].type == "BAR" and i + 2 < len(tokens)
        if bar and tokens[i + 1].type == "SUB":
            end = _argument_end(tokens, i + 2)
            inside = tokens[i + 2 : end]
            if inside and inside[0].type == "LBRACE":
                inside = inside[1:-1]
            if not _is_condition(inside):
                raise LatexParseError(text, "an evaluation bar |_{...} that is not a condition")
            found.append(inside)
            i = end
            continue
        out.append(tokens[i])
        i += 1
    return out, found


def _split_condition(tokens: list[Token], text: str) -> tuple[list[Token], list[Token]]:
    """Separate a trailing condition (``\\text{if } i=j``, ``\\quad i \\ne j``, ``, i = j``).

    ``A = B \\text{ and } C = D`` keeps both relations, joined by the relation ``"and"``.
    """
    top = _top_level(tokens)
    for i in top:
        if tokens[i].type == "COND":
            word = str(tokens[i])
            suffix = tokens[i + 1 :]
            condition = _is_condition(suffix) and _about_indices(suffix, tokens[:i])
            if word == "and" and not condition:
                joined = [*tokens[:i], Token("REL", "and", tokens[i].start_pos), *suffix]
                return _split_condition(joined, text)
            if word not in ("if", "for", "when"):
                raise LatexParseError(text, f"a '{word}' clause is not understood")
            return tokens[:i], _condition_tokens(suffix, text)
    for kind in ("QUAD", "COMMA"):
        for i in reversed([i for i in top if tokens[i].type == kind]):
            suffix = _unwrap([t for t in tokens[i + 1 :] if t.type != "QUAD"])
            if _is_condition(suffix, strict=True) and _about_indices(suffix, tokens[:i]):
                return tokens[:i], suffix
    if tokens and tokens[-1].type == "RPAR":
        opening = _opening(tokens)
        inside = tokens[opening + 1 : -1]
        before = tokens[opening - 1].type if opening > 0 else None
        indices = _about_indices(inside, tokens[:opening])
        if before in ("QUAD", "COMMA") and _is_condition(inside, strict=True) and indices:
            return tokens[:opening], inside
    return tokens, []


def _about_indices(condition: list[Token], main: list[Token]) -> bool:
    """Whether each letter of a spaced-off condition is an index (``a = b \\quad c = d``: no)."""
    if any(t.type == "DOTS" for t in condition):
        return True  # a range such as ``i = 1, \\dots, K``
    known = _index_names(main) | set(_INDEX_LETTERS)
    return all(str(t) in known for t in condition if t.type in ("LETTER", "GREEK"))


def _join_relations(tokens: list[Token]) -> list[Token]:
    """``A = B, \\quad C = D``: a spacing or comma between two relations is the relation "and"."""
    top = _top_level(tokens)
    rels = [i for i in top if tokens[i].type == "REL" and str(tokens[i]) != "and"]
    out = list(tokens)
    last = -1
    for i in top:
        if tokens[i].type == "REL" and str(tokens[i]) == "and":
            last = i
            continue
        if tokens[i].type not in ("QUAD", "COMMA") or i + 1 >= len(tokens):
            continue
        following = next((t for t in tokens[i + 1 :] if t.type not in ("QUAD", "COMMA")), None)
        before = any(last < r < i for r in rels)
        after = any(r > i for r in rels)
        if before and after and following is not None and following.type != "REL":
            out[i] = Token("REL", "and", tokens[i].start_pos)
            last = i
    # A run of spacing and commas around one "and" collapses to it.
    return [
        t
        for k, t in enumerate(out)
        if not (t.type in ("QUAD", "COMMA") and _next_is_and(out, k) and k in top)
    ]


def _next_is_and(tokens: list[Token], k: int) -> bool:
    for t in tokens[k + 1 :]:
        if t.type in ("QUAD", "COMMA"):
            continue
        return t.type == "REL" and str(t) == "and"
    return False


def _opening(tokens: list[Token]) -> int:
    """Position of the bracket that the last token closes."""
    depth = 0
    for i in range(len(tokens) - 1, -1, -1):
        depth += tokens[i].type in _CLOSE
        depth -= tokens[i].type in _OPEN
        if depth == 0:
            return i
    return 0


def _unwrap(tokens: list[Token]) -> list[Token]:
    """``(r \\neq i)`` as a condition: drop one pair of parentheses around it."""
    bracketed = len(tokens) > 2 and tokens[0].type == "LPAR" and tokens[-1].type == "RPAR"
    if bracketed and _opening(tokens) == 0:
        return tokens[1:-1]
    return tokens


def _condition_tokens(tokens: list[Token], text: str) -> list[Token]:
    out = []
    for token in tokens:
        if token.type == "COND":
            if str(token) != "and":
                raise LatexParseError(text, f"a second '{token}' in one condition")
            out.append(Token("COMMA", ",", token.start_pos))
        elif token.type != "QUAD":
            out.append(token)
    if any(t.type == "DOTS" or str(t) == "in" for t in out):
        return []  # a range (``\\forall i \\in 1, \\dots, N``) states no condition
    if not _is_condition(_trim(out)):
        raise LatexParseError(text, "a condition that is not about indices")
    return _trim(out)


def _is_condition(tokens: list[Token], *, strict: bool = False) -> bool:
    """Whether ``tokens`` read as index conditions (only ``=``/``\\neq`` when ``strict``)."""
    tokens = _trim(tokens)
    relations = {"=", "!="} if strict else _CONDITION_RELS
    rels = [t for t in tokens if t.type == "REL"]
    return (
        bool(tokens)
        and all(t.type in _CONDITION_TOKENS for t in tokens)
        and bool(rels)
        and all(str(t) in relations for t in rels)
    )


def _trim(tokens: list[Token]) -> list[Token]:
    """Drop sentence punctuation: a comma before the end of a displayed formula."""
    while tokens and tokens[-1].type == "COMMA":
        tokens = tokens[:-1]
    return tokens


def _index_names(tokens: list[Token], *, everywhere: bool = False) -> set[str]:
    """Letters in index positions: subscripts, sum bounds, indicator brackets, conditions."""
    if everywhere:
        return {str(t) for t in tokens if t.type in ("LETTER", "GREEK")}
    names: set[str] = set()
    for i, token in enumerate(tokens):
        if token.type == "SUB":
            names |= _argument_letters(tokens, i + 1)
        if token.type == "BIGOP":
            at = i + 1
            while at < len(tokens) and tokens[at].type in ("SUB", "SUP"):
                names |= _argument_letters(tokens, at + 1)
                at = _argument_end(tokens, at + 1)
        if token.type in ("LBRACK", "LPAR", "LSET", "LBRACE"):
            names |= _indicator_letters(tokens, i + 1)
        if token.type == "AMP":
            cell = []
            for following in tokens[i + 1 :]:
                if following.type in ("ROWSEP", "END", "AMP"):
                    break
                cell.append(following)
            cell = [t for t in cell if t.type not in ("COND", "QUAD")]
            if _is_condition(cell):
                names |= {str(t) for t in cell if t.type in ("LETTER", "GREEK")}
    return names


def _argument_end(tokens: list[Token], i: int) -> int:
    """Position just after the one-token or braced argument starting at i."""
    if i >= len(tokens) or tokens[i].type != "LBRACE":
        return i + 1
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].type in _OPEN
        depth -= tokens[j].type in _CLOSE
        if depth == 0:
            return j + 1
    return len(tokens)


def _argument_letters(tokens: list[Token], i: int) -> set[str]:
    if i >= len(tokens):
        return set()
    end = _argument_end(tokens, i)
    names = set()
    for j in range(i, end):
        following = tokens[j + 1].type if j + 1 < len(tokens) else None
        if tokens[j].type in ("LETTER", "GREEK") and following != "SUB":
            names.add(str(tokens[j]))
    return names


def _indicator_letters(tokens: list[Token], i: int) -> set[str]:
    """Letters of ``[i = j]``, ``(i == j)``, ``\\{i = j\\}`` right after an opening bracket."""
    inside: list[Token] = []
    for token in tokens[i:]:
        if token.type in _CLOSE:
            break
        if token.type not in ("LETTER", "NUMBER", "REL", "EQEQ", "GREEK"):
            return set()
        inside.append(token)
    has_relation = any(t.type == "EQEQ" or str(t) in ("=", "!=") for t in inside)
    return {str(t) for t in inside if t.type in ("LETTER", "GREEK")} if has_relation else set()


def _lint(expr: sp.Basic, text: str) -> None:
    """Refuse results in which notation survived as a symbol (a reader bug, never guessed)."""
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, sp.MatrixBase):
            pending.extend(e for e in node if e is not DOTS)
            continue
        if node is DOTS:
            raise LatexParseError(text, "dots outside a written-out sum or matrix")
        if isinstance(node, sp.Symbol) and node.name in _FORBIDDEN:
            raise LatexParseError(text, f"the symbol {node.name!r} is notation, not a variable")
        if isinstance(node, sp.Basic):
            pending.extend(node.args)
