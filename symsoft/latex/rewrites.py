"""Token rewrites that turn alternative spellings into the ones the grammar reads.

``f^\\prime`` becomes ``f'``; TeX's ``{a \\over b}`` becomes ``\\frac{a}{b}``; a brace-opened
array (``\\left\\{ \\begin{array}{ll} … \\end{array} \\right.``) becomes ``cases``; a sign
after ``\\cdot`` (``a \\cdot -b``) becomes the factor ``(-1)``.

Examples
--------
>>> from symsoft.latex.lexer import tokenize
>>> [str(t) for t in tokenize(r"{a \\over b}")]
['frac', '{', 'a', '}', '{', 'b', '}']
>>> [str(t) for t in tokenize(r"f^{\\prime\\prime}")]
['f', "'", "'"]
"""

from __future__ import annotations

from lark import Token

from symsoft.errors import LatexParseError

__all__ = ["rewrite"]

_MAX_OVER = 50
_OPEN = {"LBRACE", "LPAR", "LBRACK", "LSET", "LANGLE", "BEGIN"}
_CLOSE = {"RBRACE", "RPAR", "RBRACK", "RSET", "RANGLE", "END"}


def rewrite(tokens: list[Token], text: str) -> list[Token]:
    """Apply every rewrite, in an order where none undoes another."""
    tokens = _word_subscripts(_empty_scripts(tokens))
    tokens = _implicit_sum_index(_layer_labels(_primed_indices(_braced_subscripts(tokens)), text))
    return _signed_operands(_array_cases(_over(_primes(tokens), text)))


def _empty_scripts(tokens: list[Token]) -> list[Token]:
    """``\\sum_{k}^{ }``: an empty superscript or subscript group says nothing; drop it."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        if (
            tokens[k].type in ("SUP", "SUB")
            and k + 2 < len(tokens)
            and tokens[k + 1].type == "LBRACE"
            and tokens[k + 2].type == "RBRACE"
        ):
            k += 3
            continue
        # a stray ``{}`` after a complete operand (``\frac{…}{\partial z_i}{}``) is empty too
        if (
            tokens[k].type == "LBRACE"
            and k + 1 < len(tokens)
            and tokens[k + 1].type == "RBRACE"
            and out
            and out[-1].type in _OPERAND_ENDS
            and not (len(out) > 1 and out[-1].type == "RBRACE" and _argument_pending(out))
        ):
            k += 2
            continue
        out.append(tokens[k])
        k += 1
    return out


_OPERAND_ENDS = {"RBRACE", "RPAR", "RBRACK", "LETTER", "NUMBER", "GREEK"}


def _argument_pending(out: list[Token]) -> bool:
    """Whether the group just closed is the first argument of a two-argument command."""
    depth = 0
    for k in range(len(out) - 1, -1, -1):
        depth += {"RBRACE": 1, "LBRACE": -1}.get(out[k].type, 0)
        if depth == 0:
            return k > 0 and out[k - 1].type == "FRAC"
    return False


def _word_subscripts(tokens: list[Token]) -> list[Token]:
    """``Y_{\\text{pred},ik}``: a word before the indices of a subscript is part of the name
    (read like ``Y^{(pred)}_{ik}``). A subscript that is a word alone (``J_{\\text{softmax}}``)
    already names a symbol, and a name that also carries a superscript is left as written."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        window = [t.type for t in tokens[i : i + 4]]
        if (
            window != ["SUB", "LBRACE", "WORD", "COMMA"]
            or not out
            or out[-1].type
            not in (
                "LETTER",
                "GREEK",
            )
        ):
            out.append(tokens[i])
            i += 1
            continue
        end = _group_end(tokens, i + 1)
        if end < len(tokens) and tokens[end].type == "SUP":
            out.append(tokens[i])
            i += 1
            continue
        word, at = tokens[i + 2], tokens[i].start_pos
        out += [
            Token("SUP", "^", at),
            Token("LBRACE", "{", at),
            Token("LPAR", "(", at),
            Token("LETTER", str(word), at),
            Token("RPAR", ")", at),
            Token("RBRACE", "}", at),
            tokens[i],
            tokens[i + 1],
        ]
        i += 4  # past the word and its comma: the indices follow inside the same braces
    return out


def _braced_subscripts(tokens: list[Token]) -> list[Token]:
    """``\\theta{_k}``, a subscript typed inside braces after its letter: ``\\theta_{k}``."""
    out: list[Token] = []
    for i, token in enumerate(tokens):
        if (
            token.type == "SUB"
            and out
            and out[-1].type == "LBRACE"
            and len(out) > 1
            and out[-2].type in ("LETTER", "GREEK")
            and i + 1 < len(tokens)
            and tokens[i + 1].type in ("LETTER", "NUMBER")
            and i + 2 < len(tokens)
            and tokens[i + 2].type == "RBRACE"
        ):
            out.insert(len(out) - 1, token)
            continue
        out.append(token)
    return out


_SIGNS = {"PLUS", "MINUS"}
_SUMMAND_ENDS = {"PLUS", "MINUS", "REL", "EQEQ", "COMMA", "ROWSEP", "AMP", "QUAD", "COND"}


def _subscript_letters(tokens: list[Token], start: int, end: int) -> set[str]:
    letters: set[str] = set()
    for k in range(start, end - 1):
        if tokens[k].type != "SUB":
            continue
        argument = tokens[k + 1 : _group_end(tokens, k + 1)]
        letters.update(str(t) for t in argument if t.type == "LETTER" and len(str(t)) == 1)
    return letters


def _implicit_sum_index(tokens: list[Token]) -> list[Token]:
    """``\\sum e^{x_j}``: a bare sum runs over the one index only its summand uses (j).

    The summand ends at the next top-level ``+``, ``-``, relation or closing brace. With no such
    letter, or more than one, the sum stays unreadable.
    """
    out = list(tokens)
    sums = [(k, _summand_end(tokens, k)) for k, t in enumerate(tokens) if t.type == "BIGOP"]
    for k, end in reversed(sums):
        token = tokens[k]
        if str(token) != "sum" or (k + 1 < len(tokens) and tokens[k + 1].type in ("SUB", "SUP")):
            continue
        # read the original tokens: an index inserted after a later sum would shift positions
        inside = _subscript_letters(tokens, k + 1, end)
        # letters outside this sum, not counting other sums (``\sum_j e^{x_j}`` binds its j)
        hidden = {m for start, stop in sums for m in range(start, stop)}
        rest = [t for m, t in enumerate(tokens) if m not in hidden]
        candidates = inside - _subscript_letters(rest, 0, len(rest))
        if len(candidates) == 1:
            out[k + 1 : k + 1] = [
                Token("SUB", "_", token.start_pos),
                Token("LETTER", candidates.pop(), token.start_pos),
            ]
    return out


def _summand_end(tokens: list[Token], k: int) -> int:
    """Index after the summand of the big operator at ``k``."""
    depth, end = 0, k + 1
    while end < len(tokens):
        kind = tokens[end].type
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and kind in _SUMMAND_ENDS:
            break
        end += 1
    return end


def _group_end(tokens: list[Token], i: int) -> int:
    """Index after the script argument starting at ``i`` (one token or a braced group)."""
    if i >= len(tokens):
        return i
    if tokens[i].type != "LBRACE":
        return i + 1
    depth = 0
    for j in range(i, len(tokens)):
        depth += {"LBRACE": 1, "RBRACE": -1}.get(tokens[j].type, 0)
        if depth == 0:
            return j + 1
    return len(tokens)


def _label(tokens: list[Token]) -> str | None:
    """``l``, ``{l-1}``, ``{[l]}``: a layer label, else ``None`` (``{(l)}`` is read elsewhere)."""
    inner = tokens[1:-1] if tokens and tokens[0].type == "LBRACE" else tokens
    if inner and (inner[0].type, inner[-1].type) == ("LBRACK", "RBRACK"):
        inner = inner[1:-1]
    if not inner or inner[0].type != "LETTER" or str(inner[0]) == "T":
        return None
    shapes = [t.type for t in inner]
    if shapes == ["LETTER"] or (len(shapes) == 3 and shapes[1] in _SIGNS and shapes[2] == "NUMBER"):
        return "".join(str(t) for t in inner)
    return None


def _layer_labels(tokens: list[Token], text: str) -> list[Token]:
    """``z_i^l``, ``a_k^{l-1}``, ``a^{[l]}_j``: layer l's vector, read like ``a^{(l)}_j``.

    A letter superscript on an indexed letter is a label, part of the name
    (``IndexedBase("z^(l)")``), never a power: softmax write-ups raise entries to numeric
    powers only. ``^T`` stays a transpose.
    """
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        scripted = i > 0 and tokens[i - 1].type in ("SUB", "SUP")
        if token.type not in ("LETTER", "GREEK") or scripted or i + 1 >= len(tokens):
            out.append(token)
            i += 1
            continue
        first = i + 1
        first_end = _group_end(tokens, first + 1)
        second = first_end
        if (
            tokens[first].type not in ("SUB", "SUP")
            or second >= len(tokens)
            or tokens[second].type not in ("SUB", "SUP")
            or tokens[second].type == tokens[first].type
        ):
            out.append(token)
            i += 1
            continue
        second_end = _group_end(tokens, second + 1)
        sup_at, sup_end = (
            (first, first_end) if tokens[first].type == "SUP" else (second, second_end)
        )
        label = _label(tokens[sup_at + 1 : sup_end])
        if label is None:
            out.append(token)
            i += 1
            continue
        at = tokens[sup_at]
        replaced = [
            Token("SUP", "^", at.start_pos),
            Token("LBRACE", "{", at.start_pos),
            Token("LPAR", "(", at.start_pos),
            Token("LETTER", label, at.start_pos),
            Token("RPAR", ")", at.start_pos),
            Token("RBRACE", "}", at.start_pos),
        ]
        for k in range(i, second_end):
            if k == sup_at:
                out.extend(replaced)
            elif not sup_at < k < sup_end:
                out.append(tokens[k])
        i = second_end
    return out


def _primed_indices(tokens: list[Token]) -> list[Token]:
    """In a braced subscript, ``c'`` is an index of its own (``s_{c'}``, ``\\sum_{c'=1}^{C}``);
    so is a bare ``k'`` elsewhere once ``_{k'}`` made it one (``\\text{when } k \\ne k'``)."""
    out: list[Token] = []
    depth = 0  # > 0 inside a braced subscript
    for i, token in enumerate(tokens):
        if i and tokens[i - 1].type == "SUB" and token.type == "LBRACE":
            depth = 1
        elif depth and token.type in _OPEN:
            depth += 1
        elif depth and token.type in _CLOSE:
            depth -= 1
        if depth and token.type == "PRIME" and out and out[-1].type == "LETTER":
            out[-1] = Token("LETTER", f"{out[-1]}'", out[-1].start_pos)
            continue
        out.append(token)
    primed = {str(t) for t in out if t.type == "LETTER" and str(t).endswith("'")}
    if not primed:
        return out
    merged: list[Token] = []
    for i, token in enumerate(out):
        following = out[i + 1].type if i + 1 < len(out) else None
        if (
            token.type == "PRIME"
            and merged
            and merged[-1].type == "LETTER"
            and f"{merged[-1]}'" in primed
            and following not in ("LPAR", "PRIME")
        ):
            merged[-1] = Token("LETTER", f"{merged[-1]}'", merged[-1].start_pos)
            continue
        merged.append(token)
    return merged


def _primes(tokens: list[Token]) -> list[Token]:
    """``f^\\prime`` and ``f^{\\prime\\prime}`` are the primes ``f'`` and ``f''``."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "SUP" and i + 1 < len(tokens):
            if tokens[i + 1].type == "PRIME":
                i += 1
                continue
            end = i + 2
            while end < len(tokens) and tokens[end].type == "PRIME":
                end += 1
            braced = tokens[i + 1].type == "LBRACE" and end > i + 2
            if braced and end < len(tokens) and tokens[end].type == "RBRACE":
                out.extend(tokens[i + 2 : end])
                i = end + 1
                continue
        out.append(token)
        i += 1
    return out


def _over(tokens: list[Token], text: str) -> list[Token]:
    """``{a \\over b}`` is ``\\frac{a}{b}`` (the braces around it are required)."""
    if sum(t.type == "OVER" for t in tokens) > _MAX_OVER:
        raise LatexParseError(text, f"more than {_MAX_OVER} \\over")  # each costs a pass
    while any(t.type == "OVER" for t in tokens):
        at = next(i for i, t in enumerate(tokens) if t.type == "OVER")
        opening = _enclosing(tokens, at)
        closing = _matching(tokens, opening) if opening is not None else None
        if opening is None or closing is None or tokens[opening].type != "LBRACE":
            raise LatexParseError(text, "\\over outside a braced group")
        pos = tokens[at].start_pos
        tokens = [
            *tokens[:opening],
            Token("FRAC", "frac", pos),
            Token("LBRACE", "{", pos),
            *tokens[opening + 1 : at],
            Token("RBRACE", "}", pos),
            Token("LBRACE", "{", pos),
            *tokens[at + 1 : closing],
            Token("RBRACE", "}", pos),
            *tokens[closing + 1 :],
        ]
    return tokens


def _enclosing(tokens: list[Token], at: int) -> int | None:
    depth = 0
    for i in range(at - 1, -1, -1):
        depth += tokens[i].type in _CLOSE
        depth -= tokens[i].type in _OPEN
        if depth < 0:
            return i
    return None


def _matching(tokens: list[Token], opening: int) -> int | None:
    depth = 0
    for i in range(opening, len(tokens)):
        depth += tokens[i].type in _OPEN
        depth -= tokens[i].type in _CLOSE
        if depth == 0:
            return i
    return None


def _array_cases(tokens: list[Token]) -> list[Token]:
    """``\\left\\{ \\begin{array} … \\end{array} \\right.`` (or ``matrix``) is ``cases``."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        opens_table = following is not None and following.type == "BEGIN"
        if (
            following is not None
            and token.type == "LSET"
            and opens_table
            and str(following)
            in (
                "array",
                "matrix",
            )
        ):
            end = _matching(tokens, i + 1)
            after = tokens[end + 1] if end is not None and end + 1 < len(tokens) else None
            if end is not None and (after is None or after.type != "RSET"):
                out.append(Token("BEGIN", "cases", following.start_pos))
                out.extend(tokens[i + 2 : end])
                out.append(Token("END", "cases", tokens[end].start_pos))
                i = end + 1
                continue
        out.append(token)
        i += 1
    return out


def _signed_operands(tokens: list[Token]) -> list[Token]:
    """``a \\cdot -b`` is ``a \\cdot (-1) b``: the sign belongs to the rest of the product."""
    out: list[Token] = []
    for i, token in enumerate(tokens):
        previous = tokens[i - 1].type if i else None
        if previous == "CDOT" and token.type in ("PLUS", "MINUS"):
            if token.type == "MINUS":
                pos = token.start_pos
                out += [Token("LPAR", "(", pos), token, Token("NUMBER", "1", pos)]
                out.append(Token("RPAR", ")", pos))
            continue
        out.append(token)
    return out
