"""Benchmark of ``symsoft verify`` against the naive SymPy approach, in one process.

Usage: ``python benchmarks/bench_verify.py [--sizes 4,16,32,64,128,256] [--naive-up-to 32]``

The naive baseline is what a SymPy user writes first: for every entry, ``sp.diff`` of the
exp-form softmax, then ``sp.simplify(entry − S_i(δ_ij − S_j))`` with S_i in exp form. It checks
one thing (the entry formula); symsoft's time covers all twelve checks.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time

import sympy as sp

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))

from symsoft.symbolic.model import softmax, z_symbols
from symsoft.verifier.fixed import verify


def naive(n: int) -> float:
    start = time.perf_counter()
    S, z = softmax(n), z_symbols(n)
    for i in range(n):
        for j in range(n):
            delta = 1 if i == j else 0
            entry = sp.diff(S[i], z[j])
            if sp.simplify(entry - S[i] * (delta - S[j])) != 0:
                raise AssertionError(f"naive check failed at ({i}, {j})")
    return time.perf_counter() - start


def help_seconds(repeats: int = 5) -> float:
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "symsoft", "--help"], capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="4,16,32,64,128,256")
    parser.add_argument("--naive-up-to", type=int, default=32)
    args = parser.parse_args()
    sizes = [int(v) for v in args.sizes.split(",")]
    rows = []
    for n in sizes:
        start = time.perf_counter()
        report = verify(n)
        ours = time.perf_counter() - start
        assert report.passed, report.failures()
        base = naive(n) if n <= args.naive_up_to else None
        rows.append((n, ours, base))
        ratio = f"{base / ours:8.1f}x" if base else "        -"
        base_text = f"{base:10.2f}" if base else "         -"
        print(f"n = {n:4d}  symsoft verify (12 checks) {ours:8.2f} s", end="")
        print(f"   naive {base_text} s  {ratio}")
        sys.stdout.flush()
    times = dict((n, t) for n, t, _ in rows)
    if 64 in times and 256 in times:
        exponent = math.log(times[256] / times[64]) / math.log(4)
        print(f"growth from n = 64 to 256: time ~ n^{exponent:.2f}")
    print(f"symsoft --help (best of 5, new process): {help_seconds():.3f} s")


if __name__ == "__main__":
    main()
