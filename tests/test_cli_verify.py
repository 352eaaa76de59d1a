"""CLI tests of ``symsoft verify``, ``--version``, ``--help`` and bad usage."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from symsoft.cli import main

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow


def run(capsys, *args):
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_readme_command_verify_n4(capsys):
    """`symsoft verify --n 4` prints the table and PASSED, exit 0."""
    code, out, _ = run(capsys, "verify", "--n", "4")
    assert code == 0
    assert "PASSED: all 12 checks for n = 4" in out
    for name in ("direct", "quotient", "log", "agreement", "numeric-extreme"):
        assert name in out


def test_verify_json(capsys):
    """`--json` prints the documented object."""
    code, out, _ = run(capsys, "verify", "--n", "3", "--json")
    data = json.loads(out)
    assert code == 0 and data["n"] == 3 and data["passed"] is True
    assert {"name", "method", "passed", "seconds", "detail"} <= set(data["checks"][0])


def test_verify_quiet(capsys):
    """`--quiet` prints only the summary line."""
    code, out, _ = run(capsys, "verify", "--n", "2", "--quiet", "--seed", "5", "--tol", "1e-8")
    assert code == 0 and out.strip().startswith("PASSED") and len(out.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["verify", "--n", "0"], "--n"),
        (["verify", "--n", "-3"], "--n"),
        (["verify", "--n", "abc"], "--n"),
        (["verify", "--tol", "-1"], "--tol"),
        (["verify", "--tol", "abc"], "--tol"),
        (["verify", "--seed", "-1"], "--seed"),
        (["verify", "--bogus"], "--bogus"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_bad_usage_is_one_line_exit_2(capsys, args, needle):
    """Bad options and unknown commands: one line on stderr naming the problem, exit 2."""
    code, out, err = run(capsys, *args)
    assert code == 2
    assert needle in err and err.startswith("error:")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + out


def test_version(capsys):
    """`--version` prints the version, exit 0."""
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("symsoft ")


def test_help_does_not_import_sympy():
    """`symsoft --help` answers without importing SymPy (it must stay fast)."""
    code = (
        "import sys\n"
        "from symsoft.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'sympy' not in sys.modules, 'sympy imported'\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "verify" in done.stdout


def test_python_m_symsoft_and_cli_shim():
    """`python -m symsoft` and `python cli.py` run the same app."""
    for argv in ([sys.executable, "-m", "symsoft", "verify", "--n", "2", "--quiet"],):
        done = subprocess.run(argv, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "PASSED" in done.stdout


def test_ctrl_c_exits_130_without_traceback():
    """SIGINT during a long verify prints one line and exits with 130."""
    import signal
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "symsoft", "verify", "--n", "400", "--allow-large", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err


def test_failing_verify_exits_1(capsys, monkeypatch):
    """When a check fails the command prints FAILED and exits 1."""
    import symsoft.verifier.fixed

    real = symsoft.verifier.fixed.verify

    def wrong(n, **kwargs):
        return real(n, claim=lambda S, i, j: S[i] * (1 - S[j]), **kwargs)

    monkeypatch.setattr(symsoft.verifier.fixed, "verify", wrong)
    code, out, _ = run(capsys, "verify", "--n", "3")
    assert code == 1
    assert "FAILED" in out and "counterexample (direct)" in out
