"""Lines of a display block: where an aligned block breaks, and what is layout, not mathematics.

A display block (``align``, ``eqnarray``, ``$$ … \\\\ … $$``) holds one relation per line. This
module splits it at top-level ``\\\\`` (not inside ``cases`` or a matrix), drops alignment ``&``,
line environments, labels and ``alignat`` justification columns, and keeps the offsets at which
source lines begin, so a step is reported on the line where its right-hand side is written.

Examples
--------
>>> split_lines(r"a &= b \\\\ &= c")
[(0, 'a &= b '), (9, ' &= c')]
>>> clean_line(" &= c")
('= c', (), 0)
"""

from __future__ import annotations

import re

__all__ = ["clean_line", "split_lines"]

#: The optional extra space of a line break, ``\\\\[1.6em]``; not a bracketed factor.
_ROW_SPACING = re.compile(r"[ \t]*\[\s*-?[\d.]+\s*(?:pt|em|ex|mm|cm|in|mu|bp)\s*\]")
#: Environments inside math that use ``&`` and ``\\\\`` for their own cells, kept whole.
_CELL_ENVIRONMENTS = re.compile(
    r"\\(begin|end)\{(cases|dcases|rcases|matrix|pmatrix|bmatrix|Bmatrix|vmatrix|Vmatrix|"
    r"smallmatrix|array|subarray)\*?\}"
)
_LINE_ENVIRONMENTS = re.compile(
    r"\\(?:begin|end)\{(?:aligned|alignedat|gathered|split|multlined|align|alignat|equation|"
    r"gather|multline|flalign|eqnarray)\*?\}(?:\[[a-z]\])?(?:\{\d+\})?"
)


def split_lines(body: str) -> list[tuple[int, str]]:
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


def clean_line(line: str) -> tuple[str, tuple[int, ...], int]:
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
