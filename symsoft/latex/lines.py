"""Line-level reading of a fragment, before the grammar: layout, conditions and index letters.

Alignment ``&`` and continuation breaks are dropped, a trailing condition (``\\quad i \\neq j``,
``\\text{if } i = j``, an evaluation bar ``|_{i=j}``) is split off, two relations on one line are
joined by the relation ``"and"``, and the letters in index positions are collected so that the
mapping can make them integer symbols.

Examples
--------
>>> from symsoft.latex.lexer import tokenize
>>> main, condition = split_condition(tokenize(r"a = b \\quad i \\neq j"), "")
>>> [str(t) for t in main], [str(t) for t in condition]
(['a', '=', 'b'], ['i', '!=', 'j'])
"""

from __future__ import annotations

from lark import Token

from symsoft.errors import LatexParseError

__all__ = [
    "evaluation_bars",
    "index_names",
    "is_condition",
    "join_relations",
    "lines",
    "range_statement",
    "split_condition",
    "top_level",
    "trim",
]

_OPEN = {"LBRACE", "LPAR", "LBRACK", "LSET", "LANGLE", "BEGIN"}
_CLOSE = {"RBRACE", "RPAR", "RBRACK", "RSET", "RANGLE", "END"}
_CONDITION_TOKENS = {"LETTER", "NUMBER", "GREEK", "REL", "PLUS", "MINUS", "COMMA", "DOTS"}
_CONDITION_RELS = {"=", "!=", "<", "<=", ">", ">="}
_INDEX_LETTERS = "ijklmnpqrst"
_TAIL_TOKENS = _CONDITION_TOKENS | {"QUAD", "LPAR", "RPAR"}


def lines(tokens: list[Token], text: str) -> list[Token]:
    """Drop alignment ``&`` and continuation breaks ``\\\\ &=`` outside environments."""
    out: list[Token] = []
    env = 0
    # The first token after each position that is not layout, computed once from the right.
    significant: list[Token | None] = [None] * (len(tokens) + 1)
    for k in range(len(tokens) - 1, -1, -1):
        layout = tokens[k].type in ("AMP", "ROWSEP", "QUAD")
        significant[k] = significant[k + 1] if layout else tokens[k]
    for i, token in enumerate(tokens):
        env += token.type == "BEGIN"
        env -= token.type == "END"
        following = tokens[i + 1].type if i + 1 < len(tokens) else None
        if token.type == "COMMA" and following in ("ROWSEP", "END", "AMP"):
            continue  # punctuation at the end of a line or a cases condition
        if env and token.type == "COND" and str(token) == "and":
            out.append(Token("COMMA", ",", token.start_pos))  # two conditions of one case
            continue
        if env or token.type not in ("AMP", "ROWSEP"):
            out.append(token)
            continue
        following_token = significant[i + 1]
        continued = following_token is None or following_token.type == "REL"
        if token.type == "ROWSEP" and not continued:
            raise LatexParseError(text, "a line break inside the formula", position=None)
    return out


def top_level(tokens: list[Token]) -> list[int]:
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


def evaluation_bars(tokens: list[Token], text: str) -> tuple[list[Token], list[list[Token]]]:
    """``\\frac{\\partial S_i}{\\partial z_j}\\Big|_{i=j}``: the bar's subscript is a condition."""
    top = set(top_level(tokens))
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
            if not is_condition(inside):
                raise LatexParseError(text, "an evaluation bar |_{...} that is not a condition")
            found.append(inside)
            i = end
            continue
        out.append(tokens[i])
        i += 1
    return out, found


def split_condition(tokens: list[Token], text: str) -> tuple[list[Token], list[Token]]:
    """Separate a trailing condition (``\\text{if } i=j``, ``\\quad i \\ne j``, ``, i = j``).

    ``A = B \\text{ and } C = D`` keeps both relations, joined by the relation ``"and"``.
    """
    tokens = list(tokens)
    top = top_level(tokens)
    for i in top:
        if tokens[i].type != "COND":
            continue
        word = str(tokens[i])
        suffix = tokens[i + 1 :]
        condition = is_condition(suffix) and _about_indices(suffix, tokens[:i])
        relation = any(t.type == "REL" for t in suffix)
        if (word == "and" and not condition) or (word == "where" and relation):
            tokens[i] = Token("REL", "and", tokens[i].start_pos)
            continue
        if word not in ("if", "for", "when"):
            raise LatexParseError(text, f"a '{word}' clause is not understood")
        return tokens[:i], _condition_tokens(suffix, text)
    # A condition is a tail of plain index tokens: only separators inside that tail qualify.
    tail = len(tokens)
    while tail > 0 and tokens[tail - 1].type in _TAIL_TOKENS:
        tail -= 1
    candidates = [i for i in top if i >= tail - 1]
    for kind in ("QUAD", "COMMA"):
        for i in reversed([i for i in candidates if tokens[i].type == kind]):
            suffix = _unwrap([t for t in tokens[i + 1 :] if t.type != "QUAD"])
            if is_condition(suffix, strict=True) and _about_indices(suffix, tokens[:i]):
                return tokens[:i], suffix
    if tokens and tokens[-1].type == "RPAR":
        opening = _opening(tokens)
        inside = tokens[opening + 1 : -1]
        before = tokens[opening - 1].type if opening > 0 else None
        spaced = before in ("QUAD", "COMMA") and is_condition(inside, strict=True)
        if spaced and _about_indices(inside, tokens[:opening]):
            return tokens[:opening], inside
    return tokens, []


def join_relations(tokens: list[Token]) -> list[Token]:
    """``A = B, \\quad C = D``: a spacing or comma between two relations is the relation "and"."""
    top = top_level(tokens)
    on_top = set(top)
    relations = [i for i in top if tokens[i].type == "REL" and str(tokens[i]) != "and"]
    last_relation = relations[-1] if relations else -1
    # For each position, the next token that is neither spacing nor a comma.
    following: list[Token | None] = [None] * (len(tokens) + 1)
    for k in range(len(tokens) - 1, -1, -1):
        skip = tokens[k].type in ("QUAD", "COMMA")
        following[k] = following[k + 1] if skip else tokens[k]
    out = list(tokens)
    last_join = -1
    seen_relation = -1  # position of the latest relation read so far
    for i in top:
        token = tokens[i]
        if token.type == "REL":
            if str(token) == "and":
                last_join = i
            else:
                seen_relation = i
            continue
        if token.type not in ("QUAD", "COMMA") or i + 1 >= len(tokens):
            continue
        nxt = following[i + 1]
        before = seen_relation > last_join
        if before and last_relation > i and nxt is not None and nxt.type != "REL":
            out[i] = Token("REL", "and", token.start_pos)
            last_join = i
    # A run of spacing and commas around one "and" collapses to it.
    after: list[Token | None] = [None] * (len(out) + 1)
    for k in range(len(out) - 1, -1, -1):
        skip = out[k].type in ("QUAD", "COMMA")
        after[k] = after[k + 1] if skip else out[k]
    return [
        t
        for k, t in enumerate(out)
        if not (t.type in ("QUAD", "COMMA") and k in on_top and _is_and(after[k + 1]))
    ]


def _is_and(token: Token | None) -> bool:
    return token is not None and token.type == "REL" and str(token) == "and"


def _about_indices(condition: list[Token], main: list[Token]) -> bool:
    """Whether each letter of a spaced-off condition is an index (``a = b \\quad c = d``: no)."""
    if any(t.type == "DOTS" for t in condition):
        return True  # a range such as ``i = 1, \\dots, K``
    known = index_names(main) | set(_INDEX_LETTERS)
    return all(str(t) in known for t in condition if t.type in ("LETTER", "GREEK"))


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
    only_letters = all(t.type in ("LETTER", "GREEK", "COMMA") for t in out)
    if out and only_letters:
        return []  # a quantifier (``\\text{for all } i, j``) states no condition
    if not is_condition(trim(out)):
        raise LatexParseError(text, "a condition that is not about indices")
    return trim(out)


def is_condition(tokens: list[Token], *, strict: bool = False) -> bool:
    """Whether ``tokens`` read as index conditions (only ``=``/``\\neq`` when ``strict``)."""
    tokens = trim(tokens)
    relations = {"=", "!="} if strict else _CONDITION_RELS
    rels = [t for t in tokens if t.type == "REL"]
    return (
        bool(tokens)
        and all(t.type in _CONDITION_TOKENS for t in tokens)
        and bool(rels)
        and all(str(t) in relations for t in rels)
    )


def trim(tokens: list[Token]) -> list[Token]:
    """Drop sentence punctuation: a comma before the end of a displayed formula."""
    while tokens and tokens[-1].type == "COMMA":
        tokens = tokens[:-1]
    return tokens


def range_statement(tokens: list[Token]) -> list[list[Token]] | None:
    """``i = 1, \\dots, n`` as [[i], [1], [\\dots], [n]]; None for anything else."""
    if len(tokens) < 6 or tokens[0].type != "LETTER" or str(tokens[1]) != "=":
        return None
    top = set(top_level(tokens))
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


def index_names(tokens: list[Token], *, everywhere: bool = False) -> set[str]:
    """Letters in index positions: subscripts, sum bounds, indicator brackets, conditions."""
    if everywhere:
        return {str(t) for t in tokens if t.type in ("LETTER", "GREEK")}
    names: set[str] = set()
    for i, token in enumerate(tokens):
        if token.type == "SUB":
            names |= _argument_letters(tokens, i + 1)
        if token.type == "SUP" and i and str(tokens[i - 1]) in "ℝℕℤℂℚ":
            names |= _argument_letters(tokens, i + 1)  # the dimension in ``\\mathbb{R}^d``
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
            if is_condition(cell):
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
