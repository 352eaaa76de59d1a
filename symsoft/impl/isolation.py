"""Run the user's code in a worker process that cannot touch the verdict, under hard limits.

``check-impl`` starts one worker per run (:mod:`symsoft.impl.worker`, a fresh interpreter) and
sends it the inputs of every case; the worker answers with the outputs as plain data. The
reference values, the comparison, the diagnosis and the verdict are computed here, in a
process that never imports the user's module (a ``PATH.py:NAME`` target) and never unpickles
anything but plain data (:mod:`symsoft.impl.wire`).

Limits, enforced from outside: each call of the user's code (the import and every probe
included) gets ``timeout`` seconds, after which the worker is killed with SIGKILL, with all
the processes it started; its address space is capped at ``memory`` bytes (RLIMIT_AS); its
stdout and stderr go to a file (at the file-descriptor level, so ``os.write(1, ...)`` and
threads cannot reach the caller's output), capped at 64 MiB, whose end goes into the report.
Any end of the worker before its answer (exit, ``os._exit``, a crash, the limits, an escaped
``KeyboardInterrupt``) raises :class:`WorkerError`, an :class:`~symsoft.errors.ImplementationError`
(exit code 2).

Examples
--------
>>> parse_memory("512M"), parse_memory("2G"), parse_memory("none")
(536870912, 2147483648, None)
>>> with Worker(Limits(), "json:dumps") as worker:
...     facts = worker.setup("json:dumps", None, kind="softmax", input=None)
>>> facts["kind"], facts["kind_reason"]
('softmax', 'given')
"""

from __future__ import annotations

import contextlib
import enum
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symsoft.errors import ImplementationError, SymsoftError, UsageError
from symsoft.impl.calling import DEFAULT_TIMEOUT, Outcome, add_note
from symsoft.impl.wire import ProtocolError, decode_array, read_message, write_message

__all__ = [
    "DEFAULT_MEMORY",
    "Limits",
    "RemoteTarget",
    "Worker",
    "WorkerEnd",
    "WorkerError",
    "parse_memory",
]

#: Address space of the worker unless ``--memory`` says otherwise.
DEFAULT_MEMORY = 4 * 2**30
#: Output the worker may write before it is stopped (RLIMIT_FSIZE on the capture file).
OUTPUT_LIMIT = 64 * 2**20
#: Characters of the captured output kept in the report.
OUTPUT_SHOWN = 2000
#: Seconds past the limit before the kill: the worker's own alarm reports a plain timeout first.
_GRACE = 2.0
#: Seconds a fresh interpreter may take to import NumPy and symsoft on a loaded machine.
_STARTUP = 30.0
#: Calls of user code one request may announce: more is a worker stretching its time.
_MAX_TICKS = 64
_SMALLEST_MEMORY = 256 * 2**20


@dataclass(frozen=True)
class Limits:
    """What the worker may use: seconds per call of user code (None: no limit), bytes of memory."""

    timeout: float | None = DEFAULT_TIMEOUT
    memory: int | None = DEFAULT_MEMORY


class WorkerEnd(enum.Enum):
    """How a worker ended before it answered."""

    EXITED = "exited"
    CRASHED = "crashed"
    TIMED_OUT = "timed out"
    OUT_OF_MEMORY = "out of memory"
    OUTPUT_LIMIT = "too much output"
    ABORTED = "aborted"
    PROTOCOL = "broke the protocol"


class WorkerError(ImplementationError):
    """The worker running the user's code ended, or was ended, before it answered."""

    def __init__(self, target: str, end: WorkerEnd, reason: str, output: str = "") -> None:
        super().__init__(target, reason)
        self.end = end
        self.output = output

    def at(self, where: str) -> WorkerError:
        """The same error, saying on which case it happened."""
        return WorkerError(self.target, self.end, f"{self.reason} {where}", self.output)

    def __str__(self) -> str:
        last = next((line for line in reversed(self.output.splitlines()) if line.strip()), "")
        tail = f" (its output ends: {last.strip()[:200]!r})" if last else ""
        return f"{self.target}: {self.reason}{tail}"


def parse_memory(value: int | str | None) -> int | None:
    """Bytes from ``2G``, ``512M``, ``1024K`` or a number of bytes; ``none`` for no limit."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "unlimited")):
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", str(value), re.IGNORECASE)
    if isinstance(value, bool) or match is None:
        raise UsageError("memory", value, "a size such as 2G, 512M or none", "K, M, G, T: 1024s")
    power = " KMGT".index(match[2].upper() or " ")
    size = int(float(match[1]) * 1024**power)
    if size < _SMALLEST_MEMORY:
        raise UsageError("memory", value, "at least 256M", "Python and NumPy need that to start")
    return size


class Worker:
    """One worker process: :meth:`setup` once, then :meth:`run` per case; closing kills it."""

    def __init__(self, limits: Limits, label: str) -> None:
        self.limits = limits
        self.label = label
        # closed with the worker, in close()
        self._output = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        requests, self._requests = os.pipe()
        self._replies, replies = os.pipe()
        command = [sys.executable, "-m", "symsoft.impl.worker", str(requests), str(replies)]
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=self._output,
                stderr=subprocess.STDOUT,
                pass_fds=(requests, replies),
                # its own process group: killed as a group, and deaf to the terminal's Ctrl-C
                start_new_session=True,
            )
        finally:
            os.close(requests)
            os.close(replies)
        os.set_blocking(self._requests, False)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def setup(self, spec: str | None, pickled: bytes | None, *, kind, input) -> dict[str, Any]:
        """Load and resolve the target in the worker; the facts of its contract."""
        request = {
            "spec": spec,
            "pickled": pickled,
            "label": self.label,
            "kind": kind,
            "input": input,
            "timeout": self.limits.timeout,
            "memory": self.limits.memory,
            "output": OUTPUT_LIMIT,
            "path": list(sys.path),
        }
        try:
            reply = self._exchange(request, first_wait=_STARTUP)
        except WorkerError as error:
            raise error.at("while loading the code and probing its contract") from None
        try:
            if reply[0] == "error":
                raise _loading_error(reply)
            if reply[0] != "ready" or len(reply) != 2:
                raise ProtocolError("answered the setup with something else")
            return _facts(reply[1])
        except ProtocolError as error:
            raise self._fail(
                WorkerEnd.PROTOCOL, f"the worker broke the protocol: {error}"
            ) from None

    def run(self, x: np.ndarray, g: np.ndarray | None, classes: int | None) -> tuple[Outcome, list]:
        """The outcome of one call of the user's code, and the notes the call added."""
        reply = self._exchange((x, g, classes), first_wait=0.0)
        if reply[0] != "outcome" or len(reply) != 2:
            raise self._fail(WorkerEnd.PROTOCOL, "answered a case with something else")
        try:
            return _outcome(reply[1])
        except (ProtocolError, KeyError, TypeError, ValueError) as error:
            raise self._fail(WorkerEnd.PROTOCOL, f"sent a malformed outcome: {error}") from None

    def output(self) -> str:
        """The end of what the worker wrote to its stdout and stderr."""
        self._output.seek(0, os.SEEK_END)
        size = self._output.tell()
        self._output.seek(max(0, size - 4 * OUTPUT_SHOWN))
        text = self._output.read().decode("utf-8", errors="replace")
        return text if size <= OUTPUT_SHOWN else "…" + text[-OUTPUT_SHOWN:]

    def close(self) -> None:
        """Kill the worker and everything it started; a thread it left running dies with it."""
        if self._process.poll() is None:
            self._kill()
        for fd in (self._requests, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._output.close()

    def _kill(self) -> None:
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self._process.kill()
        self._process.wait()

    def _exchange(self, request: Any, *, first_wait: float) -> tuple[Any, ...]:
        """Send a request and wait for its reply, timing each call of user code it announces."""
        timeout = self.limits.timeout
        allowance = None if timeout is None else timeout + _GRACE
        deadline = None if allowance is None else time.monotonic() + first_wait + allowance
        ticks = 0
        try:
            write_message(self._requests, request, deadline)
            while True:
                reply = read_message(self._replies, deadline)
                if not isinstance(reply, tuple) or not reply or not isinstance(reply[0], str):
                    raise ProtocolError("a reply is not a tagged tuple")
                if reply[0] == "abort":
                    raise self._aborted(reply)
                if reply[0] != "tick":
                    return reply
                ticks += 1
                if ticks > _MAX_TICKS:
                    raise ProtocolError(f"more than {_MAX_TICKS} calls announced for one request")
                deadline = None if allowance is None else time.monotonic() + allowance
        except TimeoutError:
            raise self._fail(
                WorkerEnd.TIMED_OUT,
                f"timed out after {timeout:g} s and did not stop: the worker was killed",
            ) from None
        except (EOFError, BrokenPipeError):
            raise self._ended() from None
        except ProtocolError as error:
            raise self._fail(
                WorkerEnd.PROTOCOL, f"the worker broke the protocol: {error}"
            ) from None

    def _fail(self, end: WorkerEnd, reason: str) -> WorkerError:
        self._kill()
        return WorkerError(self.label, end, reason, self.output())

    def _aborted(self, reply: tuple[Any, ...]) -> WorkerError:
        what = str(reply[1])[:300] if len(reply) > 1 else "an unknown error"
        if what.startswith("MemoryError"):
            return self._fail(WorkerEnd.OUT_OF_MEMORY, f"ran out of memory ({what})")
        return self._fail(WorkerEnd.ABORTED, f"the code raised {what}, which ended the worker")

    def _ended(self) -> WorkerError:
        """The worker closed its end: how it ended, in one line."""
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return self._fail(WorkerEnd.PROTOCOL, "the worker closed its pipe without ending")
        output = self.output()
        if code >= 0:
            reason = f"the worker exited with status {code} before answering"
            hint = " (os._exit or sys.exit in the code?)" if code == 0 else ""
            return WorkerError(self.label, WorkerEnd.EXITED, reason + hint, output)
        name = _signal_name(-code)
        if -code == getattr(signal, "SIGXFSZ", None):
            reason = f"the code wrote more than {OUTPUT_LIMIT // 2**20} MiB of output ({name})"
            return WorkerError(self.label, WorkerEnd.OUTPUT_LIMIT, reason, output)
        return WorkerError(self.label, WorkerEnd.CRASHED, f"the worker crashed ({name})", output)


def _signal_name(number: int) -> str:
    try:
        return f"{signal.Signals(number).name}, {signal.strsignal(number)}"
    except ValueError:
        return f"signal {number}"


def _loading_error(reply: tuple[Any, ...]) -> SymsoftError:
    """The worker's UsageError or ImplementationError, rebuilt from plain strings."""
    kind, arguments = reply[1], reply[2] if len(reply) == 3 else ()
    texts = [str(value)[:2000] for value in arguments]
    if kind == "usage" and len(texts) == 4:
        return UsageError(*texts)
    if kind == "implementation" and len(texts) == 2:
        return ImplementationError(*texts)
    raise ProtocolError("a loading error of an unknown kind")


def _facts(facts: Any) -> dict[str, Any]:
    strings = ("kind", "kind_reason", "input", "input_reason")
    if not isinstance(facts, dict) or not all(isinstance(facts.get(k), str) for k in strings):
        raise ProtocolError("the contract is not a record of strings")
    for key in ("notes", "load_notes"):
        facts[key] = _strings(facts.get(key))
    return facts


def _strings(values: Any) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ProtocolError("notes are not a list of strings")
    return [value[:2000] for value in values[:100]]


def _outcome(record: Any) -> tuple[Outcome, list[str]]:
    value = None if record["value"] is None else decode_array(record["value"])
    error = record["error"]
    if not (error is None or isinstance(error, str)) or (value is None) == (error is None):
        raise ProtocolError("an outcome needs exactly one of a value and an error")
    seconds = record["seconds"]
    if not isinstance(seconds, float) or not isinstance(record["timed_out"], bool):
        raise ProtocolError("an outcome's timing is not a number")
    outcome = Outcome(
        value,
        None if error is None else error[:2000],
        tuple(_strings(record["warnings"])),
        seconds,
        record["timed_out"],
        tuple(_strings(record["mutated"])),
    )
    return outcome, _strings(record["notes"])


@dataclass(frozen=True)
class RemoteTarget:
    """The parent's view of a target loaded in a worker: its contract, and calls by message."""

    label: str
    kind: str
    kind_reason: str
    input: str
    input_reason: str
    notes: list[str] = field(default_factory=list, compare=False)
    worker: Worker | None = field(default=None, compare=False, repr=False)

    def run(self, x: np.ndarray, g: np.ndarray | None, classes: int | None = None) -> Outcome:
        """One call in the worker; raises :class:`WorkerError` if the worker does not answer."""
        assert self.worker is not None
        outcome, notes = self.worker.run(x, g, classes)
        for note in notes:
            add_note(self, note)  # type: ignore[arg-type]
        return outcome


def ship(obj: Any, label: str) -> tuple[str | None, bytes | None]:
    """How the worker gets an object the caller holds: ``(spec, None)`` or ``(None, pickle)``.

    A function or class defined at the top of a module is loaded by the worker from the same
    place (its file for a script, a test module or a module symsoft loaded; its name for a
    module of a package), as ``check-impl PATH.py:NAME`` would. Anything else (a lambda, a
    function or class defined inside a function, an instance) is sent by value with
    cloudpickle, which carries code, closures and the values they refer to.
    """
    spec = _location(obj)
    if spec is not None:
        return spec, None
    import cloudpickle

    try:
        return None, cloudpickle.dumps(obj)
    except Exception as error:  # pickling user objects can fail in many ways
        raise ImplementationError(
            label,
            f"cannot be sent to the worker process ({type(error).__name__}: {error}); define "
            "it at the top of a module, or pass 'PATH.py:NAME'",
        ) from None


def _location(obj: Any) -> str | None:
    name, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not isinstance(name, str) or not isinstance(qualname, str) or "." in qualname:
        return None
    module = sys.modules.get(name)
    if module is None or getattr(module, qualname, None) is not obj:
        return None
    path = getattr(module, "__file__", None)
    top_script = "." not in name and not hasattr(module, "__path__")
    if name == "__main__" or top_script or name.startswith("_symsoft_"):
        # no package to import it from: the file itself, as the CLI loads a script
        return f"{path}:{qualname}" if isinstance(path, str) and path.endswith(".py") else None
    return f"{name}:{qualname}"
