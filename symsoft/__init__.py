"""symsoft: prove and check the derivative of the softmax function.

The public entry points are imported lazily so that ``symsoft --help`` does not pay for SymPy.
Only the names in ``__all__`` are public; the subpackages (``symbolic``, ``proof``, ``verifier``,
``derivation``, ``latex``, ``check``, ``impl``) are internal and may change.

Examples
--------
>>> import symsoft
>>> symsoft.softmax_jacobian(2)
Matrix([
[-S_1**2 + S_1,      -S_1*S_2],
[     -S_1*S_2, -S_2**2 + S_2]])
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# name -> module that defines it; resolved on first attribute access (PEP 562).
_EXPORTS: dict[str, str] = {
    "SymsoftError": "symsoft.errors",
    "Verdict": "symsoft.verdict",
    "softmax": "symsoft.symbolic.model",
    "softmax_jacobian": "symsoft.symbolic.routes",
    "jacobian_function": "symsoft.symbolic.numeric",
    "verify": "symsoft.verifier.fixed",
    "VerifyReport": "symsoft.verifier.report",
    "CheckResult": "symsoft.verifier.report",
    "derive": "symsoft.derivation.build",
    "Derivation": "symsoft.derivation.build",
    "prove_general": "symsoft.verifier.general",
    "check_document": "symsoft.check.checker",
    "check_text": "symsoft.check.checker",
    "check_documents": "symsoft.check.batch",
    "check_implementation": "symsoft.impl.check",
    "ImplReport": "symsoft.impl.check",
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
