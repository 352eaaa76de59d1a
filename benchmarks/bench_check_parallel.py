"""Throughput of checking many documents: documents per minute with 1 and with N workers.

Checks the project's corpus ``tests/documents`` through :func:`symsoft.check.batch.check_documents`
on a ``ProcessPoolExecutor`` with 1 worker (the baseline) and with ``--workers`` workers, in
this process, and prints documents per minute, the speed-up over the baseline, and the cost
per document (wall seconds per document per worker, and the median). The parent checks one
document first so that the workers, forked from it, start with SymPy and the grammar loaded.
CPU seconds the workers used are read from the kernel (getrusage of the reaped children):
"CPU s/doc" is the cost of a document whatever the load, and "CPU share" is the fraction of
its core each worker actually got. On a shared machine a share well below 1 explains a low
speed-up (Linux's autogroup scheduling gives a session one share however many processes it
runs); the load average is printed before and after.

Run: ``python benchmarks/bench_check_parallel.py [--workers 2] [--limit 0] [--timeout 5]``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from symsoft.check.batch import check_documents, collect_documents

DOCUMENTS = ROOT / "tests" / "documents"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(paths: list[Path], workers: int, timeout: float) -> tuple[float, float, list[float], int]:
    """Wall and worker CPU seconds for the corpus, per-document seconds, unreadable documents."""
    cpu, start = _children_cpu(), time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        batch = check_documents(paths, timeout=timeout, executor=pool)
    wall = time.perf_counter() - start
    # the pool's processes have exited here, so their CPU time is counted
    return wall, _children_cpu() - cpu, [item.seconds for item in batch.files], len(batch.errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="first N documents (0: all)")
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    paths = collect_documents([DOCUMENTS])
    if args.limit:
        paths = paths[: args.limit]
    check_documents(paths[:1], timeout=args.timeout)  # warm up before forking
    print(
        f"corpus: {len(paths)} documents in {DOCUMENTS.relative_to(ROOT)}; "
        f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{'workers':>7} {'wall s':>8} {'docs/min':>9} {'speed-up':>9} {'CPU s/doc':>10} "
        f"{'CPU share':>10} {'median s/doc':>13} {'unreadable':>10}"
    )
    baseline = None
    for workers in (1, args.workers):
        wall, cpu, seconds, errors = run(paths, workers, args.timeout)
        rate = len(paths) / wall * 60
        baseline = baseline or rate
        print(
            f"{workers:>7} {wall:>8.1f} {rate:>9.1f} {rate / baseline:>8.2f}x "
            f"{cpu / len(paths):>10.3f} {cpu / (wall * workers):>10.2f} "
            f"{statistics.median(seconds):>13.3f} {errors:>10}"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f} (other processes share these cores)")


if __name__ == "__main__":
    main()
