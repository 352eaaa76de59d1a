"""The worker process of ``check-impl``: it loads the user's code and computes its outputs.

Started by :mod:`symsoft.impl.isolation` as ``python -m symsoft.impl.worker REQUESTS REPLIES``
(two pipe file descriptors), with its stdout and stderr already a file the parent reads. It
applies the memory and output limits to itself, loads the target with :mod:`symsoft.impl.loader`
(which also settles the contract), then answers one request per case with the output of the
user's code as plain data. It never sees the expected values and decides nothing: a worker that
lies, or dies, can at worst make the check fail or not run.

Replies: ``("ready", facts)``, ``("error", kind, arguments)`` for a target that cannot be
loaded, ``("outcome", record)`` per case, ``("tick",)`` as each call of user code starts (the
parent times each call from it), and ``("abort", description)`` when user code raised what no
caller should catch (``KeyboardInterrupt``, ``MemoryError`` outside a call).
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
from typing import Any

from symsoft.impl.wire import encode_array, read_message, write_message


def main(argv: list[str]) -> None:
    requests, replies = int(argv[1]), int(argv[2])
    for fd in (requests, replies):
        # a subprocess the user's code starts gets neither end of the conversation
        os.set_inheritable(fd, False)
    setup = read_message(requests, None, trusted=True)
    _limit(setup["memory"], setup["output"])
    sys.path[:] = setup["path"]
    from symsoft.impl.calling import USER_CODE_STARTS

    USER_CODE_STARTS.append(lambda timeout: write_message(replies, ("tick",)))
    try:
        target, reply = _load(setup)
        write_message(replies, reply)
        while target is not None:
            request = read_message(requests, None, trusted=True)
            write_message(replies, _outcome(target, *request))
    except EOFError:
        return
    except BaseException as error:  # whatever the user's code raised, the parent hears of it
        _abort(replies, error)


def _limit(memory: int | None, output: int) -> None:
    """Lower the hard limits too: the user's code cannot raise them back."""
    limits = [(resource.RLIMIT_FSIZE, output), (resource.RLIMIT_CORE, 0)]
    if memory is not None:
        limits.append((resource.RLIMIT_AS, memory))
    for which, value in limits:
        _, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))


def _load(setup: dict[str, Any]) -> tuple[Any, tuple[Any, ...]]:
    """Load and resolve the target: ``(target, ("ready", facts))`` or ``(None, ("error", ...))``."""
    from symsoft.errors import ImplementationError, UsageError
    from symsoft.impl.loader import load, resolve_target

    timeout = setup["timeout"]
    try:
        if setup["spec"] is not None:
            obj, load_notes = load(setup["spec"], timeout=timeout)
        else:
            obj, load_notes = _unpickle(setup["pickled"], setup["label"], timeout), ()
        target = resolve_target(
            obj, kind=setup["kind"], input=setup["input"], label=setup["label"], timeout=timeout
        )
    except UsageError as error:
        shown = error.value if isinstance(error.value, str) else repr(error.value)
        return None, ("error", "usage", (error.name, shown, error.expected, error.hint))
    except ImplementationError as error:
        return None, ("error", "implementation", (error.target, error.reason))
    facts = {
        "kind": target.kind,
        "kind_reason": target.kind_reason,
        "input": target.input,
        "input_reason": target.input_reason,
        "notes": list(target.notes),
        "load_notes": list(load_notes),
    }
    return target, ("ready", facts)


def _unpickle(data: bytes, label: str, timeout: float | None) -> Any:
    """An object the caller sent by value; unpickling may import the user's modules."""
    import pickle

    from symsoft.errors import ImplementationError
    from symsoft.impl.calling import describe_error, user_code

    try:
        with user_code(timeout):
            return pickle.loads(data)
    except Exception as error:
        raise ImplementationError(
            label, f"cannot be rebuilt in the worker process: {describe_error(error)}"
        ) from None


def _outcome(target: Any, x: Any, g: Any, classes: int | None) -> tuple[str, dict[str, Any]]:
    target.notes.clear()  # the notes this call adds, as a fresh Target would collect them
    outcome = target.run(x, g, classes=classes)
    value = None if outcome.value is None else encode_array(outcome.value)
    record = {
        "value": value,
        "error": outcome.error,
        "warnings": list(outcome.warnings),
        "seconds": float(outcome.seconds),
        "timed_out": bool(outcome.timed_out),
        "mutated": list(outcome.mutated),
        "notes": list(target.notes),
    }
    return "outcome", record


def _abort(replies: int, error: BaseException) -> None:
    from symsoft.impl.calling import describe_error

    # the parent reports a silent end just as well
    with contextlib.suppress(BaseException):
        write_message(replies, ("abort", describe_error(error)))
    os._exit(1)


if __name__ == "__main__":
    main(sys.argv)
