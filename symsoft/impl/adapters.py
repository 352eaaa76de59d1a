"""Adapting user objects to a contract: constructing classes, and pairing a backward pass with
the cache its forward pass returns.

A layer class is constructed without arguments, or with the required parameters whose value
does not depend on the input (a name, an axis, a temperature, a learning rate); a
``softmax_backward(dout, cache)`` beside a ``softmax_forward(x)`` that returns ``(out, cache)``
is called with that cache (CS231n style).

Examples
--------
>>> class Softmax:
...     def __init__(self, name, axis, scale=2.0):
...         pass
>>> constructor_arguments(Softmax)
{'name': 'Softmax', 'axis': -1}
>>> construction_note(Softmax)
"constructed as Softmax(name='Softmax', axis=-1)"
"""

from __future__ import annotations

import functools
import inspect
import re
from typing import Any

from symsoft.errors import ImplementationError
from symsoft.impl.calling import AXIS_NAME, TEMPERATURE_NAME, describe_error, required_parameters
from symsoft.impl.importing import importing

__all__ = [
    "CACHE_NAME",
    "construction_note",
    "constructor_arguments",
    "forward_partner",
    "instantiate",
    "size_parameters",
    "with_cache",
]


def size_parameters(cls: type) -> list[str]:
    """The required constructor parameters that are the number of classes (``input_size``)."""
    try:
        required = required_parameters(cls, cls.__name__)
    except ImplementationError:
        return []
    return [name for name in required if _CONSTRUCTOR_SIZE.match(name)]


def instantiate(cls: type, label: str, classes: int | None = None) -> Any:
    """An instance of ``cls``, built with :func:`constructor_arguments`; a failure cannot run.

    ``classes`` fills the size parameters (:func:`size_parameters`), when given.
    """
    arguments = constructor_arguments(cls, sized=classes is not None)
    arguments.update({name: classes for name in size_parameters(cls) if classes is not None})
    try:
        with importing(None):
            return cls(**arguments)
    except (Exception, SystemExit) as error:
        raise ImplementationError(
            label, f"cannot construct {_shown_call(cls, arguments)}: {describe_error(error)}"
        ) from None


#: required constructor parameters symsoft can fill in, and with what (by name)
_CONSTRUCTOR_NAME = re.compile(r"^(name|layer_name)$")
_CONSTRUCTOR_STEP = re.compile(r"^(lr|learning_rate|eta)$")
#: a softmax layer's only size is its number of classes, whatever its author calls it
_CONSTRUCTOR_SIZE = re.compile(
    r"^(n|size|input_size|output_size|input_dim|output_dim|dim_in|dim_out|in_features|"
    r"out_features|n_inputs|n_outputs|n_classes|num_classes|classes|n_nodes|nb_nodes|nodes|"
    r"units|n_units|n_neurons|num_neurons)$"
)


def constructor_arguments(cls: type, *, sized: bool = False) -> dict[str, Any]:
    """Values for a class's required constructor parameters that do not depend on the input.

    ``Softmax(name)``, ``Softmax(dim)`` or ``Softmax(axis)`` are constructed as
    ``Softmax(name='Softmax')``, ``Softmax(dim=-1)``. A size (``input_size``) depends on the
    input: with ``sized=True`` it is left to the caller (:func:`instantiate` with ``classes``),
    otherwise such a class has no arguments symsoft can supply.
    """
    try:
        required = required_parameters(cls, cls.__name__)
    except ImplementationError:
        return {}
    values: dict[str, Any] = {}
    for name in required:
        if AXIS_NAME.match(name):
            values[name] = -1
        elif TEMPERATURE_NAME.match(name):
            values[name] = 1.0
        elif _CONSTRUCTOR_STEP.match(name):
            values[name] = 0.0
        elif _CONSTRUCTOR_NAME.match(name):
            values[name] = cls.__name__
        elif not (sized and _CONSTRUCTOR_SIZE.match(name)):
            return {}
    return values


def construction_note(obj: Any) -> str:
    """How a class that needs arguments is constructed, for the report ("" for no arguments)."""
    if not inspect.isclass(obj) or not constructor_arguments(obj):
        return ""
    return f"constructed as {_shown_call(obj, constructor_arguments(obj))}"


def _shown_call(cls: type, arguments: dict[str, Any]) -> str:
    if not arguments:
        return f"{cls.__name__}() without arguments"
    return f"{cls.__name__}({', '.join(f'{k}={v!r}' for k, v in arguments.items())})"


#: what a forward partner hands its backward: a CS231n cache, JAX custom_vjp residuals
CACHE_NAME = re.compile(r"^(cache\w*|\w*_cache|res|residuals?)$")


def forward_partner(backward: Any) -> Any:
    """The ``softmax_forward`` beside a ``softmax_backward`` (``_bwd``/``_fwd`` too), if any."""
    name = getattr(backward, "__name__", "")
    namespace = getattr(backward, "__globals__", {})
    for old, new in (("backward", "forward"), ("bwd", "fwd")):
        partner = namespace.get(name.replace(old, new)) if old in name else None
        if inspect.isfunction(partner):
            return partner
    return None


def with_cache(backward: Any, forward: Any, gradient_first: bool) -> Any:
    """``f(z, g)`` that calls ``backward`` with ``g`` and the cache ``forward(z)`` returns."""

    @functools.wraps(backward)
    def paired(z: Any, g: Any, **keywords: Any) -> Any:
        result = forward(z)
        # (out, cache) is the convention; a forward returning only its output leaves z.
        cache = result[-1] if isinstance(result, tuple) and len(result) > 1 else z
        return backward(g, cache, **keywords) if gradient_first else backward(cache, g, **keywords)

    return paired
