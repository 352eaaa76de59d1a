"""Load a user's softmax implementation and adapt it to one calling convention.

This module imports and runs user code. Everything the user's code does (imports, prints,
exceptions, overflow warnings, hangs) is contained here: prints go to stderr so that JSON
output stays clean, exceptions and warnings become data in an :class:`Outcome`, a call that
runs longer than ``timeout`` seconds is interrupted (POSIX main thread only, via ``SIGALRM``),
and failures to load become :class:`~symsoft.errors.ImplementationError` (exit code 2).

Accepted targets are ``PATH.py:NAME`` and ``package.module:NAME`` (``NAME`` may be dotted,
``Class.method``). The contract (``kind``) is one of:

* ``jacobian`` -- ``f(z) -> (n, n)`` for a 1-D ``z`` (optionally ``(m, n) -> (m, n, n)``);
* ``vjp`` -- ``f(z, grad_out) -> grad_in`` of the shape of ``z``; the argument order is read
  from the parameter names (a name such as ``grad``, ``dout``, ``dvalues``, ``g`` or ``delta``
  marks the upstream gradient), ``(z, g)`` otherwise;
* ``softmax`` -- ``f(z) -> s``, the forward pass;
* ``layer`` -- a class (constructed without arguments) or an instance with ``forward(x)`` and
  ``backward(dvalues)`` (or the aliases in :data:`FORWARD_NAMES` and :data:`BACKWARD_NAMES`;
  extra ``backward`` parameters named like a learning rate get 0.0); the input gradient is
  ``backward``'s return value, or, when it returns ``None``, the first of
  :data:`GRADIENT_ATTRIBUTES` set on the instance. A subclass of
  ``torch.autograd.Function`` is checked as a ``vjp`` through ``apply`` and autograd.

Examples
--------
>>> import numpy as np
>>> def softmax_grad(s):
...     return np.diag(s) - np.outer(s, s)
>>> target = resolve_target(softmax_grad)
>>> target.kind, target.input
('jacobian', 'softmax')
>>> target.run(np.array([0.5, 0.5]), None).value
array([[ 0.25, -0.25],
       [-0.25,  0.25]])
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import importlib
import importlib.util
import inspect
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from symsoft.errors import ImplementationError, UsageError

__all__ = [
    "BACKWARD_NAMES",
    "DEFAULT_TIMEOUT",
    "FORWARD_NAMES",
    "GRADIENT_ATTRIBUTES",
    "INPUTS",
    "KINDS",
    "Outcome",
    "Target",
    "load_object",
    "resolve_target",
]

KINDS = ("jacobian", "vjp", "softmax", "layer")
INPUTS = ("logits", "softmax")
#: Attributes read, in this order, when a layer's ``backward`` returns ``None``.
GRADIENT_ATTRIBUTES = (
    "dinputs",
    "dinput",
    "grad_input",
    "grad_inputs",
    "input_grad",
    "dx",
    "dX",
    "dz",
    "dZ",
    "grad",
    "gradient",
)
#: Method names of a layer's forward and backward pass, tried in this order.
FORWARD_NAMES = ("forward", "forward_pass", "fprop", "feedforward", "feed_forward")
BACKWARD_NAMES = ("backward", "backward_pass", "backprop", "bprop", "backpropagate")
#: Seconds one call of user code may take before it is interrupted.
DEFAULT_TIMEOUT = 20.0

_GRAD_NAME = re.compile(
    r"^(g|g[a-z]|gout|g_\w+|d[A-Z]\w*|d[a-z]|d_\w+|dout|dvalues|dvalue|delta|deltas|err|error|upstream\w*|"
    r"[Gg]rad\w*|\w*_grad|dl\w*|dloss\w*|top_diff|incoming\w*|output_grad\w*|doutput)$"
)
_SOFTMAX_NAME = re.compile(
    r"^(s|sm|s_?vec|p|probs?|probas?|probabilities|softmax\w*|\w*_softmax|y_?hat|yhat|y_pred|"
    r"preds?|predictions?|dist|distribution|out|output|outputs|a|act|activations?|sigma|soft|"
    r"smax|sm_out)$",
    re.IGNORECASE,
)
_AXIS_NAME = re.compile(r"^(axis|dim)$")
_INPUT_NAME = re.compile(r"^(x|X|inputs?|z|Z|logits|input_data|inp|a_prev|A_prev|h)$")
_STEP_NAME = re.compile(r"^(lr|learning_rate|learningrate|eta|alpha|step|step_size|rate)$", re.I)
_DERIVATIVE_NAME = re.compile(r"jac|grad|deriv|backward|backprop|prime|diff|vjp|^d_?softmax")
_PROBE = np.array([0.3, -1.2, 2.0])


@dataclass(frozen=True)
class Outcome:
    """What one call of user code produced: an array, or an error message, and its warnings."""

    value: np.ndarray | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    timed_out: bool = False


class _Timeout(BaseException):
    # A BaseException so that a user's blanket ``except Exception`` cannot swallow it.
    pass


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
    #: a required ``axis``/``dim`` parameter, passed as -1 (the class axis)
    axis: str | None = None
    notes: list[str] = field(default_factory=list, compare=False)

    def run(self, x: np.ndarray, g: np.ndarray | None) -> Outcome:
        """Call the implementation on NumPy inputs; never raises for the user's own errors."""
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with _user_code(self.timeout):
                    raw = self._call(x.copy(), None if g is None else g.copy())
                if isinstance(raw, tuple) and raw:
                    # (A, cache) and (out, state) returns: the first element is the output.
                    _note(self, "returned a tuple; its first element is checked")
                    raw = raw[0]
                value = _to_numpy(raw)
            except _Timeout:
                return Outcome(
                    None, f"timed out after {self.timeout:g} s", (), self.timeout or 0.0, True
                )
            except (Exception, SystemExit) as error:  # user code may raise anything, even exit
                return Outcome(None, _describe_error(error), _messages(caught), _since(start))
        return Outcome(value, None, _messages(caught), _since(start))

    def _call(self, x: np.ndarray, g: np.ndarray | None) -> Any:
        if self.kind == "autograd":
            return _call_autograd(self, x, g)
        wrap = _converter(self.framework)
        if self.kind == "layer":
            return _call_layer(self, wrap(x), wrap(g))
        keywords = {self.axis: -1} if self.axis else {}
        if self.kind in ("jacobian", "softmax"):
            return self.obj(wrap(x), **keywords)
        arguments = (wrap(g), wrap(x)) if self.gradient_first else (wrap(x), wrap(g))
        return self.obj(*arguments, **keywords)


def load_object(spec: str) -> Any:
    """Import ``PATH.py:NAME`` or ``package.module:NAME`` and return the named object.

    Examples
    --------
    >>> load_object("json:dumps").__name__
    'dumps'
    >>> load_object("json:dump_s")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symsoft.errors.ImplementationError: json:dump_s: json has no attribute 'dump_s'; ...
    """
    where, _, name = spec.rpartition(":") if isinstance(spec, str) else ("", "", "")
    if not where or not name or not all(part.isidentifier() for part in name.split(".")):
        raise UsageError(
            "target", spec, "PATH.py:NAME or package.module:NAME", "e.g. mysoftmax.py:softmax_grad"
        )
    if where.endswith(".py") or "/" in where or "\\" in where:
        module = _import_file(Path(where), spec)
    else:
        module = _import_module(where, spec)
    obj: Any = module
    for part in name.split("."):
        if inspect.isclass(obj) and inspect.isfunction(inspect.getattr_static(obj, part, None)):
            # ``Class.method`` with ``self``: call it on an instance, as its author does.
            obj = _instantiate(obj, spec)
        try:
            obj = getattr(obj, part)
        except AttributeError:
            close = difflib.get_close_matches(part, [n for n in dir(obj) if not n.startswith("_")])
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            owner = where if inspect.ismodule(obj) else getattr(obj, "__qualname__", repr(obj))
            raise ImplementationError(spec, f"{owner} has no attribute {part!r}{hint}") from None
    return obj


def resolve_target(
    obj: Any,
    *,
    kind: str | None = None,
    input: str | None = None,  # mirrors the --input option
    label: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Target:
    """Decide the contract of ``obj`` (given, or from its signature) and how to call it."""
    label = label or getattr(obj, "__qualname__", None) or repr(obj)
    if kind is not None and kind not in KINDS:
        raise UsageError("kind", kind, f"one of {', '.join(KINDS)}")
    if input is not None and input not in INPUTS:
        raise UsageError("input", input, f"one of {', '.join(INPUTS)}")
    if timeout is not None and not timeout > 0:
        raise UsageError("timeout", timeout, "a positive number of seconds")
    if inspect.isclass(obj) and _is_autograd_function(obj):
        return Target(
            label, obj, "autograd", "a torch.autograd.Function", framework="torch", timeout=timeout
        )
    if _is_layer(obj):
        if kind not in (None, "layer", "vjp"):
            raise UsageError("kind", kind, "layer (or vjp) for an object with forward and backward")
        if inspect.isclass(obj):
            obj = _instantiate(obj, label)
        target = Target(
            label, obj, "layer", "has forward(x) and backward(dvalues)", timeout=timeout
        )
        return _with_framework(target)
    if kind == "layer":
        raise UsageError(
            "kind", kind, "jacobian, vjp or softmax for an object without forward/backward"
        )
    if inspect.isclass(obj) and _defines_call(obj):
        obj = _instantiate(obj, label)
    if inspect.isclass(obj) or not callable(obj):
        raise ImplementationError(
            label,
            f"is a {type(obj).__name__}, not a function or a class with forward and backward",
        )
    # torch.nn.Module instances take (*args, **kwargs) in __call__; forward has the signature.
    signed = getattr(obj, "forward", obj) if not inspect.isroutine(obj) else obj
    try:
        params = _required_parameters(signed, label)
    except ImplementationError:
        if kind is None:
            raise
        params = ["z", "grad"] if kind == "vjp" else ["z"]
    axis = next((name for name in params if _AXIS_NAME.match(name)), None)
    params = [name for name in params if name != axis]
    if kind is None:
        kind, reason = _kind_from_signature(obj, params, label, timeout, axis)
    else:
        reason = "given"
    wanted = 2 if kind == "vjp" else 1
    if len(params) != wanted:
        raise ImplementationError(
            label,
            f"a {kind} implementation takes {wanted} argument(s), "
            f"but the signature has {len(params)}: ({', '.join(params)})",
        )
    gradient_first = (
        kind == "vjp" and bool(_GRAD_NAME.match(params[0])) and not _GRAD_NAME.match(params[1])
    )
    x_name = params[1] if gradient_first else params[0]
    if kind == "softmax":
        convention, why = "logits", "the softmax contract"
    elif input is not None:
        convention, why = input, "given"
    elif _SOFTMAX_NAME.match(x_name):
        convention, why = "softmax", f"parameter {x_name!r} names the softmax output"
    else:
        convention, why = "logits", f"parameter {x_name!r} is taken as the logits"
    target = Target(
        label, obj, kind, reason, convention, why, gradient_first, timeout=timeout, axis=axis
    )
    if axis:
        _note(target, f"called with {axis}=-1")
    return _with_framework(target)


def _kind_from_signature(
    obj: Any, params: list[str], label: str, timeout: float | None, axis: str | None = None
):
    if len(params) == 2:
        return "vjp", f"two parameters ({', '.join(params)})"
    if len(params) != 1:
        raise ImplementationError(
            label,
            f"cannot tell the contract from the signature ({', '.join(params)}); pass --kind",
        )
    name = getattr(obj, "__name__", "").lower()
    if _DERIVATIVE_NAME.search(name):
        return "jacobian", f"one parameter and the name {name!r}"
    probe = _with_framework(Target(label, obj, "softmax", "probe", timeout=timeout, axis=axis))
    outcome = probe.run(_PROBE, None)
    if outcome.value is not None and np.squeeze(outcome.value).shape == (3, 3):
        return "jacobian", "one parameter and a probe call returned a 3 × 3 matrix"
    if outcome.value is not None and np.squeeze(outcome.value).shape == (3,):
        return "softmax", "one parameter and a probe call returned a vector"
    if "softmax" in name:
        return "softmax", f"one parameter and the name {name!r}"
    shape = getattr(outcome.value, "shape", None)
    what = f"raised {outcome.error}" if outcome.error else f"returned shape {shape}"
    raise ImplementationError(label, f"cannot tell the contract: a probe call {what}; pass --kind")


def _with_framework(target: Target) -> Target:
    # Try NumPy first; fall back to a tensor library that the implementation's module imports.
    candidates = ["numpy", *[fw for fw in ("torch", "jax") if fw in _imported_libraries(target)]]
    x = _PROBE
    g = np.array([1.0, -0.5, 0.25]) if target.kind in ("vjp", "layer") else None
    if target.kind == "layer":
        x, g = x[None, :], g[None, :] if g is not None else None
    first = None
    for framework in candidates:
        trial = _replace(target, framework=framework)
        outcome = trial.run(x, g)
        if outcome.error is None or outcome.timed_out:
            return trial
        first = first or trial
    return first or target


def _replace(target: Target, **changes: Any) -> Target:
    values = {name: getattr(target, name) for name in target.__dataclass_fields__}
    values.update(changes)
    return Target(**values)


def _imported_libraries(target: Target) -> set[str]:
    obj = target.obj
    places = [obj, type(obj)]
    places += [getattr(type(obj), name, None) for name in (*FORWARD_NAMES, "__call__")]
    roots = set()
    for place in places:
        if place is None:
            continue
        roots.add((getattr(place, "__module__", None) or "").split(".")[0])
        namespace = getattr(inspect.unwrap(place), "__globals__", None)
        namespace = namespace if isinstance(namespace, dict) else {}
        for value in namespace.values():
            module = getattr(value, "__module__", None) or getattr(value, "__name__", "")
            roots.add(str(module).split(".")[0])
    return {"jax" if root == "jaxlib" else root for root in roots} & {"torch", "jax"}


def _call_layer(target: Target, x: Any, g: Any) -> Any:
    layer = target.obj
    for name in GRADIENT_ATTRIBUTES:
        if name in getattr(layer, "__dict__", {}):
            delattr(layer, name)
    getattr(layer, _method(layer, FORWARD_NAMES))(x)
    backward = getattr(layer, _method(layer, BACKWARD_NAMES))
    arguments, shown = _backward_arguments(backward, x, g)
    if shown != "dvalues":
        _note(target, f"backward() called as backward({shown})")
    result = backward(*arguments)
    if result is not None and not isinstance(result, type(layer)):
        _note(target, "the input gradient is backward()'s return value")
        return result
    for name in GRADIENT_ATTRIBUTES:
        if getattr(layer, name, None) is not None and name in getattr(layer, "__dict__", {}):
            _note(target, f"the input gradient is read from self.{name} after backward()")
            return getattr(layer, name)
    raise TypeError(
        "backward() returned None and set none of self." + ", self.".join(GRADIENT_ATTRIBUTES)
    )


def _backward_arguments(backward: Any, x: Any, g: Any) -> tuple[list[Any], str]:
    """Arguments for backward(): the upstream gradient, plus the input or a zero learning rate."""
    try:
        names = _required_parameters(backward, "backward")
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
        elif _GRAD_NAME.match(name) or (index == 0 and not _INPUT_NAME.match(name)):
            values.append(g)
        else:
            raise TypeError(f"backward() needs arguments symsoft cannot supply: {name}")
    if sum(value is g for value in values) != 1:
        raise TypeError(
            f"cannot tell which parameter of backward({', '.join(names)}) is the gradient"
        )
    shown = ", ".join(
        "0.0" if value is not x and value is not g else ("x" if value is x else "dvalues")
        for value in values
    )
    return values, shown


def _call_autograd(target: Target, x: np.ndarray, g: np.ndarray | None) -> Any:
    import torch

    leaf = torch.tensor(x, requires_grad=True)
    try:
        extra = _required_parameters(target.obj.forward, "forward")[2:]
    except ImplementationError:
        extra = []
    # forward(ctx, x, dim): the softmax axis is the last one
    output = target.obj.apply(leaf, *(-1 for name in extra if _AXIS_NAME.match(name)))
    (grad,) = torch.autograd.grad(output, leaf, grad_outputs=torch.from_numpy(g))
    return grad


def _note(target: Target, text: str) -> None:
    if text not in target.notes:
        target.notes.append(text)


def _converter(framework: str) -> Callable[[Any], Any]:
    if framework == "torch":
        import torch

        return lambda a: None if a is None else torch.from_numpy(np.array(a))
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
def _user_code(timeout: float | None) -> Iterator[None]:
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
    raise _Timeout


def _import_file(path: Path, spec: str) -> Any:
    if not path.is_file():
        raise ImplementationError(spec, f"no such file: {path}")
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    stem = re.sub(r"\W", "_", path.stem)
    name = f"_symsoft_impl_{stem}_{digest}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise ImplementationError(spec, f"cannot import {path} as a Python module")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    # The user's file may import its neighbours, as it would when run as a script.
    sys.path.insert(0, str(path.resolve().parent))
    try:
        with _user_code(None):
            module_spec.loader.exec_module(module)
    except (Exception, SystemExit) as error:
        sys.modules.pop(name, None)
        raise ImplementationError(
            spec, f"importing {path} raised {_describe_error(error)}"
        ) from None
    finally:
        sys.path.remove(str(path.resolve().parent))
    return module


def _import_module(where: str, spec: str) -> Any:
    try:
        with _user_code(None):
            return importlib.import_module(where)
    except ModuleNotFoundError as error:
        raise ImplementationError(spec, f"no module named {error.name or where!r}") from None
    except (Exception, SystemExit) as error:
        raise ImplementationError(
            spec, f"importing {where} raised {_describe_error(error)}"
        ) from None


def _instantiate(cls: type, label: str) -> Any:
    try:
        with _user_code(None):
            return cls()
    except (Exception, SystemExit) as error:
        raise ImplementationError(
            label, f"cannot construct {cls.__name__}() without arguments: {_describe_error(error)}"
        ) from None


def _required_parameters(obj: Any, label: str) -> list[str]:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        raise ImplementationError(label, "has no readable signature; pass --kind") from None
    return [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]


def _defines_call(cls: type) -> bool:
    return any("__call__" in vars(base) for base in cls.__mro__[:-1] if base is not type)


def _is_layer(obj: Any) -> bool:
    return bool(_method(obj, FORWARD_NAMES) and _method(obj, BACKWARD_NAMES))


def _method(obj: Any, names: tuple[str, ...]) -> str:
    return next((name for name in names if callable(getattr(obj, name, None))), "")


def _is_autograd_function(cls: type) -> bool:
    return any(
        base.__module__.startswith("torch.autograd") and base.__name__ == "Function"
        for base in cls.__mro__[1:]
    )


def _describe_error(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"SyntaxError: {error.msg} (line {error.lineno})"
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def _messages(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))


def _since(start: float) -> float:
    return time.perf_counter() - start
