"""Assertions for users' own test suites: check a softmax implementation inside pytest.

Each assertion runs :func:`symsoft.impl.check.check_implementation` with the contract fixed and
raises :class:`AssertionError` carrying the full report and its diagnosis when the
implementation is wrong, or cannot be run (the loading error is chained as the cause). On
success it returns the :class:`~symsoft.impl.check.ImplReport`. Options are those of
``check_implementation`` (``input``, ``rtol``, ``atol``, ``seed``, ``n``, ``timeout``,
``memory``).

The implementation runs in the same worker process as ``check-impl``
(:mod:`symsoft.impl.isolation`): a function or class defined at the top of a test module is
loaded by the worker from that file; one defined inside a test, or a lambda, is sent by value; a
worker that exits, crashes or times out fails the assertion with the
:class:`~symsoft.impl.isolation.WorkerError` as its cause.

Examples
--------
>>> import numpy as np
>>> def my_softmax(x):
...     e = np.exp(x - x.max(axis=-1, keepdims=True))
...     return e / e.sum(axis=-1, keepdims=True)
>>> assert_softmax(my_softmax).passed
True
>>> def my_jacobian(x):
...     s = my_softmax(x)
...     return np.diag(s * (1 - s))
>>> assert_softmax_jacobian(my_jacobian)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AssertionError: diagonal-only: only the diagonal s ⊙ (1 − s)...
check-impl my_jacobian: FAILED ...
...
  diagonal-only: only the diagonal s ⊙ (1 − s)...
...
"""

from __future__ import annotations

from typing import Any

from symsoft.errors import SymsoftError
from symsoft.impl.check import ImplReport, check_implementation
from symsoft.render.assertion import failure_message, python_options

__all__ = ["assert_softmax", "assert_softmax_jacobian", "assert_softmax_vjp"]


def assert_softmax_jacobian(fn: Any, **options: Any) -> ImplReport:
    """Assert that ``fn(z)`` returns the softmax Jacobian diag(s) − s sᵀ, shape (n, n)."""
    __tracebackhide__ = True
    return _assert(fn, "jacobian", options)


def assert_softmax_vjp(fn: Any, **options: Any) -> ImplReport:
    """Assert that ``fn(z, grad)`` (or a layer, or an autograd.Function) is softmax's backward pass.

    A class or instance with ``forward``/``backward`` is checked as a layer.
    """
    __tracebackhide__ = True
    return _assert(fn, "vjp", options)


def assert_softmax(fn: Any, **options: Any) -> ImplReport:
    """Assert that ``fn(z)`` is a correct and numerically stable softmax over the last axis."""
    __tracebackhide__ = True
    return _assert(fn, "softmax", options)


def _assert(fn: Any, kind: str, options: dict[str, Any]) -> ImplReport:
    __tracebackhide__ = True
    if "kind" in options:
        raise TypeError("the assertion fixes the kind; do not pass kind=")
    try:
        report = check_implementation(fn, kind=kind, **options)
    except SymsoftError as error:
        message = python_options(f"cannot check {kind} implementation: {error}")
        # the cause stays attached for code that inspects it, without symsoft's own frames
        raise AssertionError(message) from error.with_traceback(None)
    if not report.passed:
        raise AssertionError(failure_message(report, _ASSERTION[kind]))
    return report


_ASSERTION = {
    "jacobian": "assert_softmax_jacobian",
    "vjp": "assert_softmax_vjp",
    "softmax": "assert_softmax",
}
