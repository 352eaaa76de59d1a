"""Options and result objects of the LaTeX reader.

:class:`ParseContext` carries what a fragment alone cannot say (the differentiation variable,
the dimension, which letters are functions); :class:`Relation` is what
:func:`symsoft.latex.parse_relation` returns. The safety limits live here too.

Examples
--------
>>> ctx = ParseContext(variable="x", functions=frozenset({"f"}))
>>> ctx.variable, "f" in ctx.functions
('x', True)
>>> DOTS.name
'…'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

__all__ = [
    "DEFAULT_FUNCTIONS",
    "DOTS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_SEPARATORS",
    "MAX_TERMS",
    "ParseContext",
    "Relation",
]

#: Fragments longer than this many characters are refused before lexing.
MAX_LENGTH = 20_000
#: Deepest nesting of brackets, braces, fractions and environments accepted.
MAX_DEPTH = 60
#: Most `+`/`−` separated terms accepted in one fragment.
MAX_TERMS = 5_000
#: Most relations, commas, spacings, line breaks and condition words in one fragment.
MAX_SEPARATORS = 500

#: The entry of a matrix written as ``\cdots``, ``\vdots`` or ``\ddots``.
DOTS = sp.Symbol("…")

#: Letters that are functions when followed by a parenthesised argument. Any other letter
#: followed by parentheses is a product: ``S_i(1 - S_j)`` means ``S_i·(1 − S_j)``, and
#: ``\sigma(1 - \sigma)`` too; a letter applied to the bare vector (``\sigma(\mathbf z)``,
#: ``S(z_1)``) is an application whatever the letter.
DEFAULT_FUNCTIONS = frozenset(
    {"f", "g", "h", "u", "v", "q", "t", "softmax", "exp", "log", "ln", "diag"}
)


@dataclass(frozen=True)
class ParseContext:
    """What the reader needs to know beyond the fragment itself.

    ``variable`` names the vector that ``\\partial_j`` and ``D_j`` differentiate by (``z``
    gives ``z_j``); ``dimension`` names the upper bound of a sum written without bounds and
    is reserved: that letter always maps to ``Symbol(dimension, integer=True,
    positive=True)``; ``prime_variable`` is what a bare prime (``g'``, ``(e^{z_i})'``)
    differentiates by, as LaTeX text or a SymPy object; ``functions`` are the letters and
    names applied to a parenthesised argument; ``derivative_operators`` are the letters that
    act as ``D_j`` (derivative by ``variable_j``); ``macros`` are the document's own commands
    as ``(name, argument count, body)`` (see :func:`symsoft.latex.macros.read_macros`).

    Examples
    --------
    >>> ParseContext().dimension_symbol
    n
    >>> ParseContext().dimension_symbol.is_positive
    True
    """

    variable: str = "z"
    dimension: str = "n"
    prime_variable: str | sp.Basic | None = None
    functions: frozenset[str] = field(default=DEFAULT_FUNCTIONS)
    derivative_operators: frozenset[str] = field(default=frozenset({"D"}))
    macros: tuple[tuple[str, int, str], ...] = ()

    @property
    def dimension_symbol(self) -> sp.Symbol:
        """The symbol that stands for the dimension ``n``."""
        return sp.Symbol(self.dimension, integer=True, positive=True)


@dataclass(frozen=True)
class Relation:
    """A chain ``A = B = C`` (or a continuation ``= B``) read from one fragment.

    ``parts`` has ``len(ops) + 1`` entries, or ``len(ops)`` when ``leading`` is set: then
    ``ops[0]`` is the leading relation and the checker supplies the left side (the previous
    expression) of a continuation. ``conditions`` are the index
    conditions written after the chain (``\\quad i \\neq j``), plus those written inside a
    derivative variable (``\\partial z_{r=q}``).

    Examples
    --------
    >>> from symsoft.latex import parse_relation
    >>> rel = parse_relation(r"&= S_i(1 - S_j) \\quad \\text{if } i = j")
    >>> rel.leading, rel.ops, rel.conditions
    ('=', ('=',), (Eq(i, j),))
    """

    parts: tuple[sp.Basic, ...]
    ops: tuple[str, ...]
    conditions: tuple[sp.Basic, ...] = ()
    leading: str | None = None
    text: str = ""
