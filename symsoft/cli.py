"""The ``symsoft`` command line: a thin Typer layer over the library.

Every command turns its options into a library call, renders the returned result objects,
and maps them to an exit code. Heavy modules (SymPy, NumPy) are imported inside commands so
that ``symsoft --help`` stays fast.

Exit codes: 0 success, 1 a check failed (or found a mistake), 2 bad usage or unreadable
input, 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from symsoft import __version__
from symsoft.errors import EXIT_INTERRUPTED, EXIT_USAGE, SymsoftError

try:  # Typer >= 0.20 vendors Click as typer._click; older releases use Click itself.
    from typer._click import exceptions as _click_errors
except ImportError:  # pragma: no cover - depends on the installed Typer
    from click import exceptions as _click_errors  # type: ignore[no-redef]

app = typer.Typer(
    name="symsoft",
    help="Prove and check the derivative of the softmax function.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"symsoft {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """Prove and check the derivative of the softmax function."""


def _emit_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, default=str))


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


# ----------------------------------------------------------------------------------------
# verify (issue 2; `--n general` from issue 3)
# ----------------------------------------------------------------------------------------
# (filled in below by symsoft.cli_verify section)

# ----------------------------------------------------------------------------------------
# derive (issue 3)
# ----------------------------------------------------------------------------------------

# ----------------------------------------------------------------------------------------
# check (issue 4)
# ----------------------------------------------------------------------------------------

# ----------------------------------------------------------------------------------------
# check-impl (issue 5)
# ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors become one line on stderr and a documented exit code."""
    try:
        app(args=argv, standalone_mode=False, prog_name="symsoft")
    except SymsoftError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except _click_errors.NoArgsIsHelpError as error:
        typer.echo(error.ctx.get_help() if error.ctx else str(error))
        sys.exit(EXIT_USAGE)
    except _click_errors.NoSuchOption as error:
        hint = f" (did you mean {', '.join(error.possibilities)}?)" if error.possibilities else ""
        typer.echo(f"error: {error.format_message()}{hint}", err=True)
        sys.exit(EXIT_USAGE)
    except _click_errors.ClickException as error:
        typer.echo(f"error: {error.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except (
        typer.Exit,
        _click_errors.Exit if hasattr(_click_errors, "Exit") else typer.Exit,
    ) as done:
        sys.exit(done.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(0)
