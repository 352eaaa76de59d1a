"""Checking many documents: folders, glob filters, and any ``concurrent.futures.Executor``.

:func:`collect_documents` turns files and folders into the list of documents to check;
:func:`check_documents` checks them one task per document on the executor it is given (none:
in this process) and returns a :class:`BatchReport` in input order, so a grader can pass a
``ProcessPoolExecutor`` or a Dask cluster's ``Client(...).get_executor()``.

The symbolic proof of a step runs under a time budget kept with ``SIGALRM``, which Python only
delivers to a process's main thread. An executor whose tasks run in threads (a thread pool, a
Dask worker) would lose the budget, so off the main thread each document is handed to a
one-process pool kept for the life of that worker. Dask's worker processes are daemonic by
default and may not start one: run them with ``distributed.worker.daemon`` set to False.

Examples
--------
>>> from pathlib import Path
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "a.md").write_text("$$S_i = S_i + 1$$")
>>> _ = (folder / "notes.txt").write_text("not a document")
>>> [path.name for path in collect_documents([folder])]
['a.md']
>>> batch = check_documents(collect_documents([folder]))
>>> batch.files[0].report.steps[0].verdict.value, batch.failed
('refuted', True)
"""

from __future__ import annotations

import atexit
import fnmatch
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symsoft.check.checker import DocumentReport, check_document
from symsoft.errors import DocumentError, SymsoftError, UsageError
from symsoft.settings import DEFAULT_INCLUDE

__all__ = ["BatchReport", "FileResult", "check_documents", "collect_documents"]

#: folders never searched: version control, virtual environments, caches, build output
_SKIPPED_FOLDERS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".ipynb_checkpoints"}
)


@dataclass(frozen=True)
class FileResult:
    """One document of a batch: its report, or why it could not be checked."""

    path: str
    report: DocumentReport | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.report is not None and self.report.failed

    def to_dict(self) -> dict[str, Any]:
        if self.report is None:
            return {"path": self.path, "error": self.error}
        return self.report.to_dict()


@dataclass(frozen=True)
class BatchReport:
    """Every document of a batch, in the order the paths were given."""

    files: tuple[FileResult, ...]

    @property
    def reports(self) -> tuple[DocumentReport, ...]:
        """The reports of the documents that could be read, in input order."""
        return tuple(item.report for item in self.files if item.report is not None)

    @property
    def errors(self) -> tuple[FileResult, ...]:
        return tuple(item for item in self.files if item.error is not None)

    @property
    def failed(self) -> bool:
        """Whether a step of some document is refuted or conditional."""
        return any(item.failed for item in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {"files": [item.to_dict() for item in self.files]}

    def _repr_html_(self) -> str:
        from symsoft.render.html import check_fragment

        return check_fragment(self.reports, errors=self.errors)


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    """Whether a path (relative, with ``/``) matches a glob: whole path, or its name alone."""
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) for p in patterns)


def collect_documents(
    paths: Iterable[str | Path],
    *,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
) -> list[Path]:
    """The documents named by ``paths``: files as given, folders searched recursively.

    In a folder, a file is taken when its name or its path relative to the folder matches an
    ``include`` glob and none of the ``exclude`` globs (which also prune folders); hidden and
    tool folders (``.git``, ``node_modules``, virtual environments) are skipped. A file named
    explicitly is always taken, unless excluded. Order: as given, each folder sorted.
    """
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if str(given) == "-" or not path.is_dir():
            if not _matches(path.as_posix(), exclude):
                found.append(path)
            continue
        found.extend(_walk(path, include, exclude))
    return found


def _walk(root: Path, include: Sequence[str], exclude: Sequence[str]) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        parts = relative.split("/")
        if any(part in _SKIPPED_FOLDERS or part.startswith(".") for part in parts):
            continue
        folders = ["/".join(parts[: k + 1]) + "/" for k in range(len(parts) - 1)]
        if any(_matches(folder.rstrip("/"), exclude) for folder in folders):
            continue
        if path.is_file() and _matches(relative, include) and not _matches(relative, exclude):
            found.append(path)
    return found


def check_documents(
    paths: Sequence[str | Path],
    *,
    timeout: float = 5.0,
    executor: Executor | None = None,
    on_done: Callable[[FileResult], None] | None = None,
) -> BatchReport:
    """Check every document in ``paths``; one task per document on ``executor``.

    ``on_done`` is called in this process as each document finishes (for progress). An
    unreadable document becomes a :class:`FileResult` with ``error`` set; it does not stop
    the batch.
    """
    names = [str(path) for path in paths]
    if executor is None:
        results = []
        for name in names:
            results.append(check_one(name, timeout))
            if on_done is not None:
                on_done(results[-1])
        return BatchReport(tuple(results))
    # The largest documents first: the workers finish together instead of one waiting on a
    # long document submitted last (longest-processing-time-first scheduling).
    order = sorted(range(len(names)), key=lambda k: -_size(names[k]))
    futures: dict[int, Future[FileResult]] = {
        k: executor.submit(check_one, names[k], timeout) for k in order
    }
    if on_done is not None:
        for k in order:
            futures[k].add_done_callback(_reporter(on_done))
    return BatchReport(tuple(futures[k].result() for k in range(len(names))))


def _size(name: str) -> int:
    try:
        return os.path.getsize(name)
    except OSError:  # stdin, or a file that is gone: its task reports the error
        return 0


def _reporter(on_done: Callable[[FileResult], None]) -> Callable[[Future[FileResult]], None]:
    lock = threading.Lock()

    def done(future: Future[FileResult]) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        with lock:  # callbacks of a process pool arrive on one of its threads
            on_done(future.result())

    return done


def check_one(path: str, timeout: float = 5.0) -> FileResult:
    """Check one document into a :class:`FileResult` (the task each worker runs)."""
    if threading.current_thread() is not threading.main_thread():
        return _helper_pool().submit(check_one, path, timeout).result()
    start = time.perf_counter()
    try:
        report = check_document(path, timeout=timeout)
    except (DocumentError, SymsoftError) as error:
        return FileResult(path, error=str(error), seconds=time.perf_counter() - start)
    return FileResult(path, report=report, seconds=time.perf_counter() - start)


_HELPER: list[ProcessPoolExecutor] = []
_HELPER_LOCK = threading.Lock()


def _helper_pool() -> ProcessPoolExecutor:
    """A one-process pool whose worker checks documents in its main thread."""
    if multiprocessing.current_process().daemon:
        raise UsageError(
            "executor",
            "a thread of a daemonic worker process",
            "a worker that may start a process (documents are checked under a time budget "
            "that needs a main thread)",
            "for Dask, set distributed.worker.daemon to False "
            "(DASK_DISTRIBUTED__WORKER__DAEMON=False)",
        )
    with _HELPER_LOCK:
        if not _HELPER:
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
            atexit.register(pool.shutdown, wait=False, cancel_futures=True)
            _HELPER.append(pool)
        return _HELPER[0]


def _exit_with_parent(parent: int) -> None:
    """End the helper when the process that started it is gone: a Dask worker is often killed,
    not shut down, and an orphaned helper would wait for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="symsoft-parent-watch", daemon=True).start()
