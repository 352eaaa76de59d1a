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


@app.command("check-impl")
def _check_impl(
    target: str = typer.Argument(
        ..., help="PATH.py:NAME or package.module:NAME (a function or class)."
    ),
    kind: str | None = typer.Option(
        None,
        "--kind",
        help="Contract: jacobian, vjp, softmax or layer (default: from the signature).",
    ),
    input_: str | None = typer.Option(
        None,
        "--input",
        help="What a jacobian/vjp function receives: logits or softmax "
        "(default: from the parameter name, e.g. 's' or 'probs' means softmax).",
    ),
    rtol: float | None = typer.Option(
        None, "--rtol", help="Relative tolerance for float64 cases (default 1e-10)."
    ),
    atol: float | None = typer.Option(
        None, "--atol", help="Absolute tolerance for float64 cases (default 1e-10)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the random battery."),
    n: int = typer.Option(6, "--n", help="Main size n of the battery (n = 1, 2, 3 always run)."),
    timeout: float = typer.Option(
        20.0, "--timeout", help="Seconds one call of your code may take (POSIX)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Check a softmax Jacobian, backward pass, forward pass or layer, and name the mistake.

    WARNING: this IMPORTS AND RUNS the code in TARGET; only check code you trust.

    Exit codes: 0 correct, 1 wrong (including unstable at large logits), 2 cannot run
    (file or name missing, import error, the function raised on every input, an output shape
    no known mistake explains, or bad options).
    """
    from symsoft.implcheck import check_implementation

    report = check_implementation(
        target, kind=kind, input=input_, rtol=rtol, atol=atol, seed=seed, n=n, timeout=timeout
    )
    if as_json:
        _emit_json(report.to_dict())
    else:
        typer.echo(report.to_text())
    if report.exit_code:
        raise typer.Exit(code=report.exit_code)


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
