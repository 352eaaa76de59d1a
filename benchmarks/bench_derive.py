"""Time the proof for symbolic n and the generation (with checking) of every derivation.

Run: ``python benchmarks/bench_derive.py [--repeat 3]``. Prints seconds per item, the number of
checked steps and seconds per step, and the ratio of each route to the fastest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from symsoft.derivation.build import ROUTE_NAMES, _derive
from symsoft.proof import indexed
from symsoft.verifier.general import prove_general


def _time(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        _derive.cache_clear()  # measure generation and checking, not the caches
        indexed._cached_form.cache_clear()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    seconds, report = _time(prove_general, args.repeat)
    print(
        f"prove_general (symbolic n, 7 checks): {seconds:6.2f} s   target <= 3 s   "
        f"{'ok' if seconds <= 3 else 'SLOW'}   passed={report.passed}"
    )
    print()
    print(f"{'route':<15}{'n':>9}{'steps':>7}{'seconds':>9}{'s/step':>8}{'ratio':>7}")
    rows = []
    for route in [name for name in ROUTE_NAMES if name != "all"]:
        for n in (None, 3):
            seconds, derivation = _time(lambda r=route, k=n: _derive(r, k), args.repeat)
            rows.append((route, "general" if n is None else str(n), len(derivation.steps), seconds))
    fastest = min(row[3] for row in rows)
    for route, n, steps, seconds in rows:
        print(
            f"{route:<15}{n:>9}{steps:>7}{seconds:>9.2f}{seconds / steps:>8.3f}"
            f"{seconds / fastest:>7.1f}"
        )
    total = sum(row[3] for row in rows)
    print(f"{'all routes':<15}{'':>9}{sum(r[2] for r in rows):>7}{total:>9.2f}")


if __name__ == "__main__":
    main()
