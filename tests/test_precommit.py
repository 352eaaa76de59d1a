"""The pre-commit hook of .pre-commit-hooks.yaml, run by the real `pre-commit` tool.

A blog's repository lists this checkout as a hook repository; committing a wrong derivation
must be refused with the refuted step named, committing a right one must go through.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_check_cli import GOOD, WRONG

#: the whole module is in the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_hook_definition_matches_documents_only() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit")
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "symsoft-check" and hook["entry"] == "symsoft check"
    assert hook["language"] == "python"
    files = re.compile(hook["files"])
    assert all(files.search(name) for name in ("a.md", "b/c.tex", "n.ipynb"))
    assert not any(files.search(name) for name in ("a.py", "md.txt", "tex"))


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, env=env, timeout=900
    )


@pytest.mark.slow
def test_commit_of_a_wrong_derivation_is_refused(tmp_path: Path, monkeypatch) -> None:
    pre_commit = shutil.which("pre-commit")
    if pre_commit is None or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed (pip install 'symsoft[test]')")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    listed = subprocess.run(
        ["git", "cat-file", "-e", f"{head.stdout.strip()}:.pre-commit-hooks.yaml"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if head.returncode or listed.returncode:
        pytest.skip("the checkout is not a git repository with .pre-commit-hooks.yaml committed")
    repo = tmp_path / "blog"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head.stdout.strip()}\n"
        "    hooks:\n      - id: symsoft-check\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "cache"))
    installed = subprocess.run(
        [pre_commit, "install"], cwd=repo, capture_output=True, text=True, timeout=300
    )
    assert installed.returncode == 0, installed.stderr
    (repo / "notes.txt").write_text(WRONG, encoding="utf-8")  # not a document: not checked
    (repo / "post.md").write_text(WRONG, encoding="utf-8")
    _git(repo, "add", ".")
    refused = _git(repo, "commit", "-q", "-m", "wrong post")
    assert refused.returncode != 0, refused.stdout + refused.stderr
    said = refused.stdout + refused.stderr  # a git hook's output may go to either stream
    assert "refuted" in said and "post.md" in said
    assert "notes.txt" not in said
    assert _git(repo, "log", "--oneline").stdout == ""
    (repo / "post.md").write_text(GOOD, encoding="utf-8")
    _git(repo, "add", ".")
    accepted = _git(repo, "commit", "-q", "-m", "right post")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    said = accepted.stdout + accepted.stderr
    assert "symsoft check" in said and "Passed" in said
