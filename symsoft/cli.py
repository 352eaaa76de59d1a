"""The ``symsoft`` command line: a thin Typer layer over the library.

Every command turns its options into a library call, renders the returned result objects,
and maps them to an exit code. Heavy modules (SymPy, NumPy) are imported inside commands so
that ``symsoft --help`` stays fast.

Exit codes: 0 success, 1 a check failed (or found a mistake), 2 bad usage or unreadable
input, 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from typing import Any

import typer

from symsoft import __version__, terminal
from symsoft.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, SymsoftError

app = typer.Typer(
    name="symsoft",
    help="Prove and check the derivative of the softmax function.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
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
    terminal.emit_json(payload)


def _console(stderr: bool = False) -> Any:
    return terminal.console(stderr=stderr)


def _finish(render: Callable[[], None], code: int) -> None:
    """Render, then exit with ``code``, even when the reader of stdout went away early.

    ``symsoft verify | head -1`` closes the pipe after one line; the verdict was reached, so
    the exit code is still the verdict's, never a traceback.
    """
    try:
        render()
        sys.stdout.flush()
    except BrokenPipeError:
        terminal.silence_stdout()
    # sys.exit rather than typer.Exit: main() runs the app with standalone_mode=False, where
    # Click returns an Exit's code instead of raising it.
    sys.exit(code)


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


#: the largest --n that verify runs without --allow-large: about 22 s on a 2-core machine
MAX_VERIFY_N = 256
#: seconds verify took at MAX_VERIFY_N (benchmarks/bench_verify.py); time grows about as n²
_SECONDS_AT_MAX_N = 22.0


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


def _check_size(n: int, *, allow_large: bool) -> None:
    """Refuse an --n whose run would take minutes and gigabytes unless it was asked for."""
    from symsoft.errors import UsageError

    if n <= MAX_VERIFY_N or allow_large:
        return
    estimate = _SECONDS_AT_MAX_N * (n / MAX_VERIFY_N) ** 2
    hint = (
        f"n = {n} would take about {_duration(estimate)} (time grows about as n²); "
        f"add --allow-large to run it anyway"
    )
    raise UsageError("--n", n, f'a whole number from 1 to {MAX_VERIFY_N} or "general"', hint)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 86400:.0f} days"


def _render_report(report: Any, *, quiet: bool) -> None:
    from rich.markup import escape
    from rich.measure import Measurement
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
        if not console.is_terminal:
            # A pipe or file has no width; give the table the width it wants, not 80 columns.
            wide = console.options.update_width(10_000)
            console.width = max(console.width, Measurement.get(console, wide, table).maximum)
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
    seed: int = typer.Option(0, "--seed", help="Seed of the random logits (>= 0)."),
    tol: float | None = typer.Option(
        None,
        "--tol",
        help="Absolute tolerance of numeric checks (0 < tol < 1) [1e-9, or tol in [tool.symsoft]].",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the summary line."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    allow_large: bool = typer.Option(
        False, "--allow-large", help=f"Run an --n above {MAX_VERIFY_N} (minutes, gigabytes)."
    ),
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
    if isinstance(size, int):
        _check_size(size, allow_large=allow_large)
    if seed < 0:
        raise UsageError("--seed", seed, "a whole number >= 0", "for example --seed 0")
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
    code = EXIT_OK if report.passed else EXIT_FAILED
    if chosen.value != "text":
        _finish(lambda: _emit_rendered(report, chosen, output, command="verify"), code)
    _finish(lambda: _render_report(report, quiet=quiet), code)


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
class DeriveFormat(str, Enum):
    """How ``derive`` prints a derivation."""

    TEXT = "text"
    MARKDOWN = "markdown"
    LATEX = "latex"


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
    fmt: DeriveFormat = typer.Option(DeriveFormat.TEXT, "--format", help="How to print it."),
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

    if standalone and fmt is not DeriveFormat.LATEX:
        raise UsageError("--standalone", True, "--format latex", "add --format latex")
    derivation = build(route, _parse_n(n))
    if as_json:
        _emit_json(derivation.to_dict())
    elif fmt is DeriveFormat.MARKDOWN:
        typer.echo(derivation.to_markdown(), nl=False)
    elif fmt is DeriveFormat.LATEX:
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
        metavar="FILE",
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
    from symsoft.errors import MissingArgumentError, UsageError

    if not files and expr is None:
        raise MissingArgumentError(
            "FILE",
            None,
            "a Markdown, LaTeX or notebook file or folder, '-' for stdin, or --expr TEXT",
            "for example: symsoft check notes.md",
        )
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
    """The text report of one document, coloured by verdict in a terminal."""
    from rich.text import Text

    from symsoft.render.text import counterexample_text, step_claim

    console = _console()
    console.print(Text(report.path, style="bold"))
    if not report.steps:
        console.print("  no steps found (no equation between two expressions)")
    for step in report.steps:
        verdict = step.verdict.value
        line = Text(f"  {step.where:<9} ")
        line.append(f"{verdict:<21}", style=f"bold {_CHECK_COLOURS.get(verdict, '')}".strip())
        console.print(line + Text(f" {step_claim(step)}"))
        console.print(Text(f"             {step.method}: {step.detail}"))
        if step.counterexample:
            colour = "red" if verdict == "refuted" else "yellow"
            example = counterexample_text(step.counterexample)
            console.print(Text(f"             counterexample: {example}", style=colour))
    for definition in report.definitions:
        console.print(Text(f"  definition: {definition}"))
    summary = ", ".join(f"{count} {verdict}" for verdict, count in report.summary.items())
    console.print(Text(f"  summary: {summary or 'no steps'}"))


# ----------------------------------------------------------------------------------------
# check-impl
# ----------------------------------------------------------------------------------------


class Kind(str, Enum):
    """The contract ``check-impl`` holds the code to (``symsoft.impl.loader.KINDS``)."""

    JACOBIAN = "jacobian"
    VJP = "vjp"
    SOFTMAX = "softmax"
    LAYER = "layer"
    ELEMENTWISE = "elementwise"


class Input(str, Enum):
    """What a Jacobian or VJP function receives (``symsoft.impl.loader.INPUTS``)."""

    LOGITS = "logits"
    SOFTMAX = "softmax"


class Samples(str, Enum):
    """Where the samples of a batch are."""

    ROWS = "rows"
    COLUMNS = "columns"


@app.command("check-impl")
def _check_impl(
    target: str = typer.Argument(
        ..., metavar="TARGET", help="PATH.py:NAME or package.module:NAME (a function or class)."
    ),
    kind: Kind | None = typer.Option(
        None,
        "--kind",
        help="Contract: jacobian, vjp, softmax, layer or elementwise (default: from the "
        "signature).",
    ),
    input_: Input | None = typer.Option(
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
    samples: Samples = typer.Option(
        Samples.ROWS, "--samples", help="Batch layout: rows, (m, n), or columns, (n, m)."
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
        kind=None if kind is None else kind.value,
        input=None if input_ is None else input_.value,
        rtol=rtol,
        atol=atol,
        seed=seed,
        n=n,
        timeout=timeout,
        samples=samples.value,
        strict=strict,
        memory=memory,
    )
    if chosen.value != "text" or output is not None:
        _finish(
            lambda: _emit_rendered(report, chosen, output, command="check-impl"), report.exit_code
        )
    _finish(lambda: _render_impl(report), report.exit_code)


_STATUS_COLOURS = {"pass": "green", "fail": "red", "unsupported": "yellow"}


def _render_impl(report: Any) -> None:
    """The text report, its table of cases laid out by rich (coloured in a terminal)."""
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    console = _console()
    lines = report.to_text().split("\n")
    head = lines.index("cases:") + 1
    table = Table.grid(padding=(0, 1, 0, 0))  # one space after a column, as in the text report
    for width in (11, 28, 8):
        table.add_column(min_width=width, no_wrap=True)
    table.add_column(overflow="fold")  # a narrow terminal folds the detail, never cuts it
    for case in report.cases:
        shape = "×".join(map(str, case.shape))
        error = ""
        if case.max_abs_error is not None:
            at = f" at {case.worst_index}" if case.worst_index is not None else ""
            error = f"max abs {case.max_abs_error:.1e}{at}, rel {case.max_rel_error:.1e}"
        tail = "; ".join(part for part in (error, case.detail) if part)
        status = Text(case.status.upper(), style=_STATUS_COLOURS.get(case.status.lower(), ""))
        table.add_row(status, case.name, shape, tail)
    console.print(Text("\n".join(lines[:head])))
    if not console.is_terminal:
        wide = console.options.update_width(10_000)
        console.width = max(console.width, Measurement.get(console, wide, table).maximum)
    with console.capture() as captured:
        console.print(table)
    # rich pads every row to the table's width; a report line ends where its text does
    sys.stdout.write("".join(f"  {row.rstrip()}\n" for row in captured.get().splitlines()))
    console.print(Text("\n".join(lines[head + len(report.cases) :])))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors become one line on stderr and a documented exit code.

    Under ``--json`` an error is also a JSON object on stdout, so a script reading stdout
    always gets JSON.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if not args:
        # No command: the help, and the usage exit code, as for any incomplete command line.
        _run(["--help"])
        sys.exit(EXIT_USAGE)
    sys.exit(_run(args))


def _run(args: list[str]) -> int:
    command = next((arg for arg in args if not arg.startswith("-")), None)
    if command not in _command_names():
        command = None
    try:
        # Without standalone mode Typer returns the code of a raised Exit (130 for Ctrl-C).
        code = app(args=args, standalone_mode=False, prog_name="symsoft")
    except SymsoftError as error:
        return _fail(terminal.error_message(error, command, args), error.exit_code, args)
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        terminal.silence_stdout()
        return EXIT_OK
    except terminal.click_errors() as error:
        return _fail(terminal.error_message(error, command, args), EXIT_USAGE, args)
    if code == EXIT_INTERRUPTED:
        return _fail("interrupted", EXIT_INTERRUPTED, args, prefix="")
    return code if isinstance(code, int) else EXIT_OK


def _command_names() -> list[str]:
    return [
        info.name or info.callback.__name__ for info in app.registered_commands if info.callback
    ]


def _fail(message: str, code: int, args: list[str], *, prefix: str = "error: ") -> int:
    typer.echo(f"{prefix}{message}", err=True)
    if "--json" in args:
        try:
            terminal.emit_json({"passed": False, "error": {"message": message, "exit_code": code}})
        except BrokenPipeError:
            terminal.silence_stdout()
    return code
