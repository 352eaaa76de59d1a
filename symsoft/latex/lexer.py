"""Turn one LaTeX math fragment into a flat list of tokens for the grammar.

Presentation (``\\left``, ``\\color``, spacing, ``\\tag``, alignment ``&``) is dropped here,
styling wrappers (``\\mathbf{z}``, ``\\mathrm{d}``, ``\\operatorname{diag}``) are unwrapped,
Unicode is mapped to commands, and every command the reader does not know is refused, so the
grammar only ever sees mathematics. Words such as ``softmax`` written in plain letters become
one ``WORD`` token; any other run of letters is a product of single letters (``ab`` is a·b).

Examples
--------
>>> [t.type for t in tokenize(r"\\frac{\\partial S_i}{\\partial z_j}")][:4]
['FRAC', 'LBRACE', 'PARTIAL', 'LETTER']
>>> [str(t) for t in tokenize(r"\\left( \\mathbf{z} \\right)^\\top")]
['(', 'z', ')', '^', 'top']
"""

from __future__ import annotations

import re

from lark import Token

from symsoft.errors import LatexParseError
from symsoft.latex import commands as _cmd
from symsoft.latex.context import MAX_DEPTH, MAX_LENGTH, MAX_SEPARATORS, MAX_TERMS
from symsoft.latex.macros import MAX_EXPANSION, expand_body
from symsoft.latex.rewrites import rewrite

__all__ = ["tokenize"]

_SCAN = re.compile(
    r"(?P<space>\s+)|(?P<comment>%[^\n]*)|(?P<escaped>\\\\[{},;!_])|(?P<cmd>\\(?:[A-Za-z]+\*?|.))"
    r"|(?P<number>\d+(?:\.\d+)?)|(?P<letters>[A-Za-z]+)|(?P<dots>\.\.\.?)"
    r"|(?P<rel>==|!=|<=|>=|:=)|(?P<char>.)",
    re.DOTALL,
)
_CHARS = {
    "+": "PLUS", "-": "MINUS", "*": "CDOT", "/": "SLASH", "(": "LPAR", ")": "RPAR",
    "[": "LBRACK", "]": "RBRACK", "{": "LBRACE", "}": "RBRACE", ",": "COMMA", "^": "SUP",
    "_": "SUB", "'": "PRIME", "&": "AMP", "|": "BAR", "=": "REL", "<": "REL", ">": "REL",
}  # fmt: skip
_REL_CHARS = {"=": "=", "<": "<", ">": ">", "==": "==", "!=": "!=", "<=": "<=", ">=": ">="}
_OPEN = {"LBRACE", "LPAR", "LBRACK", "LSET", "LANGLE", "BEGIN"}
_CLOSE = {"RBRACE", "RPAR", "RBRACK", "RSET", "RANGLE", "END"}
_ROW_SPACING = re.compile(r"\s*\[\s*-?[\d.]+\s*(?:pt|em|ex|mm|cm|in|mu|bp)\s*\]")
#: Relations, commas, line breaks and condition words; real lines have a few dozen at most.
_SEPARATORS = {"REL", "EQEQ", "COMMA", "QUAD", "COND", "ROWSEP", "BAR"}
_ARG_TAKERS = {"SUB": 1, "SUP": 1, "FRAC": 2, "SQRT": 1}


def tokenize(text: str, macros: tuple[tuple[str, int, str], ...] = ()) -> list[Token]:
    """Tokens of ``text``, or :class:`LatexParseError` for anything not understood.

    Examples
    --------
    >>> [str(t) for t in tokenize("softmax(z)_i")]
    ['softmax', '(', 'z', ')', '_', 'i']
    >>> tokenize(r"\\foo x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    symsoft.errors.LatexParseError: cannot read LaTeX at column 0: unknown command \\foo in ...
    """
    if len(text) > MAX_LENGTH:
        raise LatexParseError(text, f"fragment longer than {MAX_LENGTH} characters")
    normal = _cmd.normalize_unicode(text)
    tokens = rewrite(_Scanner(normal, macros).run(normal, 0), normal)
    _check_shape(normal, tokens)
    return tokens


class _Scanner:
    """A scanner over one fragment; recursion handles wrapper arguments (``\\mathbf{...}``)."""

    def __init__(self, source: str, macros: tuple[tuple[str, int, str], ...] = ()) -> None:
        self.source = source
        self.macros = {name: (count, body) for name, count, body in macros}
        self.expanded = 0

    def fail(self, reason: str, pos: int) -> LatexParseError:
        return LatexParseError(self.source, reason, position=pos)

    def run(self, text: str, level: int) -> list[Token]:
        if level > MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH}", 0)
        out: list[Token] = []
        pos = 0
        while pos < len(text):
            match = _SCAN.match(text, pos)
            assert match is not None  # the last alternative matches any character
            kind, value = match.lastgroup, match.group()
            pos = match.end()
            if kind in ("space", "comment"):
                continue
            if kind == "escaped":
                # Markdown engines that eat one backslash make authors write ``\\{`` for ``\{``.
                pos = self.command(value[1:], text, pos, out, level)
            elif kind == "cmd":
                pos = self.command(value, text, pos, out, level)
            elif kind == "number":
                self.number(value, pos - len(value), out)
            elif kind == "letters":
                self.letters(value, pos - len(value), out)
            elif kind == "dots":
                out.append(Token("DOTS", "...", pos - len(value)))
            elif kind == "rel":
                op = ":=" if value == ":=" else _REL_CHARS[value]
                out.append(Token("EQEQ" if op == "==" else "REL", "def" if op == ":=" else op))
            elif value in _CHARS:
                out.append(Token(_CHARS[value], value, pos - 1))
            elif value in '!;:?@#$"`~.':
                rest = text[pos:].lstrip()
                if value in ".;:" and (not rest or rest.startswith(("\\\\", "\\end", "&"))):
                    continue  # sentence punctuation at the end of a formula or a line
                if value == "~":
                    continue  # a non-breaking space
                raise self.fail(f"cannot read {value!r}", pos - 1)
            else:
                raise self.fail(f"cannot read character {value!r}", pos - 1)
        return out

    def number(self, value: str, pos: int, out: list[Token]) -> None:
        # ``x^23`` is x²·3 and ``\frac12`` is ½ in LaTeX: an argument is one character.
        while value and _wants_single(out):
            out.append(Token("NUMBER", value[0], pos))
            value, pos = value[1:], pos + 1
        if value:
            out.append(Token("NUMBER", value, pos))

    def letters(self, value: str, pos: int, out: list[Token]) -> None:
        if value in _cmd.PLAIN_WORDS and not _wants_single(out):
            out.append(Token("WORD", _cmd.PLAIN_WORDS[value], pos))
            return
        for offset, letter in enumerate(value):
            out.append(Token("LETTER", letter, pos + offset))

    def command(self, value: str, text: str, pos: int, out: list[Token], level: int) -> int:
        start = pos - len(value)
        name = value[1:]
        simple = _cmd.SIMPLE.get(name)
        if simple is not None:
            if simple[0]:
                out.append(Token(simple[0], simple[1], start))
            if simple[0] == "ROWSEP":
                spacing = _ROW_SPACING.match(text, pos)  # ``\\[2pt]``
                pos = spacing.end() if spacing else pos
            return pos
        if name in _cmd.DELIMITER_SIZERS:
            # ``\left.`` and ``\right.`` are invisible delimiters.
            after = _skip_space(text, pos)
            return after + 1 if text[after : after + 1] == "." else pos
        if name in _cmd.DROP_WITH_ARG:
            for _ in range(_cmd.DROP_WITH_ARG[name]):
                _, pos = self.argument(text, pos, start)
            return pos
        if name in ("begin", "end"):
            env, pos = self.argument(text, pos, start)
            return self.environment(name, env.strip(), text, pos, out, start)
        if name in _cmd.TEXT_WRAPPERS:
            arg, pos = self.argument(text, pos, start)
            out.extend(_cmd.text_tokens(arg, start))
            return pos
        if name in _cmd.STYLE_WRAPPERS:
            arg, pos = self.argument(text, pos, start)
            self.styled(name, arg, start, out, level)
            return pos
        if name in _cmd.ANNOTATED:
            # ``\overset{!}{=}``, ``\underbrace{x}_{\text{note}}``: keep the mathematics only.
            if name in ("overset", "underset", "stackrel"):
                _, pos = self.argument(text, pos, start)
            arg, pos = self.argument(text, pos, start)
            out.append(Token("LBRACE", "{", start))
            out.extend(self.run(arg, level + 1))
            out.append(Token("RBRACE", "}", start))
            after = _skip_space(text, pos)
            if name in ("underbrace", "overbrace") and text[after : after + 1] in ("_", "^"):
                _, pos = self.argument(text, after + 1, start)
            return pos
        if name in self.macros:
            count, body = self.macros[name]
            arguments = []
            for _ in range(count):
                argument, pos = self.argument(text, pos, start)
                arguments.append(argument)
            expansion = expand_body(count, body, arguments)
            self.expanded += len(expansion)
            if self.expanded > MAX_EXPANSION:
                raise self.fail("macros expand beyond the size limit", start)
            out.extend(self.run(_cmd.normalize_unicode(expansion), level + 1))
            return pos
        raise self.fail(f"unknown command \\{name}", start)

    def argument(self, text: str, pos: int, start: int) -> tuple[str, int]:
        pos = _skip_space(text, pos)
        if pos >= len(text):
            raise self.fail("command without its argument", start)
        if text[pos] == "{":
            depth = 0
            for end in range(pos, len(text)):
                if text[end] == "\\":
                    continue
                if text[end] == "{" and text[end - 1] != "\\":
                    depth += 1
                elif text[end] == "}" and text[end - 1] != "\\":
                    depth -= 1
                    if depth == 0:
                        return text[pos + 1 : end], end + 1
            raise self.fail("unbalanced braces", pos)
        match = re.compile(r"\\[A-Za-z]+|\\.|.", re.DOTALL).match(text, pos)
        assert match is not None
        return match.group(), match.end()

    def styled(self, name: str, arg: str, start: int, out: list[Token], level: int) -> None:
        inner = arg.strip()
        if inner in ("1", "0") and name in _cmd.ONES_WRAPPERS:
            out.append(Token("ONES", "ones" if inner == "1" else "zeros", start))
            return
        if inner == "I" and name in ("mathbb", "mathds", "mathbbm"):
            out.append(Token("ONES", "I", start))  # the indicator 𝕀[i = j], or the identity
            return
        prefix = _cmd.STYLE_WRAPPERS[name]
        if name in ("mathbb", "mathds") and inner in _cmd.NUMBER_SETS:
            out.append(Token("LETTER", _cmd.NUMBER_SETS[inner], start))
            return
        if inner == "d" and name in _cmd.UPRIGHT:
            out.append(Token("DIFF", "d", start))  # the upright differential d
            return
        if re.fullmatch(r"[A-Za-z]", inner):
            out.append(Token("LETTER", f"{prefix}{inner}" if prefix else inner, start))
            return
        if name in _cmd.UPRIGHT and re.fullmatch(r"[A-Za-z]+", inner):
            word = _cmd.PLAIN_WORDS.get(inner, inner)
            out.append(Token("WORD", word, start))
            return
        tokens = self.run(arg, level + 1)
        if (
            prefix
            and len(tokens) > 2
            and tokens[0].type in ("LETTER", "GREEK")
            and tokens[1].type == "SUB"
            and "SUP" not in {t.type for t in tokens}
        ):
            # ``\hat{y_i}`` is how many write-ups spell ``\hat{y}_i``: the accent is on the letter
            out.append(Token(tokens[0].type, f"{prefix}{tokens[0]}", start))
            out.extend(tokens[1:])
            return
        if prefix and not (len(tokens) == 1 and tokens[0].type in ("LETTER", "GREEK")):
            raise self.fail(f"\\{name} over more than one letter", start)
        if prefix:
            token = tokens[0]
            out.append(Token(token.type, f"{prefix}{token}", start))
        elif len(tokens) == 1 or name == "bf":
            # ``\bf`` is a font switch: its braces style, they do not group (``CE(\bf{y, \hat y})``)
            out.extend(tokens)
        else:
            out.append(Token("LBRACE", "{", start))
            out.extend(tokens)
            out.append(Token("RBRACE", "}", start))

    def environment(
        self, kind: str, env: str, text: str, pos: int, out: list[Token], start: int
    ) -> int:
        if env in _cmd.TRANSPARENT_ENVS:
            return pos
        if env not in _cmd.MATRIX_ENVS and env not in _cmd.CASES_ENVS:
            raise self.fail(f"unsupported environment {env}", start)
        label = "cases" if env in _cmd.CASES_ENVS else "array" if env == "array" else "matrix"
        out.append(Token("BEGIN" if kind == "begin" else "END", label, start))
        if kind == "begin" and env == "array":
            _, pos = self.argument(text, pos, start)  # the column specification
        return pos


def _wants_single(out: list[Token]) -> bool:
    """Whether the next character is a one-character argument (after ``^``, ``_``, ``\\frac``)."""
    if not out:
        return False
    if out[-1].type in _ARG_TAKERS:
        return True
    return len(out) >= 2 and out[-2].type == "FRAC" and out[-1].type in ("NUMBER", "LETTER")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _check_shape(text: str, tokens: list[Token]) -> None:
    """Refuse hostile sizes early: nesting depth and number of terms."""
    depth = terms = separators = 0
    for token in tokens:
        if token.type in _OPEN:
            depth += 1
            if depth > MAX_DEPTH:
                raise LatexParseError(text, f"nesting deeper than {MAX_DEPTH}")
        elif token.type in _CLOSE:
            depth -= 1
        elif token.type in ("PLUS", "MINUS"):
            terms += 1
            if terms > MAX_TERMS:
                raise LatexParseError(text, f"more than {MAX_TERMS} terms")
        elif token.type in _SEPARATORS:
            separators += 1
            if separators > MAX_SEPARATORS:
                raise LatexParseError(text, f"more than {MAX_SEPARATORS} relations or separators")
