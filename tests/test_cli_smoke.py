"""A smoke run of every command as a separate process, as a new user types them.

CI runs this file again in a virtual environment holding the *minimum* versions that
pyproject.toml declares (``.ci/run``), so each declared lower bound is a tested one: a wrong
derivation and a wrong implementation must exit 1 there too, not 0 and not a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

RIGHT = (
    "Let $S_i = \\frac{e^{z_i}}{\\sum_{k=1}^{n} e^{z_k}}$.\n\n"
    "$$\\frac{\\partial S_i}{\\partial z_j} = S_i (\\delta_{ij} - S_j)$$\n"
)
WRONG = RIGHT.replace("S_i (\\delta_{ij} - S_j)", "S_i (1 - S_j)")


def symsoft(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "symsoft", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=env,
    )


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("smoke")
    (folder / "right.md").write_text(RIGHT, encoding="utf-8")
    (folder / "wrong.md").write_text(WRONG, encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--version"], 0, "symsoft "),
        (["verify", "--n", "3", "--quiet"], 0, "PASSED: all 12 checks for n = 3"),
        (["derive", "--route", "log", "--n", "2"], 0, "S_"),
        (["check", "--strict", "{docs}/right.md"], 0, "verified"),
        (["check", "{docs}/wrong.md"], 1, "conditional"),
        (["check-impl", "tests/impls/vectorised.py:softmax_vjp"], 0, "PASSED"),
        (["check-impl", "tests/impls/wrong_vjps.py:softmax_grad_missing_sum"], 1, "missing-sum"),
    ],
)
def test_command_exit_code_and_output(documents, args, code, needle):
    """Each command gives its documented exit code and its verdict on stdout, no traceback."""
    done = symsoft(*(arg.format(docs=documents) for arg in args))
    assert done.returncode == code, done.stdout + done.stderr
    assert needle in done.stdout and "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["check", "missing.md"],
        ["verify", "--nn", "4"],
        ["verify", "--seed", "abc"],
        ["derive", "--route", "log", "--format", "md"],
        ["check-impl", "tests/impls/vectorised.py:softmax_vjp", "--kind", "nope"],
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args):
    """Bad input: one `error:` line on stderr and exit 2, with every supported Typer/Click."""
    done = symsoft(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1
