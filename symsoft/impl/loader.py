"""Load a user's softmax implementation and decide its contract.

This module imports user code (and :mod:`symsoft.impl.calling` runs it): failures to load become
:class:`~symsoft.errors.ImplementationError` (exit code 2), with the user's exception.

Accepted targets are ``PATH.py:NAME``, ``package.module:NAME`` and ``NOTEBOOK.ipynb:NAME``
(``NAME`` may be dotted, ``Class.method``). The contract (``kind``) is one of:

* ``jacobian`` -- ``f(z) -> (n, n)`` for a 1-D ``z`` (optionally ``(m, n) -> (m, n, n)``);
* ``vjp`` -- ``f(z, grad_out) -> grad_in`` of the shape of ``z``; which parameter is which
  (also for three, ``(dA, Z, A)`` with the output beside the logits) is settled by probing
  (:mod:`symsoft.impl.probing`), the parameter names (a name such as ``grad``, ``dout``,
  ``dvalues``, ``g`` or ``delta`` marks the upstream gradient) only breaking ties;
* ``elementwise`` -- ``f(z)`` of the shape of ``z``, used as ``grad * f(z)``
  (:mod:`symsoft.impl.elementwise`);
* ``softmax`` -- ``f(z) -> s``, the forward pass;
* ``layer`` -- a class (constructed without arguments, or with ``name``, ``axis``, ``dim``
  filled in, and a size such as ``input_size`` set per input) or an instance with
  ``forward(x)`` and ``backward(dvalues)`` (see :mod:`symsoft.impl.calling` for the accepted
  variants). A subclass of ``torch.autograd.Function`` is checked as a ``vjp`` through
  ``apply`` and autograd, and so is a ``torch.nn.Module`` whose ``forward`` calls one the
  user defined.

``Class.method`` targets are called on an instance; a class with ``__call__`` (such as a
``torch.nn.Module``) is checked through an instance, and a class with only a one-input
``forward`` (no backward, no derivative method) through that method. A parameter named like
the softmax output (``s``, ``probs``, ``output``, ...) makes ``input`` default to
``"softmax"``; a required ``axis``/``dim`` parameter is passed -1, a required temperature
(``T``, ``tau``, ...) 1.0, and a required mask or valid lengths (``mask``, ``valid_lens``, ...)
``None``.

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

import difflib
import functools
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from symsoft.errors import ImplementationError, UsageError
from symsoft.impl.adapters import (
    CACHE_NAME,
    construction_note,
    forward_partner,
    instantiate,
    size_parameters,
    with_cache,
)
from symsoft.impl.calling import (
    AXIS_NAME,
    BACKWARD_NAMES,
    DEFAULT_TIMEOUT,
    FORWARD_NAMES,
    GRADIENT_NAME,
    MASK_NAME,
    TEMPERATURE_NAME,
    Target,
    add_note,
    find_method,
    required_parameters,
)
from symsoft.impl.importing import import_file, import_module, import_notebook, stub_name
from symsoft.impl.probing import Roles, describe_roles, settle_roles, with_roles

__all__ = ["INPUTS", "KINDS", "check_options", "load", "load_object", "resolve_target"]

KINDS = ("jacobian", "vjp", "softmax", "layer", "elementwise")

INPUTS = ("logits", "softmax")

_SOFTMAX_NAME = re.compile(
    r"^(s|sm|s_?vec|p|probs?|probas?|probabilities|softmax\w*|\w*_softmax|y_?hat|yhat|y_pred|"
    r"preds?|predictions?|dist|distribution|out|output|outputs|a|act|activations?|sigma|soft|"
    r"smax|sm_out)$",
    re.IGNORECASE,
)

_INPUT_NAMES = re.compile(r"^(x|z|logits?|inputs?|scores|h|a_prev)$", re.IGNORECASE)

_DERIVATIVE_NAME = re.compile(r"jac|grad|deriv|backward|backprop|prime|diff|vjp|^d_?softmax")

_PROBE = np.array([0.3, -1.2, 2.0])


def load_object(spec: str, *, timeout: float | None = None) -> Any:
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
    return load(spec, timeout=timeout)[0]


_EXPECTED_TARGET = "PATH.py:NAME, NOTEBOOK.ipynb:NAME or package.module:NAME"

#: suffixes of files that are never code, so ``mine.md:f`` is not read as module ``mine.md``
_NOT_CODE = {".md", ".markdown", ".tex", ".txt", ".rst", ".json", ".csv", ".html", ".pdf"}


def _check_where(spec: object, where: str) -> None:
    """Refuse a target that names a folder or a file that is not code, saying what to give."""
    if not isinstance(spec, str):
        return
    place = Path(where or spec)
    has_separator = any(sep in (where or spec) for sep in "/\\")
    if place.is_dir() and (has_separator or not where):
        name = spec.rpartition(":")[2] if where else ""
        example = f"{place / 'softmax.py'}:{name or 'softmax_backward'}"
        hint = f"{place} is a folder: name a Python file in it, e.g. {example}"
        raise UsageError("target", spec, _EXPECTED_TARGET, hint)
    suffix = place.suffix.lower()
    if where and (suffix in _NOT_CODE or (place.is_file() and suffix not in (".py", ".ipynb"))):
        hint = f"{where} is not Python code"
        if suffix in (".md", ".markdown", ".tex"):
            hint += f"; to check a derivation, run: symsoft check {where}"
        raise UsageError("target", spec, _EXPECTED_TARGET, hint)


def load(spec: str, *, timeout: float | None = None) -> tuple[Any, tuple[str, ...]]:
    """Like :func:`load_object`, also returning notes on how the file was imported.

    A script whose module-level demo code fails (a missing data file, a plot window) after it
    defined ``NAME`` still yields ``NAME``, with a note; ``timeout`` bounds the import.
    """
    where, _, name = spec.rpartition(":") if isinstance(spec, str) else ("", "", "")
    _check_where(spec, where)
    if not where or not name or not all(part.isidentifier() for part in name.split(".")):
        raise UsageError(
            "target", spec, "PATH.py:NAME or package.module:NAME", "e.g. mysoftmax.py:softmax_grad"
        )
    notes: list[str] = []
    if where.endswith(".ipynb"):
        module = import_notebook(Path(where), spec, timeout, notes)
    elif where.endswith(".py") or "/" in where or "\\" in where:
        module = import_file(Path(where), spec, name.split(".")[0], timeout, notes)
    else:
        module = import_module(where, spec, timeout)
    obj: Any = module
    for part in name.split("."):
        if inspect.isclass(obj) and inspect.isfunction(inspect.getattr_static(obj, part, None)):
            # ``Class.method`` with ``self``: call it on an instance, as its author does.
            if construction_note(obj):
                notes.append(construction_note(obj))
            obj = instantiate(obj, spec)
        try:
            obj = getattr(obj, part)
        except AttributeError:
            close = difflib.get_close_matches(part, [n for n in dir(obj) if not n.startswith("_")])
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            owner = where if inspect.ismodule(obj) else getattr(obj, "__qualname__", repr(obj))
            raise ImplementationError(spec, f"{owner} has no attribute {part!r}{hint}") from None
    return obj, tuple(notes)


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
    check_options(kind, input, timeout)
    if stub_name(obj):
        raise ImplementationError(
            label, f"is {stub_name(obj)}, from a module that is not installed: nothing to run"
        )
    if inspect.isclass(obj) and _is_autograd_function(obj):
        return Target(
            label, obj, "autograd", "a torch.autograd.Function", framework="torch", timeout=timeout
        )
    backward_of = _layer_of_backward(obj) if kind in (None, "layer", "vjp") else None
    if backward_of is not None or _is_layer(obj):
        return _layer_target(obj, backward_of, kind, label, timeout)
    if kind == "layer":
        raise UsageError(
            "kind", kind, "jacobian, vjp or softmax for an object without forward/backward"
        )
    return _function_target(obj, kind, input, label, timeout)


def check_options(kind: str | None, input: str | None, timeout: float | None) -> None:
    """Refuse an unknown contract kind or input convention, or a timeout that is not positive."""
    if kind is not None and kind not in KINDS:
        raise UsageError("kind", kind, f"one of {', '.join(KINDS)}")
    if input is not None and input not in INPUTS:
        raise UsageError("input", input, f"one of {', '.join(INPUTS)}")
    if timeout is not None and not timeout > 0:
        raise UsageError("timeout", timeout, "a positive number of seconds")


def _layer_target(
    obj: Any, backward_of: tuple[Any, str] | None, kind: str | None, label: str, timeout: Any
) -> Target:
    """An object with forward and backward (or a layer's backward method): checked as a layer."""
    backward_name = ""
    if backward_of is not None:
        # Layer.backward(dvalues) needs the state its forward pass leaves: check the layer.
        obj, backward_name = backward_of
    if kind not in (None, "layer", "vjp"):
        raise UsageError("kind", kind, "layer (or vjp) for an object with forward and backward")
    constructed = construction_note(obj)
    factory = None
    if inspect.isclass(obj) and size_parameters(obj):
        # SoftmaxLayer(input_size): one layer per input size, as a network would build.
        cls, sizes = obj, size_parameters(obj)
        factory = functools.partial(instantiate, cls, label)
        obj = instantiate(cls, label, classes=3)
        constructed = f"constructed as {cls.__name__}({'=n, '.join(sizes)}=n) for n classes"
    elif inspect.isclass(obj):
        obj = instantiate(obj, label)
    forward = find_method(obj, FORWARD_NAMES)
    backward = backward_name or find_method(obj, BACKWARD_NAMES)
    reason = f"has {forward}(x) and {backward}(dvalues)"
    target = Target(
        label, obj, "layer", reason, timeout=timeout, factory=factory, backward=backward
    )
    if constructed:
        add_note(target, constructed)
    if backward_of is not None:
        add_note(target, f"{backward}() is checked after {forward}(x), through the layer")
    return _with_framework(target)


@dataclass(frozen=True)
class _Unwrapped:
    """A callable made from what the user named, and how it was made."""

    obj: Any
    constructed: str = ""
    forward_only: str = ""


def _unwrap(obj: Any, label: str) -> _Unwrapped:
    """Instantiate a class that is called (``__call__``) or only has a forward pass."""
    if inspect.isclass(obj) and _defines_call(obj):
        return _Unwrapped(instantiate(obj, label), construction_note(obj))
    if inspect.isclass(obj) and _forward_only(obj):
        # A forward pass alone (an NNFS-style activation storing self.output): it is the
        # softmax to check.
        forward_only = find_method(obj, FORWARD_NAMES)
        instance = instantiate(obj, label)
        return _Unwrapped(getattr(instance, forward_only), construction_note(obj), forward_only)
    return _Unwrapped(obj)


def _function_target(
    obj: Any, kind: str | None, input: str | None, label: str, timeout: Any
) -> Target:
    """A function (or callable object): its contract from the options, signature and probes."""
    made = _unwrap(obj, label)
    obj = made.obj
    custom = _custom_function(obj) if kind in (None, "vjp") else ""
    if custom:
        return _custom_target(obj, custom, made.constructed, label, timeout)
    if inspect.isclass(obj) or not callable(obj):
        raise ImplementationError(
            label,
            f"is a {type(obj).__name__}, not a function or a class with forward and backward"
            + _method_hint(obj),
        )
    params, fixed = _parameters(obj, kind, label)
    contract = _contract(obj, params, fixed, kind, input, label, timeout)
    target = _called_target(contract, fixed, label, timeout)
    _note_construction(target, made)
    return _with_framework(target)


def _custom_target(obj: Any, custom: str, constructed: str, label: str, timeout: Any) -> Target:
    # Its forward pass is right whenever the custom backward is (the backward is built from
    # the saved output); checking forward alone would pass a wrong backward.
    reason = f"a torch.nn.Module whose forward uses the custom autograd.Function {custom}"
    target = Target(label, obj, "autograd", reason, framework="torch", timeout=timeout)
    if constructed:
        add_note(target, constructed)
    add_note(target, "the input gradient is taken through autograd of forward()")
    return target


def _parameters(
    obj: Any, kind: str | None, label: str
) -> tuple[list[str], tuple[tuple[str, Any], ...]]:
    """The parameters to feed, and those given neutral values (axis, temperature, mask)."""
    # torch.nn.Module instances take (*args, **kwargs) in __call__; forward has the signature.
    signed = getattr(obj, "forward", obj) if not inspect.isroutine(obj) else obj
    try:
        params = required_parameters(signed, label)
    except ImplementationError:
        if kind is None:
            raise
        params = ["z", "grad"] if kind == "vjp" else ["z"]
    # Neutral values: softmax over the last axis, temperature 1, nothing masked (d2l's
    # masked_softmax(X, valid_lens) is the plain softmax for valid_lens=None).
    fixed = tuple(
        (name, -1 if AXIS_NAME.match(name) else None if MASK_NAME.match(name) else 1.0)
        for name in params
        if AXIS_NAME.match(name) or TEMPERATURE_NAME.match(name) or MASK_NAME.match(name)
    )
    return [name for name in params if name not in dict(fixed)], fixed


@dataclass(frozen=True)
class _Contract:
    """The settled contract of a function: what it is, its argument order and its input."""

    obj: Any
    params: list[str]
    kind: str
    reason: str
    input: str | None
    settled: str = ""


def _contract(
    obj: Any,
    params: list[str],
    fixed: tuple[tuple[str, Any], ...],
    kind: str | None,
    input: str | None,
    label: str,
    timeout: Any,
) -> _Contract:
    """The kind of a function: given, a kernel writing into a buffer, three probed roles, or
    read from the signature."""
    buffered = kind in (None, "softmax") and _fills_buffer(obj, params)
    if buffered:
        # softmax(x, out) writing into out (a numba/GPU kernel style): a softmax of x.
        obj, params = _with_buffer(obj, params[1]), params[:1]
    if buffered and kind is None:
        reason = f"f({params[0]}, {buffered}) writes its result into {buffered!r}"
        contract = _Contract(obj, params, "softmax", reason, input)
    elif kind in (None, "vjp") and len(params) == 3 and input is None:
        contract = _three_roles(obj, params, fixed, label, timeout)
    elif kind is None:
        found, reason = _kind_from_signature(obj, params, label, timeout, fixed)
        contract = _Contract(obj, params, found, reason, input)
    else:
        contract = _Contract(obj, params, kind, "given", input)
    wanted = 2 if contract.kind == "vjp" else 1  # elementwise: f(z), used as grad * f(z)
    if len(contract.params) != wanted:
        raise ImplementationError(
            label,
            f"a {contract.kind} implementation takes {wanted} argument(s), "
            f"but the signature has {len(contract.params)}: ({', '.join(contract.params)})",
        )
    return contract


def _three_roles(obj: Any, params: list[str], fixed: Any, label: str, timeout: Any) -> _Contract:
    """(dA, Z, A): the layer's own output beside the logits, in an order only probes tell."""
    found = settle_roles(obj, params, fixed, timeout, allow_softmax=True)
    if found is None or not found.plausible:
        raise ImplementationError(
            label,
            f"cannot tell the contract from the signature ({', '.join(params)}): tried it "
            "as a backward pass with every assignment of the logits, softmax(z) and the "
            "upstream gradient to its parameters, and none "
            + (
                "returned an array of the input's shape"
                if found is None
                else "was linear in the gradient"
            )
            + "; pass --kind",
        )
    roles_note = f"called as ({describe_roles(params, found.roles)}): {found.reason}"
    reason = f"three parameters, their roles settled by probing ({roles_note})"
    settled = "the logits z, with softmax(z) beside them (probed)"
    return _Contract(with_roles(obj, found.roles), ["z", "grad"], "vjp", reason, "logits", settled)


def _called_target(
    contract: _Contract, fixed: tuple[tuple[str, Any], ...], label: str, timeout: Any
) -> Target:
    """How to call the function: argument order, input convention, cache partner, probes."""
    obj, params, kind, input = contract.obj, contract.params, contract.kind, contract.input
    gradient_first = (
        kind == "vjp"
        and bool(GRADIENT_NAME.match(params[0]))
        and not GRADIENT_NAME.match(params[1])
    )
    convention, why = _convention(contract, gradient_first)
    x_name = params[1] if gradient_first else params[0]
    partner = forward_partner(obj) if kind == "vjp" and CACHE_NAME.match(x_name) else None
    if partner is not None and input is None:
        # backward(dout, cache) with cache = the second value of forward(z) (CS231n style).
        obj, gradient_first = with_cache(obj, partner, gradient_first), False
        convention, why = "logits", f"{x_name!r} is the cache {partner.__name__}(z) returns"
    probed = None
    if kind == "vjp" and partner is None and input is None and params != ["z", "grad"]:
        # softmax(z) in place of the logits only when no parameter name says which it is
        unnamed = not any(_names_input(name) for name in params)
        probed = settle_roles(obj, params, fixed, timeout, allow_softmax=unnamed)
    if probed is not None and probed.plausible:
        gradient_first, convention, why = _probed_order(probed, params, convention, why)
    target = Target(
        label,
        obj,
        kind,
        contract.reason,
        convention,
        why,
        gradient_first,
        timeout=timeout,
        fixed=fixed,
    )
    if probed is not None and probed.plausible and probed.ties > 1:
        add_note(
            target,
            f"{probed.ties} argument assignments fit the probes; used "
            f"({describe_roles(params, probed.roles)}), as the parameter names suggest",
        )
    if partner is not None and input is None:
        add_note(target, f"called with the cache of {partner.__name__}(z) as {x_name!r}")
    if fixed:
        shown = ", ".join(f"{k}={'None' if v is None else format(v, 'g')}" for k, v in fixed)
        add_note(target, f"called with {shown}")
    return target


def _convention(contract: _Contract, gradient_first: bool) -> tuple[str, str]:
    """Whether the function takes the logits or softmax(z), and why."""
    params = contract.params
    x_name = params[1] if gradient_first else params[0]
    if contract.kind == "softmax":
        return "logits", "the softmax contract"
    if contract.input is not None:
        return contract.input, contract.settled or "given"
    if _SOFTMAX_NAME.match(x_name):
        return "softmax", f"parameter {x_name!r} names the softmax output"
    g_name = params[0] if gradient_first else params[-1]
    if contract.kind == "vjp" and _names_output_gradient(g_name, x_name):
        return "softmax", f"{g_name!r} is the gradient of {x_name!r}, the output"
    return "logits", f"parameter {x_name!r} is taken as the logits"


def _note_construction(target: Target, made: _Unwrapped) -> None:
    if made.constructed:
        add_note(target, made.constructed)
    if made.forward_only:
        add_note(
            target, f"checked through {made.forward_only}() (the class has no backward method)"
        )
    obj = target.obj
    if inspect.isroutine(obj):
        return
    # An activation object (__call__ and gradient(x)): only its forward pass was checked.
    mine = [c for c in type(obj).__mro__ if c.__module__ == type(obj).__module__]
    others = [
        name
        for name in dict.fromkeys(n for c in mine for n in vars(c))
        if not name.startswith("_")
        and _DERIVATIVE_NAME.search(name.lower())
        and inspect.isfunction(inspect.getattr_static(type(obj), name, None))
    ]
    if others:
        owner = type(obj).__name__
        add_note(
            target,
            f"only {owner}'s forward pass was checked; check its derivative with "
            + ", ".join(f"{owner}.{name}" for name in others[:3]),
        )


def _names_input(name: str) -> bool:
    """A parameter name that says logits or softmax output (not ``cache``, ``b``, ``dA``)."""
    return bool(_SOFTMAX_NAME.match(name) or _INPUT_NAMES.match(name))


def _probed_order(probed: Roles, params: list[str], convention: str, why: str):
    """gradient_first, the input convention and its reason, from the probed roles."""
    gradient_first = probed.roles[0] == "g"
    x_role = probed.roles[1] if gradient_first else probed.roles[0]
    x_name = params[1] if gradient_first else params[0]
    if x_role == "s":
        return gradient_first, "softmax", f"{x_name!r} holds softmax(z): {probed.reason}"
    if probed.ties == 1 and x_role == "z" and (convention == "logits" or probed.right):
        # right on the logits is the contract met, whatever the parameter is called
        return gradient_first, "logits", f"{x_name!r} is taken as the logits: {probed.reason}"
    return gradient_first, convention, why


def _names_output_gradient(g_name: str, x_name: str) -> bool:
    """(y, dy), (y, gy), (y, grad_y): the gradient is named after the other parameter, so that
    parameter is what the upstream gradient is taken with respect to: the softmax output.

    Never for the usual input names (``x``, ``z``, ``logits``): ``dz`` may be the gradient
    being computed, named after the input.
    """
    if _INPUT_NAMES.match(x_name):
        return False
    stem = re.sub(r"^(d_?|g_?|grad_?|dl_?d_?)", "", g_name, flags=re.IGNORECASE)
    return stem.lower() == x_name.lower() and stem != g_name


def _method_hint(obj: Any) -> str:
    """For a class with a forward pass and a derivative but no backward: the targets to use."""
    if not inspect.isclass(obj):
        return ""
    names = [
        name
        for name in dict.fromkeys(n for c in obj.__mro__[:-1] for n in vars(c))
        if not name.startswith("_")
        and (name in FORWARD_NAMES or _DERIVATIVE_NAME.search(name.lower()))
        and inspect.isfunction(inspect.getattr_static(obj, name, None))
    ]
    if not names:
        return ""
    return "; check its methods one by one: " + ", ".join(
        f"{obj.__name__}.{name}" for name in names[:4]
    )


def _kind_from_signature(
    obj: Any,
    params: list[str],
    label: str,
    timeout: float | None,
    fixed: tuple[tuple[str, float | None], ...] = (),
):
    if len(params) == 2:
        return "vjp", f"two parameters ({', '.join(params)})"
    if len(params) != 1:
        raise ImplementationError(
            label,
            f"cannot tell the contract from the signature ({', '.join(params)}); pass --kind",
        )
    name = getattr(obj, "__name__", "").lower()
    probe = _with_framework(Target(label, obj, "softmax", "probe", timeout=timeout, fixed=fixed))
    outcome, first, same_shape = _probe_layouts(probe)
    if _DERIVATIVE_NAME.search(name):
        if same_shape:
            return "elementwise", (
                f"one parameter, the name {name!r}, and a probe call returning the input's "
                "shape: a derivative used as grad * f(z)"
            )
        return "jacobian", f"one parameter and the name {name!r}"
    if _probe_shape(outcome) == (3, 3):
        return "jacobian", "one parameter and a probe call returned a 3 × 3 matrix"
    if same_shape:
        return "softmax", "one parameter and a probe call returned its input's shape"
    outcome = first
    if "softmax" in name:
        return "softmax", f"one parameter and the name {name!r}"
    shape = getattr(outcome.value, "shape", None)
    what = f"raised {outcome.error}" if outcome.error else f"returned shape {shape}"
    raise ImplementationError(label, f"cannot tell the contract: a probe call {what}; pass --kind")


#: Code written for a batch of rows, for column vectors or for attention scores (batch,
#: queries, keys) answers only in its own layout: a 1-D probe may raise (``axis=2``), or
#: collapse ``np.dot(s, s.T)`` to a scalar. The 3-D probe has two queries, so that code for
#: (batch, n, 1) columns does not answer it by broadcasting a 1 × 1 identity.
_PROBES = (_PROBE, _PROBE.reshape(1, 3), _PROBE.reshape(3, 1), np.stack([_PROBE, -_PROBE])[None])


def _probe_layouts(probe: Target) -> tuple[Any, Any, bool]:
    """The first probe answer that is a 3 × 3 matrix or of its input's shape (else the last),
    the first answer, and whether the answer has its input's shape."""
    first = outcome = None
    for x in _PROBES:
        outcome = probe.run(x, None)
        first = outcome if first is None else first
        shape = None if outcome.value is None else np.squeeze(outcome.value).shape
        if shape == np.squeeze(x).shape:
            return outcome, first, True
        if shape == (3, 3) or outcome.timed_out:
            break
    return outcome, first, False


def _probe_shape(outcome: Any) -> tuple[int, ...] | None:
    return None if outcome.value is None else np.squeeze(outcome.value).shape


def _with_framework(target: Target) -> Target:
    # Try NumPy first; fall back to a tensor library that the implementation's module imports.
    # Each is probed as a vector, a row (1, 3) and a column (3, 1): code for batches only
    # raises on a vector whatever the library.
    candidates = ["numpy", *[fw for fw in ("torch", "jax") if fw in _imported_libraries(target)]]
    g = np.array([1.0, -0.5, 0.25]) if target.kind in ("vjp", "layer", "autograd") else None
    probes = [(_PROBE, g)] + [
        (_PROBE.reshape(shape), None if g is None else g.reshape(shape))
        for shape in ((1, 3), (3, 1))
    ]
    for framework in candidates:
        trial = _replace(target, framework=framework)
        for x, grad in probes:
            outcome = trial.run(x, grad)
            if outcome.error is None or outcome.timed_out:
                return trial
    return _replace(target, framework=candidates[0])


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


def _defines_call(cls: type) -> bool:
    return any("__call__" in vars(base) for base in cls.__mro__[:-1] if base is not type)


_BUFFER_NAME = re.compile(r"^(out|output|result|res|dst|buf|buffer|out_?buf)$")


def _fills_buffer(obj: Any, params: list[str]) -> str:
    """``f(x, out)``: the name of the output buffer parameter, or ``""``."""
    name = getattr(obj, "__name__", "").lower()
    if len(params) != 2 or _DERIVATIVE_NAME.search(name):
        return ""
    return params[1] if _INPUT_NAMES.match(params[0]) and _BUFFER_NAME.match(params[1]) else ""


def _with_buffer(kernel: Any, name: str) -> Any:
    """``f(x)`` that calls ``kernel(x, out)`` with a zeroed ``out`` and returns what it wrote."""

    @functools.wraps(kernel)
    def filled(x: Any, **keywords: Any) -> Any:
        out = x * 0
        result = kernel(x, out, **keywords)
        return out if result is None else result

    return filled


def _layer_of_backward(obj: Any) -> tuple[Any, str] | None:
    """For a bound ``backward(dvalues)`` (or ``gradient(dy)``, ``grad(grad_output)``, ...) of an
    instance with a forward pass: that instance and the method's name."""
    if not inspect.ismethod(obj):
        return None
    name, owner = obj.__name__, obj.__self__
    if name not in BACKWARD_NAMES and not _DERIVATIVE_NAME.search(name.lower()):
        return None
    if inspect.isclass(owner) or not find_method(owner, FORWARD_NAMES):
        return None
    try:
        params = required_parameters(obj, name)
    except ImplementationError:
        return None
    return (owner, name) if len(params) == 1 and GRADIENT_NAME.match(params[0]) else None


def _forward_only(cls: type) -> bool:
    """A class with a one-input forward method, and no backward or derivative method."""
    name = find_method(cls, FORWARD_NAMES)
    derivatives = [
        n
        for n in dict.fromkeys(n for c in cls.__mro__[:-1] for n in vars(c))
        if not n.startswith("_") and _DERIVATIVE_NAME.search(n.lower())
    ]
    if not name or find_method(cls, BACKWARD_NAMES) or derivatives:
        # With a derivative beside it, passing the forward alone would hide the derivative:
        # the error names both targets instead.
        return False
    try:
        params = required_parameters(getattr(cls, name), cls.__name__)[1:]
    except ImplementationError:
        return False
    rest = [p for p in params if not (AXIS_NAME.match(p) or TEMPERATURE_NAME.match(p))]
    return len(rest) == 1


def _is_layer(obj: Any) -> bool:
    return bool(find_method(obj, FORWARD_NAMES) and find_method(obj, BACKWARD_NAMES))


def _custom_function(obj: Any) -> str:
    """The user-defined autograd.Function a torch.nn.Module instance's forward calls, if any."""
    if not any(c.__module__.startswith("torch.nn") for c in type(obj).__mro__[1:]):
        return ""
    method = getattr(type(obj), "forward", None)
    if method is None:
        return ""
    forward = inspect.unwrap(method)
    code, namespace = getattr(forward, "__code__", None), getattr(forward, "__globals__", {})
    for name in code.co_names if code is not None else ():
        value = namespace.get(name)
        if (
            inspect.isclass(value)
            and not value.__module__.startswith("torch")
            and _is_autograd_function(value)
        ):
            return name
    return ""


def _is_autograd_function(cls: type) -> bool:
    return any(
        base.__module__.startswith("torch.autograd") and base.__name__ == "Function"
        for base in cls.__mro__[1:]
    )
