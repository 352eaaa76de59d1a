"""Typesetting of derivation formulas: KaTeX-safe LaTeX and Unicode text from one SymPy tree.

A :class:`Formula` keeps the SymPy expression that is machine-checked together with the LaTeX
and text printed *from that same expression*, so what a reader sees is what was verified.
Vector and matrix notation (``diag(S) − S Sᵀ``, ``S ⊙ (g − ⟨g, S⟩ 1)``) is built with
:class:`Tensor`, whose notation and entries are produced by the same constructor.

Only commands KaTeX supports in strict mode are emitted: ``\\frac``, ``\\partial``,
``\\sum_{l=1}^{n}``, ``\\delta_{ij}``, ``\\operatorname{diag}``, ``\\mathbf``, ``\\odot``,
``\\langle``, ``pmatrix``, ``\\left( \\right)``.

Examples
--------
>>> import sympy as sp
>>> z = sp.IndexedBase("z")
>>> i, j = sp.symbols("i j", integer=True)
>>> latex(sp.Derivative(sp.exp(z[i]), z[j]))
'\\\\frac{\\\\partial e^{z_i}}{\\\\partial z_j}'
>>> text(sp.KroneckerDelta(i, j) * sp.exp(z[i]))
'δ_ij·e^(z_i)'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

__all__ = ["Formula", "Tensor", "formula", "latex", "text"]


def _subscript(indices: Sequence[Any], printer: Callable[[Any], str]) -> str:
    parts = [printer(index) for index in indices]
    if len(parts) == 1:
        return parts[0] if len(parts[0]) == 1 else "{" + parts[0] + "}"
    joiner = "" if all(len(part) == 1 for part in parts) and len(parts) == 2 else ","
    if any(part.isdigit() for part in parts):
        joiner = ","
    return "{" + joiner.join(parts) + "}"


class _Latex(LatexPrinter):
    def __init__(self) -> None:
        super().__init__({"order": "none", "mul_symbol": None})

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        parts = [self._print(index) for index in expr.indices]
        if len(parts) == 1:
            return f"{expr.base.label}_{_subscript(expr.indices, self._print)}"
        return f"{expr.base.label}_{{{','.join(parts)}}}"

    def _print_Sum(self, expr: sp.Sum) -> str:
        # one \sum per limit: SymPy's \substack form is harder to read and to parse back
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = f"\\left({body}\\right)"
        for index, lo, hi in expr.limits:
            body = f"\\sum_{{{self._print(index)}={self._print(lo)}}}^{{{self._print(hi)}}} {body}"
        return body

    def _print_Mul(self, expr: sp.Mul) -> str:
        # an unevaluated −1·x would print as (−1) x
        if expr.args and expr.args[0] is sp.S.NegativeOne and len(expr.args) > 1:
            rest = sp.Mul(*expr.args[1:], evaluate=False) if len(expr.args) > 2 else expr.args[1]
            body = self._print(rest)
            return f"- \\left({body}\\right)" if isinstance(rest, sp.Add) else f"- {body}"
        inverses = [a for a in expr.args if isinstance(a, sp.Pow) and a.exp == -1]
        if len(inverses) == 1 and len(expr.args) > 1:
            # an unevaluated a·b⁻¹ built by the routes: print it as the fraction it stands for
            others = [a for a in expr.args if a is not inverses[0]]
            top = others[0] if len(others) == 1 else sp.Mul(*others, evaluate=False)
            return f"\\frac{{{self._print(top)}}}{{{self._print(inverses[0].base)}}}"
        if any(isinstance(a, sp.Pow) and a.exp.is_negative for a in expr.args):
            return super()._print_Mul(expr)
        # juxtapose factors in the order built; bracket sums and a Σ that is not last
        parts = []
        for position, factor in enumerate(expr.args):
            text = self._print(factor)
            last = position == len(expr.args) - 1
            if isinstance(factor, sp.Add) or (isinstance(factor, sp.Sum) and not last):
                text = f"\\left({text}\\right)"
            parts.append(text)
        return " ".join(parts)

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, exp: Any = None) -> str:
        body = f"\\delta_{_subscript(expr.args, self._print)}"
        return f"{body}^{{{exp}}}" if exp else body

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        denominator = " ".join(f"\\partial {self._print(v)}" for v in expr.variables)
        inner = expr.expr
        if isinstance(inner, sp.Indexed | sp.Symbol | sp.exp) or (
            isinstance(inner, sp.log) and isinstance(inner.args[0], sp.Indexed)
        ):
            return f"\\frac{{\\partial {self._print(inner)}}}{{{denominator}}}"
        return f"\\frac{{\\partial}}{{{denominator}}} \\left({self._print(inner)}\\right)"

    def _print_log(self, expr: sp.log, exp: Any = None) -> str:
        argument = expr.args[0]
        if isinstance(argument, sp.Indexed | sp.Symbol):
            body = f"\\log {self._print(argument)}"
        else:
            body = f"\\log\\left({self._print(argument)}\\right)"
        return f"\\left({body}\\right)^{{{exp}}}" if exp else body

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        rows = [" & ".join(self._print(entry) for entry in expr.row(r)) for r in range(expr.rows)]
        return "\\begin{pmatrix} " + " \\\\ ".join(rows) + " \\end{pmatrix}"

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase


class _Text(StrPrinter):
    # Indexed has its own _sympystr, which would win over the method below
    printmethod = "_symsoft_text"

    def __init__(self) -> None:
        super().__init__({"order": "none"})

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        parts = [self._print(index) for index in expr.indices]
        if len(parts) == 1:
            return f"{expr.base.label}_{parts[0]}"
        return f"{expr.base.label}_({','.join(parts)})"

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta) -> str:
        left, right = (self._print(arg) for arg in expr.args)
        sep = "" if len(left) == len(right) == 1 else ","
        return f"δ_{left}{sep}{right}"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        variables = "".join(f"∂{self._print(v)}" for v in expr.variables)
        inner = expr.expr
        if isinstance(inner, sp.Indexed | sp.Symbol | sp.exp):
            return f"∂{self._print(inner)}/{variables}"
        if isinstance(inner, sp.log) and isinstance(inner.args[0], sp.Indexed):
            return f"∂ log {self._print(inner.args[0])}/{variables}"
        body = self._print(inner)
        return f"∂/{variables} {body if isinstance(inner, sp.Sum) else f'({body})'}"

    def _print_Sum(self, expr: sp.Sum) -> str:
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = f"({body})"
        for index, lo, hi in expr.limits:
            body = f"Σ_{{{self._print(index)}={self._print(lo)}}}^{{{self._print(hi)}}} {body}"
        # in linear text a sum's extent is ambiguous inside products and powers: bracket it
        return f"({body})"

    def _print_exp(self, expr: sp.exp) -> str:
        return f"e^({self._print(expr.args[0])})"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_log(self, expr: sp.log) -> str:
        return f"log({self._print(expr.args[0])})"

    def _print_Mul(self, expr: sp.Mul) -> str:
        return super()._print_Mul(expr).replace("*", "·")

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        rows = [
            "[" + ", ".join(self._print(e) for e in expr.row(r)) + "]" for r in range(expr.rows)
        ]
        return "[" + ", ".join(rows) + "]"

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase


def latex(expr: Any) -> str:
    """KaTeX-safe LaTeX of a SymPy expression, keeping the order it was built in."""
    return _Latex().doprint(expr)


def text(expr: Any) -> str:
    """Unicode text of a SymPy expression for a terminal."""
    printed = _Text().doprint(expr)
    if isinstance(expr, sp.Sum):
        printed = printed[1:-1]
    printed = printed.replace("**", "^").replace("*", "·").replace(" - ", " − ")
    return re.sub(r"(^|[\[(, ])-", "\\1−", printed)


@dataclass(frozen=True)
class Formula:
    """A machine-checkable expression with its LaTeX and text, printed from the same tree."""

    expr: Any
    latex: str
    text: str


def formula(expr: Any) -> Formula:
    """Typeset ``expr``.

    Examples
    --------
    >>> import sympy as sp
    >>> formula(sp.Symbol("x")).latex
    'x'
    """
    return Formula(expr, latex(expr), text(expr))


@dataclass(frozen=True)
class Tensor:
    """A vector (rank 1) or matrix (rank 2) in notation, with the rule for its entries.

    ``entry(*indices)`` gives the SymPy entry; ``dim`` is an int (entries written out) or a
    symbol (entries kept generic).

    Examples
    --------
    >>> import sympy as sp
    >>> S = sp.IndexedBase("S")
    >>> s = Tensor.vector("S", S, 2)
    >>> (s.outer(s)).explicit().latex
    '\\\\begin{pmatrix} S_1 S_1 & S_1 S_2 \\\\\\\\ S_2 S_1 & S_2 S_2 \\\\end{pmatrix}'
    """

    latex: str
    text: str
    rank: int
    entry: Callable[..., sp.Expr]
    dim: Any
    atomic: bool = True

    @classmethod
    def vector(cls, name: str, base: sp.IndexedBase, dim: Any) -> Tensor:
        return cls(f"\\mathbf{{{name}}}", name, 1, lambda k: base[k], dim)

    @classmethod
    def ones(cls, dim: Any) -> Tensor:
        return cls("\\mathbf{1}", "1", 1, lambda k: sp.Integer(1), dim)

    def _wrapped(self) -> tuple[str, str]:
        if self.atomic:
            return self.latex, self.text
        return f"\\left({self.latex}\\right)", f"({self.text})"

    def diag(self) -> Tensor:
        return Tensor(
            f"\\operatorname{{diag}}({self.latex})",
            f"diag({self.text})",
            2,
            lambda a, b: sp.KroneckerDelta(a, b) * self.entry(a),
            self.dim,
        )

    def outer(self, other: Tensor) -> Tensor:
        return Tensor(
            f"{self.latex} {other.latex}^\\top",
            f"{self.text}{other.text}ᵀ",
            2,
            lambda a, b: sp.Mul(self.entry(a), other.entry(b), evaluate=False),
            self.dim,
        )

    def __sub__(self, other: Tensor) -> Tensor:
        rhs_latex, rhs_text = other._wrapped() if not other.atomic else (other.latex, other.text)
        return Tensor(
            f"{self.latex} - {rhs_latex}",
            f"{self.text} − {rhs_text}",
            self.rank,
            lambda *k: sp.Add(
                self.entry(*k), sp.Mul(-1, other.entry(*k), evaluate=False), evaluate=False
            ),
            self.dim,
            atomic=False,
        )

    def hadamard(self, other: Tensor) -> Tensor:
        left, right = self._wrapped(), other._wrapped()
        return Tensor(
            f"{left[0]} \\odot {right[0]}",
            f"{left[1]} ⊙ {right[1]}",
            1,
            lambda k: sp.Mul(self.entry(k), other.entry(k), evaluate=False),
            self.dim,
            atomic=False,
        )

    def scaled(self, scalar: Formula) -> Tensor:
        return Tensor(
            f"{scalar.latex} {self.latex}",
            f"{scalar.text} {self.text}",
            self.rank,
            lambda *k: sp.Mul(scalar.expr, self.entry(*k), evaluate=False),
            self.dim,
        )

    def at(self, *indices: Any) -> Formula:
        """The tensor as a checkable formula: the entry at ``indices``, or all entries."""
        if isinstance(self.dim, int):
            return Formula(self.matrix(), self.latex, self.text)
        return Formula(self.entry(*indices), self.latex, self.text)

    def matrix(self) -> sp.ImmutableMatrix:
        """All entries, for a concrete dimension (a column for a vector)."""
        size = range(1, int(self.dim) + 1)
        if self.rank == 1:
            return sp.ImmutableMatrix([[self.entry(k)] for k in size])
        return sp.ImmutableMatrix([[self.entry(a, b) for b in size] for a in size])

    def explicit(self) -> Formula:
        """All entries written out, for a concrete dimension."""
        return formula(self.matrix())


def inner(left: Tensor, right: Tensor, index: sp.Symbol) -> Formula:
    """⟨a, b⟩ = Σ_l a_l b_l as a formula whose meaning is the sum.

    Examples
    --------
    >>> import sympy as sp
    >>> g, S = sp.IndexedBase("g"), sp.IndexedBase("S")
    >>> l = sp.Symbol("l", integer=True)
    >>> inner(Tensor.vector("g", g, 3), Tensor.vector("S", S, 3), l).latex
    '\\\\langle \\\\mathbf{g}, \\\\mathbf{S} \\\\rangle'
    """
    if isinstance(left.dim, int):
        value = sp.Add(
            *(
                sp.Mul(left.entry(k), right.entry(k), evaluate=False)
                for k in range(1, left.dim + 1)
            ),
            evaluate=False,
        )
    else:
        value = sp.Sum(
            sp.Mul(left.entry(index), right.entry(index), evaluate=False), (index, 1, left.dim)
        )
    return Formula(
        value,
        f"\\langle {left.latex}, {right.latex} \\rangle",
        f"⟨{left.text}, {right.text}⟩",
    )


_MATH_TO_TEXT = [
    (re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}"), r"\1/\2"),
    (re.compile(r"\\(?:mathbf|operatorname|text|mathrm)\{([^{}]*)\}"), r"\1"),
    (re.compile(r"_\{([^{}]*)\}"), r"_\1"),
    (re.compile(r"\^\{([^{}]*)\}"), r"^\1"),
]
_SYMBOLS = {
    r"\partial ": "∂",
    r"\partial": "∂",
    r"\delta": "δ",
    r"\sum": "Σ",
    r"\odot": "⊙",
    r"^\top": "ᵀ",
    r"\top": "ᵀ",
    r"\langle": "⟨",
    r"\rangle": "⟩",
    r"\log": "log",
    r"\cdot": "·",
    r"\times": "×",
    r"\max": "max",
    r"\left": "",
    r"\right": "",
    r"\,": " ",
    r"\ldots": "…",
    r"\dots": "…",
    r"\to": "→",
}


def math_to_text(fragment: str) -> str:
    """Render a short inline LaTeX fragment of prose as Unicode (best effort, display only).

    Examples
    --------
    >>> math_to_text(r"\\frac{\\partial S_i}{\\partial z_j}")
    '∂S_i/∂z_j'
    """
    out = fragment
    for _ in range(3):
        for pattern, replacement in _MATH_TO_TEXT:
            out = pattern.sub(replacement, out)
    for command in sorted(_SYMBOLS, key=len, reverse=True):
        out = out.replace(command, _SYMBOLS[command])
    return out.replace("{", "").replace("}", "").replace("  ", " ").strip()
