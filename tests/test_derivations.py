"""derivations/: the committed documents are golden files, and each checks clean.

``SYMSOFT_UPDATE_GOLDEN=1 pytest tests/test_derivations.py`` rewrites them from ``symsoft derive``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from symsoft.cli import app
from symsoft.derivation.build import ROUTE_NAMES, derive
from symsoft.verdict import Verdict

#: the whole module is in the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ROUTES = [name for name in ROUTE_NAMES if name != "all"]
#: the committed documents in derivations/: (file stem, route, n)
GOLDEN = [(route, route, "general") for route in ROUTES] + [
    ("quotient-n3", "quotient", 3),
    ("matrix-n3", "matrix", 3),
]
UPDATE = os.environ.get("SYMSOFT_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize(("stem", "route", "n"), GOLDEN)
def test_golden_derivations(stem, route, n):
    """derivations/*.md equal freshly generated output (SYMSOFT_UPDATE_GOLDEN=1 rewrites them)."""
    path = ROOT / "derivations" / f"{stem}.md"
    fresh = derive(route, n).to_markdown()
    if UPDATE:
        path.write_text(fresh, encoding="utf-8")
    assert path.exists(), f"missing {path}; run with SYMSOFT_UPDATE_GOLDEN=1"
    assert path.read_text(encoding="utf-8") == fresh, (
        f"{path.name} drifted from `symsoft derive`; regenerate with SYMSOFT_UPDATE_GOLDEN=1"
    )


def test_golden_files_match_the_cli_output():
    """The committed documents are exactly what `symsoft derive --format markdown` prints."""
    runner = CliRunner()
    result = runner.invoke(app, ["derive", "--route", "stable", "--format", "markdown"])
    assert result.exit_code == 0
    assert result.output == (ROOT / "derivations" / "stable.md").read_text(encoding="utf-8")


def test_no_stray_documents():
    """Every Markdown file in derivations/ is generated (no hand-written file escapes the check)."""
    stems = {path.stem for path in (ROOT / "derivations").glob("*.md")}
    assert stems == {stem for stem, _, _ in GOLDEN}


@pytest.mark.parametrize(("stem", "route", "n"), GOLDEN)
def test_documents_check_clean_strictly(stem, route, n):
    """`symsoft check --strict` finds every step of each document verified, nothing else."""
    check = pytest.importorskip("symsoft.check.checker")
    report = check.check_document(str(ROOT / "derivations" / f"{stem}.md"))
    verdicts = [step.verdict for step in report.steps]
    assert verdicts, "the checker found no steps"
    assert set(verdicts) == {Verdict.VERIFIED}, [
        (step.line, step.verdict.value)
        for step in report.steps
        if step.verdict is not Verdict.VERIFIED
    ]
    # the checker may count a definition line as a definition rather than a step
    assert len(verdicts) >= len(derive(route, n).steps) - 2
