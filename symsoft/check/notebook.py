"""Reading the Markdown cells of a Jupyter notebook, and where each of their lines is.

A v4 notebook is read as JSON (leniently: scripts often omit the metadata Jupyter adds);
older versions are converted with nbformat. A location is given as
the user sees it: the cell (counting every cell from 1) and the line within the cell, plus the
line of the ``.ipynb`` file for tools that annotate the raw file. The file line is found by
decoding each line of the file that holds one JSON string, once, so the search is linear in
the size of the file whatever the escapes (``\\/``, ``\\u00e9``) in it.

Examples
--------
>>> cell = '{"cell_type": "markdown", "metadata": {}, "source": ["# T\\\\n", "$a = b$"]}'
>>> text = '{"cells": [' + cell + '], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
>>> joined, places = read_notebook(text, "t.ipynb")
>>> joined
'# T\\n$a = b$'
>>> places[2].cell, places[2].line
(1, 2)
"""

from __future__ import annotations

import json
import re
import warnings
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from symsoft.errors import DocumentError

__all__ = ["Place", "read_notebook"]


@dataclass(frozen=True)
class Place:
    """A line of a notebook's Markdown: its cell, its line in the cell, its line in the file."""

    cell: int
    line: int
    file_line: int


_STRING_LINE = re.compile(r'^\s*(?:"source"\s*:\s*)?("(?:[^"\\]|\\.)*")\s*,?\s*$')


def read_notebook(text: str, name: str) -> tuple[str, dict[int, Place]]:
    """The Markdown cells joined by blank lines, and the place of each joined line (1-based)."""
    cells = _markdown_cells(text, name)
    strings = _string_lines(text)
    places: dict[int, Place] = {}
    joined_line, search = 1, 0
    for number, source in cells:
        file_lines = _file_lines(source, strings, search)
        for offset, file_line in enumerate(file_lines):
            places[joined_line + offset] = Place(number, offset + 1, file_line)
        search = max(file_lines, default=search)
        joined_line += source.count("\n") + 2
    return "\n\n".join(source for _, source in cells), places


def _markdown_cells(text: str, name: str) -> list[tuple[int, str]]:
    try:
        notebook = _parse(text)
    except RecursionError:
        raise DocumentError(name, "not a Jupyter notebook (JSON nested too deeply)") from None
    except Exception as error:  # json and nbformat raise ValueError, ValidationError, KeyError
        reason = " ".join(str(error).split())[:120]
        raise DocumentError(name, f"not a Jupyter notebook ({reason})") from None
    return [
        (number, _joined(cell.get("source", "")))
        for number, cell in enumerate(notebook.get("cells", []), start=1)
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown"
    ]


def _parse(text: str) -> Any:
    import nbformat  # a notebook is rare input; keep the import off the common path

    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(
        data.get("cells", data.get("worksheets")), list
    ):
        raise ValueError("no cells")
    # Notebooks written by scripts often lack the metadata Jupyter adds; the maths is there.
    data.setdefault("metadata", {})
    data.setdefault("nbformat", 4)
    data.setdefault("nbformat_minor", 0)
    if data["nbformat"] == 4:
        return data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nbformat.convert(nbformat.from_dict(data), 4)


def _joined(source: Any) -> str:
    return "".join(map(str, source)) if isinstance(source, list) else str(source)


def _string_lines(text: str) -> dict[str, list[int]]:
    """Each JSON string standing alone on a line of the file -> the lines (1-based) it is on."""
    found: dict[str, list[int]] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        match = _STRING_LINE.match(raw)
        if match is None:
            continue
        try:
            value = json.loads(match.group(1))
        except ValueError:
            continue
        found.setdefault(value, []).append(number)
    return found


def _file_lines(source: str, strings: dict[str, list[int]], search: int) -> list[int]:
    """The file line of each line of a cell's source, searching after line ``search``."""
    count = source.count("\n") + 1
    whole = _after(strings.get(source), search)
    if whole is not None and count > 1:
        return [whole] * count  # the cell is stored as one string on one line
    parts = source.split("\n")
    pieces = [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    lines: list[int] = []
    for piece in pieces or [""]:
        found = _after(strings.get(piece), lines[-1] if lines else search)
        lines.append(found if found is not None else (lines[-1] if lines else search) + 1)
    return lines[:count] + [lines[-1]] * (count - len(lines))


def _after(candidates: list[int] | None, line: int) -> int | None:
    if not candidates:
        return None
    index = bisect_right(candidates, line)
    return candidates[index] if index < len(candidates) else None
