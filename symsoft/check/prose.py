"""Index conditions stated in prose: "if i = j", "for $k \\neq i$", "i≠jの場合", and their scope.

A derivation splits into cases in its prose. This module reads such conditions (a cue word
close before the relation, or a Japanese/Chinese cue after it), says where prose closes the
scope of earlier conditions (a heading, "combining both cases", "in matrix form"), and when a
formula is the general case of a condition's pair (it writes δ_ik or an indicator of i = k).

Examples
--------
>>> conditions_in(r"If $i \\neq j$, then")
(('i', '!=', 'j'),)
>>> trailing_conditions(" for $i = j$.")
(('i', '=', 'j'),)
>>> general_case(r"S_i(\\delta_{ik} - S_k)", ("i", "!=", "k"))
True
"""

from __future__ import annotations

import re

__all__ = [
    "Condition",
    "conditions_in",
    "general_case",
    "is_index_inequality",
    "is_index_relation",
    "scope_end",
    "trailing_conditions",
]

Condition = tuple[str, str, str]

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s|\\(?:sub)*section\*?\{|\\paragraph\{", re.M)

#: ``i = j``, ``i \neq j``, ``i ≠ j`` and the words people use for them.
_INDEX = r"([a-z](?:_?\d)?|[a-z]')"
_REL = (
    r"(==|=|\\neq|\\ne\b|≠|!=|\\not=|\\not\s*=|is\s+not\s+equal\s+to|is\s+equal\s+to|"
    r"equals|does\s+not\s+equal|differs\s+from|(?:is\s+)?different\s+from)"
)
#: a lone index in inline math (``for $k$ different from \\( i \\)``) reads as the letter
_INLINE_INDEX = re.compile(r"\$\s*" + _INDEX + r"\s*\$|\\\(\s*" + _INDEX + r"\s*\\\)")
# ASCII boundaries: in Japanese or Chinese prose the index touches a letter (``②i≠jの場合``)
_CONDITION = re.compile(
    r"(?<![A-Za-z0-9_\\])" + _INDEX + r"\s*" + _REL + r"\s*" + _INDEX + r"(?![A-Za-z0-9_(])"
)
_CONDITION_CUE = re.compile(
    r"\b(if|iff|for|when|whenever|where|case|cases|assume|assuming|suppose|given|with|"
    r"diagonal|otherwise|wenn|falls|fall|für|si|pour|lorsque|quand|cas|cuando|para|caso|se|"
    r"quando|если|при|случай)\b"
    r"|当|若|如果|时|情况|場合|とき|경우|일\s*때|이면",
    re.I,
)
#: Japanese, Chinese and Korean put the cue after the relation: ``i≠jの場合``, ``i=j时``,
#: ``i = k인 경우``, ``i ≠ k일 때``.
_CUE_AFTER = re.compile(r"\s*\$?\s*(?:の|인\s*)?(?:場合|とき|時|时|的情况|경우|일\s*때|이면)")
#: Prose that closes the scope of earlier conditions ("putting both cases together").
_SCOPE_END = re.compile(
    r"\b(combin\w*|together|in\s+general|both\s+cases|summar\w*|overall|all\s+cases|"
    r"compact\w*|regardless|general\s+case|in\s+either\s+case|unif\w*|finally|in\s+short|"
    r"matrix\s+form|for\s+(?:all|every|any)\s+(?:\$?[a-z]\$?\s*(?:,|and)\s*)*\$?[a-z]\$?\b)",
    re.I,
)
_PURE_INDEX_RELATION = re.compile(
    r"^\s*" + _INDEX + r"\s*" + _REL + r"\s*" + _INDEX + r"\s*[,.;:]?\s*$"
)
_INDEX_INEQUALITY = re.compile(
    r"^\s*" + _INDEX + r"\s*(\\neq|\\ne\b|≠|!=|\\not\s*=)\s*" + _INDEX + r"\s*[,.;:]?\s*$"
)


def _normalise_relation(op: str) -> str:
    op = re.sub(r"\s+", " ", op.strip().lower())
    return "=" if op in ("=", "==", "is equal to", "equals") else "!="


def conditions_in(prose: str) -> tuple[Condition, ...]:
    """Index conditions stated in prose: a cue word followed closely by ``a = b`` / ``a ≠ b``."""
    result: list[Condition] = []
    prose = _INLINE_INDEX.sub(lambda m: m.group(1) or m.group(2), prose)
    for match in _CONDITION.finditer(prose):
        window = prose[max(0, match.start() - 60) : match.start()]
        after = prose[match.end() : match.end() + 6]
        if not (_CONDITION_CUE.search(window) or _CUE_AFTER.match(after)):
            continue
        a, op, b = match.group(1), _normalise_relation(match.group(2)), match.group(3)
        if a == b:
            continue
        condition = (a, op, b)
        # A later statement about the same pair replaces an earlier one ("if i = j ... if i ≠ j").
        result = [c for c in result if {c[0], c[2]} != {a, b}]
        result.append(condition)
    return tuple(result)


def general_case(formula: str, condition: Condition) -> bool:
    """Whether ``formula`` writes δ_ab (or an indicator of a = b) for the pair of ``condition``.

    Under "if i ≠ k" nobody writes δ_ik (it is 0 there): a formula that does is the general
    case, so a prose case condition stops applying from there on ("So ∂σ_i/∂z_k = σ_i(δ_ik −
    σ_k)" after the two cases must not be checked under the last case's i ≠ k).
    """
    a, _, b = (re.escape(name) for name in condition)
    pair = rf"(?:{a}\s*,?\s*{b}|{b}\s*,?\s*{a})"
    equal = rf"(?:{a}\s*==?\s*{b}|{b}\s*==?\s*{a})"
    delta = rf"\\delta_\s*(?:\{{\s*{pair}\s*\}}|{pair}(?![A-Za-z0-9]))"
    indicator = (  # 1_{i=k}, \\mathbb{1}\\{i=k\\}, [i = k], (i == k)
        rf"(?:_\s*\{{\s*{equal}\s*\}}|\\\{{\s*{equal}\s*\\\}}"
        rf"|\[\s*{equal}\s*\]|\(\s*{equal}\s*\))"
    )
    return re.search(f"{delta}|{indicator}", formula) is not None


def trailing_conditions(prose: str) -> tuple[Condition, ...]:
    """Conditions stated right after a formula ("…$$ for $i \\neq j$.")."""
    head = prose.lstrip(" \t.,;:")
    # Only a lower-case cue in the same paragraph continues the sentence of the formula;
    # "If $i \neq j$:" after a blank line opens the next case instead.
    if re.search(r"\n\s*\n", prose[: len(prose) - len(head)]):
        return ()
    if not re.match(r"(if|for|when|whenever|where)\b", head):
        return ()
    return conditions_in(head[:80].split("\n\n")[0])


def scope_end(prose: str) -> int:
    """Where the last heading or scope-closing phrase ("both cases", …) of ``prose`` ends, or 0."""
    ends = [m.end() for m in (*_HEADING.finditer(prose), *_SCOPE_END.finditer(prose))]
    return max(ends, default=0)


def is_index_relation(body: str) -> bool:
    """Whether inline math is only ``i = j`` or ``i \\ne j``: a condition, not a step."""
    return _PURE_INDEX_RELATION.match(body) is not None


def is_index_inequality(body: str) -> bool:
    """Whether inline math is only ``i \\ne j``."""
    return _INDEX_INEQUALITY.match(body) is not None
