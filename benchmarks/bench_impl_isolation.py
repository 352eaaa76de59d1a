"""Time the worker process of ``check-impl``: the full isolated check against the user's own run.

For each target and n in {4, 16, 64}: "isolated" is the wall time of ``check_implementation``
(worker start-up, loading, contract probes, every case and layout, the checker's own work);
"own" is the user's code run on the same battery inputs in this one process, with nothing
else; "in-worker" is the time the worker measured inside the user's code. The overhead is
isolated minus own; the target is at most 1.5 s at n <= 64. Each figure is the median of
three runs. A first line times the worker alone (start, load a trivial target, close).

Run: ``python benchmarks/bench_impl_isolation.py``
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np

from symsoft.impl.battery import build_battery
from symsoft.impl.check import check_implementation
from symsoft.impl.isolation import Limits, Worker
from symsoft.impl.loader import load, resolve_target

IMPLS = ROOT / "tests" / "impls"
TARGETS = [
    ("vjp, vectorised (correct)", "vectorised.py:softmax_vjp"),
    ("jacobian, Python loops (correct)", "stackoverflow_grad.py:softmax_grad"),
    ("layer, nnfs.io (correct)", "nnfs_softmax.py:Activation_Softmax"),
    ("jacobian, diagonal only (wrong)", "wrong_jacobians.py:softmax_jacobian_diag"),
]
TARGET_SECONDS = 1.5
RUNS = 3


def median_time(action) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def own_run(spec: str, n: int) -> float:
    """The user's code alone on every battery input, in this process (a benchmark may)."""
    obj, _ = load(spec)
    target = resolve_target(obj, label=spec)
    cases = build_battery(n, 0)

    def run() -> None:
        for case in cases:
            g = case.g.astype(case.dtype) if target.kind in ("vjp", "layer") else None
            target.run(case.z.astype(case.dtype), g, classes=case.z.shape[-1])

    return median_time(run)[0]


def worker_alone() -> float:
    def cycle() -> None:
        with Worker(Limits(), "json:dumps") as worker:
            worker.setup("json:dumps", None, kind="softmax", input=None)

    return median_time(cycle)[0]


def main() -> None:
    check_implementation(f"{IMPLS / TARGETS[0][1]}", n=4)  # the checker's own imports, once
    print(f"worker start, load a trivial target, kill: {worker_alone():.3f} s")
    print(
        f"{'implementation':34} {'n':>3} {'isolated s':>10} {'own s':>8} {'in-worker s':>11} "
        f"{'overhead s':>10} {'verdict':>8}"
    )
    worst = 0.0
    for n in (4, 16, 64):
        for title, name in TARGETS:
            spec = f"{IMPLS / name}"
            isolated, report = median_time(lambda spec=spec, n=n: check_implementation(spec, n=n))
            own = own_run(spec, n)
            overhead = isolated - own
            worst = max(worst, overhead)
            print(
                f"{title:34} {n:>3} {isolated:10.3f} {own:8.3f} {report.user_seconds:11.3f} "
                f"{overhead:10.3f} {'pass' if report.passed else 'fail':>8}"
            )
    print(
        f"worst overhead {worst:.3f} s; target {TARGET_SECONDS} s; "
        f"ratio {worst / TARGET_SECONDS:.2f} of the budget"
    )


if __name__ == "__main__":
    with np.errstate(all="ignore"):
        main()
