"""The one exception hierarchy of symsoft.

Every error a user can cause derives from :class:`SymsoftError`; the CLI catches it,
prints ``str(error)`` on one line to stderr and exits with ``error.exit_code``.
Details are kept as attributes and the message is built in ``__str__``.
"""

from __future__ import annotations

__all__ = [
    "DerivationError",
    "DocumentError",
    "ImplementationError",
    "LatexParseError",
    "MissingArgumentError",
    "SymsoftError",
    "UsageError",
]

#: Exit codes documented in the README.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class SymsoftError(Exception):
    """Base class of every error symsoft raises on purpose."""

    exit_code: int = EXIT_USAGE


class UsageError(SymsoftError, ValueError):
    """An argument or option has a value symsoft cannot use."""

    def __init__(self, name: str, value: object, expected: str, hint: str = "") -> None:
        super().__init__(name, value, expected, hint)
        self.name = name
        self.value = value
        self.expected = expected
        self.hint = hint

    def __str__(self) -> str:
        message = f"invalid value for {self.name}: {self.value!r} (expected {self.expected})"
        return f"{message}; {self.hint}" if self.hint else message


class MissingArgumentError(UsageError):
    """A required argument was not given."""

    def __str__(self) -> str:
        message = f"missing {self.name} (expected {self.expected})"
        return f"{message}; {self.hint}" if self.hint else message


class DocumentError(SymsoftError, ValueError):
    """A document cannot be read at all (missing, binary, not UTF-8, too large)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class LatexParseError(SymsoftError, ValueError):
    """A LaTeX fragment could not be mapped to mathematics with confidence."""

    def __init__(self, fragment: str, reason: str, *, position: int | None = None) -> None:
        super().__init__(fragment, reason, position)
        self.fragment = fragment
        self.reason = reason
        self.position = position

    def __str__(self) -> str:
        where = f" at column {self.position}" if self.position is not None else ""
        shown = self.fragment if len(self.fragment) <= 80 else self.fragment[:77] + "..."
        return f"cannot read LaTeX{where}: {self.reason} in {shown!r}"


class ImplementationError(SymsoftError, RuntimeError):
    """A user's implementation cannot be loaded or run."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(target, reason)
        self.target = target
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.target}: {self.reason}"


class DerivationError(SymsoftError, AssertionError):
    """A generated derivation step failed its own machine check (a bug, never printed as true)."""

    exit_code = EXIT_FAILED

    def __init__(self, route: str, step: int, detail: str) -> None:
        super().__init__(route, step, detail)
        self.route = route
        self.step = step
        self.detail = detail

    def __str__(self) -> str:
        return f"derivation {self.route!r}: step {self.step} does not verify: {self.detail}"
