"""Value-changing mutations of derivation steps, confirmed by a small evaluator of our own.

This module deliberately does not import symsoft: it is the independent half of the mutation
suite. It finds the math lines of a Markdown derivation, cuts each line into the sides of its
equality chain, applies textual mutations to one side (flip a sign, swap i and j in one place,
drop a Kronecker delta, change a sum's bound or index, e^{z_i} for e^{z_j}, square a term;
also drop a factor S_i and e^{-z} for e^{z}) and
keeps a mutant only if a tiny numeric evaluator of the LaTeX subset used by the derivations
shows that the side's value really changed, under index values that respect the conditions
stated in the section (``$j = i$`` / ``$j \\neq i$`` ...).

The evaluator is an honest, partial reader: anything outside its subset raises
``Unsupported`` and that side is simply not mutated (reported as unconfirmed), never guessed.

Examples
--------
>>> env = Env(n=3, indices={"i": 1, "j": 2}, seed=1)
>>> abs(evaluate(r"\\sum_{l=1}^{n} S_l", env) - 1) < 1e-30
True
>>> abs(evaluate(r"\\frac{\\partial S_i}{\\partial z_j} + S_i S_j", env)) < 1e-20
True
>>> [m.kind for m in mutate_side(r"S_i (\\delta_{ij} - S_j)")][:3]
['flip-sign', 'drop-delta', 'drop-delta']
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import mpmath

__all__ = [
    "Env",
    "Mutant",
    "Site",
    "Unsupported",
    "confirm",
    "evaluate",
    "find_sites",
    "math_lines",
    "mutate_side",
]

mpmath.mp.dps = 50
_H = mpmath.mpf("1e-20")


class Unsupported(ValueError):
    """The evaluator does not read this LaTeX; the fragment is left alone."""


# --------------------------------------------------------------------------- evaluation


@dataclass
class Env:
    """A random point: dimension ``n``, values of the free indices, logits and other vectors."""

    n: int
    indices: dict[str, int]
    seed: int = 0
    #: rows of a batch ``Z`` (m × n)
    m: int = 3
    bound: dict[str, int] = field(default_factory=dict)
    z: list[mpmath.mpf] = field(default_factory=list)
    vectors: dict[str, list[mpmath.mpf]] = field(default_factory=dict)
    matrices: dict[str, list[list[mpmath.mpf]]] = field(default_factory=dict)
    scalars: dict[str, mpmath.mpf] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        if not self.z:
            self.z = [mpmath.mpf(rng.uniform(-1.5, 1.5)) for _ in range(self.n)]
        self.matrices.setdefault(
            "Z",
            [[mpmath.mpf(rng.uniform(-1.5, 1.5)) for _ in range(self.n)] for _ in range(self.m)],
        )
        self._rng = rng

    def index(self, name: str) -> int:
        if name in self.bound:
            return self.bound[name]
        if name in self.indices:
            return self.indices[name]
        if name.isdigit():
            return int(name)
        if name == "n":
            return self.n
        if name == "m":
            return self.m
        raise Unsupported(f"unknown index {name!r}")

    def vector(self, name: str) -> list[mpmath.mpf]:
        if name not in self.vectors:
            values = [mpmath.mpf(self._rng.uniform(-2, 2)) for _ in range(self.n)]
            if name == "y":  # a target distribution: positive, summing to one
                values = [
                    mpmath.exp(v) / mpmath.fsum(mpmath.exp(u) for u in values) for v in values
                ]
            self.vectors[name] = values
        return self.vectors[name]

    def matrix(self, name: str) -> list[list[mpmath.mpf]]:
        if name not in self.matrices:
            self.matrices[name] = [
                [mpmath.mpf(self._rng.uniform(-2, 2)) for _ in range(self.n)] for _ in range(self.m)
            ]
        return self.matrices[name]

    def scalar(self, name: str) -> mpmath.mpf:
        if name not in self.scalars:
            self.scalars[name] = mpmath.mpf(self._rng.uniform(-2, 2))
        return self.scalars[name]

    def row_softmax(self, row: int) -> list[mpmath.mpf]:
        exps = [mpmath.exp(v) for v in self.matrices["Z"][row]]
        total = mpmath.fsum(exps)
        return [e / total for e in exps]

    def softmax(self) -> list[mpmath.mpf]:
        exps = [mpmath.exp(v) for v in self.z]
        total = mpmath.fsum(exps)
        return [e / total for e in exps]


_TOKEN = re.compile(
    r"\\[A-Za-z]+|\\[,;:! ]|\\\\|\\\{|\\\}|[0-9]+(?:\.[0-9]+)?|[A-Za-z]|[{}()\[\]^_+\-−*/=,|&']|\S"
)
_IGNORED = {
    r"\left", r"\right", r"\bigl", r"\bigr", r"\Bigl", r"\Bigr", r"\biggl", r"\biggr", r"\big",
    r"\Big", r"\bigg", r"\Bigg", r"\displaystyle", r"\,", r"\;", r"\:", r"\!", r"\ ", r"\quad",
    r"\qquad", r"\limits", r"\nolimits",
}  # fmt: skip
_STYLES = {r"\mathbf", r"\boldsymbol", r"\mathrm", r"\operatorname", r"\mathit", r"\bm"}
_RELATIONS = {"=", "&"}
#: bare letters read as a constant (the shift ``c`` of the stable softmax)
_SCALARS = {"c"}
Value = mpmath.mpf
Node = Callable[[Env], Value]


def _tokens(text: str) -> list[str]:
    out = []
    for token in _TOKEN.findall(text):
        if token in _IGNORED:
            continue
        out.append("-" if token == "−" else token)
    return out


@dataclass(frozen=True)
class _Mat:
    """A matrix value (vectors are n × 1 columns)."""

    rows: tuple[tuple[Value, ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0])

    def map(self, function: Callable[[Value], Value]) -> _Mat:
        return _Mat(tuple(tuple(function(x) for x in row) for row in self.rows))

    def transpose(self) -> _Mat:
        return _Mat(tuple(zip(*self.rows)))


def _column(values: list[Value]) -> _Mat:
    return _Mat(tuple((v,) for v in values))


def _combine(a: object, b: object, function: Callable[[Value, Value], Value]) -> object:
    """Entry-wise ``function`` of two values of the same shape."""
    if isinstance(a, _Mat) and isinstance(b, _Mat):
        if a.shape != b.shape:
            raise Unsupported(f"shapes {a.shape} and {b.shape} differ")
        return _Mat(
            tuple(tuple(function(x, y) for x, y in zip(r, q)) for r, q in zip(a.rows, b.rows))
        )
    if isinstance(a, _Mat) or isinstance(b, _Mat):
        raise Unsupported("a matrix plus a scalar")
    return function(a, b)  # type: ignore[arg-type]


def _multiply(a: object, b: object) -> object:
    if isinstance(a, _Mat) and isinstance(b, _Mat):
        if a.shape[1] != b.shape[0]:
            raise Unsupported(f"cannot multiply {a.shape} by {b.shape}")
        columns = list(zip(*b.rows))
        return _Mat(
            tuple(tuple(mpmath.fsum(x * y for x, y in zip(r, c)) for c in columns) for r in a.rows)
        )
    if isinstance(a, _Mat):
        return a.map(lambda x: x * b)
    if isinstance(b, _Mat):
        return b.map(lambda x: a * x)
    return a * b  # type: ignore[operator]


def _scalar(value: object) -> Value:
    if isinstance(value, _Mat):
        raise Unsupported("a matrix where a number is needed")
    return value  # type: ignore[return-value]


class _Parser:
    """Recursive descent over the derivations' LaTeX subset, building closures over ``Env``."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self, ahead: int = 0) -> str | None:
        index = self.pos + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise Unsupported(f"expected {expected!r}, found {token!r}")
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.expr()
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek()!r}")
        return node

    def expr(self) -> Node:
        sign = 1
        if self.peek() in ("+", "-"):
            sign = -1 if self.take() == "-" else 1
        first = self.term()
        terms: list[tuple[int, Node]] = [(sign, first)]
        while self.peek() in ("+", "-"):
            sign = -1 if self.take() == "-" else 1
            terms.append((sign, self.term()))

        def total(env: Env) -> Value:
            values = [(s, t(env)) for s, t in terms]
            if not any(isinstance(v, _Mat) for _, v in values):
                return mpmath.fsum(s * v for s, v in values)
            result = _multiply(values[0][0], values[0][1])
            for s, v in values[1:]:
                result = _combine(result, _multiply(s, v), lambda x, y: x + y)
            return result  # type: ignore[return-value]

        return total

    _STOP = frozenset(
        {"+", "-", ")", "}", "]", "=", "&", ",", "|", "\\\\", r"\end", r"\rangle", None}
    )

    def term(self) -> Node:
        factors: list[tuple[str, Node]] = [("*", self.power())]
        while self.peek() not in self._STOP:
            if self.peek() in (r"\cdot", r"\times", "*"):
                self.take()
                factors.append(("*", self.power()))
            elif self.peek() == "/":
                self.take()
                factors.append(("/", self.power()))
            elif self.peek() == r"\odot":
                self.take()
                factors.append(("odot", self.power()))
            else:
                factors.append(("*", self.power()))

        def product(env: Env) -> Value:
            value: object = mpmath.mpf(1)
            for operation, factor in factors:
                if operation == "/":
                    value = _multiply(value, 1 / _scalar(factor(env)))
                elif operation == "odot":
                    value = _combine(value, factor(env), lambda x, y: x * y)
                else:
                    value = _multiply(value, factor(env))
            return value  # type: ignore[return-value]

        return product

    def power(self) -> Node:
        base = self.atom()
        if self.peek() == "^":
            self.take()
            transpose = (r"\top", r"\intercal", "T")
            if self.peek() in transpose or (self.peek() == "{" and self.peek(1) in transpose):
                braced = self.peek() == "{"
                self.take()
                if braced:
                    self.take()
                    self.take("}")

                def transposed(env: Env) -> Value:
                    value = base(env)
                    if not isinstance(value, _Mat):
                        raise Unsupported("transpose of a number")
                    return value.transpose()  # type: ignore[return-value]

                return transposed
            exponent = self.group_or_atom()
            return lambda env: _scalar(base(env)) ** _scalar(exponent(env))
        return base

    def group_or_atom(self) -> Node:
        if self.peek() == "{":
            return self.group()
        token = self.take()
        if token.isdigit():
            return lambda env: mpmath.mpf(int(token))
        raise Unsupported(f"exponent {token!r}")

    def group(self) -> Node:
        self.take("{")
        node = self.expr()
        self.take("}")
        return node

    def index_group(self) -> str:
        """A subscript: one letter/digit or a braced run without structure."""
        if self.peek() == "{":
            self.take("{")
            parts = []
            while self.peek() != "}":
                if self.peek() is None:
                    raise Unsupported("unclosed subscript")
                parts.append(self.take())
            self.take("}")
            return "".join(parts)
        return self.take()

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise Unsupported("missing operand")
        if token == "(":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        if token == "[":
            self.take()
            node = self.expr()
            self.take("]")
            return node
        if token == "{":
            return self.group()
        if token.isdigit() or re.fullmatch(r"[0-9]+\.[0-9]+", token):
            self.take()
            return lambda env: mpmath.mpf(token)
        if token in _STYLES and self.peek(1) == "{" and self.peek(3) == "}":
            word = self.peek(2) or ""
            if re.fullmatch(r"[A-Za-z0-9]", word) and self.peek(4) != "_":
                self.pos += 4
                return self.vector(word)
        if token in (*_STYLES, r"\text") and self._word_ahead() == "diag":
            self.pos += 7
            inside = self.atom()
            return lambda env: _diag(inside(env))
        if token in _STYLES:
            self.take()
            return self.atom()
        if token == r"\langle":
            self.take()
            left = self.expr()
            self.take(",")
            right = self.expr()
            self.take(r"\rangle")
            return lambda env: _inner(left(env), right(env))
        if token == r"\begin":
            return self.matrix()
        if token == r"\frac" or token in (r"\dfrac", r"\tfrac"):
            return self.fraction()
        if token == r"\sum":
            return self.summation()
        if token in (r"\exp", r"\log", r"\ln"):
            self.take()
            argument = self.atom() if self.peek() in ("(", "{") else self.term()
            function = mpmath.exp if token == r"\exp" else mpmath.log
            return lambda env: function(argument(env))
        if token == r"\delta":
            self.take()
            self.take("_")
            pair = self.index_group().replace(",", "")
            if len(pair) != 2:
                raise Unsupported(f"delta subscript {pair!r}")
            a, b = pair
            return lambda env: mpmath.mpf(int(env.index(a) == env.index(b)))
        if re.fullmatch(r"[A-Za-z]", token):
            return self.symbol()
        raise Unsupported(f"token {token!r}")

    def symbol(self) -> Node:
        name = self.take()
        if name == "e" and self.peek() == "^":
            self.take("^")
            exponent = self.group_or_atom()
            return lambda env: mpmath.exp(exponent(env))
        if self.peek() != "_":
            if name in ("n", "m"):
                return lambda env: mpmath.mpf(env.index(name))
            if name in _SCALARS:
                return lambda env: env.scalar(name)
            raise Unsupported(f"bare symbol {name!r}")
        self.take("_")
        index = self.index_group()
        pair = re.fullmatch(r"([A-Za-z0-9]),([A-Za-z0-9])", index)
        if pair:
            return self.entry(name, pair.group(1), pair.group(2))
        if not re.fullmatch(r"[A-Za-z0-9]", index):
            raise Unsupported(f"subscript {index!r}")
        if name in ("S", "s"):
            return lambda env: env.softmax()[_position(env, index)]
        if name == "z":
            return lambda env: env.z[_position(env, index)]
        if name in ("g", "y", "v"):
            return lambda env: env.vector(name)[_position(env, index)]
        raise Unsupported(f"symbol {name}_{index}")

    def _word_ahead(self) -> str:
        """The letters of a braced word after a style command (``\\operatorname{diag}``)."""
        if self.peek(1) != "{":
            return ""
        letters = [self.peek(k) or "" for k in range(2, 6)]
        return "".join(letters) if self.peek(6) == "}" else ""

    def vector(self, name: str) -> Node:
        if name in ("S", "s"):
            return lambda env: _column(env.softmax())
        if name == "z":
            return lambda env: _column(list(env.z))
        if name in ("1", "0"):
            return lambda env: _column([mpmath.mpf(int(name))] * env.n)
        if name in ("g", "y", "v"):
            return lambda env: _column(env.vector(name))
        raise Unsupported(f"vector {name!r}")

    def matrix(self) -> Node:
        self.take(r"\begin")
        kind = self.index_group()
        if kind not in ("pmatrix", "bmatrix", "matrix"):
            raise Unsupported(f"environment {kind!r}")
        rows: list[list[Node]] = [[]]
        while True:
            rows[-1].append(self.expr())
            token = self.take()
            if token == "&":
                continue
            if token == "\\\\":
                rows.append([])
                continue
            if token == r"\end":
                self.index_group()
                break
            raise Unsupported(f"unexpected {token!r} in a matrix")
        if len({len(row) for row in rows}) != 1:
            raise Unsupported("ragged matrix")
        return lambda env: _Mat(  # type: ignore[return-value]
            tuple(tuple(_scalar(entry(env)) for entry in row) for row in rows)
        )

    def entry(self, name: str, row: str, column: str) -> Node:
        """An entry of a batch: ``S_{a,i}`` (row softmax of ``Z``), ``Z_{a,i}``, ``G_{a,i}``."""
        if name == "S":
            return lambda env: env.row_softmax(_position(env, row, env.m))[_position(env, column)]
        if name == "Z" or name.isupper():
            return lambda env: env.matrix(name)[_position(env, row, env.m)][_position(env, column)]
        raise Unsupported(f"batch symbol {name}_{{{row},{column}}}")

    def fraction(self) -> Node:
        self.take()
        self.take("{")
        if self.peek() in (r"\partial", "d") and self._is_derivative():
            return self.derivative()
        numerator = self.expr()
        self.take("}")
        denominator = self.group()
        return lambda env: numerator(env) / denominator(env)

    def _is_derivative(self) -> bool:
        return self.peek() == r"\partial"

    def derivative(self) -> Node:
        self.take(r"\partial")
        inner: Node | None = None
        if self.peek() != "}":
            inner = self.expr()
        self.take("}")
        self.take("{")
        self.take(r"\partial")
        name = self.take()
        if name in _STYLES and self.index_group() == "z":
            self.take("}")
            if inner is None:
                inner = self.term()
            return self.jacobian(inner)
        if name not in ("z", "Z"):
            raise Unsupported("derivative not with respect to z")
        self.take("_")
        variable = self.index_group()
        self.take("}")
        if inner is None:
            inner = self.term()
        body = inner
        pair = re.fullmatch(r"([A-Za-z0-9]),([A-Za-z0-9])", variable)
        if (name == "Z") != bool(pair):
            raise Unsupported(f"derivative by {name}_{variable}")

        def differentiate(env: Env) -> Value:
            if pair:
                vector = env.matrices["Z"][_position(env, pair.group(1), env.m)]
                position = _position(env, pair.group(2))
            else:
                vector, position = env.z, _position(env, variable)
            saved = vector[position]
            try:
                vector[position] = saved + _H
                up = body(env)
                vector[position] = saved - _H
                down = body(env)
            finally:
                vector[position] = saved
            return (up - down) / (2 * _H)

        return differentiate

    def jacobian(self, body: Node) -> Node:
        """d(body)/d(z) for a column-vector ``body``: the n × n matrix of finite differences."""

        def matrix(env: Env) -> Value:
            columns = []
            for position in range(env.n):
                saved = env.z[position]
                try:
                    env.z[position] = saved + _H
                    up = body(env)
                    env.z[position] = saved - _H
                    down = body(env)
                finally:
                    env.z[position] = saved
                if not (isinstance(up, _Mat) and isinstance(down, _Mat)):
                    raise Unsupported("a Jacobian of a number")
                columns.append([(u[0] - d[0]) / (2 * _H) for u, d in zip(up.rows, down.rows)])
            return _Mat(tuple(zip(*columns)))  # type: ignore[return-value]

        return matrix

    def summation(self) -> Node:
        self.take(r"\sum")
        lower: str | None = None
        upper: Node | None = None
        for _ in range(2):
            if self.peek() == "_":
                self.take()
                lower = self.index_group()
            elif self.peek() == "^":
                self.take()
                upper = self.group_or_atom() if self.peek() == "{" else self.symbol_or_number()
        match = re.fullmatch(r"([A-Za-z])(?:=([0-9]+))?", lower or "")
        if not match:
            raise Unsupported(f"sum subscript {lower!r}")
        variable = match.group(1)
        start = int(match.group(2) or 1)
        body = self.term()

        def total(env: Env) -> Value:
            stop = int(upper(env)) if upper is not None else env.n
            values = []
            saved = env.bound.get(variable)
            for value in range(start, stop + 1):
                env.bound[variable] = value
                values.append(body(env))
            if saved is None:
                env.bound.pop(variable, None)
            else:
                env.bound[variable] = saved
            return mpmath.fsum(values)

        return total

    def symbol_or_number(self) -> Node:
        token = self.take()
        if token in ("n", "m"):
            return lambda env: mpmath.mpf(env.index(token))
        if token.isdigit():
            return lambda env: mpmath.mpf(int(token))
        raise Unsupported(f"sum bound {token!r}")


def _diag(value: object) -> Value:
    if not (isinstance(value, _Mat) and value.shape[1] == 1):
        raise Unsupported("diag of something other than a vector")
    n = value.shape[0]
    zero = mpmath.mpf(0)
    return _Mat(  # type: ignore[return-value]
        tuple(tuple(value.rows[r][0] if r == c else zero for c in range(n)) for r in range(n))
    )


def _inner(left: object, right: object) -> Value:
    if not (isinstance(left, _Mat) and isinstance(right, _Mat) and left.shape == right.shape):
        raise Unsupported("inner product of non-vectors")
    return mpmath.fsum(a[0] * b[0] for a, b in zip(left.rows, right.rows))


def _differ(a: object, b: object) -> bool:
    """Whether two values (numbers or matrices) differ beyond round-off."""
    if isinstance(a, _Mat) or isinstance(b, _Mat):
        if not (isinstance(a, _Mat) and isinstance(b, _Mat)) or a.shape != b.shape:
            return True
        return any(_differ(x, y) for r, q in zip(a.rows, b.rows) for x, y in zip(r, q))
    return bool(abs(a - b) > mpmath.mpf("1e-12") * (1 + abs(a)))  # type: ignore[operator]


def _position(env: Env, index: str, size: int | None = None) -> int:
    size = env.n if size is None else size
    value = int(index) if index.isdigit() else env.index(index)
    if not 1 <= value <= size:
        raise Unsupported(f"index {index}={value} outside 1..{size}")
    return value - 1


def compile_latex(text: str) -> Node:
    """Parse ``text`` into a closure over :class:`Env`; raise :class:`Unsupported` if unsure."""
    return _Parser(text).parse()


def evaluate(text: str, env: Env) -> Value:
    """The value of a LaTeX expression at the point ``env``."""
    try:
        return compile_latex(text)(env)
    except (ZeroDivisionError, OverflowError, ValueError) as error:
        if isinstance(error, Unsupported):
            raise
        raise Unsupported(str(error)) from None


# --------------------------------------------------------------------------- conditions


_CONDITION = re.compile(r"(?<![A-Za-z_\\])([a-z])\s*(=|\\neq|\\ne|≠|!=)\s*([a-z])(?![A-Za-z_{])")
_WORDS = re.compile(
    r"\$?\b([a-z])\$?\s+(equal to|equals|is equal to|to|different from|differs from|not equal to)"
    r"\s+\$?([a-z])\b"
)


def conditions_in(text: str) -> set[tuple[str, bool, str]]:
    """Index relations such as ``i = j`` / ``j \\neq i`` in ``text``: (a, equal?, b).

    Word forms count too ("j equal to i", "setting $j$ to $i$", "j different from i").

    >>> sorted(conditions_in(r"Case $j = i$, and for $k \\neq i$"))
    [('j', True, 'i'), ('k', False, 'i')]
    >>> sorted(conditions_in("## 6. Off-diagonal entries: j different from i"))
    [('j', False, 'i')]
    """
    found = set()
    for a, op, b in _CONDITION.findall(text):
        if a != b and a not in "ezn" and b not in "ezn":
            found.add((a, op == "=", b))
    for a, words, b in _WORDS.findall(text):
        if a != b and a not in "ezn" and b not in "ezn":
            found.add((a, not ("differ" in words or "not" in words), b))
    return found


def _satisfies(indices: dict[str, int], conditions: set[tuple[str, bool, str]]) -> bool:
    for a, equal, b in conditions:
        if a in indices and b in indices and (indices[a] == indices[b]) != equal:
            return False
    return True


def _free_indices(*texts: str) -> list[str]:
    summed = set()
    for text in texts:
        summed |= set(re.findall(r"\\sum_\{?([a-z])", text))
    letters = set()
    for text in texts:
        for match in re.finditer(r"_\{([a-z0-9,]+)\}|_([a-z0-9])", text):
            letters |= {c for c in (match.group(1) or match.group(2)) if c.isalpha()}
    return sorted(letters - summed - {"n", "m"})


def confirm(
    original: str,
    mutant: str,
    conditions: set[tuple[str, bool, str]] = frozenset(),  # type: ignore[assignment]
    *,
    n: int = 4,
    seeds: tuple[int, ...] = (11, 29),
) -> bool:
    """True if ``mutant`` has another value than ``original`` at some admissible point.

    Points: dimension ``n`` (4 for a symbolic n; see :func:`dimension_of`), every assignment of
    the free indices in 1..3, two random logit vectors.
    When the conditions contradict each other (a section holding both cases), the mutant must
    differ at *every* assignment, so that the change survives whichever case is in scope.

    >>> confirm(r"S_i (\\delta_{ij} - S_j)", r"S_i (1 - S_j)", {("i", True, "j")})
    False
    >>> confirm(r"S_i (\\delta_{ij} - S_j)", r"S_i (1 - S_j)")
    True
    """
    try:
        before, after = compile_latex(original), compile_latex(mutant)
    except Unsupported:
        return False
    free = _free_indices(original, mutant)
    if len(free) > 4:
        return False
    assignments = [
        dict(zip(free, values))
        for values in itertools.product(range(1, min(n, 3) + 1), repeat=len(free))
    ]
    admissible = [a for a in assignments if _satisfies(a, set(conditions))]
    require_all = not admissible
    if require_all:
        admissible = assignments
    differs = []
    for assignment in admissible:
        changed = False
        for seed in seeds:
            env = Env(n=n, indices=assignment, seed=seed)
            try:
                a, b = before(env), after(Env(n=n, indices=assignment, seed=seed))
            except (Unsupported, ZeroDivisionError, OverflowError, ValueError):
                return False
            if _differ(a, b):
                changed = True
        differs.append(changed)
    return all(differs) if require_all else any(differs)


def dimension_of(document: str) -> int:
    """The n to evaluate a document's display math at: its concrete n, or 4 if n is symbolic.

    >>> dimension_of(r"$$S_i = \\frac{e^{z_i}}{e^{z_1} + e^{z_2} + e^{z_3}}$$")
    3
    >>> dimension_of(r"$$S_i = \\frac{e^{z_i}}{\\sum_{l=1}^{n} e^{z_l}}$$")
    4
    """
    math = " ".join(text for _, _, _, text, _ in math_lines(document))
    if re.search(r"\^\{?n\}?|_\{?n\}|_n\b|\\sum_\{?[a-z]\}?\s", math):
        return 4
    written = [int(k) for k in re.findall(r"z_\{?([0-9]+)\}?", math)]
    return max(written) if written else 4


# --------------------------------------------------------------------------- sites


@dataclass(frozen=True)
class Site:
    """One side of an equality chain on a math line: where it is and what is in scope."""

    line: int  #: 1-based line of the document
    start: int  #: offset of the side in the document text
    end: int
    text: str
    conditions: frozenset[tuple[str, bool, str]]
    first: bool  #: the chain's first side (the left side of its first step)


@dataclass(frozen=True)
class Mutant:
    """A mutated side: which mutation, and the new LaTeX."""

    kind: str
    text: str


_TAIL = re.compile(r"(\\quad|\\qquad|\\text\{|\\tag\{|\\label\{|\\nonumber|\\notag|,\s*$|\.\s*$)")


def _split_top(text: str) -> list[tuple[int, int]]:
    """Spans of the sides of ``text`` between top-level ``=`` signs."""
    spans, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        elif char == "=" and depth == 0:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return spans


def math_lines(document: str) -> Iterator[tuple[int, int, int, str, str]]:
    """(block, line number, offset, math text, section prose so far) for display math."""
    offset = 0
    in_block = False
    block = 0
    section: list[str] = []
    for number, line in enumerate(document.splitlines(keepends=True), start=1):
        stripped = line.strip()
        if not in_block and stripped.startswith("#"):
            section = []
        if stripped.startswith("$$") and stripped.endswith("$$") and len(stripped) > 4:
            block += 1
            inner_start = line.index("$$") + 2
            inner_end = line.rindex("$$")
            text = line[inner_start:inner_end]
            yield block, number, offset + inner_start, text, " ".join(section)
        elif stripped.startswith("$$"):
            block += 0 if in_block else 1
            in_block = not in_block
        elif in_block:
            if not re.fullmatch(r"\s*\\(begin|end)\{[A-Za-z*]+\}\s*", line):
                yield block, number, offset, line.rstrip("\n"), " ".join(section)
        else:
            section.append(line)
        offset += len(line)


def find_sites(document: str) -> list[Site]:
    """Every side of every equality chain in the display math of a Markdown document."""
    lines = list(math_lines(document))
    # A condition written after one line of a block (``\quad \text{for } j \neq i``) is taken to
    # hold for the whole block: assuming more conditions only makes confirmation stricter.
    block_conditions: dict[int, set[tuple[str, bool, str]]] = {}
    for block, _, _, text, prose in lines:
        tail = _TAIL.search(text)
        found = conditions_in(prose) | conditions_in(text[tail.start() :] if tail else "")
        block_conditions.setdefault(block, set()).update(found)
    sites = []
    for block, number, offset, text, _ in lines:
        body = text
        tail = _TAIL.search(body)
        cut = tail.start() if tail else len(body)
        scope = block_conditions[block]
        body = body[:cut]
        if "=" not in body:
            continue
        spans = _split_top(body)
        for position, (start, end) in enumerate(spans):
            side = re.sub(r"(\\\\|\s|&)*$", "", body[start:end])
            lead = len(side) - len(side.lstrip(" &"))
            side = side[lead:]
            if not side:
                continue
            real_start = offset + start + lead
            sites.append(
                Site(
                    line=number,
                    start=real_start,
                    end=real_start + len(side),
                    text=side,
                    conditions=frozenset(scope),
                    first=position == 0,
                )
            )
    return sites


# --------------------------------------------------------------------------- mutations


def _replace_each(
    text: str, pattern: str, replacement: Callable[[re.Match[str]], str]
) -> Iterator[str]:
    for match in re.finditer(pattern, text):
        yield text[: match.start()] + replacement(match) + text[match.end() :]


_SOFTMAX_ENTRY = r"[Ss]_(?:\{[a-z0-9]\}|[a-z0-9])(?![\^_])"


def mutate_side(side: str) -> list[Mutant]:
    """Candidate mutants of one side; not all change the value (see :func:`confirm`)."""
    out: list[Mutant] = []

    def add(kind: str, texts: Iterator[str]) -> None:
        for text in texts:
            if text != side and Mutant(kind, text) not in out:
                out.append(Mutant(kind, text))

    add("flip-sign", _replace_each(side, r"(?<![\^{(])-", lambda m: "+"))
    add("flip-sign", _replace_each(side, r"\+", lambda m: "-"))
    add("drop-delta", _replace_each(side, r"\\delta_\{?[a-z],?[a-z]\}?", lambda m: "1"))
    add("drop-delta", _replace_each(side, r"\\delta_\{?[a-z],?[a-z]\}?", lambda m: "0"))
    swap = {"i": "j", "j": "i", "k": "i"}
    add(
        "swap-index",
        _replace_each(side, r"(?<=[Ss]_)(\{?)([ijk])(\}?)", lambda m: m[1] + swap[m[2]] + m[3]),
    )
    add(
        "exp-index",
        _replace_each(side, r"(?<=e\^\{z_)(\{?)([ijk])(\}?)", lambda m: m[1] + swap[m[2]] + m[3]),
    )
    batch = {"i": "j", "j": "i", "a": "b", "b": "a"}
    add(
        "swap-index",
        _replace_each(side, r"(?<=[SG]_\{)([abij])(?=,)", lambda m: batch[m[1]]),
    )
    add(
        "swap-index",
        _replace_each(side, r"(?<=[SG]_\{[a-z],)([ij])(?=\})", lambda m: batch[m[1]]),
    )
    add("sum-bound", _replace_each(side, r"\^\{?n\}?", lambda m: "^{n-1}"))
    add("sum-bound", _replace_each(side, r"(?<=\\sum_\{[a-z]=)1(?=\})", lambda m: "2"))
    for match in re.finditer(r"\\sum_\{([a-z])=1\}\^\{?n\}?\s*", side):
        body_index = re.compile(r"(?<=_)(\{?)" + match[1] + r"(\}?)")
        rest = side[match.end() :]
        found = body_index.search(rest)
        if found:
            position = match.end() + found.start()
            text = side[:position] + found[1] + "j" + found[2] + side[position + len(found[0]) :]
            add("sum-index", iter([text]))
    add(
        "square",
        _replace_each(side, _SOFTMAX_ENTRY, lambda m: "{" + m[0] + "}^{2}"),
    )
    add(
        "drop-factor",
        _replace_each(side, _SOFTMAX_ENTRY + r"\s*(?=\\left\(|\(|\\frac|e\^)", lambda m: ""),
    )
    add("exp-sign", _replace_each(side, r"(?<=e\^\{)(?=z_)", lambda m: "-"))
    return out


# --------------------------------------------------------------------------- documents


def apply(document: str, site: Site, mutant: Mutant) -> str:
    """``document`` with one side replaced by the mutant."""
    return document[: site.start] + mutant.text + document[site.end :]


def truncate_after_block(document: str, line: int) -> str:
    """``document`` up to the end of the display block holding ``line`` (later steps dropped).

    >>> truncate_after_block("a\\n$$\\nx = y\\n$$\\nb\\n$$ u = v $$\\n", 3)
    'a\\n$$\\nx = y\\n$$\\n'
    """
    lines = document.splitlines(keepends=True)
    for number in range(line, len(lines) + 1):
        text = lines[number - 1]
        if "$$" in text and (number > line or text.strip().endswith("$$")):
            return "".join(lines[:number])
    return document


def mutants(document: str) -> list[tuple[Site, Mutant]]:
    """Every candidate mutant of every side (unconfirmed; see :func:`confirm`)."""
    return [(site, mutant) for site in find_sites(document) for mutant in mutate_side(site.text)]


def isolate(document: str, line: int, step_lines: set[int]) -> str:
    """Keep only what the step on ``line`` needs: blank earlier blocks that hold steps.

    Definitions, prose and, when the mutated block opens with a continuation (``= …``,
    ``\\implies …``), the block before it stay; later text is cut. Blanked lines stay as empty
    lines, so line numbers hold.

    >>> doc = "$$a = b$$\\n$$c = d$$\\n$$e = f$$\\n$$= h$$\\n"
    >>> isolate(doc, 4, {1, 2, 3, 4})
    '\\n\\n$$e = f$$\\n$$= h$$\\n'
    >>> isolate(doc, 3, {1, 2, 3, 4})
    '\\n\\n$$e = f$$\\n'
    """
    blocks: dict[int, list[int]] = {}
    opening: dict[int, str] = {}
    defines: set[int] = set()  # blocks with an equation that is not a step: a definition
    for block, number, _, text, _ in math_lines(document):
        blocks.setdefault(block, []).append(number)
        if text.strip():
            opening.setdefault(block, text.strip())
        if "=" in text and number not in step_lines:
            defines.add(block)
    target = next((b for b, numbers in blocks.items() if line in numbers), None)
    if target is None:
        return truncate_after_block(document, line)
    continues = re.match(r"&?\s*(=|\\implies|\\Rightarrow|\\therefore|\\to)", opening[target])
    keep = target - 1 if continues else target
    lines = document.splitlines(keepends=True)
    for block, numbers in blocks.items():
        if block >= keep or block in defines or not step_lines.intersection(numbers):
            continue
        first, last = min(numbers), max(numbers)
        # the block's $$ fences and environment lines go with it
        while first > 1 and lines[first - 2].strip() and "$$" not in lines[first - 1]:
            first -= 1
            if "$$" in lines[first - 1]:
                break
        while last < len(lines) and lines[last].strip() and "$$" not in lines[last - 1]:
            last += 1
            if "$$" in lines[last - 1]:
                break
        for number in range(first, last + 1):
            lines[number - 1] = "\n"
    return truncate_after_block("".join(lines), line)
