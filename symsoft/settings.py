"""Project settings for ``symsoft``: the ``[tool.symsoft]`` table of the nearest ``pyproject.toml``.

The table is looked up from the working directory upwards; the first ``pyproject.toml`` found
is used, with or without a ``[tool.symsoft]`` table (as ruff and pytest do). Command-line flags
override what the file says.

Examples
--------
>>> settings = Settings.from_table({"timeout": 2, "exclude": ["drafts/*"]}, source="example")
>>> settings.timeout, settings.exclude, settings.jobs
(2.0, ('drafts/*',), 1)
>>> settings.with_overrides(timeout=None, jobs=2).jobs
2
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from symsoft.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with the tomli backport
    import tomli as tomllib

__all__ = ["DEFAULT_INCLUDE", "Settings", "find_pyproject", "load_settings"]

#: the document kinds ``symsoft check DIRECTORY`` reads
DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.tex", "*.ipynb")


@dataclass(frozen=True)
class Settings:
    """What ``symsoft check`` (and ``verify``/``check-impl`` tolerances) run with."""

    timeout: float = 5.0
    strict: bool = False
    jobs: int = 1
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    #: absolute tolerance of ``verify``'s numeric checks
    tol: float = 1e-9
    #: tolerances of ``check-impl`` (None: its own per-dtype defaults)
    rtol: float | None = None
    atol: float | None = None
    #: the file the settings came from, or "defaults"
    source: str = "defaults"

    @classmethod
    def from_table(cls, table: dict[str, Any], *, source: str) -> Settings:
        """Settings from a ``[tool.symsoft]`` table; unknown keys and wrong types are errors."""
        known = {field.name for field in fields(cls)} - {"source"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise UsageError(
                f"[tool.symsoft] in {source}",
                ", ".join(unknown),
                "keys among " + ", ".join(sorted(known)),
                "remove or rename the key",
            )
        values = {name: _converted(name, value, source) for name, value in table.items()}
        return replace(cls(source=source), **values)

    def with_overrides(self, **flags: Any) -> Settings:
        """These settings with every flag that was given (not None) taking precedence."""
        given = {name: value for name, value in flags.items() if value is not None}
        for name in ("include", "exclude"):
            if name in given:
                given[name] = tuple(given[name])
        return replace(self, **given)


def _converted(name: str, value: Any, source: str) -> Any:
    def wrong(expected: str) -> UsageError:
        return UsageError(f"{name} in [tool.symsoft] of {source}", value, expected)

    if name == "strict":
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if name == "jobs":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise wrong("a whole number >= 1")
        return value
    if name in ("include", "exclude"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise wrong('a list of glob patterns, e.g. ["drafts/*"]')
        return tuple(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise wrong("a positive number")
    if name == "timeout" and value > 3600:
        raise wrong("seconds in (0, 3600]")
    if name == "tol" and value >= 1:
        raise wrong("a number between 0 and 1")
    return float(value)


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` in ``start`` (default: the working directory) or above."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path | None = None) -> Settings:
    """The settings of the nearest ``pyproject.toml``'s ``[tool.symsoft]`` table, or defaults."""
    path = find_pyproject(start)
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(str(path), "unreadable", "a valid TOML file", str(error)) from None
    table = data.get("tool", {}).get("symsoft")
    if table is None:
        return Settings()
    if not isinstance(table, dict):
        raise UsageError(f"[tool.symsoft] in {path}", table, "a table")
    return Settings.from_table(table, source=str(path))
