"""Every LaTeX string symsoft's derivations emit renders in KaTeX strict mode (npm ``katex``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from symsoft.derivation.build import ROUTE_NAMES, derive

#: the whole module is in the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
KATEX = ROOT / ".ci" / "node" / "node_modules" / "katex"

# Reads [{"tex": ..., "display": bool}] on stdin, prints the list of failures as JSON.
RENDER_SCRIPT = r"""
const katex = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const failures = [];
  for (const item of JSON.parse(input)) {
    try {
      katex.renderToString(item.tex, {
        displayMode: item.display, throwOnError: true, strict: "error",
      });
    } catch (error) {
      failures.push({ tex: item.tex, error: String(error.message || error) });
    }
  }
  process.stdout.write(JSON.stringify(failures));
});
"""

ROUTES = [name for name in ROUTE_NAMES if name != "all"]


def _render(items: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed, so KaTeX rendering cannot be tested")
    if not (KATEX / "package.json").exists():
        pytest.skip(
            "npm package katex is absent; install it with "
            "`npm install --prefix .ci/node katex` (.ci/run does this)"
        )
    done = subprocess.run(
        [node, "-e", RENDER_SCRIPT, str(KATEX)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def _blocks(markdown: str) -> list[dict]:
    display = re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, flags=re.S | re.M)
    without = re.sub(r"^\$\$\n.*?\n\$\$$", "", markdown, flags=re.S | re.M)
    inline = re.findall(r"\$([^$\n]+)\$", without)
    return [{"tex": tex, "display": True} for tex in display] + [
        {"tex": tex, "display": False} for tex in inline
    ]


@pytest.mark.parametrize("n", ["general", 3])
def test_every_block_of_every_route_renders(n):
    """Every $$ block and inline formula of every route, general n and n = 3, renders strictly."""
    items = []
    for route in ROUTES:
        derivation = derive(route, n)
        blocks = _blocks(derivation.to_markdown())
        assert len(blocks) >= len(derivation.sections)
        items += blocks
        items.append({"tex": derivation.to_latex(), "display": True})
        items.append({"tex": derivation._repr_latex_().strip("$"), "display": True})
    everything = derive("all", n)
    items.append({"tex": everything._repr_latex_().strip("$"), "display": True})
    failures = _render(items)
    assert failures == [], failures[:3]


def test_katex_strict_mode_rejects_bad_latex():
    """The harness itself fails on LaTeX KaTeX cannot render (so passing means something)."""
    failures = _render(
        [
            {"tex": r"\frac{1}{", "display": True},
            {"tex": r"\operatornamewithoutbrace x", "display": True},
            {"tex": "x + é", "display": True},
            {"tex": r"\delta_{ij}", "display": True},
        ]
    )
    assert [failure["tex"] for failure in failures] == [
        r"\frac{1}{",
        r"\operatornamewithoutbrace x",
        "x + é",
    ]
