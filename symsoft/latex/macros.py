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
"""

from __future__ import annotations

import re

__all__ = ["MAX_EXPANSION", "expand_body", "read_macros"]

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
