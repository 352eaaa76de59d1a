"""Many documents: folder search with globs, any Executor (processes, threads, Dask), the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from test_check_cli import GOOD, WRONG, exit_code

from symsoft.check.batch import check_documents, collect_documents

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """docs/ with a wrong and a right derivation, a draft, a non-document and a hidden folder."""
    docs = tmp_path / "docs"
    for name, text in {
        "a_wrong.md": WRONG,
        "b/right.md": GOOD,
        "drafts/draft.md": WRONG,
        "notes.txt": WRONG,
        ".git/x.md": WRONG,
        "node_modules/y.md": WRONG,
    }.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def names(paths: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def test_folder_search_takes_documents_and_skips_tool_folders(tree: Path) -> None:
    assert names(collect_documents([tree]), tree) == [
        "a_wrong.md",
        "b/right.md",
        "drafts/draft.md",
    ]


def test_include_and_exclude_globs(tree: Path) -> None:
    assert names(collect_documents([tree], exclude=["drafts"]), tree) == [
        "a_wrong.md",
        "b/right.md",
    ]
    assert names(collect_documents([tree], exclude=["drafts/*", "a_*"]), tree) == ["b/right.md"]
    found = collect_documents([tree], include=["*.txt"])
    assert names(found, tree) == ["notes.txt"]
    # a file named on the command line is taken whatever its suffix
    assert collect_documents([tree / "notes.txt"]) == [tree / "notes.txt"]


def _verdicts(batch) -> list[tuple[str, bool | None]]:
    return [(Path(f.path).name, None if f.report is None else f.report.failed) for f in batch.files]


EXPECTED = [("a_wrong.md", True), ("right.md", False), ("missing.md", None)]


def _paths(tree: Path) -> list[Path]:
    return [tree / "a_wrong.md", tree / "b" / "right.md", tree / "missing.md"]


@pytest.mark.slow
def test_process_pool_keeps_input_order_and_reports_unreadable_files(tree: Path) -> None:
    seen = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        batch = check_documents(_paths(tree), executor=pool, on_done=seen.append)
    assert _verdicts(batch) == EXPECTED
    assert sorted(Path(f.path).name for f in seen) == sorted(name for name, _ in EXPECTED)
    assert "no such file" in batch.errors[0].error and batch.failed


@pytest.mark.slow
def test_thread_pool_hands_documents_to_a_process_with_a_main_thread(tree: Path) -> None:
    """Threads cannot keep a SIGALRM budget; the batch layer runs such tasks in a process."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        batch = check_documents(_paths(tree), executor=pool)
    assert _verdicts(batch) == EXPECTED


@pytest.mark.slow
def test_dask_local_cluster(tree: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="install symsoft[dask] for Dask")
    import dask

    # Dask runs tasks in threads of daemonic processes; each worker needs one child process
    # to keep the per-step time budget (docs/workflows.md)
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    try:
        with distributed.Client(cluster) as client:
            batch = check_documents(_paths(tree), executor=client.get_executor())
    finally:
        cluster.close()
    assert _verdicts(batch) == EXPECTED
    wrong = batch.files[0].report
    assert [s.verdict.value for s in wrong.steps] == ["verified", "refuted"]


@pytest.mark.slow
def test_cli_checks_a_folder_in_parallel_with_progress_and_summary(tree: Path, capsys) -> None:
    code, out, err = exit_code(["check", str(tree), "--jobs", "2", "--exclude", "drafts"], capsys)
    assert code == 1
    assert err.count("[") >= 2 and "[2/2]" in err
    summary = out[out.index("files:") :]
    assert "FAILED" in summary and "a_wrong.md" in summary and "ok" in summary
    assert "2 files: 1 failed, 1 passed, 0 unreadable" in summary
    code, out, _ = exit_code(["check", str(tree / "b"), "--json", "-j", "2"], capsys)
    assert code == 0 and json.loads(out)["passed"] is True


def test_cli_folder_without_documents_is_a_usage_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, _, err = exit_code(["check", str(tmp_path)], capsys)
    assert code == 2 and "a document or a folder" in err
    code, _, err = exit_code(["check", str(tmp_path), "--jobs", "-1"], capsys)
    assert code == 2 and "--jobs" in err


def _in_a_thread(path: str):
    from concurrent.futures import ThreadPoolExecutor

    from symsoft.check.batch import check_one

    with ThreadPoolExecutor(max_workers=1) as threads:
        return threads.submit(check_one, path).result()


def test_daemonic_worker_fails_clearly_instead_of_running_without_a_budget(tree: Path) -> None:
    """A thread of a daemonic process (Dask's default worker) cannot start the helper process;
    the task fails with an error that says how to configure Dask, not run without a budget."""
    import multiprocessing

    from symsoft.errors import UsageError

    expected = pytest.raises(UsageError, match="DASK_DISTRIBUTED__WORKER__DAEMON=False")
    with multiprocessing.get_context("fork").Pool(1) as daemonic, expected:
        daemonic.apply(_in_a_thread, (str(tree / "a_wrong.md"),))


def test_the_helper_process_ends_with_the_process_that_started_it(tmp_path):
    """A helper started for a thread (as in a Dask worker) ends when its parent is killed."""
    document = tmp_path / "one.md"
    document.write_text("$$a + 0 = a$$\n", encoding="utf-8")
    script = (
        "import os, threading\n"
        "from symsoft.check import batch\n"
        f"t = threading.Thread(target=batch.check_one, args=({str(document)!r},))\n"
        "t.start(); t.join()\n"
        "(pid,) = batch._HELPER[0]._processes\n"
        "print(pid, flush=True)\n"
        "os._exit(0)  # no atexit, as when a worker is killed\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    helper = int(done.stdout.split()[0])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(helper):
        time.sleep(0.2)
    assert not _alive(helper)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purpose: it runs nothing
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"
