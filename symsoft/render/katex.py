"""Math typeset with KaTeX, offline: rendered by Node.js once per report, CSS and fonts inlined.

KaTeX is an npm package, not a Python one. It is looked for in ``$SYMSOFT_KATEX`` (the folder
of the ``katex`` package), then in ``node_modules/katex`` and ``.ci/node/node_modules/katex`` of
the working directory, its parents and symsoft's own checkout. When it or Node.js is missing,
:func:`render_math` returns None and the report shows the LaTeX source instead.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["find_katex", "inline_css", "render_math"]

# Reads [[tex, display], ...] on stdin and prints the rendered HTML of each as a JSON list.
# throwOnError false: a formula KaTeX cannot typeset is shown as its source, in red.
_SCRIPT = r"""
const katex = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([tex, display]) =>
    katex.renderToString(tex, {displayMode: display, throwOnError: false, strict: "ignore"}));
  process.stdout.write(JSON.stringify(out));
});
"""


def _candidates() -> list[Path]:
    places = [Path.cwd().resolve(), *Path.cwd().resolve().parents]
    places.append(Path(__file__).resolve().parents[2])
    found = []
    if os.environ.get("SYMSOFT_KATEX"):
        found.append(Path(os.environ["SYMSOFT_KATEX"]))
    for place in places:
        found += [
            place / "node_modules" / "katex",
            place / ".ci" / "node" / "node_modules" / "katex",
        ]
    return found


def find_katex() -> Path | None:
    """The folder of an installed npm ``katex`` package, or None."""
    for candidate in _candidates():
        if (candidate / "dist" / "katex.min.css").is_file() and (
            candidate / "package.json"
        ).is_file():
            return candidate
    return None


def render_math(items: Sequence[tuple[str, bool]], *, timeout: float = 120.0) -> list[str] | None:
    """Each ``(tex, display)`` typeset as HTML, or None when KaTeX or Node.js is unavailable."""
    katex, node = find_katex(), shutil.which("node")
    if katex is None or node is None:
        return None
    if not items:
        return []
    try:
        done = subprocess.run(
            [node, "-e", _SCRIPT, str(katex)],
            input=json.dumps([list(item) for item in items]),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        rendered = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if not isinstance(rendered, list) or len(rendered) != len(items):
        return None
    return [str(html) for html in rendered]


@lru_cache(maxsize=2)
def inline_css(katex: Path) -> str:
    """KaTeX's stylesheet with its WOFF2 fonts embedded, so the page needs no network."""
    css = (katex / "dist" / "katex.min.css").read_text(encoding="utf-8")
    fonts = katex / "dist" / "fonts"

    def embed(match: re.Match[str]) -> str:
        data = base64.b64encode((fonts / f"{match.group(1)}.woff2").read_bytes()).decode()
        return f'url(data:font/woff2;base64,{data}) format("woff2")'

    css = re.sub(r",url\(fonts/[^)]+\.(?:woff|ttf)\) format\(\"[a-z]+\"\)", "", css)
    return re.sub(r"url\(fonts/([^)]+)\.woff2\) format\(\"woff2\"\)", embed, css)
