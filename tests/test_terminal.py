"""The CLI's streams and messages: closed pipes, NO_COLOR, pipes, JSON errors, one error style."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from symsoft import terminal
from symsoft.cli import MAX_VERIFY_N, Input, Kind, _check_size, main
from symsoft.errors import UsageError

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

WRONG_STEP = (
    "With $S_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$,\n\n"
    "$$\\frac{\\partial S_i}{\\partial z_j} = S_i(1 - S_j)$$\n"
)
RIGHT_STEP = WRONG_STEP.replace("S_i(1 - S_j)", "S_i(\\delta_{ij} - S_j)")

VJP = "tests/impls/vectorised.py:softmax_vjp"

#: an SGR sequence that sets a colour (30-37, 90-97 foreground, 38;… extended), not bold
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def symsoft(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "symsoft", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def wrong_md(tmp_path: Path) -> Path:
    path = tmp_path / "wrong.md"
    path.write_text(WRONG_STEP, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize(("args", "code"), [(["verify", "--n", "4"], 0), (["check", "WRONG"], 1)])
def test_closed_stdout_keeps_the_verdicts_exit_code(args, code, wrong_md, tmp_path):
    """`symsoft verify | head -1`: the reader left; exit code is the verdict's, no traceback."""
    args = [str(wrong_md) if arg == "WRONG" else arg for arg in args]
    with (tmp_path / "err").open("w+") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "symsoft", *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=ROOT,
        )
        proc.stdout.close()  # the reader is gone before the first line is written
        returned = proc.wait(timeout=300)
        stderr.seek(0)
        err = stderr.read()
    assert returned == code, err
    assert "Traceback" not in err and "Exception ignored" not in err


def in_terminal(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """Run symsoft with stdout on a pseudo-terminal, where colour is on by default."""
    inherited = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "symsoft", *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**inherited, "TERM": "xterm-256color", **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is gone once the process closed it
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=300), b"".join(chunks).decode()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal (POSIX)")
def test_no_color_is_honoured_by_check(wrong_md):
    """In a terminal `check` is coloured; with NO_COLOR set it is not."""
    code, coloured = in_terminal("check", str(wrong_md), env={})
    assert code == 1 and COLOUR.search(coloured), coloured
    code, plain = in_terminal("check", str(wrong_md), env={"NO_COLOR": "1"})
    assert code == 1 and "conditional" in plain
    assert not COLOUR.search(plain), plain


def test_pipe_output_is_not_wrapped_at_80_columns(wrong_md):
    """Sent to a pipe, a long detail line of `check` stays one line, without escape codes."""
    done = symsoft("check", str(wrong_md), env={"COLUMNS": "", "NO_COLOR": ""})
    detail = [line for line in done.stdout.splitlines() if "instantiated:" in line]
    assert len(detail) == 1 and len(detail[0]) > 80 and detail[0].rstrip().endswith("S_i")
    assert "\x1b[" not in done.stdout


@pytest.mark.slow
def test_verify_table_in_a_pipe_keeps_each_method_on_one_line():
    """The verify table sent to a pipe is as wide as its content, so no method is folded."""
    done = symsoft("verify", "--n", "3", env={"COLUMNS": ""})
    assert done.returncode == 0
    assert "sympy.diff (total derivative, Σ as atom)" in done.stdout
    assert "lambdify (S-form) vs diag(s) − s sᵀ and central differences" in done.stdout
    numeric = [line for line in done.stdout.splitlines() if line.startswith("  numeric:")]
    assert len(numeric) == 1 and "seed 0" in numeric[0]


def test_check_json_reports_unreadable_files_as_json(capsys, tmp_path):
    """`check --json missing.md`: JSON with passed false and the error, exit 2."""
    code, out, err = run(capsys, "check", "--json", str(tmp_path / "missing.md"))
    data = json.loads(out)
    assert code == 2 and data["passed"] is False and data["files"] == []
    assert data["errors"] == [{"path": str(tmp_path / "missing.md"), "message": "no such file"}]
    assert "no such file" in err


def test_check_json_has_top_level_passed(capsys, tmp_path, wrong_md):
    """`check --json` says at the top whether the run passed, matching the exit code."""
    right = tmp_path / "right.md"
    right.write_text(RIGHT_STEP, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--json", str(right))
    assert code == 0 and json.loads(out)["passed"] is True
    code, out, _ = run(capsys, "check", "--json", str(wrong_md))
    assert code == 1 and json.loads(out)["passed"] is False


@pytest.mark.parametrize(
    "args",
    [
        ["check-impl", "missing.py:f", "--json"],
        ["check-impl", "tests/impls/vectorised.py:softmax_vjp", "--kind", "nope", "--json"],
        ["check-impl", "tests", "--json"],
        ["verify", "--n", "0", "--json"],
        ["verify", "--bogus", "--json"],
    ],
)
def test_every_error_under_json_is_json_on_stdout(capsys, monkeypatch, args):
    """Under --json an exit-2 error is a JSON object on stdout (and one line on stderr)."""
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, *args)
    data = json.loads(out)
    assert code == 2 and data["passed"] is False and data["error"]["exit_code"] == 2
    assert data["error"]["message"] in err and err.startswith("error:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check"], "missing FILE (expected a Markdown, LaTeX or notebook file"),
        (["check-impl", "tests"], "tests is a folder: name a Python file in it"),
        (["check-impl", "tests/:f"], "tests is a folder: name a Python file in it"),
        (["check-impl", "mine.md:f"], "mine.md is not Python code; to check a derivation, run"),
        (
            ["check-impl", "x.py:f", "--kind", "foo"],
            "invalid value for --kind: 'foo' (expected one of",
        ),
        (["check-impl", "x.py:f", "--samples", "x"], "invalid value for --samples: 'x'"),
        (
            ["check-impl", "tests/impls/vectorised.py:softmax_vjp", "--n", "1"],
            "invalid value for --n",
        ),
        (["check-impl", "tests/impls/vectorised.py:softmax_vjp", "--seed", "-1"], "for --seed: -1"),
        (["check-impl"], "missing TARGET"),
        (["verify", "--seed", "-1"], "invalid value for --seed: -1 (expected a whole number >= 0)"),
        (["verify", "--seed", "abc"], "invalid value for --seed: 'abc' (expected a whole number)"),
        (["verify", "--tol=x"], "invalid value for --tol: 'x' (expected a number)"),
        (["verify", "--nn", "4"], "unknown option --nn; did you mean --n"),
        (["derive", "--route", "log", "--format", "md"], "expected one of text, markdown, latex"),
        (["frobnicate"], "unknown command 'frobnicate'"),
    ],
)
def test_messages_share_one_style(capsys, monkeypatch, args, message):
    """Every usage error: one line, what was wrong, what is expected, how to go on; exit 2."""
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, *args)
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert message in err, err
    assert "; " in err  # the fix or where to look follows the problem
    assert "Traceback" not in err + out and "None" not in err


def test_unknown_option_hint_is_given_once(capsys):
    """`verify --nn 4` suggests the close options once, not twice."""
    _, _, err = run(capsys, "verify", "--nn", "4")
    assert err.count("--n") == 2 and "Possible options" not in err


@pytest.mark.parametrize("args", [["-h"], ["verify", "-h"], ["check", "-h"], ["check-impl", "-h"]])
def test_dash_h_is_help(capsys, args):
    """`-h` is accepted wherever --help is."""
    code, out, _ = run(capsys, *args)
    assert code == 0 and out.startswith("Usage: symsoft")


def test_no_command_prints_help_and_exits_2(capsys):
    """`symsoft` alone prints the help and exits with the usage code."""
    code, out, _ = run(capsys)
    assert code == 2 and "verify" in out and "check-impl" in out


def test_verify_refuses_a_large_n_with_a_time_estimate(capsys):
    """--n above the documented limit is refused with an estimate unless --allow-large."""
    code, _, err = run(capsys, "verify", "--n", "1000")
    assert code == 2 and f"from 1 to {MAX_VERIFY_N}" in err
    assert "would take about 6 minutes" in err and "--allow-large" in err
    code, _, err = run(capsys, "verify", "--n", "1000000", "--quiet")
    assert code == 2 and "days" in err


def test_size_limit_boundary():
    """The limit itself runs; one more needs --allow-large, which lets it through."""
    _check_size(MAX_VERIFY_N, allow_large=False)
    with pytest.raises(UsageError):
        _check_size(MAX_VERIFY_N + 1, allow_large=False)
    _check_size(MAX_VERIFY_N + 1, allow_large=True)


def test_cli_choices_match_the_library():
    """The CLI's enums list exactly the contracts and inputs the library accepts."""
    from symsoft.impl.loader import INPUTS, KINDS

    assert tuple(kind.value for kind in Kind) == KINDS
    assert tuple(item.value for item in Input) == INPUTS


def test_parser_errors_are_caught_by_public_names():
    """The usage-error base is found from typer.BadParameter, whichever Typer is installed."""
    (base,) = terminal.click_errors()
    assert issubclass(typer.BadParameter, base) and base is not Exception
    assert not issubclass(typer.Exit, base)


def test_cli_does_not_import_private_typer_modules():
    """symsoft never imports typer._click (private, and absent before Typer 0.26)."""
    for path in (ROOT / "symsoft").rglob("*.py"):
        assert "_click" not in path.read_text(encoding="utf-8").replace("click_errors", ""), path


def test_printed_counterexample_reproduces_both_sides(capsys):
    """Plugging the printed n, indices and logits into both sides gives the printed values."""
    import numpy as np

    code, out, _ = run(
        capsys, "check", "--expr", r"\frac{\partial S_i}{\partial z_j} = S_i(1 - S_j)"
    )
    line = next(row for row in out.splitlines() if "counterexample:" in row)
    values = dict(re.findall(r"(\w+) = (-?[0-9][0-9.e+-]*)", line))
    n = int(values["n"])
    z = np.array([float(values[f"z_{k}"]) for k in range(1, n + 1)])
    s = np.exp(z) / np.exp(z).sum()
    i, j = int(values["i"]) - 1, int(values["j"]) - 1
    assert code == 1 and i != j
    assert float(values["lhs"]) == pytest.approx(-s[i] * s[j], abs=1e-9)
    assert float(values["rhs"]) == pytest.approx(s[i] * (1 - s[j]), abs=1e-9)


def test_check_impl_table_matches_the_text_report(capsys, monkeypatch):
    """The rich-laid-out case table reads exactly as the library's text report, no padding."""
    from symsoft.impl.check import check_implementation

    monkeypatch.chdir(ROOT)
    target = "tests/impls/wrong_jacobians.py:softmax_jacobian_diag"
    code, out, _ = run(capsys, "check-impl", target)
    assert code == 1 and out == check_implementation(target).to_text() + "\n"
    assert not any(line.endswith(" ") for line in out.splitlines())


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal (POSIX)")
def test_check_impl_statuses_are_coloured_in_a_terminal():
    """In a terminal FAIL is red and PASS green; NO_COLOR turns that off."""
    target = "tests/impls/wrong_jacobians.py:softmax_jacobian_diag"
    code, coloured = in_terminal("check-impl", target, env={})
    assert code == 1 and COLOUR.search(coloured) and "FAIL" in coloured
    code, plain = in_terminal("check-impl", target, env={"NO_COLOR": "1"})
    assert code == 1 and not COLOUR.search(plain)
