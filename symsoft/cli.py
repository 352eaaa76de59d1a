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
# verify
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
    tol: float | None = typer.Option(
        None,
        "--tol",
        help="Absolute tolerance of numeric checks (0 < tol < 1) [1e-9, or tol in [tool.symsoft]].",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the summary line."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    fmt: str | None = typer.Option(None, "--format", help="text, json, junit or html."),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write the report to this file (with --format)."
    ),
) -> None:
    """Prove dS_i/dz_j = S_i(delta_ij - S_j) for n logits: three routes, identities, numerics.

    Exit 0 when every check passes, 1 when one fails, 2 for bad usage.
    """
    from symsoft.cli_check import result_format
    from symsoft.errors import EXIT_FAILED, UsageError

    chosen = result_format(fmt, as_json, output, command="verify")
    as_json = as_json or chosen.value != "text"  # no table, no progress bar
    size = _parse_n(n)
    if tol is None:
        from symsoft.settings import load_settings

        tol = load_settings().tol
    if not 0 < tol < 1:
        raise UsageError("--tol", tol, "a number between 0 and 1", "for example --tol 1e-9")
    if size == "general":
        from symsoft.verifier.general import prove_general

        report = prove_general()
    else:
        assert isinstance(size, int)
        report = _verify_with_progress(size, seed=seed, tol=tol, show=not (quiet or as_json))
    if chosen.value != "text":
        _emit_rendered(report, chosen, output, command="verify")
    else:
        _render_report(report, quiet=quiet)
    if not report.passed:
        raise typer.Exit(EXIT_FAILED)


def _emit_rendered(report: Any, chosen: Any, output: str | None, *, command: str) -> None:
    from symsoft.cli_check import emit
    from symsoft.render import render_result

    text = render_result(report, chosen, command=command)
    emit(text, output, out=typer.echo, err=lambda line: typer.echo(line, err=True))


def _verify_with_progress(n: int, *, seed: int, tol: float, show: bool) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from symsoft.verifier.fixed import verify as run

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
# derive
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
    from symsoft.derivation.build import derive as build
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
# check
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
        None,
        help="Markdown (.md), LaTeX (.tex) or notebook (.ipynb) files, or folders to search; "
        "- reads stdin.",
    ),
    expr: str | None = typer.Option(
        None, "--expr", help="Check one LaTeX relation given here, e.g. 'a = b = c'."
    ),
    strict: bool | None = typer.Option(
        None,
        "--strict/--no-strict",
        help="Also fail when a step is not understood, not decided or depends on a guessed "
        "reading, or when a file yields no checked step.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON (--format json)."),
    timeout: float | None = typer.Option(
        None, "--timeout", help="Seconds per step for the symbolic proof before falling back [5]."
    ),
    fmt: str | None = typer.Option(
        None, "--format", help="text, json, github (annotations), sarif, junit or html."
    ),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write the report to this file instead of stdout."
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", help="Check this many files at once (processes; 0: every core)."
    ),
    include: list[str] = typer.Option(
        None,
        "--include",
        help="Glob of files to take from folders (repeatable) [*.md *.tex *.ipynb].",
    ),
    exclude: list[str] = typer.Option(
        None, "--exclude", help="Glob of files or folders to leave out (repeatable)."
    ),
) -> None:
    """Check a derivation step by step and point at the wrong step.

    Folders are searched for documents. Defaults come from [tool.symsoft] in the nearest
    pyproject.toml; flags override them.

    Exit 0 if no step is refuted or conditional, 1 if one is (with --strict also if one is
    not understood, not decided or depends-on-reading, or if nothing was checked), 2 for
    unreadable input.
    """
    from symsoft.check.checker import check_text
    from symsoft.cli_check import CheckOptions, run
    from symsoft.errors import UsageError

    if not files and expr is None:
        raise UsageError("FILE", None, "a file, '-' for stdin, or --expr TEXT")
    options = CheckOptions(
        files=tuple(files or ()),
        fmt=fmt,
        output=output,
        jobs=jobs,
        include=tuple(include or ()) or None,
        exclude=tuple(exclude or ()) or None,
        timeout=timeout,
        strict=strict,
        as_json=as_json,
    )
    extra = []
    if expr is not None:
        if "$" in expr:
            raise UsageError("--expr", expr, "LaTeX math without $ delimiters")
        from symsoft.cli_check import resolve

        settings, _ = resolve(options)
        extra.append(
            check_text(f"$${expr}$$", kind="markdown", path="<expr>", timeout=settings.timeout)
        )
    code = run(
        options,
        out=typer.echo,
        err=lambda line: typer.echo(line, err=True),
        render_text=_render_check,
        extra=extra,
    )
    # sys.exit rather than typer.Exit: main() runs the app with standalone_mode=False, where
    # Click returns an Exit's code instead of raising it, and main() does not pass it on.
    if code:
        sys.exit(code)


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
# check-impl
# ----------------------------------------------------------------------------------------


@app.command("check-impl")
def _check_impl(
    target: str = typer.Argument(
        ..., help="PATH.py:NAME or package.module:NAME (a function or class)."
    ),
    kind: str | None = typer.Option(
        None,
        "--kind",
        help="Contract: jacobian, vjp, softmax, layer or elementwise (default: from the "
        "signature).",
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
        20.0,
        "--timeout",
        help="Seconds one call of your code (its import included) may take; past it, the "
        "worker process running it is killed.",
    ),
    memory: str = typer.Option(
        "4G", "--memory", help="Memory of the worker process running your code: 2G, 512M, none."
    ),
    samples: str = typer.Option(
        "rows", "--samples", help="Batch layout: rows, (m, n), or columns, (n, m)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    strict: bool = typer.Option(
        False, "--strict", help="Fail (exit 1) when the code modifies its arguments in place."
    ),
    fmt: str | None = typer.Option(None, "--format", help="text, json, junit or html."),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write the report to this file instead of stdout."
    ),
) -> None:
    """Check a softmax Jacobian, backward pass, forward pass or layer, and name the mistake.

    WARNING: this IMPORTS AND RUNS the code in TARGET, in a worker process that cannot change
    the verdict, under time and memory limits, but with your permissions: run code you do not
    trust in a container.

    Exit codes: 0 correct, 1 wrong (including unstable at large logits), 2 cannot run
    (file or name missing, import error, the function raised on every input, an output shape
    no known mistake explains, the worker timed out, crashed or exited, or bad options).
    """
    from symsoft.cli_check import result_format
    from symsoft.impl.check import check_implementation
    from symsoft.settings import load_settings

    chosen = result_format(fmt, as_json, output, command="check-impl")
    settings = load_settings()
    rtol = settings.rtol if rtol is None else rtol
    atol = settings.atol if atol is None else atol
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
        strict=strict,
        memory=memory,
    )
    if chosen.value != "text" or output is not None:
        _emit_rendered(report, chosen, output, command="check-impl")
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
