"""Time ``symsoft check``: seconds per step, and a 30-step document against the 10 s budget.

The 30-step document mixes the kinds of step real write-ups contain: quotient-rule chains for
symbolic n, both index cases, the log route, sums with Kronecker deltas, a written-out n = 4
example, a dotted Jacobian and the matrix form. It is checked three times; the figures are the
median run. A second table times each kind of step alone.

Run: ``python benchmarks/bench_check.py [--timeout 5]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symsoft.check.checker import check_text

BUDGET_SECONDS = 10.0

KINDS = {
    "definition + quotient chain (general n)": r"""
Let $S_i = \frac{e^{z_i}}{\sum_{k=1}^{n} e^{z_k}}$.
$$
\begin{aligned}
\frac{\partial S_i}{\partial z_j}
 &= \frac{\delta_{ij} e^{z_i} \sum_{k=1}^{n} e^{z_k} - e^{z_i} e^{z_j}}
          {\left(\sum_{k=1}^{n} e^{z_k}\right)^2} \\
 &= \frac{\delta_{ij} e^{z_i}}{\sum_{k=1}^{n} e^{z_k}}
     - \frac{e^{z_i}}{\sum_{k=1}^{n} e^{z_k}} \frac{e^{z_j}}{\sum_{k=1}^{n} e^{z_k}} \\
 &= \delta_{ij} S_i - S_i S_j \\
 &= S_i (\delta_{ij} - S_j)
\end{aligned}
$$
""",
    "case i = j and case i ≠ j": r"""
If $i = j$:
$$\frac{\partial S_i}{\partial z_j} = S_i - S_i^2 = S_i(1 - S_i)$$
If $i \neq j$:
$$\frac{\partial S_i}{\partial z_j} = -\frac{e^{z_i} e^{z_j}}{\left(\sum_k e^{z_k}\right)^2}
  = -S_i S_j$$
""",
    "log route": r"""
$$\log S_i = z_i - \log \sum_{k=1}^{n} e^{z_k}$$
$$\frac{\partial \log S_i}{\partial z_j} = \delta_{ij} - \frac{e^{z_j}}{\sum_{k=1}^{n} e^{z_k}}
  = \delta_{ij} - S_j$$
$$\frac{\partial S_i}{\partial z_j} = S_i \frac{\partial \log S_i}{\partial z_j}
  = S_i(\delta_{ij} - S_j)$$
""",
    "backward pass with sums and deltas": r"""
$$
\begin{aligned}
\sum_{i=1}^{n} g_i \frac{\partial S_i}{\partial z_j}
 &= \sum_{i=1}^{n} g_i S_i (\delta_{ij} - S_j) \\
 &= g_j S_j - S_j \sum_{i=1}^{n} g_i S_i \\
 &= S_j \left(g_j - \sum_{i=1}^{n} g_i S_i\right)
\end{aligned}
$$
""",
    "written-out n = 4": r"""
$$y_1 = \frac{e^{x_1}}{e^{x_1} + e^{x_2} + e^{x_3} + e^{x_4}}$$
$$\frac{\partial y_1}{\partial x_2}
  = \frac{-e^{x_1} e^{x_2}}{(e^{x_1} + e^{x_2} + e^{x_3} + e^{x_4})^2}
  = -y_1 y_2$$
""",
    "dotted Jacobian and matrix form": r"""
$$
\frac{\partial \mathbf{S}}{\partial \mathbf{z}} = \begin{pmatrix}
S_1(1 - S_1) & -S_1 S_2 & \cdots & -S_1 S_n \\
-S_2 S_1 & S_2(1 - S_2) & \cdots & -S_2 S_n \\
\vdots & \vdots & \ddots & \vdots \\
-S_n S_1 & -S_n S_2 & \cdots & S_n(1 - S_n)
\end{pmatrix} = \operatorname{diag}(\mathbf{S}) - \mathbf{S}\mathbf{S}^\top
$$
""",
}


def _document(steps_wanted: int) -> str:
    """Repeat the kinds in turn (renaming nothing: definitions repeat as checked steps)."""
    parts, count = [], 0
    while count < steps_wanted:
        for text in KINDS.values():
            parts.append(text)
            count = sum(1 for step in check_text("".join(parts)).steps)
            if count >= steps_wanted:
                break
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()

    print(f"{'kind of step':45} {'steps':>5} {'seconds':>8} {'s/step':>7}  verdicts")
    for name, text in KINDS.items():
        started = time.perf_counter()
        report = check_text(text, timeout=args.timeout)
        elapsed = time.perf_counter() - started
        steps = len(report.steps)
        verdicts = Counter(step.verdict.value for step in report.steps)
        print(
            f"{name:45} {steps:5d} {elapsed:8.2f} {elapsed / max(steps, 1):7.3f}  {dict(verdicts)}"
        )

    document = _document(30)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        report = check_text(document, timeout=args.timeout)
        runs.append(time.perf_counter() - started)
    elapsed = statistics.median(runs)
    steps = len(report.steps)
    verdicts = Counter(step.verdict.value for step in report.steps)
    print()
    print(f"{steps}-step document: median {elapsed:.2f} s of 3 runs ({elapsed / steps:.3f} s/step)")
    print(
        f"budget {BUDGET_SECONDS:.0f} s: ratio {elapsed / BUDGET_SECONDS:.2f} -> "
        f"{'within' if elapsed <= BUDGET_SECONDS else 'OVER'} budget; verdicts {dict(verdicts)}"
    )


if __name__ == "__main__":
    main()
