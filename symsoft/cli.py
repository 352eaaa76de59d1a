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
    typer.echo(json.dumps(payload, indent=2, default=str, ensure_ascii=False))


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


# ----------------------------------------------------------------------------------------
# verify (issue 2; `--n general` from issue 3)
# ----------------------------------------------------------------------------------------
_VERDICT_STYLE = {
    "verified": "green",
    "verified-numerically": "green",
    "refuted": "bold red",
    "conditional": "yellow",
    "not-understood": "magenta",
    "not-decided": "magenta",
    "depends-on-reading": "yellow",
}


def _parse_n(value: str) -> int | str:
    from symsoft.errors import UsageError

    text = value.strip().lower()
    if text == "general":
        return "general"
    try:
        n = int(text)
    except ValueError:
        raise UsageError("--n", value, 'a whole number >= 1 or "general"', "try --n 4") from None
    if n < 1:
        raise UsageError("--n", value, 'a whole number >= 1 or "general"', "try --n 4")
    return n


def _render_report(report: Any, *, quiet: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    failed = [check for check in report.checks if not check.passed]
    if not quiet:
        table = Table(title=f"symsoft verify, n = {report.n}", title_justify="left")
        table.add_column("check", no_wrap=True)
        table.add_column("verdict", no_wrap=True)
        table.add_column("time", no_wrap=True, justify="right")
        table.add_column("error", no_wrap=True, justify="right")
        table.add_column("method", overflow="fold")
        for check in report.checks:
            style = _VERDICT_STYLE.get(check.verdict.value, "")
            error = "" if check.error is None else f"{check.error:.1e}"
            table.add_row(
                check.name,
                f"[{style}]{check.verdict.value}[/]",
                f"{check.seconds:.2f}s",
                error,
                escape(check.method),
            )
        console.print(table)
        for check in report.checks:
            if check.detail:
                console.print(f"  [bold]{check.name}[/]: {escape(check.detail)}")
        for check in failed:
            if check.counterexample:
                console.print(
                    f"  [red]counterexample ({check.name})[/]: {dict(check.counterexample)}"
                )
        if report.assumptions:
            console.print("  assumptions: " + escape("; ".join(report.assumptions)))
    total = sum(check.seconds for check in report.checks)
    if failed:
        names = ", ".join(check.name for check in failed)
        console.print(
            f"[bold red]FAILED[/]: {len(failed)} of {len(report.checks)} checks ({names})"
        )
    else:
        console.print(
            f"[bold green]PASSED[/]: all {len(report.checks)} checks for n = {report.n} "
            f"in {total:.2f}s"
        )


@app.command()
def verify(
    n: str = typer.Option("4", "--n", help='Number of logits (>= 1), or "general" for symbolic n.'),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the random logits."),
    tol: float = typer.Option(
        1e-9, "--tol", help="Absolute tolerance of numeric checks (0 < tol < 1)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the summary line."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Prove dS_i/dz_j = S_i(delta_ij - S_j) for n logits: three routes, identities, numerics.

    Exit 0 when every check passes, 1 when one fails, 2 for bad usage.
    """
    from symsoft.errors import EXIT_FAILED, UsageError

    size = _parse_n(n)
    if not 0 < tol < 1:
        raise UsageError("--tol", tol, "a number between 0 and 1", "for example --tol 1e-9")
    if size == "general":
        from symsoft.general import prove_general

        report = prove_general()
    else:
        assert isinstance(size, int)
        report = _verify_with_progress(size, seed=seed, tol=tol, show=not (quiet or as_json))
    if as_json:
        _emit_json(report.to_dict())
    else:
        _render_report(report, quiet=quiet)
    if not report.passed:
        raise typer.Exit(EXIT_FAILED)


def _verify_with_progress(n: int, *, seed: int, tol: float, show: bool) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from symsoft.verifier import verify as run

    console = _console(stderr=True)
    if not show or n < 32 or not console.is_terminal:
        return run(n, seed=seed, tol=tol)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"verify n = {n}", total=1)

        def advance(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"verify n = {n}: {label}")

        return run(n, seed=seed, tol=tol, progress=advance)


# ----------------------------------------------------------------------------------------
# derive (issue 3)
# ----------------------------------------------------------------------------------------
_DERIVE_FORMATS = ("latex", "markdown", "text")


@app.command()
def derive(
    route: str = typer.Option(
        ...,
        "--route",
        help="quotient, log, matrix, vjp, batch, stable, cross-entropy, or all.",
    ),
    n: str = typer.Option(
        "general", "--n", help='"general" (symbolic n) or 1..8 (sums written out).'
    ),
    fmt: str = typer.Option("text", "--format", help="latex, markdown or text."),
    standalone: bool = typer.Option(
        False, "--standalone", help="With --format latex: a complete amsmath document."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the steps and verdicts as JSON."),
) -> None:
    """Print a step-by-step derivation; every step is machine-checked as it is generated.

    Exit 0 on success, 1 if a step fails its check (never printed), 2 for bad usage.
    """
    from symsoft.derive import derive as build
    from symsoft.errors import UsageError

    if fmt not in _DERIVE_FORMATS:
        raise UsageError("--format", fmt, "one of " + ", ".join(_DERIVE_FORMATS))
    if standalone and fmt != "latex":
        raise UsageError("--standalone", True, "--format latex", "add --format latex")
    derivation = build(route, _parse_n(n))
    if as_json:
        _emit_json(derivation.to_dict())
    elif fmt == "markdown":
        typer.echo(derivation.to_markdown(), nl=False)
    elif fmt == "latex":
        typer.echo(derivation.to_latex(standalone=standalone))
    else:
        typer.echo(derivation.to_text(), nl=False)


# ----------------------------------------------------------------------------------------
# check (issue 4)
# ----------------------------------------------------------------------------------------

_CHECK_COLOURS = {
    "verified": "green",
    "verified-numerically": "cyan",
    "refuted": "red",
    "conditional": "yellow",
    "not-understood": "magenta",
    "not-decided": "magenta",
    "depends-on-reading": "yellow",
}


@app.command("check")
def check_command(
    files: list[str] = typer.Argument(
        None, help="Markdown (.md), LaTeX (.tex) or notebook (.ipynb) files; - reads stdin."
    ),
    expr: str | None = typer.Option(
        None, "--expr", help="Check one LaTeX relation given here, e.g. 'a = b = c'."
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Also fail when a step is not understood, not decided or depends on a guessed "
        "reading, or when a file yields no checked step.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    timeout: float = typer.Option(
        5.0, "--timeout", help="Seconds per step for the symbolic proof before falling back."
    ),
) -> None:
    """Check a derivation step by step and point at the wrong step.

    Exit 0 if no step is refuted or conditional, 1 if one is (with --strict also if one is
    not understood, not decided or depends-on-reading, or if nothing was checked), 2 for
    unreadable input.
    """
    from symsoft.check import check_document, check_text
    from symsoft.errors import DocumentError, UsageError

    if not files and expr is None:
        raise UsageError("FILE", None, "a file, '-' for stdin, or --expr TEXT")
    if not 0 < timeout <= 3600:
        raise UsageError("--timeout", timeout, "seconds in (0, 3600]")
    reports = []
    unreadable = []
    if expr is not None:
        if "$" in expr:
            raise UsageError("--expr", expr, "LaTeX math without $ delimiters")
        reports.append(check_text(f"$${expr}$$", kind="markdown", path="<expr>", timeout=timeout))
    for name in files or []:
        try:
            reports.append(check_document(name, timeout=timeout))
        except DocumentError as error:
            unreadable.append(error)
    for error in unreadable:
        typer.echo(f"error: {error}", err=True)
    if as_json:
        _emit_json({"files": [report.to_dict() for report in reports]})
    else:
        for report in reports:
            _render_check(report)
    # sys.exit rather than typer.Exit: main() runs the app with standalone_mode=False, where
    # Click returns an Exit's code instead of raising it, and main() does not pass it on.
    if unreadable:
        sys.exit(EXIT_USAGE)
    failed = any(report.failed for report in reports)
    if failed or (strict and not all(report.understood for report in reports)):
        sys.exit(1)


def _render_check(report: Any) -> None:
    typer.secho(report.path, bold=True)
    if not report.steps:
        typer.echo("  no steps found (no equation between two expressions)")
    for step in report.steps:
        verdict = step.verdict.value
        shown = f"{step.lhs} = {step.rhs}" if step.rhs else step.lhs
        shown = " ".join(shown.split())
        if len(shown) > 100:
            shown = shown[:97] + "..."
        typer.echo(f"  line {step.line:<4} ", nl=False)
        typer.secho(f"{verdict:<21}", fg=_CHECK_COLOURS.get(verdict), bold=True, nl=False)
        typer.echo(f" {shown}")
        typer.echo(f"             {step.method}: {step.detail}")
        if step.counterexample:
            typer.secho(
                f"             counterexample: {_format_counterexample(step.counterexample)}",
                fg="red" if verdict == "refuted" else "yellow",
            )
    for definition in report.definitions:
        typer.echo(f"  definition: {definition}")
    summary = ", ".join(f"{count} {verdict}" for verdict, count in report.summary.items())
    typer.echo(f"  summary: {summary or 'no steps'}")


def _format_counterexample(example: Any) -> str:
    parts = []
    if example.get("n") is not None:
        parts.append(f"n = {example['n']}")
    indices = example.get("indices") or {}
    if indices:
        parts.append(", ".join(f"{k} = {v}" for k, v in indices.items()))
    logits = example.get("logits") or {}
    if logits:
        parts.append(", ".join(f"{k} = {v:g}" for k, v in logits.items()))
    functions = example.get("functions") or {}
    if functions:
        parts.append(", ".join(f"{k}(x) = {v}" for k, v in functions.items()))
    parts.append(f"lhs = {example.get('lhs')}, rhs = {example.get('rhs')}")
    return "; ".join(parts)


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
    samples: str = typer.Option(
        "rows", "--samples", help="Batch layout: rows, (m, n), or columns, (n, m)."
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
        target,
        kind=kind,
        input=input_,
        rtol=rtol,
        atol=atol,
        seed=seed,
        n=n,
        timeout=timeout,
        samples=samples,
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
        # Without standalone mode Typer returns the code of a raised Exit (130 for Ctrl-C).
        code = app(args=argv, standalone_mode=False, prog_name="symsoft")
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
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if code == EXIT_INTERRUPTED:
        typer.echo("interrupted", err=True)
    sys.exit(code if isinstance(code, int) else 0)
