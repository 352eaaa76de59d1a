"""Markdown structure: which parts of a Markdown source are code and never mathematics.

Block structure (fenced code, HTML comment blocks) comes from markdown-it-py, the CommonMark
parser, so fences inside lists, tildes, longer closing fences and unclosed fences are read as
a Markdown renderer reads them. A fence whose info string is ``math`` (GitHub's display math)
becomes a ``$$`` block. Inline code spans and inline HTML comments are found by one linear pass
each. Every function keeps offsets and line numbers: a hidden character becomes a space.

Examples
--------
>>> source, hidden = hide_code("Set `$a = b$` aside.\\n```math\\nx = 1\\n```\\n")
>>> source
'Set `$a = b$` aside.\\n$$     \\nx = 1\\n$$ \\n'
>>> hidden
'Set           aside.\\n$$     \\nx = 1\\n$$ \\n'
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

__all__ = ["hide_code"]

_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark")
    # Only the block structure is needed; inline parsing would be wasted work.
    parser.core.ruler.disable(["inline", "text_join"], ignoreInvalid=True)
    return parser


def hide_code(text: str) -> tuple[str, str]:
    """``text`` with ```` ```math ```` fences as ``$$`` blocks, and the same with code blanked."""
    if "```" not in text and "~~~" not in text and "<!--" not in text:
        # no fence and no comment block: skip the block parser (pure Python, ~20 µs a char)
        return text, hide_spans(text)
    lines = text.split("\n")
    code: list[tuple[int, int]] = []
    for token in _block_parser().parse(text):
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "fence" and token.info.strip() == "math":
            _open_math(lines, start, end)
        elif token.type == "fence" or (
            token.type == "html_block" and token.content.lstrip().startswith("<!--")
        ):
            code.append((start, min(end, len(lines))))
    source = "\n".join(lines)
    for start, end in code:
        for number in range(start, end):
            lines[number] = " " * len(lines[number])
    return source, hide_spans(hide_comments("\n".join(lines)))


def _open_math(lines: list[str], start: int, end: int) -> None:
    lines[start] = _as_dollars(lines[start])
    last = min(end, len(lines)) - 1
    if last > start and _FENCE_LINE.match(lines[last]) and not lines[last].strip("`~ \t"):
        lines[last] = _as_dollars(lines[last])


def _as_dollars(line: str) -> str:
    return "$$" + " " * max(0, len(line) - 2)


def hide_comments(text: str) -> str:
    """Blank ``<!-- … -->``; an unclosed comment runs to the end, as in CommonMark."""
    out: list[str] = []
    position = 0
    while True:
        start = text.find("<!--", position)
        if start < 0:
            break
        end = text.find("-->", start + 4)
        stop = len(text) if end < 0 else end + 3
        out.append(text[position:start])
        out.append(_blank(text[start:stop]))
        position = stop
    out.append(text[position:])
    return "".join(out)


_BACKTICKS = re.compile(r"`+")


def hide_spans(text: str) -> str:
    """Blank inline code spans: a run of n backticks up to the next run of exactly n.

    Runs are matched in one pass (each length keeps a queue of its later runs), so a line of
    unmatched backticks costs linear time. A span does not cross a blank line.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    later: dict[int, list[int]] = {}
    for index in range(len(runs) - 1, -1, -1):
        later.setdefault(runs[index][1] - runs[index][0], []).append(index)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        queue = later[end - start]
        while queue and queue[-1] <= index:
            queue.pop()
        if queue and "\n\n" not in text[end : runs[queue[-1]][0]]:
            closer = queue.pop()
            spans.append((start, runs[closer][1]))
            index = closer + 1
        else:
            index += 1
    return _blank_spans(text, spans)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    position = 0
    for start, end in spans:
        out.append(text[position:start])
        out.append(_blank(text[start:end]))
        position = end
    out.append(text[position:])
    return "".join(out)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)
