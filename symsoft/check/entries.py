"""Matrices and vectors read entry by entry: the general entry of each side of a step.

A step between matrices (a written-out matrix with dots, ``diag(p) - p p^T``, a Jacobian
``∂p/∂z``) or vectors (``p ⊙ g - p ⟨g, p⟩``) is decided on its general entry at (row, col) or
(row): :func:`entries_of` reduces an expression to its shape and that entry, and
:func:`matrix_pairs` lines up the entries of a written-out matrix with their labels.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symsoft.check.definitions import Definitions, Unsupported

__all__ = [
    "COL",
    "DOTS_NAME",
    "INTERNAL",
    "ROW",
    "SHAPE_NAMES",
    "VECTOR_FUNCTIONS",
    "entries_of",
    "is_matrix",
    "is_vector_step",
    "matrix_pairs",
]

VECTOR_FUNCTIONS = frozenset({"diag", "transpose", "hadamard", "inner"})
DOTS_NAME = "…"


def is_matrix(expr: Any) -> bool:
    return isinstance(expr, sp.MatrixBase)


def _is_dots(entry: Any) -> bool:
    return isinstance(entry, sp.Symbol) and entry.name == DOTS_NAME


def _labels(entries: list[Any], n: Any) -> list[Any]:
    """Index of each position of a row (or column) written with dots: 1, 2, …, n−1, n."""
    dots = [p for p, e in enumerate(entries) if e is None or _is_dots(e)]
    count = len(entries)
    if not dots:
        return [sp.Integer(p + 1) for p in range(count)]
    first, last = min(dots), max(dots)
    labels: list[Any] = []
    for position in range(count):
        if position in dots:
            labels.append(None)
        elif position < first:
            labels.append(sp.Integer(position + 1))
        elif position > last:
            labels.append(n - (count - 1 - position))
        else:
            labels.append("middle")
    return labels


def matrix_pairs(
    lhs: Any, rhs: Any, defs: Definitions
) -> tuple[list[tuple[str, Any, Any]], int, list[Any]]:
    if is_matrix(lhs) and is_matrix(rhs):
        if lhs.shape != rhs.shape:
            raise Unsupported(f"matrices of shapes {lhs.shape} and {rhs.shape}")
        pairs = []
        for r in range(lhs.rows):
            for c in range(lhs.cols):
                a, b = lhs[r, c], rhs[r, c]
                if _is_dots(a) and _is_dots(b):
                    continue
                if _is_dots(a) or _is_dots(b):
                    raise Unsupported(f"entry ({r + 1}, {c + 1}) is dots on one side only")
                pairs.append((f"entry ({r + 1}, {c + 1})", a, b))
        return pairs, 0, []
    matrix, other, flipped = (lhs, rhs, False) if is_matrix(lhs) else (rhs, lhs, True)
    expected = (
        "mat" if matrix.rows > 1 and matrix.cols > 1 else "row" if matrix.rows == 1 else "col"
    )
    shape, entry = entries_of(other, defs, hint=expected)
    if shape not in (expected, "zero"):
        raise Unsupported(f"a written-out matrix compared with a {SHAPE_NAMES[shape]}")
    n = defs.dimension
    explicit = not any(_is_dots(e) for e in matrix)
    rows = [list(matrix.row(r)) for r in range(matrix.rows)]
    row_labels = _labels([None if all(_is_dots(e) for e in row) else 0 for row in rows], n)
    pairs = []
    used_labels: set[Any] = set()
    for r, row in enumerate(rows):
        if row_labels[r] is None:
            continue
        column_labels = _labels(row, n)
        for c, written in enumerate(row):
            if _is_dots(written):
                continue
            labels = [row_labels[r], column_labels[c]]
            for at, label in enumerate(labels):
                if label == "middle":
                    labels[at] = _middle_label(written, labels)
            target = entry.xreplace({ROW: labels[0], COL: labels[1]})
            used_labels.update(label for label in labels if label is not None)
            where = f"entry ({r + 1}, {c + 1})"
            pairs.append((where, written, target) if flipped else (where, target, written))
    size = max(matrix.shape) if explicit and matrix.rows == matrix.cols else 0
    return pairs, size, sorted(used_labels, key=str)


def _middle_label(entry: Any, known: list[Any]) -> Any:
    """The index of an entry written between dots: the one free index it mentions."""
    candidates = {s for s in entry.free_symbols if isinstance(s, sp.Symbol) and s.is_integer} - {
        x for x in known if isinstance(x, sp.Symbol)
    }
    if len(candidates) != 1:
        raise Unsupported("a matrix entry between dots whose index cannot be read off")
    return candidates.pop()


# ---------------------------------------------------------------------------------------
# vector notation, read entry-wise: diag(s) - s s^T has entry δ_rc s_r - s_r s_c
# ---------------------------------------------------------------------------------------

#: index names symsoft introduces itself; a condition on them is never the author's
INTERNAL = frozenset({"row", "col", "coef"})
ROW = sp.Symbol("row", integer=True)
COL = sp.Symbol("col", integer=True)
SHAPE_NAMES = {
    "scalar": "scalar",
    "col": "column vector",
    "row": "row vector",
    "mat": "matrix",
    "zero": "zero",
}
_DIMS = {"scalar": (1, 1), "col": ("n", 1), "row": (1, "n"), "mat": ("n", "n")}
_SHAPES = {dims: shape for shape, dims in _DIMS.items()}


def is_vector_step(expr: Any, defs: Definitions) -> bool:
    if not isinstance(expr, sp.Basic):
        return False
    if any(f.func.__name__ in VECTOR_FUNCTIONS for f in expr.atoms(AppliedUndef)):
        return True
    if any(s.name in ("ones", "zeros") for s in expr.free_symbols if isinstance(s, sp.Symbol)):
        return True
    return any(
        isinstance(v, sp.Symbol) and not v.is_integer
        for d in expr.atoms(sp.Derivative)
        for v, _ in d.variable_count
        if isinstance(d.expr, (sp.Symbol, sp.Indexed)) and v.name == str(defs.variable.label)
    )


def entries_of(
    expr: Any, defs: Definitions, hint: str | None = None, depth: int = 0
) -> tuple[str, Any]:
    """The shape of a vector expression and its (row, col) entry as a scalar expression."""
    if depth > 40:
        raise Unsupported("vector expression nested too deeply")
    if isinstance(expr, sp.MatrixBase):
        raise Unsupported("a written-out matrix inside vector notation")
    if isinstance(expr, sp.Symbol) and not expr.is_integer:
        if expr.name == "ones":
            return "col", sp.S.One
        if expr.name == "zeros":
            return "zero", sp.S.Zero
        if expr == defs.dimension:
            return "scalar", expr
        if (
            ("indexed", expr.name) in defs.table
            or expr.name == str(defs.variable.label)
            or defs.reads_as_softmax(expr.name)
        ):
            return "col", sp.IndexedBase(expr.name)[ROW]
        entry = defs.table.get(("symbol", expr.name))
        if entry is not None:
            defs.used.add(entry[2])
            return entries_of(entry[1], defs, hint, depth + 1)
        return "col", sp.IndexedBase(expr.name)[ROW]
    if isinstance(expr, sp.Derivative) and len(expr.variable_count) == 1:
        function, (variable, count) = expr.expr, expr.variable_count[0]
        if isinstance(variable, sp.Symbol) and not variable.is_integer and count == 1:
            by = sp.IndexedBase(variable.name)
            scalar = defs.table.get(("symbol", function.name)) if function.is_Symbol else None
            if scalar is not None and not _vector_named(function.name, scalar[1], defs):
                # ∂L/∂z for a scalar L (a loss): the gradient, a column like z
                defs.used.add(scalar[2])
                return "col", sp.Derivative(defs.expand(scalar[1]), by[ROW])
            if isinstance(function, sp.Symbol):
                return "mat", sp.Derivative(sp.IndexedBase(function.name)[ROW], by[COL])
            return "row", sp.Derivative(function, by[COL])
    if isinstance(expr, AppliedUndef) and expr.func.__name__ in VECTOR_FUNCTIONS:
        return _vector_function(expr, defs, depth)
    if (
        isinstance(expr, AppliedUndef)
        and len(expr.args) == 1
        and expr.args[0] == sp.Symbol(str(defs.variable.label))
        and (
            ("indexed", expr.func.__name__) in defs.table
            or defs.reads_as_softmax(expr.func.__name__)
        )
    ):
        # ``\\sigma(\\mathbf z)`` in ``\\text{diag}(\\sigma(\\mathbf z)) - …``: the vector σ
        return "col", sp.IndexedBase(expr.func.__name__)[ROW]
    if isinstance(expr, sp.Add):
        terms = [entries_of(term, defs, hint, depth + 1) for term in expr.args]
        shapes = {shape for shape, _ in terms if shape != "zero"}
        if len(shapes) > 1:
            raise Unsupported(
                "a sum of a " + " and a ".join(SHAPE_NAMES[s] for s in sorted(shapes))
            )
        return (shapes.pop() if shapes else "zero"), sp.Add(*[e for _, e in terms])
    if isinstance(expr, sp.Mul):
        return _product(expr, defs, hint, depth)
    if isinstance(expr, sp.Pow):
        shape, base = entries_of(expr.base, defs, None, depth + 1)
        if shape not in ("scalar", "zero"):
            raise Unsupported("a power of a vector or matrix")
        return shape, base**expr.exp
    return "scalar", expr


def _vector_named(name: str, value: Any, defs: Definitions) -> bool:
    """Whether a defined symbol is a vector (``\\mathbf s = softmax(\\mathbf z)``), not a loss."""
    if ("indexed", name) in defs.table or defs.reads_as_softmax(name):
        return True
    return isinstance(value, sp.Basic) and sp.Symbol(str(defs.variable.label)) in value.free_symbols


def _vector_function(expr: Any, defs: Definitions, depth: int) -> tuple[str, Any]:
    name = expr.func.__name__
    args = [entries_of(arg, defs, None, depth + 1) for arg in expr.args]
    if name == "transpose" and len(args) == 1:
        shape, entry = args[0]
        swapped = entry.xreplace({ROW: COL, COL: ROW})
        return {"col": "row", "row": "col"}.get(shape, shape), swapped
    if name == "diag" and len(args) == 1 and args[0][0] in ("col", "row"):
        entry = args[0][1].xreplace({COL: ROW})
        return "mat", sp.KroneckerDelta(ROW, COL) * entry
    if name == "hadamard" and len(args) == 2:
        shapes = {shape for shape, _ in args} - {"zero"}
        if len(shapes) > 1:
            raise Unsupported("⊙ of operands of different shapes")
        return (shapes.pop() if shapes else "zero"), args[0][1] * args[1][1]
    if name == "inner" and len(args) == 2 and all(s in ("col", "row") for s, _ in args):
        k = sp.Dummy("k", integer=True)
        a, b = (e.xreplace({ROW: k, COL: k}) for _, e in args)
        return "scalar", sp.Sum(a * b, (k, 1, defs.dimension))
    raise Unsupported(f"{name} of these arguments")


def _product(expr: Any, defs: Definitions, hint: str | None, depth: int) -> tuple[str, Any]:
    scalar = sp.S.One
    arrays = []
    for factor in expr.args:
        shape, entry = entries_of(factor, defs, None, depth + 1)
        if shape == "zero":
            return "zero", sp.S.Zero
        if shape == "scalar":
            scalar *= entry
        else:
            arrays.append((shape, entry))
    if not arrays:
        return "scalar", scalar
    if len(arrays) == 1:
        return arrays[0][0], scalar * arrays[0][1]
    if len(arrays) > 2:
        raise Unsupported("a product of three vectors or matrices (their order is not kept)")
    options: dict[str, Any] = {}
    for first, second in (arrays, arrays[::-1]):
        product = _matmul(first, second, defs)
        if product is not None:
            options.setdefault(product[0], product[1])
    if hint is not None and hint in options:
        return hint, scalar * options[hint]
    if len(options) == 1:
        shape, entry = options.popitem()
        return shape, scalar * entry
    raise Unsupported("a product of two vectors or matrices whose order is ambiguous")


def _matmul(
    first: tuple[str, Any], second: tuple[str, Any], defs: Definitions
) -> tuple[str, Any] | None:
    (a_shape, a), (b_shape, b) = first, second
    (a_rows, a_cols), (b_rows, b_cols) = _DIMS[a_shape], _DIMS[b_shape]
    if a_cols != b_rows:
        return None
    shape = _SHAPES[(a_rows, b_cols)]
    if a_cols == 1:
        return shape, a * b
    k = sp.Dummy("k", integer=True)
    return shape, sp.Sum(a.xreplace({COL: k}) * b.xreplace({ROW: k}), (k, 1, defs.dimension))
