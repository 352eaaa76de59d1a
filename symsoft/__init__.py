"""symsoft: prove and check the derivative of the softmax function.

The public entry points are imported lazily so that ``symsoft --help`` does not pay for SymPy.

Examples
--------
>>> import symsoft
>>> symsoft.softmax_jacobian(2)
Matrix([
[-S_1**2 + S_1,      -S_1*S_2],
[     -S_1*S_2, -S_2**2 + S_2]])
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# name -> module that defines it; resolved on first attribute access (PEP 562).
_EXPORTS: dict[str, str] = {
    "SymsoftError": "symsoft.errors",
    "Verdict": "symsoft.verdict",
    "softmax": "symsoft.model",
    "softmax_jacobian": "symsoft.model",
    "jacobian_function": "symsoft.numeric",
    "verify": "symsoft.verifier",
    "VerifyReport": "symsoft.report",
    "CheckResult": "symsoft.report",
    # --- issue 3: derive (symsoft/derive.py, symsoft/general.py) ---
    "derive": "symsoft.derive",
    "Derivation": "symsoft.derive",
    "prove_general": "symsoft.general",
    # --- issue 4: check (symsoft/document.py ...) ---
    "check_document": "symsoft.check",
    "check_text": "symsoft.check",
    # --- issue 5: check-impl (symsoft/implcheck.py, symsoft/testing.py) ---
    "check_implementation": "symsoft.implcheck",
    "ImplReport": "symsoft.implcheck",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'symsoft' has no attribute {name!r}") from None
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(types.ModuleType):
    """Keeps ``symsoft.derive`` (say) the function even after the submodule of that name loads.

    Importing a submodule sets it as an attribute of the package, which would shadow the
    exported function of the same name.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
