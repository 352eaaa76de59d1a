"""Reading documents of pathological shapes: the time must grow linearly with the size.

For each shape (a line of ``$$`` repeated, one formula followed by many newlines, runs of
``<!--``, math fences, ``\\begin{verbatim}``, a notebook of many lines with escaped slashes,
deeply nested JSON) this builds documents of about 10 KB, 100 KB and 1 MB and times the whole
check of each (:func:`symsoft.check.checker.check_document`: reading, planning, deciding), then
prints the seconds and the ratio of each size's time to the 10 KB one. Linear growth gives
ratios near 10 and 100; quadratic growth gives 100 and 10,000. A ratio well under 10 means the
fixed cost (the parser's tables, the first decision) dominates at 10 KB.

Run: ``python benchmarks/bench_source_scan.py [--sizes 10000 100000 1000000]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symsoft.check.checker import check_document
from symsoft.errors import SymsoftError


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _notebook(size: int) -> str:
    line = "see http:\\/\\/example.org\\/a\\/b for $x$\\n"
    count = max(1, size // (len(line) + 8))
    source = ",\n    ".join(f'"{line}"' for _ in range(count))
    return (
        '{"cells": [{"cell_type": "markdown", "metadata": {}, "source": [\n    '
        + source
        + (']}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    )


SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "dollars": (".md", lambda size: _repeat("$$", size)),
    "newlines": (".md", lambda size: "$x = 1$" + "\n" * size),
    "comments": (".md", lambda size: _repeat("<!--", size)),
    "math-fences": (".md", lambda size: _repeat("```math\n", size)),
    "verbatim": (".tex", lambda size: _repeat("\\begin{verbatim}", size)),
    "inline-dollars": (".md", lambda size: _repeat("$a = b$ ", size)),
    "escaped-notebook": (".ipynb", _notebook),
    "nested-json": (".ipynb", lambda size: "[" * size),
}


def _time(path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        report = check_document(path)
        outcome = f"{len(report.steps)} steps"
    except SymsoftError as error:
        outcome = f"refused: {str(error)[:60]}"
    return time.perf_counter() - start, outcome


def check_document_warm_up() -> None:
    """Build the parser once, so the smallest size does not pay for it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "warm.md"
        path.write_text("$$a = b$$", encoding="utf-8")
        check_document(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 999_000])
    args = parser.parse_args()
    print(f"{'shape':18} " + " ".join(f"{size:>10,}" for size in args.sizes) + "   ratios")
    check_document_warm_up()
    with tempfile.TemporaryDirectory() as folder:
        for name, (suffix, build) in SHAPES.items():
            times = []
            for size in args.sizes:
                path = Path(folder) / f"{name}{suffix}"
                path.write_text(build(size), encoding="utf-8")
                seconds, outcome = _time(path)
                times.append(seconds)
            ratios = " ".join(f"{t / max(times[0], 1e-4):8.1f}" for t in times[1:])
            cells = " ".join(f"{t:9.3f}s" for t in times)
            print(f"{name:18} {cells}   {ratios}   ({outcome})")


if __name__ == "__main__":
    main()
