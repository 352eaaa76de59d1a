"""The LaTeX reader: deliberate mapping of LaTeX math to SymPy (see docs/latex-ir.md).

Examples
--------
>>> from symsoft.latex import parse_relation
>>> parse_relation(r"S_i = \\frac{e^{z_i}}{\\sum_{k=1}^{n} e^{z_k}}").parts
(S[i], exp(z[i])/Sum(exp(z[k]), (k, 1, n)))
"""

from __future__ import annotations

from symsoft.latex.context import DOTS, ParseContext, Relation
from symsoft.latex.parser import parse_expression, parse_relation

__all__ = ["DOTS", "ParseContext", "Relation", "parse_expression", "parse_relation"]
