"""The built wheel: SPDX license metadata, the LICENSE file, py.typed, grammar files, bounds."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "License classifiers are deprecated" not in done.stderr
    assert "`project.license` as a TOML table is deprecated" not in done.stderr
    (path,) = out.glob("symsoft-*.whl")
    return zipfile.ZipFile(path)


def metadata(wheel: zipfile.ZipFile):
    name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    return Parser().parsestr(wheel.read(name).decode())


@pytest.mark.slow
def test_wheel_declares_the_license_as_spdx_and_ships_the_file(wheel):
    """License-Expression: MIT, and the MIT LICENSE text inside the wheel."""
    data = metadata(wheel)
    assert data["License-Expression"] == "MIT"
    assert data.get_all("License-File") == ["LICENSE"]
    (license_name,) = [n for n in wheel.namelist() if n.endswith("licenses/LICENSE")]
    assert wheel.read(license_name).decode().startswith("MIT License")
    assert not any(c.startswith("License ::") for c in data.get_all("Classifier"))


@pytest.mark.slow
def test_wheel_ships_py_typed_and_the_grammar(wheel):
    """py.typed marks the package as typed; the LaTeX grammar is package data."""
    names = wheel.namelist()
    assert "symsoft/py.typed" in names
    assert any(n.startswith("symsoft/latex/") and n.endswith(".lark") for n in names)
    assert "Typing :: Typed" in metadata(wheel).get_all("Classifier")


def test_declared_bounds_are_the_ones_ci_installs():
    """Every runtime dependency has a plain lower bound, which .ci/run installs exactly."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        # a backport for older Pythons may carry its marker; CI's job skips it on 3.11+
        assert re.fullmatch(
            r"[A-Za-z0-9_.-]+>=[0-9.]+(; python_version < '3\.11')?", requirement
        ), requirement
    names = {re.match(r"[A-Za-z0-9_.-]+", r).group() for r in project["dependencies"]}
    assert {"sympy", "numpy", "typer", "rich", "lark", "mpmath"} <= names
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "tests/test_cli_smoke.py" in ci and '"dependencies"' in ci
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
