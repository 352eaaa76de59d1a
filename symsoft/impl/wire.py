"""Messages between ``check-impl`` and its worker process: framing, arrays, safe decoding.

A message is an 8-byte big-endian length and a pickle. What the worker sends is decoded with
an unpickler that refuses every global: only ``None``, booleans, numbers, strings, bytes,
tuples, lists and dicts come back, so no object of the user's classes (nor any other
callable) can reach the process that computes the verdict. Arrays travel as
``{"dtype", "shape", "data"}`` records of a real floating dtype and are rebuilt here.

Examples
--------
>>> import numpy as np
>>> decode_array(encode_array(np.array([[1.0, 2.0]])))
array([[1., 2.]])
>>> decode_array(encode_array(np.float64(3.0))).shape
()
>>> safe_loads(pickle.dumps(np.float64(1.0)))
Traceback (most recent call last):
...
symsoft.impl.wire.ProtocolError: the worker sent an object of numpy... (only plain data is accepted)
"""

from __future__ import annotations

import io
import os
import pickle
import select
import time
from typing import Any

import numpy as np

__all__ = [
    "MAX_MESSAGE",
    "ProtocolError",
    "decode_array",
    "encode_array",
    "read_message",
    "safe_loads",
    "write_message",
]

#: the largest message either side accepts (a batch Jacobian at n = 1024 is ~32 MiB)
MAX_MESSAGE = 512 * 2**20

_HEADER = 8
#: dtypes an output may have once the worker has converted it (integers become float64 there)
_DTYPES = {"float16", "float32", "float64", "float128", "longdouble"}
_MAX_DIMENSIONS = 8


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed message."""


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise ProtocolError(
            f"the worker sent an object of {module}.{name} (only plain data is accepted)"
        )


def safe_loads(data: bytes) -> Any:
    """Decode a pickle holding only builtin data; anything that names a global is refused."""
    try:
        return _PlainUnpickler(io.BytesIO(data)).load()
    except ProtocolError:
        raise
    except Exception as error:  # a malformed pickle can raise nearly anything
        raise ProtocolError(f"unreadable message ({type(error).__name__})") from None


def encode_array(value: np.ndarray) -> dict[str, Any]:
    array = np.asarray(value, order="C")  # not ascontiguousarray: it makes a 0-d array 1-d
    return {"dtype": array.dtype.name, "shape": list(array.shape), "data": array.tobytes()}


def decode_array(record: Any) -> np.ndarray:
    """Rebuild an array from :func:`encode_array`'s record, checking every field."""
    if not isinstance(record, dict) or set(record) != {"dtype", "shape", "data"}:
        raise ProtocolError("an output is not an array record")
    dtype, shape, data = record["dtype"], record["shape"], record["data"]
    if dtype not in _DTYPES or not isinstance(data, bytes):
        raise ProtocolError(f"an output has dtype {dtype!r}, not a real floating type")
    if not isinstance(shape, list) or len(shape) > _MAX_DIMENSIONS:
        raise ProtocolError("an output shape is not a short list")
    if not all(type(size) is int and size >= 0 for size in shape):
        raise ProtocolError("an output shape holds something other than sizes")
    kind = np.dtype(dtype)
    if len(data) != int(np.prod(shape, dtype=np.int64)) * kind.itemsize:
        raise ProtocolError("an output's data does not match its shape")
    return np.frombuffer(data, dtype=kind).reshape(shape).copy()


def write_message(fd: int, message: Any, deadline: float | None = None) -> None:
    """Send one message; with a deadline, give up (TimeoutError) when the reader stalls."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
    while view:
        _wait(fd, deadline, writing=True)
        try:
            written = os.write(fd, view[: 1 << 20])
        except BlockingIOError:  # the parent's end is non-blocking: a full pipe is not an error
            written = 0
        view = view[written:]


def read_message(fd: int, deadline: float | None, *, trusted: bool = False) -> Any:
    """Receive one message; EOFError when the writer is gone, TimeoutError past the deadline."""
    size = int.from_bytes(_read_exactly(fd, _HEADER, deadline), "big")
    if size > MAX_MESSAGE:
        raise ProtocolError(f"a message of {size} bytes is over the limit")
    data = _read_exactly(fd, size, deadline)
    return pickle.loads(data) if trusted else safe_loads(data)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, missing = [], size
    while missing:
        if deadline is not None:
            _wait(fd, deadline, writing=False)
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _wait(fd: int, deadline: float | None, *, writing: bool) -> None:
    remaining = None if deadline is None else deadline - time.monotonic()
    if remaining is not None and remaining <= 0:
        raise TimeoutError
    readers, writers = ([], [fd]) if writing else ([fd], [])
    if not any(select.select(readers, writers, [], remaining)):
        raise TimeoutError
