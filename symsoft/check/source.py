"""Reading a derivation document: where its mathematics is, on which line, under which conditions.

A document is Markdown (also the Markdown cells of a Jupyter notebook) or LaTeX. This module
finds the math in it (``$$…$$``, ``\\[…\\]``, ``\\(…\\)``, inline ``$…$`` holding a relation,
the display environments and MathJax script tags) and hands each line of it, with the prose
conditions in scope, to the step planner. Markdown structure comes from
:mod:`symsoft.check.markdown`, notebooks from :mod:`symsoft.check.notebook`, prose conditions
from :mod:`symsoft.check.prose`, and the lines of a display block from
:mod:`symsoft.latex.blocks`; the mathematics itself is :mod:`symsoft.latex`'s job. Every pass
over the text is linear in its size.

Examples
--------
>>> doc = read_text("Let\\n$$S_i = \\\\frac{e^{z_i}}{\\\\sum_k e^{z_k}}$$\\nFor $i \\\\neq j$:\\n"
...                 "\\\\begin{align} a &= b \\\\\\\\ &= c \\\\end{align}\\n", kind="markdown")
>>> [(piece.line, piece.text) for piece in doc.pieces]
[(2, 'S_i = \\\\frac{e^{z_i}}{\\\\sum_k e^{z_k}}'), (4, 'a = b'), (4, '= c')]
>>> doc.pieces[1].conditions
(('i', '!=', 'j'),)
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from symsoft.check.markdown import hide_code
from symsoft.check.notebook import Place, read_notebook
from symsoft.check.prose import (
    Condition,
    conditions_in,
    general_case,
    is_index_inequality,
    is_index_relation,
    scope_end,
    trailing_conditions,
)
from symsoft.errors import DocumentError, UsageError
from symsoft.latex.blocks import clean_line, split_lines
from symsoft.latex.macros import expand_text, read_macros

__all__ = ["MAX_BYTES", "MAX_PIECES", "Document", "MathPiece", "read_document", "read_text"]

#: Larger inputs are refused at once: no real derivation is this long, and a hostile one
#: (a 200,000-term sum) must fail fast rather than reach the parser.
MAX_BYTES = 1_000_000
#: More math lines than this is not a derivation a person wrote; refuse rather than run for hours.
MAX_PIECES = 2_000

#: Display environments whose body is mathematics; the starred forms are added below.
MATH_ENVIRONMENTS = (
    "equation",
    "align",
    "alignat",
    "gather",
    "multline",
    "flalign",
    "eqnarray",
    "displaymath",
    "math",
    "split",
    "aligned",
    "gathered",
)
_ENV_BEGIN = re.compile(r"\\begin\{(" + "|".join(MATH_ENVIRONMENTS) + r")(\*?)\}(\{\d+\})?")
_RELATION_MARK = re.compile(
    r"=|\\neq|\\ne\b|\\leq?\b|\\geq?\b|\\approx|\\implies|\\Rightarrow|\\to\b|\\propto"
)
#: How far around ``$$…$$`` the words of its sentence are looked for (kramdown inline math).
_NEARBY = 200


@dataclass(frozen=True)
class MathPiece:
    """One line of mathematics: its text, where it starts, and the conditions in scope there."""

    text: str
    #: 1-based line of the document where this piece starts
    line: int
    #: counts math blocks; pieces of one block share it
    block: int
    inline: bool
    #: prose conditions in scope, as ``(index, "=" or "!=", index)``
    conditions: tuple[Condition, ...] = ()
    #: offsets in ``text`` where a new source line begins, to place a step's right-hand side
    breaks: tuple[int, ...] = ()

    #: the document line of each source line of ``text`` when lines are not consecutive
    #: (a notebook's markdown cells map to lines of the ``.ipynb`` file)
    source_lines: tuple[int, ...] = ()

    def line_at(self, offset: int) -> int:
        """The document line of ``text[offset]``."""
        step = bisect_right(self.breaks, offset)
        if self.source_lines:
            return self.source_lines[min(step, len(self.source_lines) - 1)]
        return self.line + step


@dataclass(frozen=True)
class Document:
    """The math of one document in reading order."""

    path: str
    kind: str
    pieces: tuple[MathPiece, ...]
    #: the whole source, for document-wide statements ("y is a probability vector")
    text: str = ""
    #: for a notebook: file line -> (cell, line in the cell), counting from 1
    places: Mapping[int, tuple[int, int]] = field(default_factory=dict)

    def place_of(self, line: int) -> tuple[int, int] | None:
        """For a notebook, the cell and the line within it of file line ``line``."""
        return self.places.get(line)


def read_document(path: str | Path) -> Document:
    """Read a ``.md``, ``.markdown``, ``.tex``, ``.ipynb`` file (or ``-`` for stdin).

    Raises :class:`~symsoft.errors.DocumentError` for a missing, binary, non-UTF-8 or
    oversized file.

    Examples
    --------
    >>> read_document("no/such/file.md")
    Traceback (most recent call last):
    ...
    symsoft.errors.DocumentError: no/such/file.md: no such file
    """
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        return read_text(_decode(data, "<stdin>"), kind="auto", path="<stdin>")
    file = Path(name)
    if not file.is_file():
        reason = "is a directory" if file.is_dir() else "no such file"
        raise DocumentError(
            name, reason if not file.exists() or file.is_dir() else "not a regular file"
        )
    if file.stat().st_size > MAX_BYTES:
        raise DocumentError(name, f"larger than {MAX_BYTES:,} bytes; refusing to read it")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise DocumentError(name, f"cannot be read ({error.strerror})") from None
    text = _decode(data, name)
    suffix = file.suffix.lower()
    if suffix == ".ipynb":
        return _read_notebook(text, name)
    kind = {".tex": "latex", ".ltx": "latex", ".md": "markdown", ".markdown": "markdown"}
    return read_text(text, kind=kind.get(suffix, "auto"), path=name)


def read_text(text: str, *, kind: str = "auto", path: str = "<string>") -> Document:
    """Find the math of ``text``; ``kind`` is ``"markdown"``, ``"latex"`` or ``"auto"``.

    Examples
    --------
    >>> [p.text for p in read_text(r"\\[ y_1 = x \\] and $5 or $6 and $a = b^2$.").pieces]
    ['y_1 = x', 'a = b^2']
    """
    if kind not in ("auto", "markdown", "latex"):
        raise UsageError("kind", kind, "'auto', 'markdown' or 'latex'")
    if len(text) > MAX_BYTES:
        raise DocumentError(path, f"larger than {MAX_BYTES:,} characters; refusing to read it")
    if "\x00" in text:
        raise DocumentError(path, "looks binary (contains NUL bytes)")
    if kind == "auto":
        kind = "latex" if re.search(r"\\documentclass|\\begin\{document\}", text) else "markdown"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind == "markdown":
        text, hidden = hide_code(text)
    else:
        hidden = _hide_latex_comments(text)
    pieces = _pieces(text, hidden, _find_math(text, hidden), path)
    macros = read_macros(hidden)
    if macros:
        pieces = tuple(replace(p, text=expand_text(p.text, macros)) for p in pieces)
    return Document(path=path, kind=kind, pieces=pieces, text=text)


def _read_notebook(text: str, name: str) -> Document:
    markdown, places = read_notebook(text, name)
    document = read_text(markdown, kind="markdown", path=name)
    pieces = tuple(_placed(piece, places) for piece in document.pieces)
    cells: dict[int, tuple[int, int]] = {}
    for place in places.values():
        cells.setdefault(place.file_line, (place.cell, place.line))
    return Document(document.path, document.kind, pieces, document.text, cells)


def _placed(piece: MathPiece, places: dict[int, Place]) -> MathPiece:
    """The piece with its joined-Markdown lines replaced by lines of the ``.ipynb`` file."""
    joined = [piece.line + k for k in range(len(piece.breaks) + 1)]
    lines = tuple(places[line].file_line if line in places else line for line in joined)
    return replace(piece, line=lines[0], source_lines=lines)


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise DocumentError(name, f"larger than {MAX_BYTES:,} bytes; refusing to read it")
    if b"\x00" in data:
        raise DocumentError(name, "looks binary (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(name, f"not UTF-8 text (bad byte at offset {error.start})") from None


_VERBATIM = re.compile(r"\\begin\{(verbatim|lstlisting|minted|comment)\}")


def _hide_latex_comments(text: str) -> str:
    """Blank ``%`` comments and verbatim-like environments (unclosed: to the end), linearly."""
    text = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group(0)), text)
    out, position = [], 0
    for match in _VERBATIM.finditer(text):
        if match.start() < position:
            continue
        end = text.find("\\end{" + match.group(1) + "}", match.end())
        stop = len(text) if end < 0 else end + len(match.group(1)) + 6
        out.append(text[position : match.start()])
        out.append(re.sub(r"[^\n]", " ", text[match.start() : stop]))
        position = stop
    out.append(text[position:])
    return "".join(out)


_CLOSER = re.compile(r"\$\$|\$|\\\]|\\\)|\\end\{[^}]*\}")
_OPENERS = re.compile(
    r"\\\$|\$\$|\$|\\\[|\\\(|\\begin\{|<script\s+type\s*=\s*[\"']math/tex(?:;\s*mode=display)?[\"']\s*>"
)
_SCRIPT_END = "</script>"


@dataclass(frozen=True)
class _Block:
    """One piece of math found in the source: where it and its body are, and whether inline."""

    start: int
    body_start: int
    body_end: int
    inline: bool


@dataclass
class _Found:
    """The math blocks of a source, and the inline math that reads as prose (by offset)."""

    blocks: list[_Block]
    prose_offsets: list[int]
    prose_bodies: list[str]

    def keep_as_prose(self, start: int, body: str) -> None:
        self.prose_offsets.append(start)
        self.prose_bodies.append(body)

    def prose(self, hidden: str, start: int, end: int) -> str:
        """The prose of ``hidden[start:end]``, with the inline math kept as prose inside it."""
        first = bisect_left(self.prose_offsets, start)
        last = bisect_left(self.prose_offsets, end)
        segment = hidden[start:end]
        inside = self.prose_bodies[first:last]
        return segment + " " + " ".join(inside) if inside else segment


def _find_math(text: str, hidden: str) -> _Found:
    """Every math block of ``text``, found in ``hidden`` (code and comments blanked)."""
    found = _Found([], [], [])
    position = 0
    while True:
        match = _OPENERS.search(hidden, position)
        if match is None:
            return found
        token = match.group(0)
        if token == "\\$":
            position = match.end()
            continue
        reader = _READERS.get(token[:2], _read_environment)
        if token.startswith("<script"):
            reader = _read_script
        next_position = reader(text, hidden, match, found)
        if next_position is None:
            return found
        position = next_position


def _read_script(text: str, hidden: str, match: re.Match[str], found: _Found) -> int | None:
    """MathJax v2 (Jekyll, kramdown): ``<script type="math/tex; mode=display">…</script>``."""
    end = hidden.find(_SCRIPT_END, match.end())
    if end < 0:
        return None
    inline = "mode=display" not in match.group(0)
    body = text[match.end() : end]
    if inline and not _RELATION_MARK.search(body):
        found.keep_as_prose(match.start(), body)
    else:
        found.blocks.append(_Block(match.start(), match.end(), end, inline))
    return end + len(_SCRIPT_END)


def _read_display_dollars(
    text: str, hidden: str, match: re.Match[str], found: _Found
) -> int | None:
    end = hidden.find("$$", match.end())
    if end < 0:
        return None
    body = text[match.end() : end]
    if not body.strip():
        return end + 2  # ``$$$$``: nothing to read, and no prose either
    if _kramdown_inline(hidden, match.start(), end + 2, body) and (
        not _RELATION_MARK.search(body) or is_index_inequality(body)
    ):
        # kramdown writes inline math as ``$$…$$`` inside a sentence: ``$$x_j$$``,
        # ``where $$j \\neq i$$`` are prose, the latter a condition
        found.keep_as_prose(match.start(), body)
    else:
        found.blocks.append(_Block(match.start(), match.end(), end, False))
    return end + 2


def _read_inline_dollar(text: str, hidden: str, match: re.Match[str], found: _Found) -> int | None:
    close = _inline_end(hidden, match.end())
    if close is None:
        return match.end()
    body = text[match.end() : close]
    if _states_relation(hidden, match.start(), close + 1, body):
        found.blocks.append(_Block(match.start(), match.end(), close, True))
    else:
        found.keep_as_prose(match.start(), body)
    return close + 1


def _read_brackets(text: str, hidden: str, match: re.Match[str], found: _Found) -> int | None:
    inline = match.group(0) == "\\("
    end = hidden.find("\\)" if inline else "\\]", match.end())
    if end < 0:
        return None
    body = text[match.end() : end]
    if inline and not _states_relation(hidden, match.start(), end + 2, body):
        found.keep_as_prose(match.start(), body)
    else:
        found.blocks.append(_Block(match.start(), match.end(), end, inline))
    return end + 2


def _read_environment(text: str, hidden: str, match: re.Match[str], found: _Found) -> int | None:
    env = _ENV_BEGIN.match(hidden, match.start())
    if env is None:
        return match.end()
    closer = "\\end{" + env.group(1) + env.group(2) + "}"
    end = hidden.find(closer, env.end())
    if end < 0:
        return None
    found.blocks.append(_Block(match.start(), env.end(), end, False))
    return end + len(closer)


_READERS = {
    "$$": _read_display_dollars,
    "$": _read_inline_dollar,
    "\\[": _read_brackets,
    "\\(": _read_brackets,
}


def _states_relation(hidden: str, start: int, end: int, body: str) -> bool:
    """Whether inline math is a step (a relation), not prose (``$i = j$``, ``the $T=1$ case``)."""
    return bool(
        _RELATION_MARK.search(body)
        and not is_index_relation(body)
        and not _special_case(hidden, start, end, body)
    )


def _pieces(text: str, hidden: str, found: _Found, path: str) -> tuple[MathPiece, ...]:
    """The lines of every block, with the prose conditions in scope at each."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    pieces: list[MathPiece] = []
    scope: tuple[Condition, ...] = ()
    previous_end = 0
    consumed = False  # the prose before this block was a trailing condition of the last one
    for number, block in enumerate(found.blocks):
        scope = _scope_before(found.prose(hidden, previous_end, block.start), scope, consumed)
        trailing = _trailing(text, hidden, found, number)
        consumed = bool(trailing)
        for offset, line_text in split_lines(text[block.body_start : block.body_end]):
            cleaned, breaks, skipped = clean_line(line_text)
            if not cleaned:
                continue
            scope = tuple(c for c in scope if not general_case(cleaned, c))
            line = bisect_right(newlines, block.body_start + offset - 1) + 1 + skipped
            pieces.append(MathPiece(cleaned, line, number, block.inline, scope + trailing, breaks))
            if len(pieces) > MAX_PIECES:
                raise DocumentError(path, f"more than {MAX_PIECES:,} lines of mathematics")
        previous_end = block.body_end
    return tuple(pieces)


def _scope_before(
    prose: str, scope: tuple[Condition, ...], consumed: bool
) -> tuple[Condition, ...]:
    """The conditions in scope after the prose before a block."""
    end = scope_end(prose)
    if end:
        # a condition stated before a heading or "combining both cases" is over as well
        scope, prose = (), prose[end:]
    stated = () if consumed else conditions_in(prose)
    return stated or scope


def _trailing(text: str, hidden: str, found: _Found, number: int) -> tuple[Condition, ...]:
    """Conditions stated right after block ``number`` ("…$$ for $i \\neq j$.")."""
    block = found.blocks[number]
    closing = _CLOSER.match(text, block.body_end)
    after_start = closing.end() if closing else block.body_end
    after_end = found.blocks[number + 1].start if number + 1 < len(found.blocks) else len(text)
    return trailing_conditions(found.prose(hidden, after_start, after_end))


#: ``$T=1$`` named as a special case ("the $T=1$ case", "at $T = 1$"): prose, not a definition
_PARAMETER_VALUE = re.compile(r"\s*[A-Za-z]\s*=\s*\d+(?:\.\d+)?\s*")
_CASE_AFTER = re.compile(r"\s*(?:case|cases|limit)\b", re.I)
_CASE_BEFORE = re.compile(r"\b(?:at|limit\s+of)\s*$", re.I)


def _special_case(text: str, start: int, end: int, body: str) -> bool:
    """Whether inline ``$T=1$`` at ``text[start:end]`` is a case the prose names, not a value."""
    return _PARAMETER_VALUE.fullmatch(body) is not None and (
        _CASE_AFTER.match(text, end) is not None
        or _CASE_BEFORE.search(text[max(0, start - 20) : start]) is not None
    )


def _kramdown_inline(text: str, start: int, end: int, body: str) -> bool:
    """``$$…$$`` on one line with words before or after it on that line: inline math."""
    if "\n" in body:
        return False
    # A bounded look: words of the same sentence sit close to the formula.
    before = text[max(0, start - _NEARBY) : start].rsplit("\n", 1)[-1]
    after = text[end : end + _NEARBY].split("\n", 1)[0]
    return bool(re.search(r"[A-Za-z]", before) or re.search(r"[A-Za-z]", after))


def _inline_end(text: str, start: int) -> int | None:
    """Closing ``$`` of an inline formula, with Pandoc's rules (no ``$5 and $6`` matches)."""
    if start >= len(text) or text[start].isspace():
        return None
    index = start
    while True:
        index = text.find("$", index)
        if index < 0:
            return None
        paragraph = text[start:index]
        if "\n\n" in paragraph or re.search(r"\n\s*\n", paragraph):
            return None
        if text[index - 1] == "\\":
            index += 1
            continue
        # The first unescaped ``$`` must close the formula, else there is none.
        if text[index - 1].isspace() or (index + 1 < len(text) and text[index + 1].isdigit()):
            return None
        return index
