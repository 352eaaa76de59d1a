"""Read single factors: names, indices, Kronecker deltas, powers, applications and primes.

Examples
--------
>>> from symsoft.latex import parse_expression
>>> parse_expression(r"\\delta_{i,j} + [i = j] + (i == j) + 1_{i=j}")
4*KroneckerDelta(i, j)
>>> parse_expression(r"\\sigma(\\mathbf{z})_i - \\mathrm{softmax}(z_i)")
-softmax(z[i]) + sigma[i]
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

import sympy as sp
from lark import Token, Tree

from symsoft.latex import derivatives, matrices
from symsoft.latex.context import DOTS, ParseContext
from symsoft.latex.trees import (
    Script,
    chain_parts,
    inner_chains,
    is_dots,
    is_token,
    is_transpose,
    letter_run,
    lone_delimited,
    lone_delimited_expr,
    lone_name,
    split_factor,
    subscript_word,
    superscript_label,
    token_type,
)

__all__ = ["BUILTINS", "FactorReader"]

_NUMERIC = {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sin": sp.sin, "cos": sp.cos}
_NUMERIC.update({"tanh": sp.tanh})
#: Names that are functions wherever they appear (written ``\\log``, ``\\mathrm{diag}``, ...).
BUILTINS = frozenset({*_NUMERIC, "max", "min", "diag", "softmax", "sigmoid"})
_PREFIX = frozenset(_NUMERIC)
_MATRIX_OPERATORS = frozenset({"tr", "Tr", "trace", "det", "rank", "adj", "vec"})
_MAX_BITS = 100_000
_MAX_DIGITS = 100
_VECTOR_NAMES = frozenset({"x", "z"})


class FactorReader(ABC):
    """The factor-level half of :class:`symsoft.latex.transform.Converter`."""

    def __init__(self, ctx: ParseContext, source: str, index_names: frozenset[str]) -> None:
        self.ctx = ctx
        self.source = source
        self.index_names = index_names
        self.conditions: list[sp.Basic] = []
        self.vectors = _VECTOR_NAMES | {ctx.variable}

    # Reading a factor needs whole expressions (inside braces, brackets, subscripts), which
    # the Converter reads; declared here so that the two halves type-check separately.
    @abstractmethod
    def fail(self, reason: str, node: Any = None) -> Exception:
        """The error for ``reason`` at ``node``."""

    @abstractmethod
    def expr(self, tree: Tree) -> sp.Basic:
        """The value of an ``expr`` tree."""

    @abstractmethod
    def value(self, node: Any) -> sp.Basic:
        """The value of the one expression inside a group or delimiter."""

    @abstractmethod
    def product(self, items: list[Any]) -> sp.Basic:
        """The value of a list of product items."""

    # --- names ---------------------------------------------------------------------------
    def name_symbol(self, name: str) -> sp.Basic:
        if name == self.ctx.dimension:
            return self.ctx.dimension_symbol
        if name in self.index_names:
            return sp.Symbol(name, integer=True)
        if name == "e":
            return sp.E
        if name == "pi":
            return sp.pi
        return sp.Symbol(name)

    def index_symbol(self, name: str) -> sp.Symbol:
        if name == self.ctx.dimension:
            return self.ctx.dimension_symbol
        return sp.Symbol(name, integer=True)

    def arg_value(self, arg: Any) -> sp.Basic:
        """The value of a one-token or braced argument (of ``^``, ``\\frac``, ``\\sqrt``)."""
        if is_token(arg):
            return self.factor(Script(arg))
        return self.value(arg)

    def indices(self, arg: Any) -> tuple[sp.Basic, ...]:
        """Indices of a subscript: ``i``, ``{ij}``, ``{i,j}``, ``{12}``, ``{r = q}``."""
        if is_token(arg, "LETTER", "GREEK"):
            return (self.index_symbol(str(arg)),)
        if is_token(arg, "NUMBER") and str(arg).isdigit():
            return (sp.Integer(int(str(arg))),)
        if is_token(arg):
            raise self.fail(f"cannot read subscript {arg}", arg)
        chains = inner_chains(arg)
        if len(chains) == 1:
            exprs, ops = chain_parts(chains[0])
            if ops:
                return (self.index_condition(exprs, ops),)
            letters = letter_run(exprs[0])
            if letters and len(letters) > 2:
                # ``y_{true}`` or the tensor entry ``S_{ijk}``? Not guessed.
                raise self.fail(f"ambiguous subscript {''.join(letters)}: a name or indices?")
            if letters and len(letters) > 1:
                return tuple(self.index_symbol(name) for name in letters)
        values = []
        for chain in chains:
            exprs, ops = chain_parts(chain)
            if ops:
                raise self.fail("a relation in a list of indices")
            values.append(self.expr(exprs[0]))
        if not values:
            raise self.fail("empty subscript")
        return tuple(values)

    def index_condition(self, exprs: list[Tree], ops: list[str]) -> sp.Basic:
        """``z_{r=q}``, ``z_{r \\neq q}``: the index r, with the condition kept."""
        if len(ops) != 1 or ops[0] not in ("=", "!="):
            raise self.fail("a subscript relation other than = or \\neq")
        left, right = (self.expr(e) for e in exprs)
        relation = sp.Eq if ops[0] == "=" else sp.Ne
        self.conditions.append(relation(left, right, evaluate=False))
        return left

    def conditions_of(self, chains: list[Tree]) -> list[sp.Basic]:
        """Index conditions ``i = j``, ``i \\neq j``; a range ``i = 1, …, n`` gives none."""
        out: list[sp.Basic] = []
        relations = {"=": sp.Eq, "!=": sp.Ne, "<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge}
        for chain in chains:
            exprs, ops = chain_parts(chain)
            if any(is_dots(e) for e in exprs):
                return []
            values = [self.expr(e) for e in exprs]
            if not ops:
                if len(chains) > 1:
                    continue  # ``i = 1, 2`` or ``i, j`` lists are ranges, not conditions
                raise self.fail("a condition without a relation")
            for left, op, right in zip(values, ops, values[1:], strict=False):
                if op not in relations or not (_is_index(left) and _is_index(right)):
                    raise self.fail("a condition that is not about indices")
                out.append(relations[op](left, right, evaluate=False))
        return out

    def kronecker(self, chain: Tree) -> sp.Basic:
        exprs, ops = chain_parts(chain)
        if len(ops) != 1 or ops[0] not in ("=", "==", "!="):
            raise self.fail("an indicator that is not i = j or i \\neq j")
        left, right = (self.expr(e) for e in exprs)
        delta = sp.KroneckerDelta(left, right)
        return 1 - delta if ops[0] == "!=" else delta

    # --- factors -------------------------------------------------------------------------
    def factor(self, s: Script) -> sp.Basic:
        base = s.base
        if s.primes:
            return derivatives.primed(self, s)
        sub_used = False
        if is_token(base, "LETTER", "GREEK", "WORD"):
            name = str(base)
            self.refuse_matrix_operator(base)
            label = superscript_label(s.sup) if name != "e" else None
            if label is None and name != "e" and _index_superscript(s.sup):
                # ``A^{ij}``, ``Q^{ia}``: upper indices (attention write-ups), not a power i·j
                raise self.fail(f"upper indices {name}^{{…}} are not read", base)
            if label is not None:
                name, s = f"{name}^({label})", Script(base, s.sub)
            word = subscript_word(s.sub)
            if word is not None and name not in BUILTINS:
                name, s = f"{name}_{word}", Script(base, None, s.sup)  # ``J_{\\text{softmax}}``
            if name in BUILTINS:
                raise self.fail(f"{name} without an argument", base)
            if s.sub is not None:
                sub_used = True
                indices = self.indices(s.sub)
                if name == "delta":
                    if len(indices) == 1 and indices[0].is_Integer and 10 <= indices[0] <= 99:
                        indices = tuple(sp.Integer(c) for c in str(indices[0]))  # δ_{12}
                    if len(indices) != 2:
                        raise self.fail("\\delta needs two indices", base)
                    value: sp.Basic = sp.KroneckerDelta(*indices)
                elif self.ctx.dimension == f"{name}_{','.join(map(str, indices))}":
                    value = self.ctx.dimension_symbol  # a subscripted dimension, ``n_{1}``
                elif name == "I" and len(indices) == 2:
                    # ``I_{kj}``, "the elements of the identity matrix" (Bishop's notation)
                    value = sp.KroneckerDelta(*indices)
                else:
                    value = sp.IndexedBase(name)[indices]
            elif name == "e" and s.sup is not None and not is_transpose(s.sup):
                return sp.exp(self.arg_value(s.sup))
            elif name == "delta":
                # a Kronecker delta has its indices; δ as ∂ needs \frac{\delta …}{\delta …}
                raise self.fail("\\delta without indices", base)
            else:
                value = sp.Symbol(name) if "_" in name else self.name_symbol(name)
        elif is_token(base, "NUMBER"):
            value = _number(str(base))
            if s.sub is not None:
                if value != 1:
                    raise self.fail("a subscript on a number", base)
                value, sub_used = self.indicator_sub(s.sub), True
        elif is_token(base, "ONES"):
            value = sp.Symbol(str(base))
            if s.sub is not None and str(base) in ("ones", "I"):
                value, sub_used = self.indicator_sub(s.sub), True
        elif is_token(base, "INFTY"):
            value = sp.oo
        elif is_token(base, "DIFF"):
            raise self.fail("\\mathrm{d} without what it differentiates", base)
        elif is_token(base, "DOTS"):
            raise self.fail("dots outside a written-out sum or a matrix", base)
        elif is_token(base, "PARTIAL"):
            raise self.fail(f"\\{base} not in a derivative", base)
        elif is_token(base):
            raise self.fail(f"cannot read {base}", base)
        elif base.data == "group":
            value = self.value(base)
        elif base.data == "delimited":
            value = self.delimited(base)
        elif base.data == "frac":
            value = derivatives.fraction(self, base)
        elif base.data == "sqrt":
            value = sp.sqrt(self.arg_value(base.children[1]))
        else:
            value = matrices.environment(self, base)
        if (
            s.sub is not None
            and not sub_used
            and isinstance(value, sp.core.function.AppliedUndef)
            and len(value.args) == 1
            and isinstance(value.args[0], sp.Symbol)
            and not value.args[0].is_integer
        ):
            # ``[\\sigma(\\mathbf a)]_i``, ``{\\text{softmax}(\\theta)}_k``: the subscript indexes
            # the vector the function gives, like ``\\sigma(\\mathbf a)_i``
            value, sub_used = sp.IndexedBase(value.func.__name__)[self.indices(s.sub)], True
        if s.sub is not None and not sub_used:
            raise self.fail("a subscript on an expression")
        return self.power(value, s.sup) if s.sup is not None else value

    def indicator_sub(self, sub: Any) -> sp.Basic:
        """``1_{i=j}``, ``\\mathbb{1}_{\\{i=j\\}}``: the Kronecker delta."""
        if is_token(sub):
            raise self.fail("an indicator without a condition", sub)
        chains = inner_chains(sub)
        inner = lone_delimited(chains[0]) if len(chains) == 1 else None
        if inner is not None:
            chains = inner_chains(inner)
        if len(chains) == 1 and not chain_parts(chains[0])[1]:
            indices = self.indices(sub)  # ``\\mathbb{1}_{ij}`` is δ_ij
            if len(indices) == 2:
                return sp.KroneckerDelta(*indices)
        if len(chains) != 1:
            raise self.fail("an indicator without a condition")
        return self.kronecker(chains[0])

    def power(self, value: sp.Basic, sup: Any) -> sp.Basic:
        if is_transpose(sup):
            return sp.Function("transpose")(value)
        if isinstance(sup, Tree) and lone_delimited_expr(sup):
            raise self.fail("a superscript in parentheses is a label, not a power")
        if isinstance(value, sp.MatrixBase):
            raise self.fail("a power of a written-out matrix")
        exponent = self.arg_value(sup)
        if exponent.is_Number and value.is_Number and _power_bits(value, exponent) > _MAX_BITS:
            # SymPy evaluates 2^{10^{10}} exactly: refuse instead of computing for hours.
            raise self.fail("a numeric power too large to evaluate")
        return value**exponent

    def delimited(self, tree: Tree) -> sp.Basic:
        opener = token_type(tree.children[0])
        chains = inner_chains(tree)
        if opener == "LANGLE":
            if len(chains) != 2:
                raise self.fail("\\langle ... \\rangle needs two arguments")
            return sp.Function("inner")(*(self.expr(chain_parts(c)[0][0]) for c in chains))
        if opener == "LSET":
            raise self.fail("set braces \\{ \\} outside an indicator")
        if len(chains) == 1:
            ops = chain_parts(chains[0])[1]
            if ops == ["=="] or (opener == "LBRACK" and ops in (["="], ["!="])):
                return self.kronecker(chains[0])
        if len(chains) > 1 and opener == "LPAR":
            return self.row(chains)
        return self.value(tree)

    def row(self, chains: list[Tree]) -> sp.Basic:
        """A tuple ``(z_1, \\dots, z_n)``: a one-row matrix whose dotted entries are DOTS."""
        entries = []
        for chain in chains:
            exprs, ops = chain_parts(chain)
            if ops:
                raise self.fail("a relation inside a tuple")
            entries.append(DOTS if is_dots(exprs[0]) else self.expr(exprs[0]))
        return sp.ImmutableMatrix([entries])

    # --- applications --------------------------------------------------------------------
    def application(self, s: Script, nxt: Any) -> sp.Basic | None:
        """``f(x)``, ``\\exp(x)``, ``\\sigma(\\mathbf z)_i``, ``\\mathbb{1}\\{i=j\\}``, or None."""
        if not isinstance(nxt, Tree) or nxt.data != "factor":
            return None
        arg = split_factor(nxt)
        if arg is None or not isinstance(arg.base, Tree):
            return None
        base, kind = s.base, arg.base.data
        opener = token_type(arg.base.children[0]) if kind == "delimited" else None
        one = is_token(base, "NUMBER") and str(base) == "1" and opener == "LSET"
        indicator = is_token(base, "ONES") and str(base) in ("ones", "I") and opener is not None
        if (one or indicator) and not (s.sub or s.sup or arg.sub or arg.sup):
            chains = inner_chains(arg.base)
            if len(chains) == 1 and chain_parts(chains[0])[1]:
                return self.kronecker(chains[0])
            if opener in ("LSET", "LBRACK"):
                raise self.fail("an indicator without a condition")
            return None
        if not is_token(base, "LETTER", "GREEK", "WORD") or s.sup is not None:
            return None
        name = str(base)
        self.refuse_matrix_operator(base)
        braced = kind == "group" or opener == "LSET"
        call = opener in ("LPAR", "LBRACK") or (braced and name in _PREFIX)
        if not call:
            return None
        if s.sub is not None and name not in ("log", "ln"):
            if not lone_name(arg.base, vector=True, names=self.vectors):
                if lone_name(arg.base, vector=False, names=self.vectors):
                    raise self.fail(f"ambiguous {name}_…(…): a product or an argument?", base)
                return None
            value = sp.IndexedBase(name)[self.indices(s.sub)]
        elif name in BUILTINS:
            value = self.call_builtin(name, self.arguments(arg.base), s.sub)
        elif name in self.ctx.functions or lone_name(arg.base, vector=False, names=self.vectors):
            args = self.arguments(arg.base)
            if s.primes:
                value = derivatives.prime_applied(self, name, args, s.primes)
            else:
                value = sp.Function(name)(*args)
        else:
            return None
        if arg.sub is not None:
            if not lone_name(arg.base, vector=True, names=self.vectors) or s.sub is not None:
                raise self.fail(f"a subscript after {name}(...)")
            value = sp.IndexedBase(name)[self.indices(arg.sub)]
        if arg.primes:
            raise self.fail(f"a prime after {name}(...)")
        return self.power(value, arg.sup) if arg.sup is not None else value

    def arguments(self, tree: Tree) -> list[sp.Basic]:
        values = []
        for chain in inner_chains(tree):
            exprs, ops = chain_parts(chain)
            if ops:
                raise self.fail("a relation as a function argument")
            values.append(self.expr(exprs[0]))
        if not values:
            raise self.fail("a function applied to nothing")
        return values

    def refuse_matrix_operator(self, base: Any) -> None:
        # ``\operatorname{tr} A``, ``\det A`` act on a whole matrix; read as a letter ``tr``
        # times A they would give wrong counterexamples, so they are not read at all
        if is_token(base, "WORD") and str(base) in _MATRIX_OPERATORS:
            raise self.fail(f"the matrix operator {base} is not supported", base)

    def is_prefix_function(self, s: Script) -> bool:
        return is_token(s.base, "WORD") and str(s.base) in _PREFIX and not s.primes

    def call_prefix(self, s: Script, argument: sp.Basic) -> sp.Basic:
        if s.sup is not None:
            raise self.fail(f"ambiguous \\{s.base}^…: write (\\{s.base} x)^…", s.base)
        return self.call_builtin(str(s.base), [argument], s.sub)

    def call_builtin(self, name: str, args: list[sp.Basic], sub: Any) -> sp.Basic:
        if sub is not None and name not in ("log", "ln"):
            raise self.fail(f"a subscript on {name}")
        if name in ("max", "min"):
            if len(args) < 2:
                raise self.fail(f"{name} over one argument (a vector?) is not supported")
            return (sp.Max if name == "max" else sp.Min)(*args)
        if name in _NUMERIC:
            if len(args) != 1:
                raise self.fail(f"{name} takes one argument")
            if sub is not None:
                base = self.arg_value(sub)
                if isinstance(base, sp.Symbol) and base.is_integer:
                    # a log base is a positive parameter, never an index
                    base = sp.Symbol(base.name)
                return sp.log(args[0], base)
            return _NUMERIC[name](args[0])
        return sp.Function(name)(*args)


def _index_superscript(sup: Any) -> bool:
    """Whether a braced superscript is two or more bare lower-case letters (``^{ij}``)."""
    if not isinstance(sup, Tree) or sup.data != "group":
        return False
    tokens = list(sup.scan_values(lambda v: isinstance(v, Token)))
    letters = [t for t in tokens if t.type == "LETTER"]
    return (
        len(letters) >= 2
        and all(t.type in ("LETTER", "LBRACE", "RBRACE") for t in tokens)
        and all(re.fullmatch(r"[a-z]", str(t)) for t in letters)
    )


def _power_bits(base: sp.Basic, exponent: sp.Basic) -> float:
    """About how many bits the exact value of ``base ** exponent`` needs."""
    if not (base.is_Rational and exponent.is_Rational):
        return 0.0
    bits = max(int(base.p).bit_length() + int(base.q).bit_length(), 1)
    return bits * float(abs(exponent))


def _number(text: str) -> sp.Rational:
    if len(text) > _MAX_DIGITS:
        raise ValueError("too many digits")  # reported as "no mathematical meaning"
    whole, _, frac = text.partition(".")
    return sp.Rational(int(whole + frac), 10 ** len(frac))


def _is_index(value: sp.Basic) -> bool:
    return bool(value.is_integer)
