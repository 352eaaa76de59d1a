"""Reading a derivation document: where its mathematics is, on which line, under which conditions.

A document is Markdown (also the markdown cells of a Jupyter notebook) or LaTeX. This module
finds the math in it (``$$…$$``, ``\\[…\\]``, ``\\(…\\)``, inline ``$…$`` holding a relation,
and the display environments), splits aligned blocks into lines at ``\\\\`` and drops the
alignment ``&``, and reads the prose between blocks for index conditions such as "if i = j".
It never interprets the mathematics itself: that is :mod:`symsoft.latex`'s job.

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

import json
import re
import sys
from bisect import bisect_right
from dataclasses import dataclass, replace
from pathlib import Path

from symsoft.errors import DocumentError, UsageError

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
#: The optional extra space of a line break, ``\\\\[1.6em]``; not a bracketed factor.
_ROW_SPACING = re.compile(r"[ \t]*\[\s*-?[\d.]+\s*(?:pt|em|ex|mm|cm|in|mu|bp)\s*\]")
#: Environments inside math that use ``&`` and ``\\`` for their own cells, kept whole.
_CELL_ENVIRONMENTS = re.compile(
    r"\\(begin|end)\{(cases|dcases|rcases|matrix|pmatrix|bmatrix|Bmatrix|vmatrix|Vmatrix|"
    r"smallmatrix|array|subarray)\*?\}"
)
_LINE_ENVIRONMENTS = re.compile(
    r"\\(?:begin|end)\{(?:aligned|alignedat|gathered|split|multlined|align|alignat|equation|"
    r"gather|multline|flalign|eqnarray)\*?\}(?:\[[a-z]\])?(?:\{\d+\})?"
)
_ENV_NAMES = "|".join(MATH_ENVIRONMENTS)
_ENV_BEGIN = re.compile(r"\\begin\{(" + _ENV_NAMES + r")(\*?)\}(\{\d+\})?")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s|\\(?:sub)*section\*?\{|\\paragraph\{", re.M)

#: ``i = j``, ``i \neq j``, ``i ≠ j`` and the words people use for them.
_INDEX = r"([a-z](?:_?\d)?|[a-z]')"
_REL = (
    r"(==|=|\\neq|\\ne\b|≠|!=|\\not=|\\not\s*=|is\s+not\s+equal\s+to|is\s+equal\s+to|"
    r"equals|does\s+not\s+equal|differs\s+from|(?:is\s+)?different\s+from)"
)
#: a lone index in inline math (``for $k$ different from \\( i \\)``) reads as the letter
_INLINE_INDEX = re.compile(r"\$\s*" + _INDEX + r"\s*\$|\\\(\s*" + _INDEX + r"\s*\\\)")
# ASCII boundaries: in Japanese or Chinese prose the index touches a letter (``②i≠jの場合``)
_CONDITION = re.compile(
    r"(?<![A-Za-z0-9_\\])" + _INDEX + r"\s*" + _REL + r"\s*" + _INDEX + r"(?![A-Za-z0-9_(])"
)
_CONDITION_CUE = re.compile(
    r"\b(if|iff|for|when|whenever|where|case|cases|assume|assuming|suppose|given|with|"
    r"diagonal|otherwise|wenn|falls|für|si|pour|lorsque|quand|cuando|para|se|quando)\b"
    r"|当|若|如果|时|情况|場合|とき",
    re.I,
)
#: Japanese and Chinese put the cue after the relation: ``i≠jの場合``, ``i=j时``.
_CUE_AFTER = re.compile(r"\s*\$?\s*(?:の)?(?:場合|とき|時|时|的情况)")
#: Prose that closes the scope of earlier conditions ("putting both cases together").
_SCOPE_END = re.compile(
    r"\b(combin\w*|together|in\s+general|both\s+cases|summar\w*|overall|all\s+cases|"
    r"compact\w*|regardless|general\s+case|in\s+either\s+case|unif\w*|finally|in\s+short|"
    r"matrix\s+form|for\s+(?:all|every|any)\s+(?:\$?[a-z]\$?\s*(?:,|and)\s*)*\$?[a-z]\$?\b)",
    re.I,
)
_PURE_INDEX_RELATION = re.compile(
    r"^\s*" + _INDEX + r"\s*" + _REL + r"\s*" + _INDEX + r"\s*[,.;:]?\s*$"
)
_INDEX_INEQUALITY = re.compile(
    r"^\s*" + _INDEX + r"\s*(\\neq|\\ne\b|≠|!=|\\not\s*=)\s*" + _INDEX + r"\s*[,.;:]?\s*$"
)
_RELATION_MARK = re.compile(
    r"=|\\neq|\\ne\b|\\leq?\b|\\geq?\b|\\approx|\\implies|\\Rightarrow|\\to\b|\\propto"
)

Condition = tuple[str, str, str]


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
        raise DocumentError(name, "no such file" if not file.exists() else "not a regular file")
    if file.stat().st_size > MAX_BYTES:
        raise DocumentError(name, f"larger than {MAX_BYTES:,} bytes; refusing to read it")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise DocumentError(name, f"cannot be read ({error.strerror})") from None
    text = _decode(data, name)
    suffix = file.suffix.lower()
    if suffix == ".ipynb":
        markdown, lines = _notebook_markdown(text, name)
        document = read_text(markdown, kind="markdown", path=name)
        return Document(
            document.path, document.kind, tuple(_remap(p, lines) for p in document.pieces)
        )
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
        # GitHub's ```math fences are display math; the line count is unchanged
        text = _MATH_FENCE.sub(lambda m: "$$" + m.group(1) + "$$", text)
    blanked = _blank_code(text) if kind == "markdown" else _blank_comments(text)
    pieces = _scan(text, blanked, kind, path)
    macros = _macros(blanked)
    if macros:
        pieces = tuple(replace(p, text=_expand_macros(p.text, macros)) for p in pieces)
    return Document(path=path, kind=kind, pieces=pieces, text=text)


_MATH_FENCE = re.compile(r"(?m)^ {0,3}```math[ \t]*(\n(?:.*\n)*?) {0,3}```[ \t]*$")
_MACRO = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand)\*?\s*\{?\s*\\([A-Za-z]+)\s*\}?\s*"
    r"(?:\[(\d)\]\s*)?\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}"
    r"|\\def\s*\\([A-Za-z]+)\s*\{((?:[^{}]|\{[^{}]*\})*)\}"
    r"|\\DeclareMathOperator\*?\s*\{\s*\\([A-Za-z]+)\s*\}\s*\{([^{}]*)\}"
)
#: Macro expansion stops growing a piece beyond this (a hostile macro could double it forever).
_MACRO_LIMIT = 20_000


def _macros(text: str) -> dict[str, tuple[int, str]]:
    """Macros the document defines, with their number of arguments:
    ``\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}``, ``\\def\\R{…}``."""
    found: dict[str, tuple[int, str]] = {}
    for match in _MACRO.finditer(text):
        if match.group(1):
            found[match.group(1)] = (int(match.group(2) or 0), match.group(3))
        elif match.group(4):
            found[match.group(4)] = (0, match.group(5))
        elif match.group(6):
            found[match.group(6)] = (0, f"\\operatorname{{{match.group(7)}}}")
    return found


def _group(text: str, start: int) -> tuple[str, int] | None:
    """The brace group ``{…}`` starting at or after ``start`` (spaces skipped), and its end."""
    while start < len(text) and text[start] == " ":
        start += 1
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{" and text[index - 1 : index] != "\\":
            depth += 1
        elif text[index] == "}" and text[index - 1 : index] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    return None


def _expand_macros(text: str, macros: dict[str, tuple[int, str]]) -> str:
    pattern = re.compile(r"\\(" + "|".join(map(re.escape, macros)) + r")(?![A-Za-z])")
    for _ in range(4):
        out, position, changed = [], 0, False
        for match in pattern.finditer(text):
            if match.start() < position:
                continue
            count, body = macros[match.group(1)]
            end, arguments = match.end(), []
            for _ in range(count):
                group = _group(text, end)
                if group is None:
                    break
                arguments.append(group[0])
                end = group[1]
            if len(arguments) != count:
                continue
            for number, argument in enumerate(arguments, start=1):
                body = body.replace(f"#{number}", argument)
            out.append(text[position : match.start()] + " " + body + " ")
            position, changed = end, True
        expanded = "".join(out) + text[position:]
        if not changed or len(expanded) > _MACRO_LIMIT:
            break
        text = expanded
    return text


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise DocumentError(name, f"larger than {MAX_BYTES:,} bytes; refusing to read it")
    if b"\x00" in data:
        raise DocumentError(name, "looks binary (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(name, f"not UTF-8 text (bad byte at offset {error.start})") from None


def _notebook_markdown(text: str, name: str) -> tuple[str, dict[int, int]]:
    """The markdown cells joined by blank lines, and each joined line's line in the file."""
    try:
        notebook = json.loads(text)
        cells = [cell for cell in notebook["cells"] if cell.get("cell_type") == "markdown"]
        sources = [
            cell["source"] if isinstance(cell["source"], list) else [str(cell["source"])]
            for cell in cells
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise DocumentError(name, "not a Jupyter notebook (bad JSON or no cells)") from None
    raw = text.splitlines()
    lines: dict[int, int] = {}
    joined, search = 1, 0
    for source in sources:
        if len(source) == 1 and "\n" in source[0]:
            # a cell stored as one string sits on one line of the file
            encoded = json.dumps(source[0], ensure_ascii=False)
            for number in range(search, len(raw)):
                if raw[number].strip().rstrip(",").endswith(encoded):
                    for offset in range(source[0].count("\n") + 1):
                        lines[joined + offset] = number + 1
                    search = number + 1
                    break
        for offset, source_line in enumerate(source):
            encoded = json.dumps(source_line, ensure_ascii=False)
            for number in range(search, len(raw)):
                if raw[number].strip().rstrip(",") in (encoded, json.dumps(source_line)):
                    lines[joined + offset] = number + 1
                    search = number + 1
                    break
        joined += len("".join(map(str, source)).split("\n")) + 1
    return "\n\n".join("".join(map(str, source)) for source in sources), lines


def _remap(piece: MathPiece, lines: dict[int, int]) -> MathPiece:
    count = len(piece.breaks) + 1
    mapped = tuple(lines.get(piece.line + k, piece.line + k) for k in range(count))
    return replace(piece, line=mapped[0], source_lines=mapped)


def _blank(text: str, start: int, end: int) -> str:
    return re.sub(r"[^\n]", " ", text[start:end])


def _blank_code(text: str) -> str:
    """Hide Markdown code (fences, backtick spans) and HTML comments, keeping every offset."""

    def fence(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    text = re.sub(r"(?ms)^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[ \t]*$|\Z)", fence, text)
    text = re.sub(r"(?s)<!--.*?-->", fence, text)
    return re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", fence, text)


def _blank_comments(text: str) -> str:
    text = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group(0)), text)
    return re.sub(
        r"(?s)\\begin\{(verbatim|lstlisting|minted|comment)\}.*?\\end\{\1\}",
        lambda m: re.sub(r"[^\n]", " ", m.group(0)),
        text,
    )


_CLOSER = re.compile(r"\$\$|\$|\\\]|\\\)|\\end\{[^}]*\}")
_OPENERS = re.compile(
    r"\\\$|\$\$|\$|\\\[|\\\(|\\begin\{|<script\s+type\s*=\s*[\"']math/tex(?:;\s*mode=display)?[\"']\s*>"
)
_SCRIPT_END = "</script>"


def _scan(text: str, blanked: str, kind: str, path: str) -> tuple[MathPiece, ...]:
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        return bisect_right(newlines, offset - 1) + 1

    found: list[tuple[int, int, int, bool]] = []  # (start, body start, body end, inline)
    prose_math: dict[int, str] = {}  # inline math kept as prose, by offset
    position = 0
    while True:
        match = _OPENERS.search(blanked, position)
        if match is None:
            break
        token, start = match.group(0), match.start()
        position = match.end()
        if token == "\\$":
            continue
        if token.startswith("<script"):
            # MathJax v2 (Jekyll, kramdown): ``<script type="math/tex; mode=display">…</script>``
            end = blanked.find(_SCRIPT_END, position)
            if end < 0:
                break
            inline = "mode=display" not in token
            body = text[position:end]
            if inline and not _RELATION_MARK.search(body):
                prose_math[start] = body
            else:
                found.append((start, position, end, inline))
            position = end + len(_SCRIPT_END)
            continue
        if token == "$$":
            end = blanked.find("$$", position)
            if end < 0:
                break
            body = text[position:end]
            if _kramdown_inline(blanked, start, end + 2, body) and (
                not _RELATION_MARK.search(body) or _INDEX_INEQUALITY.match(body)
            ):
                # kramdown writes inline math as ``$$…$$`` inside a sentence: ``$$x_j$$``,
                # ``where $$j \neq i$$`` are prose, the latter a condition
                prose_math[start] = body
            else:
                found.append((start, position, end, False))
            position = end + 2
        elif token == "$":
            close = _inline_end(blanked, position)
            if close is None:
                continue
            body = text[position:close]
            if (
                _RELATION_MARK.search(body)
                and not _PURE_INDEX_RELATION.match(body)
                and not _special_case(blanked, start, close + 1, body)
            ):
                found.append((start, position, close, True))
            else:
                prose_math[start] = body
            position = close + 1
        elif token in ("\\[", "\\("):
            closer = "\\]" if token == "\\[" else "\\)"
            end = blanked.find(closer, position)
            if end < 0:
                break
            body = text[position:end]
            inline = token == "\\("
            if inline and not (
                _RELATION_MARK.search(body)
                and not _PURE_INDEX_RELATION.match(body)
                and not _special_case(blanked, start, end + 2, body)
            ):
                prose_math[start] = body
            else:
                found.append((start, position, end, inline))
            position = end + 2
        else:
            env = _ENV_BEGIN.match(blanked, start)
            if env is None:
                continue
            name = env.group(1) + env.group(2)
            closer = "\\end{" + name + "}"
            end = blanked.find(closer, env.end())
            if end < 0:
                break
            found.append((start, env.end(), end, False))
            position = end + len(closer)

    pieces: list[MathPiece] = []
    scope: tuple[Condition, ...] = ()
    previous_end = 0
    consumed = False  # the prose before this block was a trailing condition of the last one
    for block, (start, body_start, body_end, inline) in enumerate(found):
        prose = _prose(blanked, previous_end, start, prose_math)
        ends = [m.end() for m in (*_HEADING.finditer(prose), *_SCOPE_END.finditer(prose))]
        if ends:
            scope = ()
            # a condition stated before a heading or "combining both cases" is over as well
            prose = prose[max(ends) :]
        stated = () if consumed else _conditions(prose)
        if stated:
            scope = stated
        closing = _CLOSER.match(text, body_end)
        after_start = closing.end() if closing else body_end
        after_end = found[block + 1][0] if block + 1 < len(found) else len(text)
        trailing = _trailing_conditions(_prose(blanked, after_start, after_end, prose_math))
        consumed = bool(trailing)
        body = text[body_start:body_end]
        for offset, line_text in _split_lines(body):
            cleaned, breaks, skipped = _clean(line_text)
            if not cleaned:
                continue
            scope = tuple(c for c in scope if not _general_case(cleaned, c))
            pieces.append(
                MathPiece(
                    text=cleaned,
                    line=line_of(body_start + offset) + skipped,
                    block=block,
                    inline=inline,
                    conditions=scope + trailing,
                    breaks=breaks,
                )
            )
            if len(pieces) > MAX_PIECES:
                raise DocumentError(path, f"more than {MAX_PIECES:,} lines of mathematics")
        previous_end = body_end
    return tuple(pieces)


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
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = text[line_start:start]
    after = text[end : len(text) if line_end < 0 else line_end]
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


def _prose(text: str, start: int, end: int, prose_math: dict[int, str]) -> str:
    parts = []
    segment = text[start:end]
    for offset, body in prose_math.items():
        if start <= offset < end:
            parts.append(body)
    return segment + " " + " ".join(parts) if parts else segment


def _normalise_relation(op: str) -> str:
    op = re.sub(r"\s+", " ", op.strip().lower())
    return "=" if op in ("=", "==", "is equal to", "equals") else "!="


def _conditions(prose: str) -> tuple[Condition, ...]:
    """Index conditions stated in prose: a cue word followed closely by ``a = b`` / ``a ≠ b``."""
    result: list[Condition] = []
    prose = _INLINE_INDEX.sub(lambda m: m.group(1) or m.group(2), prose)
    for match in _CONDITION.finditer(prose):
        window = prose[max(0, match.start() - 60) : match.start()]
        after = prose[match.end() : match.end() + 6]
        if not (_CONDITION_CUE.search(window) or _CUE_AFTER.match(after)):
            continue
        a, op, b = match.group(1), _normalise_relation(match.group(2)), match.group(3)
        if a == b:
            continue
        condition = (a, op, b)
        # A later statement about the same pair replaces an earlier one ("if i = j ... if i ≠ j").
        result = [c for c in result if {c[0], c[2]} != {a, b}]
        result.append(condition)
    return tuple(result)


def _general_case(formula: str, condition: Condition) -> bool:
    """Whether ``formula`` writes δ_ab (or an indicator of a = b) for the pair of ``condition``.

    Under "if i ≠ k" nobody writes δ_ik (it is 0 there): a formula that does is the general
    case, so a prose case condition stops applying from there on ("So ∂σ_i/∂z_k = σ_i(δ_ik −
    σ_k)" after the two cases must not be checked under the last case's i ≠ k).
    """
    a, _, b = (re.escape(name) for name in condition)
    pair = rf"(?:{a}\s*,?\s*{b}|{b}\s*,?\s*{a})"
    equal = rf"(?:{a}\s*==?\s*{b}|{b}\s*==?\s*{a})"
    delta = rf"\\delta_\s*(?:\{{\s*{pair}\s*\}}|{pair}(?![A-Za-z0-9]))"
    indicator = (  # 1_{i=k}, \\mathbb{1}\\{i=k\\}, [i = k], (i == k)
        rf"(?:_\s*\{{\s*{equal}\s*\}}|\\\{{\s*{equal}\s*\\\}}"
        rf"|\[\s*{equal}\s*\]|\(\s*{equal}\s*\))"
    )
    return re.search(f"{delta}|{indicator}", formula) is not None


def _trailing_conditions(prose: str) -> tuple[Condition, ...]:
    """Conditions stated right after a formula ("…$$ for $i \\neq j$.")."""
    head = prose.lstrip(" \t.,;:")
    # Only a lower-case cue in the same paragraph continues the sentence of the formula;
    # "If $i \neq j$:" after a blank line opens the next case instead.
    if re.search(r"\n\s*\n", prose[: len(prose) - len(head)]):
        return ()
    if not re.match(r"(if|for|when|whenever|where)\b", head):
        return ()
    return _conditions(head[:80].split("\n\n")[0])


def _split_lines(body: str) -> list[tuple[int, str]]:
    """Split at top-level ``\\\\`` (not inside cases/matrices/braces); keep offsets."""
    lines: list[tuple[int, str]] = []
    depth = 0
    env_depth = 0
    start = 0
    index = 0
    length = len(body)
    while index < length:
        char = body[index]
        if char == "\\":
            env = _CELL_ENVIRONMENTS.match(body, index)
            if env:
                env_depth += 1 if env.group(1) == "begin" else -1
                index = env.end()
                continue
            if body.startswith("\\\\", index) and depth == 0 and env_depth <= 0:
                lines.append((start, body[start:index]))
                index += 2
                # kramdown doubles every backslash: ``\\\\`` is one line break
                while body.startswith("\\\\", index):
                    index += 2
                spacing = _ROW_SPACING.match(body, index)  # ``\\[1.6em]``: extra space only
                index = spacing.end() if spacing else index
                start = index
                continue
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        index += 1
    lines.append((start, body[start:]))
    return lines


def _leading_space(text: str) -> int:
    return len(text) - len(text.lstrip())


def _clean(line: str) -> tuple[str, tuple[int, ...], int]:
    """Drop line environments, alignment ``&`` and labels; return text and line-break offsets."""
    text = _LINE_ENVIRONMENTS.sub(" ", line)
    text = re.sub(r"\\(label|tag\*?)\{[^{}]*\}|\\(nonumber|notag)\b", " ", text)
    text = text.replace("\\_", "_")
    text = re.sub(r"[ \t]+", " ", _drop_alignment(_drop_annotation_columns(text)))
    text = re.sub(r" ?\n ?", "\n", text)
    if re.search(r"(?<!\\)\\\s*$", text):
        text = re.sub(r"\\\s*$", "", text)  # the first half of a Markdown-escaped ``\\]``
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    skipped = text[:lead].count("\n")
    breaks = tuple(m.start() - lead for m in re.finditer("\n", text) if lead <= m.start())
    breaks = tuple(b for b in breaks if 0 <= b < len(stripped))
    return stripped, breaks, skipped


_RELATION = re.compile(
    r"(?<!\\)[=<>]|\\(?:n?eq|le|leq|ge|geq|ne|neq|approx|equiv|propto|sim|simeq|coloneqq|"
    r"eqqcolon|defeq|triangleq|forall|Rightarrow|implies)(?![A-Za-z])"
)
_CONDITION_TEXT = re.compile(r"\\(?:text|mathrm|textrm|mbox)\s*\{\s*(?:if|for|when|where|and)\b")


def _drop_annotation_columns(text: str) -> str:
    """Drop ``alignat`` justification columns: ``&= x & & \\text{(definition of } S\\text{)}``.

    Alignment columns come in ``r & l`` pairs. From the second pair on, a pair with no relation
    and no condition word is commentary (unless it follows eqnarray's lone ``& = &`` column),
    whatever its ``\\text`` pieces leave behind: the ``S`` between the two halves of
    ``\\text{(definition of } S\\text{)}`` is a word of the comment, not a factor.
    """
    amps = _top_level_amps(text)
    if len(amps) < 2:
        return text
    keep_until = len(text)
    for k in range(1, len(amps), 2):  # the '&' opening column pairs 2, 3, ...
        stop = amps[k + 2] if k + 2 < len(amps) else len(text)
        before = text[amps[k - 1] + 1 : amps[k]].strip()
        if _RELATION.fullmatch(before):
            continue  # eqnarray's ``a & = & b``: the column after a lone relation is the rhs
        pair = text[amps[k] + 1 : stop]
        bare = re.sub(r"\\(?:text|mathrm|textrm|mbox)\s*\{[^{}]*\}", " ", pair)
        if not _RELATION.search(bare) and not _CONDITION_TEXT.search(pair):
            keep_until = amps[k]
            break
    return text[:keep_until]


def _top_level_amps(text: str) -> list[int]:
    """Positions of ``&`` outside braces and cell environments (``cases``, matrices)."""
    out: list[int] = []
    depth = env_depth = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            env = _CELL_ENVIRONMENTS.match(text, index)
            if env:
                env_depth += 1 if env.group(1) == "begin" else -1
                index = env.end()
            else:
                index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "&" and depth <= 0 and env_depth <= 0:
            out.append(index)
        index += 1
    return out


def _drop_alignment(text: str) -> str:
    """Remove alignment ``&`` outside cases/matrices so ``&=``, ``=&`` and ``&=&`` read as ``=``."""
    out = []
    env_depth = 0
    index = 0
    while index < len(text):
        if text[index] == "\\":
            env = _CELL_ENVIRONMENTS.match(text, index)
            if env:
                env_depth += 1 if env.group(1) == "begin" else -1
                out.append(env.group(0))
                index = env.end()
                continue
            out.append(text[index : index + 2])
            index += 2
            continue
        if text[index] == "&" and env_depth <= 0:
            out.append(" ")
        else:
            out.append(text[index])
        index += 1
    return "".join(out)
