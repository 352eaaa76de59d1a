"""Call a user's softmax implementation safely, with one calling convention for every kind.

Everything the user's code does when called is contained here: prints go to stderr (so JSON
output stays clean), exceptions and warnings become data in an :class:`Outcome`, and a call that
runs longer than ``timeout`` seconds is interrupted (POSIX main thread only, via ``SIGALRM``).
Inputs are NumPy arrays, converted to PyTorch tensors or JAX arrays when the implementation
needs them, and outputs are converted back.

A layer is called as ``forward(x)`` (``forward(x, training=True)`` when it needs the flag)
then ``backward(dvalues)`` (or the aliases in
:data:`FORWARD_NAMES` and :data:`BACKWARD_NAMES`; a ``backward`` taking more parameters gets
them by name: the input, the forward output, the gradient, and 0.0 for a learning rate); the
input gradient is ``backward``'s return value or, when that is ``None``, the first of
:data:`GRADIENT_ATTRIBUTES` set on the instance. Likewise a forward method checked as a softmax
that returns ``None`` (``self.output = ...``, NNFS style) is read from the first of
:data:`OUTPUT_ATTRIBUTES` the call set.

Examples
--------
>>> import numpy as np
>>> target = Target("double", lambda z: 2 * z, "softmax", "given")
>>> target.run(np.array([1.0, 2.0]), None).value
array([2., 4.])
>>> target = Target("broken", lambda z: 1 / 0, "softmax", "given")
>>> target.run(np.array([1.0]), None).error
'ZeroDivisionError: division by zero'
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symsoft.errors import ImplementationError

__all__ = [
    "AXIS_NAME",
    "BACKWARD_NAMES",
    "DEFAULT_TIMEOUT",
    "FORWARD_NAMES",
    "GRADIENT_ATTRIBUTES",
    "GRADIENT_NAME",
    "MASK_NAME",
    "OUTPUT_ATTRIBUTES",
    "TEMPERATURE_NAME",
    "Outcome",
    "Target",
    "TimedOut",
    "add_note",
    "describe_error",
    "find_method",
    "required_parameters",
    "user_code",
]

#: Attributes read, in this order, when a layer's ``backward`` returns ``None``.
GRADIENT_ATTRIBUTES = (
    "dinputs",
    "dinput",
    "grad_input",
    "grad_inputs",
    "gradInput",
    "input_grad",
    "dx",
    "dX",
    "dz",
    "dZ",
    "grad",
    "gradient",
)

#: Attributes read, in this order, when a forward method returns ``None``.
OUTPUT_ATTRIBUTES = ("output", "outputs", "out", "y", "A", "a")

#: Method names of a layer's forward and backward pass, tried in this order.
FORWARD_NAMES = (
    "forward",
    "forward_pass",
    "fprop",
    "feedforward",
    "feed_forward",
    "forward_propagate",
    "forward_propagation",
    # Torch7's nn.Module names, kept by numpy course frameworks (practical_dl and others).
    "updateOutput",
    "update_output",
    # ``layer(x)`` then ``layer.backward(g)``: a class whose __call__ is its forward pass.
    "__call__",
)

BACKWARD_NAMES = (
    "backward",
    "backwards",
    "backward_pass",
    "backprop",
    "bprop",
    "backpropagate",
    "backward_propagate",
    "backward_propagation",
    "updateGradInput",
    "update_grad_input",
    # backward_delta(input, delta): the course Module API that also has
    # backward_update_gradient for parameters.
    "backward_delta",
)

#: Seconds one call of user code may take before it is interrupted.
DEFAULT_TIMEOUT = 20.0

#: Called with the time limit as each time-limited piece of user code starts: the isolation
#: worker tells its parent, which enforces the limit from outside (see symsoft.impl.isolation).
USER_CODE_STARTS: list[Callable[[float], None]] = []

_TRAINING_NAME = re.compile(r"^(training|train|is_training|train_mode|mode)$")
GRADIENT_NAME = re.compile(
    r"^(g|g[a-z]|gout|g_\w+|d[A-Z]\w*|d[a-z]|d_\w+|dout|dvalues|dvalue|delta|deltas|err|error|upstream\w*|"
    r"[Gg]rad\w*|\w*_grad|dl\w*|dloss\w*|top_diff|incoming\w*|output_grad\w*|doutput)$"
)

#: ``axis``, ``dim``, ``dim_idx``, ``axis_index``, ``dimension``: the axis to normalise over
AXIS_NAME = re.compile(r"^(axis|dim|dimension)(_?(idx|index))?$")
TEMPERATURE_NAME = re.compile(r"^(T|temp|temperature|tau)$")
MASK_NAME = re.compile(
    r"^(mask|attn_mask|attention_mask|key_padding_mask|valid_lens?|valid_lengths?|seq_lens?)$"
)

_INPUT_NAME = re.compile(
    r"^(x|X|inputs?|z|Z|logits|input_data|inp|inpt|[xX]_?inputs?|a_prev|A_prev|h)$"
)

_OUTPUT_NAME = re.compile(
    r"^(out|output|outputs|y|y_?hat|yhat|probs?|probabilities|s|sm|softmax\w*|a|A|act|"
    r"activations?)$"
)

_STEP_NAME = re.compile(r"^(lr|learning_rate|learningrate|eta|alpha|step|step_size|rate)$", re.I)


@dataclass(frozen=True)
class Outcome:
    """What one call of user code produced: an array, or an error message, and its warnings."""

    value: np.ndarray | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    timed_out: bool = False
    #: the arguments the call modified in place ("the input", "the upstream gradient")
    mutated: tuple[str, ...] = ()


class TimedOut(BaseException):
    """User code ran past its time limit (a BaseException: ``except Exception`` cannot eat it)."""


@dataclass(frozen=True)
class Target:
    """A loaded implementation, its contract and how each choice was made."""

    label: str
    obj: Any
    kind: str
    kind_reason: str
    input: str = "logits"
    input_reason: str = "the contract"
    gradient_first: bool = False
    framework: str = "numpy"
    timeout: float | None = DEFAULT_TIMEOUT
    #: required parameters with a neutral value: ``axis``/``dim`` -1, a temperature 1.0, a
    #: mask or valid lengths ``None``
    fixed: tuple[tuple[str, float | None], ...] = ()
    notes: list[str] = field(default_factory=list, compare=False)
    #: a layer whose constructor takes the number of classes: a fresh one per input size
    factory: Any = field(default=None, compare=False)
    #: the layer's backward method, when it is not the first of :data:`BACKWARD_NAMES`
    backward: str = ""

    def run(self, x: np.ndarray, g: np.ndarray | None, classes: int | None = None) -> Outcome:
        """Call the implementation on NumPy inputs; never raises for the user's own errors.

        ``classes`` is the number of classes of the case (for a layer built per input size).
        Code that raises on a float64 input (a layer with float32 buffers) is run again in
        float32, with a note: it is then judged in single precision rather than not at all.
        """
        outcome = self._attempt(x, g, classes)
        if outcome.error is None or outcome.timed_out or x.dtype != np.float64:
            return outcome
        single = self._attempt(
            x.astype(np.float32), None if g is None else g.astype(np.float32), classes
        )
        if single.error is not None:
            return outcome
        add_note(self, f"raises on float64 input ({outcome.error}); run in float32 instead")
        return dataclasses.replace(single, seconds=single.seconds + outcome.seconds)

    def _attempt(self, x: np.ndarray, g: np.ndarray | None, classes: int | None) -> Outcome:
        start = time.perf_counter()
        # the arguments as handed over, kept to see whether the code modifies them in place
        given = (x.copy(), None if g is None else g.copy())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                # NumPy's default error handling, whatever the user's module set at import
                with user_code(self.timeout), np.errstate(all="warn", under="ignore"):
                    raw = self._call(*given, classes)
                if isinstance(raw, tuple) and raw:
                    # (A, cache) and (out, state) returns: the first element is the output.
                    add_note(self, "returned a tuple; its first element is checked")
                    raw = raw[0]
                key = _gradient_key(raw)
                if key:
                    add_note(self, f"returned a dict; its {key!r} entry is checked")
                    raw = raw[key]
                value = _to_numpy(raw)
            except TimedOut:
                return Outcome(
                    None, f"timed out after {self.timeout:g} s", (), self.timeout or 0.0, True
                )
            except (Exception, SystemExit) as error:  # user code may raise anything, even exit
                return Outcome(None, describe_error(error), _messages(caught), _since(start))
        changed = _modified((x, g), given)
        return Outcome(value, None, _messages(caught), _since(start), mutated=changed)

    def _call(self, x: np.ndarray, g: np.ndarray | None, classes: int | None = None) -> Any:
        if self.kind == "autograd":
            return _call_autograd(self, x, g)
        wrap = _converter(self.framework)
        if self.kind == "layer":
            layer = self.obj if self.factory is None or classes is None else self.factory(classes)
            return _call_layer(self, wrap(x), wrap(g), layer)
        keywords = dict(self.fixed)
        if self.kind == "softmax" and inspect.ismethod(self.obj):
            return _call_forward_method(self, wrap(x), keywords)
        if self.kind in ("jacobian", "softmax", "elementwise"):
            return self.obj(wrap(x), **keywords)
        arguments = (wrap(g), wrap(x)) if self.gradient_first else (wrap(x), wrap(g))
        return self.obj(*arguments, **keywords)


def _call_forward_method(target: Target, x: Any, keywords: dict[str, Any]) -> Any:
    owner = target.obj.__self__
    before = dict(getattr(owner, "__dict__", {}))
    result = target.obj(x, **keywords)
    if result is not None:
        return result
    state = getattr(owner, "__dict__", {})
    for name in OUTPUT_ATTRIBUTES:
        # Only what this call stored: a stale output of an earlier call must not pass.
        if state.get(name) is not None and state[name] is not before.get(name):
            add_note(target, f"returned None; the output is read from self.{name}")
            return state[name]
    return result


def _call_layer(target: Target, x: Any, g: Any, layer: Any) -> Any:
    for name in GRADIENT_ATTRIBUTES:
        if name in getattr(layer, "__dict__", {}):
            delattr(layer, name)
    forward = getattr(layer, find_method(layer, FORWARD_NAMES))
    try:
        flags = [name for name in required_parameters(forward, "forward")[1:]]
    except ImplementationError:
        flags = []
    # forward(x, training): a softmax has no dropout or batch statistics; True keeps the
    # caches that backward() needs. forward(x, mask) / (x, dim): nothing masked, last axis.
    values = [True if _TRAINING_NAME.match(name) else _neutral(name) for name in flags]
    output = forward(x, *values)
    if flags:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(flags, values))
        add_note(target, f"forward() called with {shown}")
    backward = getattr(layer, target.backward or find_method(layer, BACKWARD_NAMES))
    if isinstance(output, tuple) and output:
        output = output[0]  # (out, cache)
    if output is None or isinstance(output, type(layer)):
        state = getattr(layer, "__dict__", {})
        output = next((state[n] for n in OUTPUT_ATTRIBUTES if state.get(n) is not None), None)
    arguments, shown = _backward_arguments(backward, x, g, output)
    if shown != "dvalues":
        add_note(target, f"backward() called as backward({shown})")
    result = backward(*arguments)
    if result is not None and not isinstance(result, type(layer)):
        add_note(target, "the input gradient is backward()'s return value")
        return result
    for name in GRADIENT_ATTRIBUTES:
        if getattr(layer, name, None) is not None and name in getattr(layer, "__dict__", {}):
            add_note(target, f"the input gradient is read from self.{name} after backward()")
            return getattr(layer, name)
    raise TypeError(
        "backward() returned None and set none of self." + ", self.".join(GRADIENT_ATTRIBUTES)
    )


def _backward_arguments(backward: Any, x: Any, g: Any, output: Any = None) -> tuple[list[Any], str]:
    """Arguments for backward(): the upstream gradient, plus the input or a zero learning rate."""
    try:
        names = required_parameters(backward, "backward")
    except ImplementationError:
        return [g], "dvalues"
    if len(names) <= 1:
        return [g], "dvalues"
    values: list[Any] = []
    for index, name in enumerate(names):
        if _STEP_NAME.match(name):
            # backward(grad, learning_rate) also updates weights; softmax has none: 0 is inert.
            values.append(0.0)
        elif _INPUT_NAME.match(name):
            values.append(x)
        elif output is not None and _OUTPUT_NAME.match(name):
            # backward(dout, out): the layer's own forward output beside the gradient
            values.append(output)
        elif GRADIENT_NAME.match(name) or (index == 0 and not _INPUT_NAME.match(name)):
            values.append(g)
        elif _TRAINING_NAME.match(name):
            # backward(dout, mode) mirrors forward(x, mode): the training pass.
            values.append(True)
        else:
            raise TypeError(f"backward() needs arguments symsoft cannot supply: {name}")
    if sum(value is g for value in values) != 1:
        raise TypeError(
            f"cannot tell which parameter of backward({', '.join(names)}) is the gradient"
        )
    shown = ", ".join(
        "x"
        if value is x
        else "dvalues"
        if value is g
        else "forward's output"
        if value is output
        else repr(value)
        for value in values
    )
    return values, shown


def _call_autograd(target: Target, x: np.ndarray, g: np.ndarray | None) -> Any:
    import torch

    leaf = torch.tensor(x, requires_grad=True)
    if not inspect.isclass(target.obj):
        # an nn.Module instance whose forward calls a custom autograd.Function
        output = target.obj(leaf)
        (grad,) = torch.autograd.grad(output, leaf, grad_outputs=torch.from_numpy(g))
        return grad
    function: Any = target.obj
    try:
        extra = required_parameters(function.forward, "forward")[2:]
    except ImplementationError:
        extra = []
    # forward(ctx, x, dim, mask): the last axis, nothing masked, temperature 1
    output = function.apply(leaf, *(_neutral(name) for name in extra))
    (grad,) = torch.autograd.grad(output, leaf, grad_outputs=torch.from_numpy(g))
    return grad


def _neutral(name: str) -> Any:
    if AXIS_NAME.match(name):
        return -1
    if MASK_NAME.match(name):
        return None
    if TEMPERATURE_NAME.match(name):
        return 1.0
    raise TypeError(f"forward() needs arguments symsoft cannot supply: {name}")


def add_note(target: Target, text: str) -> None:
    if text not in target.notes:
        target.notes.append(text)


def _converter(framework: str) -> Callable[[Any], Any]:
    if framework == "torch":
        import torch

        # shares memory with the array handed over, so that in-place changes are seen
        return lambda a: None if a is None else torch.from_numpy(np.ascontiguousarray(a))
    if framework == "jax":
        import jax.numpy as jnp

        return lambda a: None if a is None else jnp.asarray(a)
    return lambda a: a


def _to_numpy(raw: Any) -> np.ndarray:
    if raw is None:
        raise TypeError("returned None")
    if type(raw).__module__.split(".")[0] == "torch" and hasattr(raw, "detach"):
        raw = raw.detach().cpu().numpy()
    value = np.asarray(raw)
    if value.dtype.kind not in "fiub":
        raise TypeError(f"returned {type(raw).__name__} of dtype {value.dtype}, not numbers")
    return value.astype(np.float64) if value.dtype.kind in "iub" else value


@contextlib.contextmanager
def user_code(timeout: float | None) -> Iterator[None]:
    if timeout is not None:
        for started in USER_CODE_STARTS:
            started(timeout)
    armed = (
        timeout is not None
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )
    if armed:
        previous = signal.signal(signal.SIGALRM, _raise_timeout)
        signal.setitimer(signal.ITIMER_REAL, float(timeout or 0.0))
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _raise_timeout(signum: int, frame: Any) -> None:
    raise TimedOut


def required_parameters(obj: Any, label: str) -> list[str]:
    schema = getattr(obj, "schema", None)
    if (
        schema is not None
        and hasattr(schema, "arguments")
        and callable(getattr(obj, "graph_for", None))
    ):
        # A @torch.jit.script function: no Python signature, but its TorchScript schema.
        return [a.name for a in schema.arguments if not a.has_default_value()]
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        raise ImplementationError(label, "has no readable signature; pass --kind") from None
    return [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]


def _modified(originals: tuple[Any, ...], given: tuple[Any, ...]) -> tuple[str, ...]:
    names = ("the input", "the upstream gradient")
    return tuple(
        name
        for name, before, after in zip(names, originals, given)
        if before is not None and not np.array_equal(before, after, equal_nan=True)
    )


def _gradient_key(raw: Any) -> str:
    """A dict of gradients (``{"dx": ..., ...}``): the key of the input gradient, if any."""
    if not isinstance(raw, dict):
        return ""
    return next((name for name in GRADIENT_ATTRIBUTES if name in raw), "")


def find_method(obj: Any, names: tuple[str, ...]) -> str:
    return next((name for name in names if _has_method(obj, name)), "")


def _has_method(obj: Any, name: str) -> bool:
    if name == "__call__" and inspect.isclass(obj):
        # Every class is callable (through its metaclass); only a __call__ it defines counts.
        return any("__call__" in vars(base) for base in obj.__mro__[:-1])
    return callable(getattr(obj, name, None))


def describe_error(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"SyntaxError: {error.msg} (line {error.lineno})"
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def _messages(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))


def _since(start: float) -> float:
    return time.perf_counter() - start
