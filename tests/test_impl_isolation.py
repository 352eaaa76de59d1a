"""Tests of check-impl's worker process: hostile code can fail or not run, never pass."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import symsoft.impl.report
import symsoft.symbolic.numeric
from symsoft.errors import ImplementationError, UsageError
from symsoft.impl.check import _remote, check_implementation
from symsoft.impl.isolation import WorkerEnd, WorkerError, parse_memory, ship
from symsoft.impl.wire import ProtocolError, decode_array, encode_array, safe_loads
from symsoft.testing import assert_softmax_vjp

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

IMPLS = Path(__file__).parent / "impls"
ROOT = Path(__file__).parent.parent


def spec(name: str) -> str:
    return f"{IMPLS / name}:softmax_backward"


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "symsoft", "check-impl", *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, timeout=timeout, check=False
    )


def right_backward(z, grad):
    s = np.exp(z - z.max(axis=-1, keepdims=True))
    s = s / s.sum(axis=-1, keepdims=True)
    return s * (grad - (grad * s).sum(axis=-1, keepdims=True))


def diagonal_backward(z, grad):
    s = np.exp(z - z.max(axis=-1, keepdims=True))
    s = s / s.sum(axis=-1, keepdims=True)
    return grad * s * (1 - s)


def exiting_backward(z, grad):
    os._exit(0)


def test_rewriting_the_checker_from_user_code_does_not_make_a_wrong_backward_pass() -> None:
    """Replacing the reference, the comparison and the report class in the worker changes
    nothing here: the wrong backward pass fails, and this process's modules are untouched."""
    truth, passed = symsoft.symbolic.numeric.softmax_vjp, symsoft.impl.report.ImplReport.passed
    report = check_implementation(spec("tampers_with_reference.py"))
    assert not report.passed and report.exit_code == 1
    assert "g-one-minus-g" in {finding.name for finding in report.diagnosis}
    assert symsoft.symbolic.numeric.softmax_vjp is truth
    assert symsoft.impl.report.ImplReport.passed is passed


def test_the_user_module_is_never_imported_in_the_checking_process() -> None:
    """A PATH.py:NAME target is imported by the worker only."""
    check_implementation(spec("patches_numpy_abs.py"))
    loaded = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
    assert str(IMPLS / "patches_numpy_abs.py") not in loaded
    assert np.abs(np.array([-1.0]))[0] == 1.0


def test_patching_numpy_abs_in_user_code_does_not_hide_errors() -> None:
    """np.abs returning zeros in the user's module cannot zero the checker's errors."""
    report = check_implementation(spec("patches_numpy_abs.py"))
    assert not report.passed and report.exit_code == 1
    assert all(case.max_abs_error > 0 for case in report.failures())


@pytest.mark.parametrize(
    "target",
    ["exits_in_function.py", "exits_at_import.py", "exits_in_notebook_cell.ipynb"],
)
def test_os_exit_anywhere_ends_as_cannot_run(target: str) -> None:
    """os._exit(0) in the function, at import or in a notebook cell is exit 2, with the reason."""
    with pytest.raises(WorkerError, match="exited with status 0 before answering") as ended:
        check_implementation(spec(target))
    assert ended.value.end is WorkerEnd.EXITED and ended.value.exit_code == 2


def test_os_exit_at_import_is_exit_2_from_the_cli() -> None:
    """The CLI prints one line on stderr and exits 2, never an empty report with exit 0."""
    result = cli(spec("exits_at_import.py"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "exited with status 0" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "target", ["catches_base_exception.py", "ignores_sigalrm.py", "long_c_call.py"]
)
def test_code_that_cannot_be_interrupted_is_killed_after_the_timeout(target: str) -> None:
    """A loop eating BaseException, an ignored SIGALRM, a long C call: killed, exit 2."""
    start = time.monotonic()
    with pytest.raises(WorkerError, match=r"timed out after 2 s .* killed") as ended:
        check_implementation(spec(target), timeout=2)
    assert ended.value.end is WorkerEnd.TIMED_OUT
    assert time.monotonic() - start < 15


@pytest.mark.slow
def test_a_long_c_call_is_killed_from_the_cli() -> None:
    """check-impl --timeout 2 on a call that never returns to Python ends in seconds, exit 2."""
    start = time.monotonic()
    result = cli(spec("long_c_call.py"), "--timeout", "2")
    assert result.returncode == 2 and "timed out after 2 s" in result.stderr
    assert time.monotonic() - start < 15


def test_a_thread_left_running_does_not_keep_the_check_alive() -> None:
    """A right backward pass that leaves a non-daemon thread passes, and the CLI exits."""
    result = cli(spec("leaves_thread_running.py"), timeout=60)
    assert result.returncode == 0 and "PASSED" in result.stdout


def test_writes_to_file_descriptor_1_leave_json_valid() -> None:
    """os.write(1, ...), sys.__stdout__ and a late thread land in the report's output field."""
    result = cli(spec("writes_to_stdout_fd.py"), "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["passed"]
    for text in ("{not json, from import", "raw bytes on fd 1", "through sys.__stdout__"):
        assert text in report["output"]
    assert "raw bytes" not in result.stderr


def test_the_text_report_shows_the_captured_output_trimmed() -> None:
    """The report keeps the end of the output, at most 2,000 characters."""
    report = check_implementation(spec("writes_to_stdout_fd.py"))
    assert report.passed and "raw bytes on fd 2" in report.output
    assert len(report.output) <= 2001
    assert "output of the code" in report.to_text()


def test_a_6_gib_allocation_fails_under_the_memory_limit() -> None:
    """Allocating 6 GiB under the default 4 GiB limit is a MemoryError: cannot run, exit 2."""
    with pytest.raises(ImplementationError, match="MemoryError") as failed:
        check_implementation(spec("allocates_6gib.py"))
    assert failed.value.exit_code == 2


def test_memory_option_is_parsed_and_checked() -> None:
    """--memory takes 2G, 512M or none, and refuses nonsense and sizes too small to start."""
    assert parse_memory("2G") == 2 * 2**30 and parse_memory("512m") == 512 * 2**20
    assert parse_memory("none") is None and parse_memory(3 * 2**30) == 3 * 2**30
    for bad in ("lots", "-1G", "1M", True):
        with pytest.raises(UsageError, match="memory"):
            parse_memory(bad)
    result = cli(spec("exits_in_function.py"), "--memory", "lots")
    assert result.returncode == 2 and "invalid value for --memory" in result.stderr


def test_keyboard_interrupt_raised_by_user_code_is_the_users_error() -> None:
    """KeyboardInterrupt from the code is exit 2 with the reason, not a Ctrl-C (130)."""
    with pytest.raises(WorkerError, match="KeyboardInterrupt") as ended:
        check_implementation(spec("raises_keyboard_interrupt.py"))
    assert ended.value.end is WorkerEnd.ABORTED
    result = cli(spec("raises_keyboard_interrupt.py"))
    assert result.returncode == 2 and "KeyboardInterrupt" in result.stderr


def test_a_segfault_is_a_crash_with_the_signal_named() -> None:
    """A segmentation fault in the code ends the worker: exit 2, SIGSEGV named."""
    with pytest.raises(WorkerError, match="SIGSEGV") as ended:
        check_implementation(spec("segfaults.py"))
    assert ended.value.end is WorkerEnd.CRASHED


def test_user_code_runs_in_another_process(tmp_path: Path) -> None:
    """The function records the process it runs in: never this one."""
    record = tmp_path / "pid"

    def backward(z, grad):
        record.write_text(str(os.getpid()))
        return right_backward(z, grad)

    assert check_implementation(backward).passed
    assert int(record.read_text()) != os.getpid()


def test_module_level_functions_are_loaded_from_their_file_and_locals_sent_by_value() -> None:
    """A function at the top of this file is loaded from it, one of a package by its module's
    name; a lambda travels by value."""
    assert ship(right_backward, "right_backward") == (f"{__file__}:right_backward", None)
    where, data = ship(lambda z, g: g, "lambda")
    assert where is None and isinstance(data, bytes)
    assert ship(np.exp, "exp") == ("numpy:exp", None)


def test_testing_assertions_use_the_worker() -> None:
    """assert_softmax_vjp on functions of a test module: right passes, wrong fails, exit fails."""
    assert assert_softmax_vjp(right_backward).passed
    with pytest.raises(AssertionError, match="FAILED"):
        assert_softmax_vjp(diagonal_backward)
    with pytest.raises(AssertionError, match="exited with status 0") as failed:
        assert_softmax_vjp(exiting_backward)
    assert isinstance(failed.value.__cause__, WorkerError)


def test_an_object_that_cannot_be_sent_is_refused_with_a_clear_message() -> None:
    """A closure over a lock cannot reach the worker: the error says what to do instead."""
    lock = threading.Lock()

    def backward(z, grad):
        with lock:
            return grad

    with pytest.raises(ImplementationError, match="cannot be sent to the worker process"):
        check_implementation(backward)


class _Payload:
    pass


def test_only_plain_data_comes_back_from_the_worker() -> None:
    """The parent's decoder refuses any object that names a class: arrays come as records."""
    assert safe_loads(pickle.dumps({"a": [1, 2.0, "x", b"y", None, (True,)]}))["a"][2] == "x"
    for hostile in (np.zeros(2), _Payload(), np.float64(1.0)):
        with pytest.raises(ProtocolError, match="only plain data"):
            safe_loads(pickle.dumps(hostile))
    assert decode_array(encode_array(np.array(2.5))).shape == ()
    record = encode_array(np.arange(6.0).reshape(2, 3))
    assert decode_array(record).tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    for broken in (
        {**record, "dtype": "object"},
        {**record, "shape": [4, 3]},
        {**record, "shape": [-2, -3]},
        {**record, "extra": 1},
    ):
        with pytest.raises(ProtocolError):
            decode_array(broken)


def test_a_reply_forged_by_user_code_is_refused() -> None:
    """Code writing its own reply, holding a NumPy object, onto every pipe ends as exit 2."""
    with pytest.raises(WorkerError, match="only plain data") as ended:
        check_implementation(spec("forges_replies.py"))
    assert ended.value.end is WorkerEnd.PROTOCOL


class _Label:
    label = "forged"


def test_a_worker_cannot_claim_another_contract_than_the_one_fixed() -> None:
    """A worker reporting a softmax when a Jacobian was asked for is not believed."""
    facts = {
        "kind": "softmax",
        "kind_reason": "given",
        "input": "logits",
        "input_reason": "the contract",
        "notes": [],
        "load_notes": [],
    }
    with pytest.raises(WorkerError, match="contract 'softmax'"):
        _remote(facts, "jacobian", _Label())
    assert _remote(facts, None, _Label())[0].kind == "softmax"
