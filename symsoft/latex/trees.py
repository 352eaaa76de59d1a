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

__all__ = ["Script", "chain_parts", "inner_chains", "is_token", "single_expr", "split_factor"]


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
        head = script.children[0]
        if head.type == "PRIME":
            primes += 1
        elif head.type == "SUB":
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
