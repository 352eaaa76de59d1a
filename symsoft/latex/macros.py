"""User macros: read ``\\newcommand`` definitions from a document and expand them safely.

The document checker passes the definitions it finds to :class:`~symsoft.latex.ParseContext`
(``macros=read_macros(source)``); the lexer then expands ``\\pd{S_i}{z_j}`` into
``\\frac{\\partial S_i}{\\partial z_j}`` before reading it. Expansion is text substitution of
``#1``…``#9`` only, bounded in depth and in total size, so a recursive or exponential macro
is refused rather than expanded forever.

Examples
--------
>>> source = r"\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}"
>>> read_macros(source + r"\\def\\sm{\\operatorname{softmax}}")
(('pd', 2, '\\\\frac{\\\\partial #1}{\\\\partial #2}'), ('sm', 0, '\\\\operatorname{softmax}'))
>>> expand_body(2, r"\\frac{\\partial #1}{\\partial #2}", ["S_i", "z_j"])
'\\\\frac{\\\\partial {S_i}}{\\\\partial {z_j}}'
>>> expand_text(r"\\pd{S_i}{z_j} = 0", read_macros(source))
' \\\\frac{\\\\partial S_i}{\\\\partial z_j}  = 0'
"""

from __future__ import annotations

import re

__all__ = ["MAX_EXPANSION", "expand_body", "expand_text", "read_macros"]

#: Most characters all macro expansions of one fragment may produce together.
MAX_EXPANSION = 40_000
_MAX_MACROS = 200

_NEWCOMMAND = re.compile(
    r"\\(?:re)?newcommand\*?\s*\{?\s*\\([A-Za-z]+)\s*\}?\s*(?:\[\s*(\d)\s*\])?\s*(?:\[[^\]]*\])?\s*\{"
)
_DEF = re.compile(r"\\def\s*\\([A-Za-z]+)\s*((?:#\d)*)\s*\{")
_OPERATOR = re.compile(r"\\DeclareMathOperator\*?\s*\{\s*\\([A-Za-z]+)\s*\}\s*\{")


def read_macros(source: str) -> tuple[tuple[str, int, str], ...]:
    """``(name, argument count, body)`` for each macro the source defines (later ones win)."""
    found: dict[str, tuple[int, str]] = {}
    for pattern in (_NEWCOMMAND, _DEF, _OPERATOR):
        for match in pattern.finditer(source):
            body = _braced(source, match.end() - 1)
            if body is None:
                continue
            name = match.group(1)
            if pattern is _NEWCOMMAND:
                count = int(match.group(2) or 0)
            elif pattern is _DEF:
                count = len(match.group(2)) // 2
            else:
                body, count = rf"\operatorname{{{body}}}", 0
            found[name] = (count, body)
            if len(found) >= _MAX_MACROS:
                break
    return tuple((name, count, body) for name, (count, body) in found.items())


def expand_body(count: int, body: str, arguments: list[str]) -> str:
    """``body`` with ``#1``…``#9`` replaced by the (braced) arguments."""
    return re.sub(
        r"#(\d)",
        lambda m: (
            "{" + arguments[int(m.group(1)) - 1] + "}" if 0 < int(m.group(1)) <= count else ""
        ),
        body,
    )


def _braced(source: str, start: int) -> str | None:
    """The content of the brace group opening at ``start``."""
    depth = 0
    for end in range(start, min(len(source), start + 5_000)):
        char = source[end]
        if char == "{" and source[end - 1] != "\\":
            depth += 1
        elif char == "}" and source[end - 1] != "\\":
            depth -= 1
            if depth == 0:
                return source[start + 1 : end]
    return None


#: Rounds of expansion of a text: macros defined through other macros, but never forever.
_ROUNDS = 4


def expand_text(text: str, macros: tuple[tuple[str, int, str], ...]) -> str:
    """``text`` with the macros expanded in place, arguments substituted as written.

    This is the document-level expansion (the display text of a step shows the expanded
    formula); expansion stops after a few rounds or once the text outgrows ``MAX_EXPANSION``.
    """
    if not macros:
        return text
    table = {name: (count, body) for name, count, body in macros}
    pattern = re.compile(r"\\(" + "|".join(map(re.escape, table)) + r")(?![A-Za-z])")
    for _ in range(_ROUNDS):
        expanded, changed = _expand_once(text, pattern, table)
        if not changed or len(expanded) > MAX_EXPANSION:
            break
        text = expanded
    return text


def _expand_once(
    text: str, pattern: re.Pattern[str], table: dict[str, tuple[int, str]]
) -> tuple[str, bool]:
    out, position = [], 0
    for match in pattern.finditer(text):
        if match.start() < position:
            continue
        count, body = table[match.group(1)]
        arguments, end = _arguments(text, match.end(), count)
        if arguments is None:
            continue
        for number, argument in enumerate(arguments, start=1):
            body = body.replace(f"#{number}", argument)
        out.append(text[position : match.start()] + " " + body + " ")
        position = end
    return "".join(out) + text[position:], position > 0


def _arguments(text: str, start: int, count: int) -> tuple[list[str] | None, int]:
    arguments: list[str] = []
    for _ in range(count):
        while start < len(text) and text[start] == " ":
            start += 1
        if start >= len(text) or text[start] != "{":
            return None, start
        argument = _braced(text, start)
        if argument is None:
            return None, start
        arguments.append(argument)
        start += len(argument) + 2
    return arguments, start
