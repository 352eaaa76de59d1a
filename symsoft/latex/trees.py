"""Small readers over the lark parse tree shared by the mapping modules.

Examples
--------
>>> from lark import Token, Tree
>>> is_token(Token("LETTER", "x"), "LETTER"), is_token(Tree("group", []), "LETTER")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lark import Token, Tree

__all__ = [
    "Script",
    "chain_parts",
    "inner_chains",
    "is_dots",
    "is_token",
    "is_transpose",
    "letter_run",
    "lone_delimited",
    "lone_delimited_expr",
    "lone_items",
    "lone_name",
    "product_items",
    "single_expr",
    "split_factor",
    "subscript_word",
    "superscript_label",
    "token_type",
]


def token_type(node: Any) -> str | None:
    """The token type of ``node``, or None for a subtree."""
    return node.type if isinstance(node, Token) else None


def is_token(node: Any, *types: str) -> bool:
    """Whether ``node`` is a token of one of ``types`` (any type when none is given)."""
    return isinstance(node, Token) and (not types or node.type in types)


@dataclass(frozen=True)
class Script:
    """The pieces of a factor: its base and at most one subscript and one superscript."""

    base: Any
    sub: Any = None
    sup: Any = None
    primes: int = 0


def split_factor(tree: Tree) -> Script | None:
    """The base and scripts of a ``factor`` tree; None when a script is given twice."""
    base, *scripts = tree.children
    sub = sup = None
    primes = 0
    for script in scripts:
        head = token_type(script.children[0])
        if head == "PRIME":
            primes += 1
        elif head == "SUB":
            if sub is not None:
                return None
            sub = script.children[1]
        else:
            if sup is not None or primes:
                return None
            sup = script.children[1]
    return Script(base, sub, sup, primes)


def inner_chains(node: Any) -> list[Tree]:
    """The comma-separated chains inside a group, delimiter or cell (empty for ``{}``)."""
    inner = next(c for c in node.children if isinstance(c, Tree) and c.data == "inner")
    return [c for c in inner.children if isinstance(c, Tree)]


def chain_parts(chain: Tree) -> tuple[list[Tree], list[str]]:
    """The expression trees of a chain and the relation names between them."""
    exprs = [c for c in chain.children if c.data == "expr"]
    ops = [str(c.children[0]) for c in chain.children if c.data == "rel"]
    return exprs, ops


def single_expr(node: Any) -> Tree | None:
    """The one expression inside a group or delimiter, if it holds exactly one."""
    chains = inner_chains(node)
    if len(chains) != 1:
        return None
    exprs, ops = chain_parts(chains[0])
    return exprs[0] if not ops else None


def product_items(node: Any) -> list[Any] | None:
    """The items of a lone unsigned product: ``{\\partial S_i}`` gives [∂, S_i]."""
    if is_token(node):
        return [Tree("factor", [node])]
    expr = single_expr(node) if node.data in ("group", "delimited") else None
    if expr is None or len(expr.children) != 1:
        return None
    term = expr.children[0]
    if len(term.children) != 1:
        return None
    return list(term.children[0].children)


def is_transpose(sup: Any) -> bool:
    if is_token(sup, "TOP") or (is_token(sup, "LETTER") and str(sup) == "T"):
        return True
    if isinstance(sup, Tree) and sup.data == "group":
        chains = inner_chains(sup)
        if len(chains) == 1 and len(chain_parts(chains[0])[0]) == 1:
            items = lone_items(chain_parts(chains[0])[0][0])
            if items and len(items) == 1 and isinstance(items[0], Tree):
                return len(items[0].children) == 1 and is_transpose(items[0].children[0])
    return False


def lone_items(expr: Tree) -> list[Any] | None:
    if len(expr.children) != 1 or len(expr.children[0].children) != 1:
        return None
    return list(expr.children[0].children[0].children)


def letter_run(expr: Tree) -> list[str] | None:
    items = lone_items(expr)
    if not items or not all(isinstance(t, Tree) and len(t.children) == 1 for t in items):
        return None
    bases = [i.children[0] for i in items]
    if not all(is_token(b, "LETTER", "GREEK") for b in bases):
        return None
    return [str(b) for b in bases]


def lone_delimited(chain: Tree) -> Tree | None:
    exprs, ops = chain_parts(chain)
    items = lone_items(exprs[0]) if not ops else None
    if items and len(items) == 1 and isinstance(items[0], Tree) and len(items[0].children) == 1:
        base = items[0].children[0]
        if isinstance(base, Tree) and base.data == "delimited":
            return base
    return None


def lone_delimited_expr(sup: Tree) -> bool:
    chains = inner_chains(sup) if sup.data == "group" else []
    return len(chains) == 1 and lone_delimited(chains[0]) is not None


def lone_name(tree: Tree, *, vector: bool, names: frozenset[str]) -> bool:
    """Whether ``(...)`` holds only ``z``/``x`` (``vector``) or ``z``/``z_j`` (otherwise)."""
    chains = inner_chains(tree)
    if len(chains) != 1 or chain_parts(chains[0])[1]:
        return False
    items = lone_items(chain_parts(chains[0])[0][0])
    if not items or len(items) != 1 or not isinstance(items[0], Tree):
        return False
    script = split_factor(items[0])
    if script is None or script.sup is not None or script.primes:
        return False
    if not is_token(script.base, "LETTER") or str(script.base) not in names:
        return False
    return script.sub is None if vector else True


def is_dots(expr: Tree) -> bool:
    items = lone_items(expr)
    if not items or len(items) != 1 or not isinstance(items[0], Tree):
        return False
    return is_token(items[0].children[0], "DOTS")


def subscript_word(sub: Any) -> str | None:
    """``_{\\text{softmax}}``, ``_{\\mathrm{max}}``: a word used as a label, not an index."""
    if not isinstance(sub, Tree) or sub.data != "group":
        return None
    token = _lone_token(sub)
    return str(token) if is_token(token, "WORD") else None


def superscript_label(sup: Any) -> str | None:
    """``^{(L)}``, ``^{(2)}``: a label such as a layer, written as a superscript in parentheses;
    also a word (``^{\\text{out}}``, ``^{out}``: three letters or more are a label, never a
    power or upper indices)."""
    if not isinstance(sup, Tree) or sup.data != "group":
        return None
    word = _superscript_word(sup)
    if word is not None:
        return word
    if not lone_delimited_expr(sup):
        return None
    inner = lone_delimited(inner_chains(sup)[0])
    if inner is None or token_type(inner.children[0]) != "LPAR":
        return None
    token = _lone_token(inner)
    return str(token) if is_token(token, "LETTER", "NUMBER", "GREEK") else None


def _superscript_word(sup: Tree) -> str | None:
    tokens = list(sup.scan_values(lambda v: isinstance(v, Token)))
    inner = [t for t in tokens if t.type not in ("LBRACE", "RBRACE")]
    if len(inner) == 1 and inner[0].type == "WORD" and len(str(inner[0])) >= 2:
        return str(inner[0])
    if len(inner) >= 3 and all(t.type == "LETTER" for t in inner):
        return "".join(map(str, inner))
    return None


def _lone_token(group: Tree) -> Any:
    """The one token a group holds (one chain, no relation, one item of one token), else None."""
    chains = inner_chains(group)
    if len(chains) != 1 or chain_parts(chains[0])[1]:
        return None
    items = lone_items(chain_parts(chains[0])[0][0])
    if not items or len(items) != 1 or not isinstance(items[0], Tree):
        return None
    return items[0].children[0] if len(items[0].children) == 1 else None
