"""Typing a claim: the shape of each side (scalar, vector, matrix, tensor) and its free indices.

A side's type is the *set* of shapes it can have under every plausible reading of its
symbols: an undefined letter may be anything, ``∂E/∂𝐳`` of an undefined ``E`` is a gradient
(vector) or a Jacobian (matrix), a product of two vectors is an inner, outer or element-wise
product. A relation is ill-typed only when no reading gives both sides a common shape, or when
a side adds terms no reading gives a common shape, so a refutation from here holds under every
reading. Orientation (row or column) is never a reason: documents mix the two freely.

A numeric term (``𝐩 - 1``) is read as broadcast (the all-ones vector, the identity); a sum of
a vector and a letter-valued scalar (``𝐩 ⊙ 𝐠 - Σ_k p_k g_k``) is not a reading of any notation
the document states, and is the typical slip of a hand-derived gradient.

Examples
--------
>>> import sympy as sp
>>> k = sp.Symbol("k", integer=True)
>>> n = sp.Symbol("n", integer=True, positive=True)
>>> p, g = sp.IndexedBase("p"), sp.IndexedBase("g")
>>> kinds = Kinds(vectors=frozenset({"p", "g", "z"}))
>>> lhs = sp.Derivative(sp.Symbol("E"), sp.Symbol("z"))
>>> hadamard = sp.Function("hadamard")  # how the LaTeX reader writes ⊙
>>> rhs = hadamard(sp.Symbol("p"), sp.Symbol("g")) - sp.Sum(p[k] * g[k], (k, 1, n))
>>> ill_typed(lhs, rhs, kinds)
'the left side is a vector or a Jacobian or a tensor, the right side a vector minus a scalar'
>>> print(ill_typed(lhs, sp.Symbol("p") - sp.Symbol("y"), kinds))
None
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = ["Kinds", "Shape", "free_indices", "free_only_on_one_side", "ill_typed", "shapes_of"]


class Shape(Enum):
    """What one reading of an expression is."""

    SCALAR = "scalar"
    VECTOR = "vector"
    MATRIX = "matrix"
    TENSOR = "tensor"


_S, _V, _M, _T = Shape.SCALAR, Shape.VECTOR, Shape.MATRIX, Shape.TENSOR
ANY = frozenset(Shape)
_ELEMENTWISE = frozenset({"softmax", "smax", "sigma", "σ", "relu", "tanh"})
#: element-wise or shape-keeping functions of the vector notation the LaTeX reader produces
_KEEPING = frozenset({"transpose", "hadamard"})
_MAX_DEPTH = 40
_MAX_READINGS = 64


@dataclass(frozen=True)
class Kinds:
    """What the document says each name is: vectors and matrices (linked to their entries
    ``p_k``, ``J_{ij}``), scalars (a loss defined as a sum), and definitions to follow."""

    vectors: frozenset[str] = frozenset()
    matrices: frozenset[str] = frozenset()
    scalars: frozenset[str] = frozenset()
    #: entries that may be rows of a matrix (``x_i`` when ``x_{ij}`` also occurs)
    rows: frozenset[str] = frozenset()
    definitions: Mapping[str, Any] = field(default_factory=dict)


class _Clash(Exception):
    """Terms of one sum that no reading gives a common shape."""

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


def shapes_of(expr: Any, kinds: Kinds, depth: int = 0, *, shift: bool = False) -> frozenset[Shape]:
    """Every shape ``expr`` can have; raises ``_Clash`` on a sum that is ill-typed.

    With ``shift`` (inside the argument of softmax, exp or log) a scalar added to a vector is
    the conventional shift ``softmax(𝐳 - c)`` and broadcasts."""
    if depth > _MAX_DEPTH or not isinstance(expr, sp.Basic):
        return ANY
    if isinstance(expr, sp.MatrixBase):
        return frozenset({_M if expr.rows > 1 and expr.cols > 1 else _V})
    if isinstance(expr, sp.Indexed):
        if not all(index.is_integer and str(index) not in kinds.vectors for index in expr.indices):
            return ANY  # ``J_{\mathbf x}``: a label (maybe bold), not an entry
        return frozenset({_S, _V} if str(expr.base.label) in kinds.rows else {_S})
    if expr.is_number or isinstance(expr, sp.KroneckerDelta):
        return frozenset({_S})
    if isinstance(expr, sp.Symbol):
        return _symbol(expr, kinds, depth)
    if isinstance(expr, sp.Add):
        return _add(expr, kinds, depth, shift)
    if isinstance(expr, sp.Mul):
        return _mul([shapes_of(a, kinds, depth + 1) for a in expr.args])
    if isinstance(expr, sp.Pow):
        return shapes_of(expr.base, kinds, depth + 1)
    if isinstance(expr, (sp.Sum, sp.Product)):
        return shapes_of(expr.function, kinds, depth + 1)
    if isinstance(expr, sp.Derivative):
        return _derivative(expr, kinds, depth)
    if isinstance(expr, AppliedUndef):
        return _applied(expr, kinds, depth)
    if isinstance(expr, (sp.exp, sp.log)) and len(expr.args) == 1:
        return shapes_of(expr.args[0], kinds, depth + 1, shift=True)
    return ANY


def _symbol(expr: sp.Symbol, kinds: Kinds, depth: int) -> frozenset[Shape]:
    if expr.is_integer:
        return frozenset({_S})
    name = expr.name
    if name in kinds.vectors or name in ("ones", "zeros"):
        return frozenset({_V}) if name != "zeros" else ANY
    if name in kinds.matrices:
        return frozenset({_M})
    if name in kinds.scalars:
        return frozenset({_S})
    if name in kinds.definitions:
        return shapes_of(kinds.definitions[name], kinds, depth + 1)
    return ANY


def _add(expr: sp.Add, kinds: Kinds, depth: int, shift: bool) -> frozenset[Shape]:
    # a number added to a vector reads as broadcast (1 as the all-ones vector), and the
    # all-ones vector minus a scalar as the entries 1 - p_k
    terms = [t for t in expr.args if not t.is_number and not _is_ones(t)]
    if not terms:
        return frozenset({_S})
    sets = [shapes_of(term, kinds, depth + 1) for term in terms]
    arrays = [found for found in sets if found != frozenset({_S})]
    common = frozenset(ANY)
    for found in arrays if shift and arrays else sets:
        common &= found
    if not common:
        raise _Clash(_describe_sum(terms, sets))
    return common


def _is_ones(term: Any) -> bool:
    ones = sp.Symbol("ones")
    return bool(term == ones or (-term) == ones)


def _mul(sets: list[frozenset[Shape]]) -> frozenset[Shape]:
    arrays = [s for s in sets if s != frozenset({_S})]
    if not arrays:
        return frozenset({_S})
    out: set[Shape] = set()
    for reading in itertools.islice(itertools.product(*arrays), _MAX_READINGS):
        out |= _product_of(reading)
    return frozenset(out)


def _product_of(reading: Iterable[Shape]) -> frozenset[Shape]:
    shapes = [s for s in reading if s is not _S]
    if not shapes:
        return frozenset({_S})
    if len(shapes) == 1:
        return frozenset(shapes)
    if len(shapes) > 2 or _T in shapes:
        return ANY
    pair = sorted(shapes, key=lambda s: s.value)
    if pair == [_V, _V]:
        # inner, outer or element-wise: the order of the factors is not kept
        return frozenset({_S, _V, _M})
    if pair == [_M, _V]:
        return frozenset({_V})
    return frozenset({_M})


def _derivative(expr: sp.Derivative, kinds: Kinds, depth: int) -> frozenset[Shape]:
    current = shapes_of(expr.expr, kinds, depth + 1)
    grow = {_S: _V, _V: _M, _M: _T, _T: _T}
    for variable, count in expr.variable_count:
        by = shapes_of(variable, kinds, depth + 1)
        if not count.is_Integer or by - {_S, _V}:
            return ANY
        following: set[Shape] = set()
        for shape in current:
            if _S in by:
                following.add(shape)
            if _V in by:
                grown = shape
                for _ in range(int(count)):
                    grown = grow[grown]
                following.add(grown)
        current = frozenset(following)
    return current


def _applied(expr: AppliedUndef, kinds: Kinds, depth: int) -> frozenset[Shape]:
    name = expr.func.__name__
    args = [shapes_of(a, kinds, depth + 1, shift=name in _ELEMENTWISE) for a in expr.args]
    if name in _KEEPING and args:
        common = frozenset(ANY)
        for found in args:
            if found != frozenset({_S}):
                common &= found
        return common or ANY
    if name == "diag" and len(args) == 1:
        return frozenset({_M} if args[0] == frozenset({_V}) else {_M, _V})
    if name == "inner":
        return frozenset({_S})
    if (name in _ELEMENTWISE or name in kinds.vectors) and len(args) == 1:
        return args[0]
    return ANY


# ---------------------------------------------------------------------------------------
# words
# ---------------------------------------------------------------------------------------

_ARTICLE = {_S: "a scalar", _V: "a vector", _M: "a matrix", _T: "a tensor"}


def _words(expr: Any, found: frozenset[Shape]) -> str:
    if len(found) == len(ANY):
        return "of any shape"
    names = [_ARTICLE[s] for s in Shape if s in found]
    if isinstance(expr, sp.Derivative) and _M in found:
        names = ["a Jacobian" if n == "a matrix" else n for n in names]
    return " or ".join(names)


def _describe_sum(terms: list[Any], sets: list[frozenset[Shape]]) -> str:
    parts = []
    # the order the author most likely wrote: positive terms first
    ordered = sorted(zip(terms, sets, strict=True), key=lambda t: t[0].could_extract_minus_sign())
    for number, (term, found) in enumerate(ordered):
        negative = term.could_extract_minus_sign()
        words = _words(-term if negative else term, found)
        if number == 0:
            parts.append(("minus " if negative else "") + words)
        else:
            parts.append(("minus " if negative else "plus ") + words)
    return " ".join(parts)


def _side_words(expr: Any, kinds: Kinds) -> tuple[str, frozenset[Shape] | None]:
    try:
        found = shapes_of(expr, kinds)
    except _Clash as clash:
        return clash.words, None
    return _words(expr, found), found


def ill_typed(lhs: Any, rhs: Any, kinds: Kinds) -> str | None:
    """Why ``lhs = rhs`` is ill-typed under every reading, or ``None`` when some reading types it.

    A side that is zero (``0``, the zero vector) or a number equals any shape. A scalar side
    equated to a vector or matrix is read as one entry written for the whole
    (``∂(-log S_k)/∂𝐳 = S_k - 1``), loose but common; a vector equated to a matrix has no such
    reading.
    """
    left_words, left = _side_words(lhs, kinds)
    right_words, right = _side_words(rhs, kinds)
    if left is None or right is None:
        return f"the left side is {left_words}, the right side {right_words}"
    if _is_constant(lhs) or _is_constant(rhs) or left & right or _S in left | right:
        return None
    return f"the left side is {left_words}, the right side {right_words}"


def _is_constant(expr: Any) -> bool:
    return not isinstance(expr, sp.Basic) or expr.is_number or expr == sp.Symbol("zeros")


# ---------------------------------------------------------------------------------------
# free indices
# ---------------------------------------------------------------------------------------


def free_indices(expr: Any, skip: frozenset[Any] = frozenset()) -> set[sp.Symbol]:
    """Index symbols free in ``expr``, including those of derivative variables (``∂/∂z_j``),
    which SymPy counts as bound; bound sum indices are dummies by now."""
    if not isinstance(expr, sp.Basic):
        return set()
    symbols = set(expr.free_symbols)
    for derivative in expr.atoms(sp.Derivative):
        for variable, _ in derivative.variable_count:
            symbols |= variable.free_symbols
    return {
        s
        for s in symbols
        if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy) and s.is_integer
    } - set(skip)


def _opaque(expr: Any, kinds: Kinds) -> bool:
    """Whether a side names something that may depend on an index it does not show (a loss
    ``L`` of the true class, an undefined function)."""
    if not isinstance(expr, sp.Basic):
        return True
    if expr.atoms(AppliedUndef) - {
        f for f in expr.atoms(AppliedUndef) if f.func.__name__ in _ELEMENTWISE | _KEEPING
    }:
        return True
    return any(
        not s.is_integer and s.name not in kinds.vectors | kinds.matrices
        for s in expr.free_symbols
        if isinstance(s, sp.Symbol)
    )


def free_only_on_one_side(lhs: Any, rhs: Any, kinds: Kinds, fixed: frozenset[Any]) -> str | None:
    """``"k is free on the right only"`` when the right side has an index the left side (the
    thing the claim is about) never mentions, and the left names nothing that could depend on
    it. ``fixed`` are the dimension and the indices the document states conditions on or names
    (the true class). An index free on the left only is a case split the author may have meant
    (``∂S_i/∂z_j = S_i(1 - S_i)`` for i = j) and is left to the conditional verdict."""
    only = free_indices(rhs, fixed) - free_indices(lhs, fixed)
    if not only or _opaque(lhs, kinds):
        return None
    names = sorted(str(s) for s in only)
    return f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} free on the right only"
