"""The time budget of one decision: a signal-based alarm that survives garbage collection.

Examples
--------
>>> with budget(5.0):
...     1 + 1
2
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Timeout", "budget", "swallows_exceptions"]


class Timeout(Exception):
    """The step's time budget ran out."""


def swallows_exceptions(frame: Any) -> bool:
    """Whether ``frame`` runs a garbage-collector callback or a ``__del__``, where Python
    reports an exception as 'ignored' instead of propagating it."""
    if frame is None:
        return False
    callbacks = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    return frame.f_code in callbacks or frame.f_code.co_name == "__del__"


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise :class:`Timeout` after ``seconds`` (signal-based in the main thread only)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        if swallows_exceptions(frame):
            # an exception raised inside a gc callback or a finaliser is printed and lost;
            # try again as soon as the interrupted code is back in the decision
            signal.setitimer(signal.ITIMER_REAL, 0.005)
            return
        raise Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
