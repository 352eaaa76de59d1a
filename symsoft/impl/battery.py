"""The battery of inputs ``check-impl`` runs, the tolerances, and the ground truth.

Cases are seeded: random logits for n = 1, 2, 3 and a main size ``n``; all ties and a tied
pair; logits near +1000 and −1000; mixed scales 1e-3..1e3 (with a runner-up near the maximum);
float32 copies; and batches: non-square (3 × n), square (n × n, where a sum over the wrong
axis is silent), 4 × 2, an extreme batch and a float32 square batch. The ground truth is the
symbolic Jacobian lambdified in its stable S-form
(:func:`symsoft.symbolic.numeric.jacobian_function`), the backward pass S ⊙ (g − ⟨g, S⟩)
(:func:`symsoft.symbolic.numeric.softmax_vjp`) and the max-shifted softmax
(:func:`symsoft.symbolic.numeric.stable_softmax`), all evaluated in float64 at the inputs as
rounded to the case's dtype.

Examples
--------
>>> cases = build_battery(4, 0)
>>> sorted({case.z.shape for case in cases if case.family == "batch"})
[(3, 4), (4, 2), (4, 4)]
>>> tolerances(None, None)
{'float64': (1e-10, 1e-10), 'float32': (1e-05, 1e-05)}
>>> expected_output("jacobian", cases[1]).shape
(2, 2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from symsoft.errors import UsageError

__all__ = ["DEFAULT_TOLERANCES", "Case", "build_battery", "expected_output", "tolerances"]

#: dtype -> (rtol, atol) used when none is given.
DEFAULT_TOLERANCES = {"float64": (1e-10, 1e-10), "float32": (1e-5, 1e-5)}
#: logits above this magnitude make a case "large" (where an unshifted exp overflows)
LARGE = 50.0


@dataclass(frozen=True)
class Case:
    """One input of the battery: logits ``z``, an upstream gradient ``g``, and the dtype."""

    name: str
    family: str
    z: np.ndarray
    g: np.ndarray
    dtype: str

    @property
    def large(self) -> bool:
        return bool(np.max(np.abs(self.z)) > LARGE)


def expected_output(contract: str, case: Case) -> np.ndarray:
    """The right answer for ``case`` under ``contract`` (jacobian, vjp or softmax), in float64."""
    from symsoft.symbolic.numeric import jacobian_function, softmax_vjp, stable_softmax

    if contract == "jacobian":
        return np.asarray(jacobian_function(case.z.shape[-1])(case.z), dtype=np.float64)
    if contract == "vjp":
        return softmax_vjp(case.z, case.g)
    return stable_softmax(case.z)


def build_battery(n: int, seed: int) -> list[Case]:
    """The seeded cases for main size ``n`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def add(name: str, family: str, z: Any, dtype: str = "float64") -> None:
        z = np.asarray(z, dtype=np.float64).astype(dtype).astype(np.float64)
        g = rng.normal(size=z.shape).astype(dtype).astype(np.float64)
        cases.append(Case(f"{name} {dtype}", family, z, g, dtype))

    def mixed(size: int) -> np.ndarray:
        z = rng.choice([-1.0, 1.0], size=size) * 10.0 ** rng.uniform(-3, 3, size=size)
        # A runner-up near the maximum keeps softmax from being one-hot, which would hide
        # most wrong formulas (every Jacobian entry of a one-hot s is zero).
        z[int(np.argmin(z))] = np.max(z) - 0.5
        return z

    for size in sorted({1, 2, 3, n}):
        add(f"random n={size}", "vector", rng.normal(scale=2.0, size=size))
    add(f"ties n={n}", "vector", np.full(n, 0.7))
    tied = rng.normal(size=n)
    tied[1] = tied[0]
    add(f"tied pair n={n}", "vector", tied)
    add(f"logits ≈ +1000 n={n}", "vector", 1000.0 + rng.normal(scale=3.0, size=n))
    add(f"logits ≈ −1000 n={n}", "vector", -1000.0 + rng.normal(scale=3.0, size=n))
    add(f"mixed scales n={n}", "vector", mixed(n))
    add(f"random n={n}", "vector", rng.normal(scale=2.0, size=n), "float32")
    add(f"logits ≈ +1000 n={n}", "vector", 1000.0 + rng.normal(scale=3.0, size=n), "float32")
    m = 3 if n != 3 else 5
    add(f"batch {m}×{n}", "batch", rng.normal(scale=2.0, size=(m, n)))
    add(f"square batch {n}×{n}", "batch", rng.normal(scale=2.0, size=(n, n)))
    add("batch 4×2", "batch", rng.normal(scale=2.0, size=(4, 2)))
    extreme = np.stack(
        [1000.0 + rng.normal(scale=3.0, size=n), -1000.0 + rng.normal(scale=3.0, size=n), mixed(n)]
    )
    add(f"extreme batch 3×{n}", "batch", extreme)
    add(f"square batch {n}×{n}", "batch", rng.normal(scale=2.0, size=(n, n)), "float32")
    return cases


def tolerances(rtol: float | None, atol: float | None) -> dict[str, tuple[float, float]]:
    """Per-dtype (rtol, atol): the given values for float64, at least 1e-5 for float32."""
    for name, value in (("rtol", rtol), ("atol", atol)):
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < 0
        ):
            raise UsageError(name, value, "a finite number >= 0", "e.g. --rtol 1e-8")
    r64, a64 = DEFAULT_TOLERANCES["float64"]
    r32, a32 = DEFAULT_TOLERANCES["float32"]
    r64 = r64 if rtol is None else float(rtol)
    a64 = a64 if atol is None else float(atol)
    return {"float64": (r64, a64), "float32": (max(r32, r64), max(a32, a64))}
