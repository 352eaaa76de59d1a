"""What a document defines, as the decision of a step uses it: names, entries, facts, rules.

:class:`Definitions` holds the definitions visible to one step (``S_i = e^{z_i}/Σ_k e^{z_k}``,
a scalar ``C = -Σ_k y_k log S_k``, a rule ``f = g/h`` stated with generic letters), the facts
the document states (``Σ_k y_k = 1``), and how to expand an expression through them: a name by
its definition (indices relabelled, bound indices kept fresh), a derivative of a defined name by
the chain rule, an undefined letter guessed to be the softmax last (and said so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = [
    "SOFTMAX_NAMES",
    "Definitions",
    "Unsupported",
    "fresh_bound",
    "show",
    "undefined_dependency",
]

#: Letters authors use for the softmax output; read as softmax when a document defines none.
SOFTMAX_NAMES = frozenset({"S", "s", "sigma", "softmax", "p", "y", "a", "P", "Y", "smax"})
#: letters of calculus rule statements (``f = g/h``, ``(uv)' = u'v + uv'``)
_RULE_LETTERS = frozenset({"f", "g", "h", "u", "v"})


class Unsupported(Exception):
    """Notation the decision procedure does not handle (reported as not-understood)."""


@dataclass
class Definitions:
    """The names a step may use: ``(kind, name) -> (lhs, rhs, label)``, plus implicit softmax."""

    table: dict[tuple[str, str], tuple[Any, Any, str]] = field(default_factory=dict)
    variable: sp.IndexedBase = field(default_factory=lambda: sp.IndexedBase("z"))
    dimension: sp.Symbol = field(
        default_factory=lambda: sp.Symbol("n", integer=True, positive=True)
    )
    implicit: bool = True
    #: letters that are not the softmax here (``y`` in a document that also writes ``\\hat y``)
    not_softmax: frozenset[str] = frozenset()
    #: stated constraints ``Σ_k y_k = c`` as ``(IndexedBase y, c)``
    facts: list[tuple[Any, Any]] = field(default_factory=list)
    #: abstract scalars differentiated through a vector: ``{"L": IndexedBase S}``
    chain: dict[str, Any] = field(default_factory=dict)
    #: letters other than n that bound a sum in the step being decided
    extra: set[Any] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    extended: set[str] = field(default_factory=set)
    #: index counts of every name the document writes with indices (``p_k``, ``J_{ij}``): links
    #: a bold or capital name to its entries when the claims are typed
    entries: dict[str, frozenset[int]] = field(default_factory=dict)
    #: index letters the document fixes in prose (the true class): never a free-index slip
    fixed: frozenset[str] = frozenset()

    @classmethod
    def softmax(cls, base: sp.IndexedBase, variable: sp.IndexedBase, n: sp.Symbol) -> Definitions:
        """Definitions holding only ``base_i = e^{z_i} / Σ_k e^{z_k}``."""
        i, k = sp.Symbol("i", integer=True), sp.Symbol("k", integer=True)
        rhs = sp.exp(variable[i]) / sp.Sum(sp.exp(variable[k]), (k, 1, n))
        table = {("indexed", str(base.label)): (base[i], fresh_bound(rhs), f"{base.label}_i")}
        return cls(table=table, variable=variable, dimension=n, implicit=False)

    def reads_as_softmax(self, name: str) -> bool:
        """Whether an undefined name reads as the softmax (``S``, ``\\hat y``, never ``z``)."""
        bare = name.removeprefix("hat_").removeprefix("hat{").rstrip("}")
        return (
            self.implicit
            and bare in SOFTMAX_NAMES
            and name != str(self.variable.label)
            and name not in self.not_softmax
        )

    def add(self, key: tuple[str, str], lhs: Any, rhs: Any, label: str) -> None:
        self.table[key] = (self.unify(lhs), fresh_bound(self.unify(rhs)), label)

    def unify(self, expr: Any) -> Any:
        """Make every symbol named like the dimension the one positive-integer dimension."""
        if not isinstance(expr, sp.Basic):
            return expr
        name = self.dimension.name
        same = {
            s: self.dimension
            for s in expr.free_symbols
            if isinstance(s, sp.Symbol) and s.name == name and s != self.dimension
        }
        return expr.xreplace(same) if same else expr

    def _softmax_of(self, *indices: Any) -> Any:
        """Softmax entry ``indices[-1]``; with two indices, of row ``indices[0]`` (a batch)."""
        k = sp.Dummy("k", integer=True)
        row = indices[:-1]
        key = (*row, k)
        total = sp.Sum(sp.exp(self.variable[key]), (k, 1, self.dimension))
        return sp.exp(self.variable[indices]) / total

    def expand(self, expr: Any, depth: int = 0) -> Any:
        """Replace every defined name in ``expr`` by its definition (recursively)."""
        if depth > 12:
            raise Unsupported("definitions refer to each other too deeply")
        if isinstance(expr, sp.Indexed):
            return self._indexed(expr, depth)
        if not isinstance(expr, sp.Basic) or expr.is_Atom:
            if isinstance(expr, sp.Symbol):
                entry = self.table.get(("symbol", expr.name))
                if entry:
                    self.used.add(entry[2])
                    return self.expand(entry[1], depth + 1)
                entry = self.table.get(("function", expr.name))
                if entry and not any(arg.atoms(sp.Indexed) for arg in entry[0].args):
                    # ``L(x, y) = -Σ y_i log p_i`` or ``H(Y, σ(A)) = …`` then ``∂L/∂x_k``: the
                    # arguments only name the vectors the body already uses
                    self.used.add(entry[2])
                    return self.expand(entry[1], depth + 1)
                entry = self._rule_letter(expr.name)
                if entry:
                    self.used.add(entry[2])
                    return self.expand(entry[1], depth + 1)
            return expr
        if isinstance(expr, AppliedUndef):
            replaced = self._applied(expr, depth)
            if replaced is not None:
                return replaced
        if isinstance(expr, (sp.Sum, sp.Product)):
            body = self.expand(expr.function, depth)
            return expr.func(body, *expr.limits)
        if isinstance(expr, sp.Derivative):
            self._constant_in_argument(expr)
            inner = self.expand(expr.expr, depth)
            if isinstance(inner, sp.Symbol) and inner.name in self.chain:
                return self._chain_rule(inner, expr.variable_count, depth)
            held = self._by_defined_name(expr, depth)
            if held is not None:
                return held
            return sp.Derivative(inner, *expr.variable_count)
        args = [self.expand(arg, depth) for arg in expr.args]
        return expr.func(*args) if args != list(expr.args) else expr

    def _rule_letter(self, name: str) -> tuple[Any, Any, str] | None:
        """``g_i = e^{a_i}, h_i = Σ_k e^{a_k}`` then the rule ``(g'h - h'g)/h^2``: a bare rule
        letter with no definition of its own stands for the entry it names."""
        entry = self.table.get(("indexed", name))
        if name in _RULE_LETTERS and entry is not None and len(entry[0].indices) == 1:
            return entry
        return None

    def _constant_in_argument(self, derivative: sp.Derivative) -> None:
        """``g(x) = e^{a_i}`` then ``g'(x) = e^{a_i}``: g does not depend on x, so the prime
        means a derivative by something the document only names in prose."""
        applied = derivative.expr
        if not isinstance(applied, AppliedUndef):
            return
        entry = self.table.get(("function", applied.func.__name__))
        if entry is None or not isinstance(entry[1], sp.Basic):
            return
        formal = dict(zip(applied.args, entry[0].args, strict=False))
        for variable, _ in derivative.variable_count:
            argument = formal.get(variable)
            if isinstance(argument, sp.Symbol) and argument not in entry[1].free_symbols:
                raise Unsupported(
                    f"{entry[2]} does not depend on {argument}: its derivative by {argument} "
                    "is not what the document means"
                )

    def _by_defined_name(self, derivative: sp.Derivative, depth: int) -> Any:
        """``∂/∂p_j (−y_j log p_j)`` with p defined: differentiate by p itself, then expand p.

        A derivative by a defined quantity treats it as the variable (the chain-rule reading of
        ``∂L/∂p_j``); expanding p first would make the derivative 0. ``None`` when the variable
        is not a defined or softmax name.
        """
        if len(derivative.variable_count) != 1 or derivative.variable_count[0][1] != 1:
            return None
        variable = derivative.variable_count[0][0]
        if isinstance(variable, sp.Indexed):
            key: tuple[str, str] = ("indexed", str(variable.base.label))
            undefined = key not in self.table and not self.reads_as_softmax(key[1])
        elif isinstance(variable, sp.Symbol):
            key = ("symbol", variable.name)
            undefined = key not in self.table
        elif isinstance(variable, AppliedUndef):
            # ``∂ log σ(A_i) / ∂ σ(A_i)``: by the value of a defined function
            key = ("function", variable.func.__name__)
            undefined = key not in self.table and not self.reads_as_softmax(key[1])
        else:
            return None
        if undefined or (variable.has(self.variable) and not isinstance(variable, AppliedUndef)):
            return None
        held = replace(
            self,
            table={k: v for k, v in self.table.items() if k != key},
            not_softmax=self.not_softmax | {key[1]},
        )
        inner = held.expand(derivative.expr, depth + 1)
        if isinstance(inner, sp.Indexed) and inner.base != getattr(variable, "base", None):
            # ``∂ℓ_j/∂p_j`` with ℓ never defined: not 0
            raise Unsupported(undefined_dependency(inner, derivative))
        return self.expand(sp.diff(inner, variable), depth + 1)

    def _chain_rule(self, loss: sp.Symbol, variables: Any, depth: int) -> Any:
        """∂L/∂S_k is the opaque gradient G_k; ∂L/∂z_l = Σ_k G_k ∂S_k/∂z_l (chain rule)."""
        through = self.chain[loss.name]
        gradient = sp.IndexedBase(f"∂{loss.name}/∂{through.label}")
        if len(variables) != 1 or variables[0][1] != 1:
            raise Unsupported(f"higher derivatives of {loss.name}")
        variable = variables[0][0]
        if not isinstance(variable, sp.Indexed):
            raise Unsupported(f"a derivative of {loss.name} by {variable}")
        self.used.add(f"{loss.name} as a function of {through.label} (chain rule)")
        if variable.base == through:
            return gradient[variable.indices]
        k = sp.Dummy("k", integer=True)
        if len(variable.indices) == 2:
            # a batch: ∂L/∂z_{pq} = Σ_r Σ_k ∂L/∂σ_{rk} ∂σ_{rk}/∂z_{pq}
            r = sp.Dummy("r", integer=True)
            body = gradient[r, k] * sp.Derivative(through[r, k], variable)
            limits = ((k, 1, self.dimension), (r, 1, self.dimension))
            return self.expand(sp.Sum(body, *limits), depth + 1)
        body = gradient[k] * sp.Derivative(through[k], variable)
        return self.expand(sp.Sum(body, (k, 1, self.dimension)), depth + 1)

    def _indexed(self, expr: sp.Indexed, depth: int) -> Any:
        name = str(expr.base.label)
        entry = self.table.get(("indexed", name))
        indices = [self.expand(index, depth) for index in expr.indices]
        if entry is None:
            if self.reads_as_softmax(name) and len(indices) in (1, 2):
                self.used.add(f"{name} read as softmax of {self.variable.label}")
                return self._softmax_of(*indices)
            return expr.base[tuple(indices)] if indices else expr
        lhs, rhs, label = entry
        if len(lhs.indices) != len(indices):
            return expr
        mapping = self._match_indices(lhs.indices, indices, label, expr)
        if mapping is None:
            return expr.base[tuple(indices)]
        self.used.add(label)
        return self.expand(_relabel(rhs, mapping), depth + 1)

    def _match_indices(
        self, formal: Iterable[Any], actual: Iterable[Any], label: str, expr: Any
    ) -> dict[Any, Any] | None:
        mapping: dict[Any, Any] = {}
        for f, a in zip(formal, actual, strict=True):
            if f == a:
                continue
            if isinstance(f, sp.Symbol):
                mapping[f] = a
            elif isinstance(f, sp.Integer) and isinstance(a, sp.Integer):
                # a definition written for y_1 extends to y_2 by relabelling 1 <-> 2
                mapping[("swap", f)] = a
                self.extended.add(f"{label} → {show(expr)}")
            else:
                return None  # y_1 defined, y_i used: decided once i has a value
        return mapping

    def _applied(self, expr: AppliedUndef, depth: int) -> Any:
        name = expr.func.__name__
        entry = self.table.get(("function", name))
        args = [self.expand(arg, depth) for arg in expr.args]
        symbol = self.table.get(("symbol", name))
        if (
            name in ("softmax", "smax")
            and len(args) == 1
            and isinstance(args[0], sp.Symbol)
            and args[0].name != str(self.variable.label)
        ):
            # ``o_b = softmax(b)`` with b a class name: the softmax of which vector?
            raise Unsupported(f"{name}({args[0]}) of a single letter")
        if entry is None and symbol is None and all(_of_variable(a, self.variable) for a in args):
            # the reader writes g(z_j) for a primed rule letter g; g(x) of another letter is not
            # the entry g_i names and stays ambiguous (below)
            symbol = self._rule_letter(name)
        if entry is None and symbol is not None:
            # ``f = e^{z_i}`` then ``f'``: the reader writes f(z_j) for the primed quantity
            self.used.add(symbol[2])
            return self.expand(symbol[1], depth + 1)
        if entry is None and ("indexed", name) in self.table:
            # ``g_i = e^{a_i}`` then ``\frac{g'h - h'g}{h^2}``: which g_i, primed by what?
            raise Unsupported(
                f"{name} is defined with an index ({self.table[('indexed', name)][2]}); "
                f"the bare {name} is ambiguous"
            )
        if entry is None:
            if (
                self.reads_as_softmax(name)
                and len(args) == 1
                and isinstance(args[0], sp.Indexed)
                and args[0].base == self.variable
                and len(args[0].indices) in (1, 2)
            ):
                # ``σ(z_{pq})``: entry q of the softmax of row p of a batch
                self.used.add(f"{name} read as softmax of {self.variable.label}")
                return self._softmax_of(*args[0].indices)
            if name in ("sigma", "σ") and len(args) == 1 and not args[0].atoms(sp.Indexed):
                # σ of a scalar is the logistic sigmoid in every write-up that uses it
                self.used.add("σ(x) read as the logistic sigmoid 1/(1 + e^{-x})")
                return 1 / (1 + sp.exp(-args[0]))
            return expr.func(*args) if args != list(expr.args) else None
        lhs, rhs, label = entry
        if len(lhs.args) != len(args):
            return None
        mapping: dict[Any, Any] = {}
        for formal, actual in zip(lhs.args, args, strict=True):
            if isinstance(formal, sp.Indexed) and isinstance(actual, sp.Indexed):
                if formal.base != actual.base or len(formal.indices) != len(actual.indices):
                    return None
                sub = self._match_indices(formal.indices, actual.indices, label, expr)
                if sub is None:
                    return None
                mapping.update(sub)
            elif isinstance(formal, sp.Symbol):
                mapping[formal] = actual
            elif formal != actual:
                return None
        self.used.add(label)
        return self.expand(_relabel(rhs, mapping), depth + 1)


def fresh_bound(expr: Any) -> Any:
    """Rename bound sum indices to dummies so substitutions never capture them."""
    if not isinstance(expr, sp.Basic):
        return expr
    replacements: dict[Any, Any] = {}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Sum, sp.Product)):
            for limit in node.limits:
                variable = limit[0]
                if not isinstance(variable, sp.Dummy):
                    replacements[node] = None
    if not replacements:
        return expr

    def rename(node: Any) -> Any:
        if isinstance(node, (sp.Sum, sp.Product)):
            body = rename(node.function)
            limits = []
            for limit in node.limits:
                variable = limit[0]
                dummy = sp.Dummy(variable.name, integer=True)
                body = body.xreplace({variable: dummy})
                limits.append((dummy, *limit[1:]))
            return node.func(body, *limits)
        if node.args and not isinstance(node, (sp.Indexed, sp.IndexedBase)):
            return node.func(*[rename(arg) for arg in node.args])
        return node

    return rename(expr)


def _relabel(expr: Any, mapping: dict[Any, Any]) -> Any:
    swaps = {key[1]: value for key, value in mapping.items() if isinstance(key, tuple)}
    plain = {key: value for key, value in mapping.items() if not isinstance(key, tuple)}
    if plain:
        expr = expr.xreplace(plain)
    for old, new in swaps.items():
        swap = {old: new, new: old}

        def relabel(node: Any, swap: dict[Any, Any] = swap) -> Any:
            return node.base[tuple(swap.get(i, i) for i in node.indices)]

        expr = expr.replace(lambda node: isinstance(node, sp.Indexed), relabel)
    return expr


def _of_variable(arg: Any, variable: Any) -> bool:
    return isinstance(arg, sp.Indexed) and arg.base == variable


def show(expr: Any) -> str:
    if isinstance(expr, sp.Indexed):
        return f"{expr.base.label}_{','.join(str(i) for i in expr.indices)}"
    return str(expr)


# ---------------------------------------------------------------------------------------
# calculus: derivatives, linear sums, Kronecker deltas
# ---------------------------------------------------------------------------------------


def undefined_dependency(inner: Any, derivative: Any) -> str:
    by = ", ".join(show(v) for v, _ in derivative.variable_count)
    return f"derivative of {show(inner)} by {by}: the document never says how it depends on it"
