"""What ``symsoft check`` does with many files: settings, folders, parallel runs, formats.

The CLI gathers its options into :class:`CheckOptions` and calls :func:`run`; this module
finds the documents, checks them (in parallel with ``jobs`` > 1), reports progress on stderr,
renders the reports through :mod:`symsoft.render` and returns the exit code. Printing happens
through the ``out``/``err`` callables the CLI passes in.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symsoft.check.batch import BatchReport, FileResult, check_documents, collect_documents
from symsoft.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from symsoft.render import Format, render_check
from symsoft.settings import Settings, load_settings
from symsoft.terminal import silence_stdout

__all__ = ["CheckOptions", "emit", "result_format", "run"]


@dataclass(frozen=True)
class CheckOptions:
    """The flags of ``symsoft check``; None means "not given" (the settings file decides)."""

    files: tuple[str, ...]
    fmt: str | None = None
    output: str | None = None
    jobs: int | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    timeout: float | None = None
    strict: bool | None = None
    as_json: bool = False


def resolve(options: CheckOptions) -> tuple[Settings, Format]:
    """The settings file's values overridden by the flags, and the output format."""
    if options.jobs is not None and options.jobs < 0:
        raise UsageError("--jobs", options.jobs, "a whole number >= 1, or 0 for every core")
    jobs = (os.cpu_count() or 1) if options.jobs == 0 else options.jobs
    settings = load_settings().with_overrides(
        timeout=options.timeout,
        strict=options.strict,
        jobs=jobs,
        include=options.include or None,
        exclude=options.exclude or None,
    )
    if not 0 < settings.timeout <= 3600:
        raise UsageError("--timeout", settings.timeout, "seconds in (0, 3600]")
    fmt = options.fmt
    if options.as_json:
        if fmt not in (None, "json"):
            raise UsageError("--json", True, "no --format, or --format json", "drop one of them")
        fmt = "json"
    names = ", ".join(f.value for f in Format)
    try:
        return settings, Format(fmt or "text")
    except ValueError:
        raise UsageError(
            "--format", fmt, f"one of {names}", "for example --format github"
        ) from None


def check_files(
    files: Sequence[str], settings: Settings, progress: Callable[[str], None] | None
) -> BatchReport:
    """Check the documents named by ``files`` (folders searched), ``settings.jobs`` at a time."""
    paths = collect_documents(files, include=settings.include, exclude=settings.exclude)
    if not paths:
        raise UsageError(
            "FILE", ", ".join(files), "a document or a folder with .md, .tex or .ipynb files"
        )
    total = len(paths)
    done: list[FileResult] = []

    def tick(result: FileResult) -> None:
        done.append(result)
        if progress is not None:
            progress(f"[{len(done)}/{total}] {result.path}: {_one_line(result)}")

    notify = tick if total > 1 else None
    workers = min(settings.jobs, total)
    if workers <= 1 or any(str(path) == "-" for path in paths):
        return check_documents(paths, timeout=settings.timeout, on_done=notify)
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        return check_documents(paths, timeout=settings.timeout, executor=pool, on_done=notify)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _one_line(result: FileResult) -> str:
    if result.report is None:
        return f"cannot check: {result.error}"
    summary = ", ".join(f"{n} {verdict}" for verdict, n in result.report.summary.items())
    return f"{summary or 'no steps'} ({result.seconds:.1f}s)"


def batch_summary(batch: BatchReport) -> str:
    """One line per document and a total, for a run over several files."""
    lines = ["files:"]
    width = max(len(item.path) for item in batch.files)
    for item in batch.files:
        state = "FAILED" if item.failed else ("ERROR" if item.report is None else "ok")
        lines.append(f"  {state:<6} {item.path:<{width}}  {_one_line(item)}")
    failed = sum(item.failed for item in batch.files)
    unreadable = len(batch.errors)
    passed = len(batch.files) - failed - unreadable
    lines.append(
        f"{len(batch.files)} files: {failed} failed, {passed} passed, {unreadable} unreadable"
    )
    return "\n".join(lines)


def exit_code(batch: BatchReport, strict: bool) -> int:
    if batch.errors:
        return EXIT_USAGE
    reports = batch.reports
    if any(r.failed for r in reports) or (strict and not all(r.understood for r in reports)):
        return EXIT_FAILED
    return EXIT_OK


def run(
    options: CheckOptions,
    *,
    out: Callable[[str], None],
    err: Callable[[str], None],
    render_text: Callable[[Any], None],
    extra: Sequence[Any] = (),
) -> int:
    """Check, render and write; return the exit code. ``extra`` are reports already made
    (``--expr``); ``render_text`` prints one report in colour on the terminal."""
    settings, fmt = resolve(options)
    batch = BatchReport(())
    if options.files:
        batch = check_files(options.files, settings, err)
    reports = (*extra, *batch.reports)
    code = exit_code(
        BatchReport((*(FileResult(r.path, r) for r in extra), *batch.files)), settings.strict
    )
    try:
        _write_reports(options, fmt, settings, batch, reports, out, err, render_text)
    except BrokenPipeError:
        # ``symsoft check docs/ | head`` closed the pipe: the verdict is still the exit code
        silence_stdout()
    return code


def _write_reports(options, fmt, settings, batch, reports, out, err, render_text) -> None:
    for error in batch.errors:
        err(f"error: {error.error}")  # on stderr in every format: a reader of stdout may parse
    if fmt is Format.TEXT and options.output is None:
        for report in reports:
            render_text(report)
        if len(batch.files) > 1:
            out(batch_summary(batch))
    else:
        text = render_check(reports, fmt, errors=batch.errors, strict=settings.strict)
        if options.output is None:
            out(text.rstrip("\n"))
        else:
            _write(options.output, text)
            err(f"wrote {fmt.value} report to {options.output}")
    sys.stdout.flush()


def result_format(fmt: str | None, as_json: bool, output: str | None, *, command: str) -> Format:
    """The format of ``verify``/``check-impl``: text (their own), json, junit or html."""
    from symsoft.render import RESULT_FORMATS

    if as_json and fmt not in (None, "json"):
        raise UsageError("--json", True, "no --format, or --format json", "drop one of them")
    names = ", ".join(f.value for f in RESULT_FORMATS)
    try:
        chosen = Format("json" if as_json else (fmt or "text"))
    except ValueError:
        chosen = None
    if chosen not in RESULT_FORMATS:
        raise UsageError("--format", fmt, f"one of {names} for {command}")
    if output is not None and chosen is Format.TEXT and command == "verify":
        raise UsageError("--output", output, "--format json, junit or html with --output")
    return chosen


def emit(
    text: str, output: str | None, *, out: Callable[[str], None], err: Callable[[str], None]
) -> None:
    """Write a rendered report to stdout, or to ``output`` with a line on stderr."""
    if output is None:
        out(text.rstrip("\n"))
        return
    _write(output, text)
    err(f"wrote the report to {output}")


def _write(output: str, text: str) -> None:
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError("--output", output, "a file that can be written", str(error)) from None
