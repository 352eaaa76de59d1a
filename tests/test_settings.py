"""`[tool.symsoft]` in the nearest pyproject.toml: found upwards, typed, overridden by flags."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from test_check_cli import GOOD, WRONG, exit_code

from symsoft.errors import UsageError
from symsoft.settings import DEFAULT_INCLUDE, Settings, find_pyproject, load_settings


def project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "blog"\n\n[tool.symsoft]\n{table}\n', encoding="utf-8"
    )
    sub = tmp_path / "posts" / "2026"
    sub.mkdir(parents=True)
    return sub


def test_found_from_a_subfolder_upwards(tmp_path: Path) -> None:
    sub = project(tmp_path, 'timeout = 2\nstrict = true\nexclude = ["drafts/*"]\njobs = 3')
    assert find_pyproject(sub) == tmp_path / "pyproject.toml"
    settings = load_settings(sub)
    assert (settings.timeout, settings.strict, settings.exclude, settings.jobs) == (
        2.0,
        True,
        ("drafts/*",),
        3,
    )
    assert settings.include == DEFAULT_INCLUDE
    assert settings.source == str(tmp_path / "pyproject.toml")


def test_settings_are_frozen_and_flags_override() -> None:
    settings = Settings(timeout=2.0, strict=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.timeout = 3.0  # type: ignore[misc]
    assert settings.with_overrides(timeout=7.0, strict=None).timeout == 7.0
    assert settings.with_overrides(strict=False).strict is False
    assert settings.with_overrides(strict=None).strict is True


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("tolerence = 1e-9", "tolerence"),
        ('timeout = "fast"', "positive number"),
        ("timeout = 99999", "(0, 3600]"),
        ("jobs = 0", "whole number"),
        ('strict = "yes"', "true or false"),
        ("exclude = [1]", "glob patterns"),
        ("tol = -1", "positive number"),
    ],
)
def test_bad_values_name_the_key_and_the_file(tmp_path: Path, table: str, message: str) -> None:
    project(tmp_path, table)
    with pytest.raises(UsageError) as error:
        load_settings(tmp_path)
    assert message in str(error.value) and "pyproject.toml" in str(error.value)


def test_broken_toml_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.symsoft\n", encoding="utf-8")
    with pytest.raises(UsageError, match="valid TOML"):
        load_settings(tmp_path)


def test_cli_reads_settings_and_flags_override(tmp_path: Path, monkeypatch, capsys) -> None:
    sub = project(tmp_path, 'exclude = ["drafts"]\nstrict = true')
    (sub / "post.md").write_text(GOOD, encoding="utf-8")
    (sub / "drafts").mkdir()
    (sub / "drafts" / "wip.md").write_text(WRONG, encoding="utf-8")
    monkeypatch.chdir(sub)
    code, out, _ = exit_code(["check", "."], capsys)
    assert code == 0 and "wip.md" not in out
    # an --exclude flag replaces the file's list, so the draft is checked again
    code, out, _ = exit_code(["check", ".", "--exclude", "nothing"], capsys)
    assert code == 1 and "wip.md" in out


def test_cli_strict_from_settings_and_no_strict_flag(tmp_path: Path, monkeypatch, capsys) -> None:
    project(tmp_path, "strict = true")
    (tmp_path / "u.md").write_text(
        r"$$\frac{\partial S_i}{\partial z_j} = \mathfrak{Q}\oint$$", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert exit_code(["check", "u.md"], capsys)[0] == 1
    assert exit_code(["check", "u.md", "--no-strict"], capsys)[0] == 0


def test_cli_bad_settings_exit_2_with_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    project(tmp_path, "colour = true")
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = exit_code(["check", "a.md"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "colour" in err and "[tool.symsoft]" in err


NEARLY = """
import numpy as np


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True) + 1e-8
"""


def test_verify_and_check_impl_tolerances_from_settings(tmp_path, monkeypatch, capsys) -> None:
    """tol reaches verify, rtol/atol reach check-impl; a flag still wins over the file."""
    project(tmp_path, "tol = 1e-7\nrtol = 1e-6\natol = 1e-6")
    (tmp_path / "mine.py").write_text(NEARLY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = exit_code(["verify", "--n", "2", "--json"], capsys)
    assert code == 0 and json.loads(out)["tol"] == 1e-7
    code, out, _ = exit_code(["verify", "--n", "2", "--json", "--tol", "1e-9"], capsys)
    assert json.loads(out)["tol"] == 1e-9
    code, out, _ = exit_code(["check-impl", "mine.py:softmax", "--json"], capsys)
    assert code == 0, out
    code, out, _ = exit_code(
        ["check-impl", "mine.py:softmax", "--rtol", "0", "--atol", "0"], capsys
    )
    assert code == 1
