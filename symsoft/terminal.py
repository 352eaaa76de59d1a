"""Streams and messages of the command line: consoles, closed pipes, errors in one style.

Every error the CLI reports reads the same way, whether symsoft or the argument parser found
it: what was wrong, what was expected, and how to fix it, on one line of stderr (and, under
``--json``, as a JSON object on stdout). Nothing here decides a verdict.
"""

from __future__ import annotations

import enum
import functools
import json
import os
import sys
import typing
from collections.abc import Sequence
from typing import Any

from symsoft.errors import SymsoftError, UsageError

__all__ = [
    "click_errors",
    "console",
    "emit_json",
    "error_message",
    "silence_stdout",
]

#: what a value of each annotated type must look like, in the words of symsoft's own messages
_EXPECTED_TYPE: dict[object, str] = {int: "a whole number", float: "a number", str: "text"}


def console(*, stderr: bool = False) -> Any:
    """A rich console that honours ``NO_COLOR`` and never hard-wraps text sent to a pipe."""
    # rich reads NO_COLOR itself; a pipe or file gets no colour because it is not a terminal.
    return _console_class()(stderr=stderr, highlight=False, soft_wrap=True)


@functools.cache
def _console_class() -> type:
    from rich.console import Console

    class PipeConsole(Console):
        """A console that leaves a closed pipe to the caller instead of exiting with 1."""

        def on_broken_pipe(self) -> None:
            # rich's own handler exits with 1, the code for "a check failed".
            raise BrokenPipeError

    return PipeConsole


def emit_json(payload: Any) -> None:
    """Write ``payload`` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


def silence_stdout() -> None:
    """Point stdout at /dev/null after its reader went away (``symsoft ... | head -1``).

    Python flushes stdout again at exit; without this, that flush raises BrokenPipeError
    once more and the process ends with a traceback and exit code 120.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (a test's capture)
        pass
    finally:
        os.close(devnull)


def click_errors() -> tuple[type[BaseException], ...]:
    """The base class of the argument parser's usage errors, found through public names only.

    Typer raises Click's exceptions; releases from 0.26 carry their own copy of Click, so
    ``click.ClickException`` is not what they raise, and the copy is private. The public
    ``typer.BadParameter`` derives from the right base in every release: its most general
    ancestor below ``Exception``.
    """
    import typer

    ancestors = [cls for cls in typer.BadParameter.__mro__ if issubclass(cls, Exception)]
    return (ancestors[-2],)


def _option_name(name: str) -> str:
    """The CLI spelling of a library parameter: ``kind`` is ``--kind``, ``target`` TARGET."""
    if name.startswith("-") or name.isupper():
        return name
    if name == "target":
        return "TARGET"
    return "--" + name.replace("_", "-")


def error_message(error: BaseException, command: str | None, args: Sequence[str] = ()) -> str:
    """One line in symsoft's style for a symsoft error or an argument-parser error."""
    see = f"see 'symsoft {command} --help'" if command else "see 'symsoft --help'"
    if isinstance(error, UsageError):
        renamed = type(error)(_option_name(error.name), error.value, error.expected, error.hint)
        return str(renamed) if error.hint else f"{renamed}; {see}"
    if isinstance(error, SymsoftError):
        return str(error)
    return _parser_message(error, see, args)


def _parser_message(error: BaseException, see: str, args: Sequence[str]) -> str:
    kind = type(error).__name__
    if kind == "NoSuchOption":
        name = getattr(error, "option_name", "?")
        close = list(getattr(error, "possibilities", None) or ())
        hint = f"did you mean {' or '.join(close)}?" if close else see
        return f"unknown option {name}; {hint}"
    param = getattr(error, "param", None)
    if kind == "MissingParameter" and param is not None:
        return f"missing {_param_label(param)}; {see}"
    if kind == "BadParameter" and param is not None:
        expected = _expected(error, param)
        value = _given_value(param, args)
        shown = f"{value!r} " if value is not None else ""
        return f"invalid value for {_param_label(param)}: {shown}(expected {expected}); {see}"
    text = error.format_message() if hasattr(error, "format_message") else str(error)
    text = text.strip().rstrip(".")
    if text.startswith("No such command"):
        return f"unknown command {text.removeprefix('No such command').strip()}; {see}"
    return f"{text[:1].lower()}{text[1:]}; {see}"


def _param_label(param: Any) -> str:
    opts: Sequence[str] = getattr(param, "opts", ()) or ()
    if getattr(param, "param_type_name", "") == "argument":
        return (getattr(param, "name", None) or "argument").upper()
    return max(opts, key=len) if opts else str(getattr(param, "name", "?"))


def _expected(error: Any, param: Any) -> str:
    """What the option takes, read from the annotation of the command's own function.

    The parser's wording differs between Typer releases ("is not a valid integer", "Input
    should be a valid integer"); the annotation is symsoft's and does not.
    """
    callback = getattr(getattr(getattr(error, "ctx", None), "command", None), "callback", None)
    try:
        hint = typing.get_type_hints(callback)[param.name]
    except Exception:  # not our function, or no annotation: fall back to the parser's words
        return str(getattr(error, "message", "") or "a valid value").rstrip(".")
    for option in typing.get_args(hint) or (hint,):
        if isinstance(option, type) and issubclass(option, enum.Enum):
            return "one of " + ", ".join(str(member.value) for member in option)
        if option in _EXPECTED_TYPE:
            return _EXPECTED_TYPE[option]
    return "a valid value"


def _given_value(param: Any, args: Sequence[str]) -> str | None:
    """The value typed after the option (``--seed abc`` or ``--seed=abc``), the last one wins."""
    found = None
    opts = set(getattr(param, "opts", ()) or ())
    for index, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        if equals and name in opts:
            found = value
        elif arg in opts and index + 1 < len(args):
            found = args[index + 1]
    return found
