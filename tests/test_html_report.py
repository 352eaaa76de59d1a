"""`symsoft check --format html`: an offline page with typeset math and verdict marks, and the
Jupyter views (`_repr_html_`) of check, verify and check-impl results.

The page is opened in a real headless Chromium (Debian's `chromium`), whose rendered DOM must
show KaTeX's output and the marks; those tests skip when Chromium or KaTeX (npm) is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from test_check_cli import GOOD, WRONG, exit_code, write

from symsoft.check.checker import check_text
from symsoft.render import html as html_render
from symsoft.render.html import check_page
from symsoft.render.katex import find_katex

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""")


@pytest.fixture(scope="module")
def wrong_report():
    return check_text(WRONG, path="wrong.md")


def test_page_marks_each_step_and_puts_the_evidence_in_details(wrong_report) -> None:
    page = check_page([wrong_report])
    marks = re.findall(r'data-verdict="([a-z-]+)"', page)
    assert marks == [step.verdict.value for step in wrong_report.steps] == ["verified", "refuted"]
    refuted = page[page.index('data-verdict="refuted"') :]
    assert "<details open><summary>reading and evidence</summary>" in refuted
    assert "counterexample: n = " in refuted and "✗ refuted" in refuted
    assert not EXTERNAL.search(page), "the page must not load anything from the network"


def test_page_escapes_document_text() -> None:
    report = check_text("$$<script>alert(1)</script> = 1$$", path="<b>x</b>.md")
    page = check_page([report])
    assert "<script>" not in page and "&lt;b&gt;x&lt;/b&gt;.md" in page


def test_without_katex_the_source_is_shown_and_the_page_says_why(wrong_report, monkeypatch):
    monkeypatch.setattr(html_render, "render_math", lambda items: None)
    page = check_page([wrong_report])
    assert "KaTeX was not found" in page and 'class="katex' not in page
    assert r'<code class="tex">S_i (\delta_{ij} + S_j)' not in page  # the step is lhs = rhs
    assert r"= S_i (\delta_{ij} + S_j)</code>" in page


def test_with_katex_the_math_is_typeset_and_fonts_are_inlined(wrong_report) -> None:
    if find_katex() is None or shutil.which("node") is None:
        pytest.skip("KaTeX is absent: `npm install --prefix .ci/node katex` (.ci/run does this)")
    page = check_page([wrong_report])
    assert page.count('class="katex-display"') == 2
    assert "data:font/woff2;base64," in page and "url(fonts/" not in page


def test_cli_writes_the_page(tmp_path: Path, capsys) -> None:
    target = tmp_path / "report.html"
    code, out, err = exit_code(
        ["check", write(tmp_path, WRONG), "--format", "html", "--output", str(target)], capsys
    )
    assert code == 1 and out == "" and "report.html" in err
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    if find_katex() is None or shutil.which("node") is None:
        pytest.skip("KaTeX is absent: `npm install --prefix .ci/node katex`")
    return found


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


# Added to a copy of the page: records in the DOM which fonts the browser loaded and how tall
# it laid out a fraction, so --dump-dom shows what was rendered, not only what was sent.
PROBE = """<script>
document.fonts.ready.then(() => {
  const loaded = [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family);
  document.body.setAttribute("data-fonts", loaded.join(","));
  const frac = document.querySelector(".katex .mfrac");
  document.body.setAttribute("data-frac-height", frac ? frac.getBoundingClientRect().height : -1);
});
</script>"""


@pytest.mark.slow
def test_headless_browser_shows_typeset_math_and_marks(tmp_path: Path, capsys) -> None:
    binary = _chromium()
    target = tmp_path / "report.html"
    exit_code(["check", write(tmp_path, WRONG), "--format", "html", "-o", str(target)], capsys)
    probed = tmp_path / "probed.html"
    probed.write_text(target.read_text(encoding="utf-8") + PROBE, encoding="utf-8")
    dom = _run_chromium(
        binary, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom", probed.as_uri()
    ).stdout
    body = re.search(r"<body[^>]*>", dom).group(0)
    fonts = re.search(r'data-fonts="([^"]*)"', body).group(1).split(",")
    assert "KaTeX_Main" in fonts and "KaTeX_Math" in fonts, body  # loaded without a network
    assert float(re.search(r'data-frac-height="([^"]*)"', body).group(1)) > 10
    assert dom.count('class="katex-display"') == 2
    assert "✓ verified" in dom and "✗ refuted" in dom
    shot = tmp_path / "report.png"
    _run_chromium(
        binary,
        tmp_path / "profile2",
        "--window-size=900,700",
        f"--screenshot={shot}",
        target.as_uri(),
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_jupyter_views_of_check_verify_and_check_impl(wrong_report) -> None:
    from symsoft.impl.check import check_implementation
    from symsoft.verifier.fixed import verify

    view = wrong_report._repr_html_()
    assert view.count("data-verdict=") == 2 and r"\[S_i (\delta_{ij} - S_j)" not in view
    assert r"= S_i (\delta_{ij} + S_j)\]" in view and "counterexample" in view
    good = verify(2)._repr_html_()
    assert "PASSED" in good and "✓" in good and "✗" not in good

    def diagonal_only(z):
        s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        return np.diag(s * (1 - s))

    wrong = check_implementation(diagonal_only, kind="jacobian", n=3)._repr_html_()
    assert "✗ refuted" in wrong and "<b>diagonal-only</b>" in wrong and "<details>" in wrong


def test_good_document_page_has_no_failure_marks(tmp_path: Path) -> None:
    page = check_page([check_text(GOOD, path="good.md")])
    assert "✗" not in page and "<details open>" not in page
