"""The vocabulary of the LaTeX reader: which commands mean what, and which are only presentation.

A command missing from every table here is refused by the lexer (never guessed).

Examples
--------
>>> SIMPLE["dfrac"], SIMPLE["cdots"], SIMPLE["ne"]
(('FRAC', 'frac'), ('DOTS', '...'), ('REL', '!='))
>>> normalize_unicode("a − b·c")
'a - b\\\\cdot c'
>>> [(t.type, str(t)) for t in text_tokens("if ", 0)]
[('COND', 'if')]
"""

from __future__ import annotations

import re

from lark import Token

from symsoft.errors import LatexParseError

__all__ = [
    "ANNOTATED",
    "CASES_ENVS",
    "DELIMITER_SIZERS",
    "DROP_WITH_ARG",
    "MATRIX_ENVS",
    "NUMBER_SETS",
    "ONES_WRAPPERS",
    "PLAIN_WORDS",
    "SIMPLE",
    "STYLE_WRAPPERS",
    "TEXT_WRAPPERS",
    "TRANSPARENT_ENVS",
    "UPRIGHT",
    "normalize_unicode",
    "text_tokens",
]

GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "varpi",
    "rho",
    "varrho",
    "sigma",
    "varsigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
]

_DROP = [
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "scriptscriptstyle",
    "limits",
    "nolimits",
    "nonumber",
    "notag",
    "mathstrut",
    "strut",
    "square",
    "qed",
    "Box",
    "blacksquare",
    "hfill",
    "enspace",
    "thinspace",
    "medspace",
    "thickspace",
    "negthinspace",
    ",",
    ";",
    ":",
    "!",
    ">",
    "\\",
    "",
    "allowbreak",
    "hline",
]

#: name -> (token type, token value); a type of None drops the command.
SIMPLE: dict[str, tuple[str | None, str]] = {
    **{name: (None, "") for name in _DROP},
    " ": (None, ""),
    "quad": ("QUAD", "quad"),
    "qquad": ("QUAD", "quad"),
    "\\": ("ROWSEP", "\\\\"),
    "cr": ("ROWSEP", "\\\\"),
    "{": ("LSET", "\\{"),
    "}": ("RSET", "\\}"),
    "lbrace": ("LSET", "\\{"),
    "rbrace": ("RSET", "\\}"),
    "langle": ("LANGLE", "<"),
    "rangle": ("RANGLE", ">"),
    "lbrack": ("LBRACK", "["),
    "rbrack": ("RBRACK", "]"),
    "_": ("SUB", "_"),
    "cdot": ("CDOT", "cdot"),
    "times": ("CDOT", "times"),
    "ast": ("CDOT", "*"),
    "div": ("SLASH", "/"),
    "odot": ("ODOT", "odot"),
    **{
        name: ("DOTS", "...")
        for name in ["dots", "cdots", "ldots", "vdots", "ddots", "dotsb", "dotsc", "dotsm"]
    },
    "neq": ("REL", "!="),
    "ne": ("REL", "!="),
    "leq": ("REL", "<="),
    "le": ("REL", "<="),
    "leqslant": ("REL", "<="),
    "geq": ("REL", ">="),
    "ge": ("REL", ">="),
    "geqslant": ("REL", ">="),
    "lt": ("REL", "<"),
    "gt": ("REL", ">"),
    "approx": ("REL", "approx"),
    "propto": ("REL", "propto"),
    "in": ("REL", "in"),
    **{
        name: ("REL", "implies")
        for name in [
            "implies",
            "Rightarrow",
            "Longrightarrow",
            "rightarrow",
            "longrightarrow",
            "to",
            "therefore",
        ]
    },
    "iff": ("REL", "equiv"),
    "Leftrightarrow": ("REL", "equiv"),
    "Longleftrightarrow": ("REL", "equiv"),
    **{name: ("REL", "def") for name in ["equiv", "coloneqq", "triangleq", "doteq", "eqqcolon"]},
    "partial": ("PARTIAL", "partial"),
    "nabla": ("PARTIAL", "nabla"),
    "over": ("OVER", "over"),
    "ell": ("GREEK", "ell"),
    "vert": ("BAR", "|"),
    "lvert": ("BAR", "|"),
    "rvert": ("BAR", "|"),
    "sum": ("BIGOP", "sum"),
    "prod": ("BIGOP", "prod"),
    "infty": ("INFTY", "oo"),
    "top": ("TOP", "top"),
    "intercal": ("TOP", "top"),
    "prime": ("PRIME", "'"),
    "frac": ("FRAC", "frac"),
    "dfrac": ("FRAC", "frac"),
    "tfrac": ("FRAC", "frac"),
    "cfrac": ("FRAC", "frac"),
    "sqrt": ("SQRT", "sqrt"),
    "forall": ("COND", "for"),
    **{name: ("WORD", name) for name in ["exp", "log", "ln", "max", "min", "sin", "cos", "tanh"]},
    **{name: ("GREEK", name.removeprefix("var")) for name in GREEK},
}

DELIMITER_SIZERS = frozenset(
    [
        "left",
        "right",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "biggl",
        "biggr",
        "Biggl",
        "Biggr",
        "bigm",
        "Bigm",
    ]
)
#: Commands dropped together with this many arguments (``\color{red}`` keeps what follows).
DROP_WITH_ARG = {
    "tag": 1, "tag*": 1, "label": 1, "hspace": 1, "hspace*": 1, "vspace": 1, "color": 1,
    "textcolor": 1, "phantom": 1, "hphantom": 1, "vphantom": 1, "intertext": 1,
}  # fmt: skip
TEXT_WRAPPERS = frozenset(
    ["text", "textrm", "textit", "textbf", "textsf", "textnormal", "textup", "mbox", "hbox"]
)
#: Wrappers and the name format of the letter they wrap (``\hat y`` is its own variable).
STYLE_WRAPPERS = {
    **{
        name: ""
        for name in [
            "mathbf",
            "boldsymbol",
            "bm",
            "pmb",
            "mathit",
            "mathnormal",
            "mathsf",
            "mathrm",
            # the TeX switch ``\bf``, which MathJax also takes with a braced argument
            "bf",
        ]
    },
    **{
        name: ""
        for name in ["operatorname", "operatorname*", "mathbb", "mathds", "mathbbm", "vec", "bar"]
    },
    **{name: "" for name in ["overline", "underline", "widebar"]},
    # A struck-out term still denotes itself: ``\\frac{\\cancel{a} b}{\\cancel{a}}`` is ab/a.
    **{name: "" for name in ["cancel", "bcancel", "xcancel"]},
    "mathop": "",
    "mathcal": "cal_",
    "mathscr": "scr_",
    "mathfrak": "frak_",
    "hat": "hat_",
    "widehat": "hat_",
    "tilde": "tilde_",
    "widetilde": "tilde_",
}
#: ``\\mathbb{R}`` and friends: the number sets, named by their Unicode letters.
NUMBER_SETS = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "C": "ℂ", "Q": "ℚ"}
UPRIGHT = frozenset(["mathrm", "operatorname", "operatorname*", "mathsf", "mathit", "mathop"])
ONES_WRAPPERS = frozenset(["mathbf", "mathbb", "mathds", "mathbbm", "boldsymbol", "bm", "pmb"])
ANNOTATED = frozenset(["overset", "underset", "stackrel", "underbrace", "overbrace", "boxed"])
MATRIX_ENVS = frozenset(["matrix", "pmatrix", "bmatrix", "Bmatrix", "smallmatrix", "array"])
CASES_ENVS = frozenset(["cases", "dcases"])
TRANSPARENT_ENVS = frozenset(
    [
        "aligned",
        "align",
        "align*",
        "split",
        "gathered",
        "gather",
        "gather*",
        "equation",
        "equation*",
        "alignedat",
    ]
)

#: Words written in plain letters that are one name, not a product of letters.
PLAIN_WORDS = {
    "softmax": "softmax", "Softmax": "softmax", "diag": "diag", "Diag": "diag", "exp": "exp",
    "log": "log", "ln": "ln", "max": "max", "min": "min", "sigmoid": "sigmoid",
}  # fmt: skip

_COND_WORDS = {
    "if": "if", "for": "for", "when": "when", "whenever": "when", "where": "where",
    "otherwise": "otherwise", "else": "otherwise", "and": "and", "with": "where",
}  # fmt: skip
_FILLER = frozenset(["all", "each", "every", "the", "case", "that", "any"])

_UNICODE = {
    "\u2212": "-", "\u2013": "-", "\u00d7": r"\times ", "\u00b7": r"\cdot ", "\u22c5": r"\cdot ",
    "\u2202": r"\partial ", "\u2211": r"\sum ", "\u220f": r"\prod ", "\u2260": r"\neq ",
    "\u2264": r"\leq ", "\u2265": r"\geq ", "\u2248": r"\approx ", "\u221d": r"\propto ",
    "\u2208": r"\in ", "\u21d2": r"\Rightarrow ", "\u2192": r"\to ", "\u2026": r"\dots ",
    "\u22ef": r"\cdots ", "\u22ee": r"\vdots ", "\u22f1": r"\ddots ", "\u2299": r"\odot ",
    "\u1d40": r"^\top ", "\u2032": "'", "\u2033": "''", "\u221e": r"\infty ",
    "\u27e8": r"\langle ", "\u27e9": r"\rangle ", "\U0001d7d9": r"\mathbb{1}",
    "\u2234": r"\therefore ", "\u2254": ":=", "\u2261": r"\equiv ", "\u00a0": " ",
    "\u2200": r"\forall ", "\u2217": "*",
}  # fmt: skip
_GREEK_LETTERS = "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ"
_GREEK_NAMES = [name for name in GREEK if not name.startswith("var")]  # order of the letters
_UNICODE.update({c: f"\\{n} " for c, n in zip(_GREEK_LETTERS, _GREEK_NAMES, strict=True)})
_UNICODE_RE = re.compile("|".join(map(re.escape, _UNICODE)))


#: ``(※1)``: a reference mark pointing to a note below the formula (Japanese write-ups)
_NOTE_MARK = re.compile(r"\(\s*※\s*\d*\s*\)|※\s*\d*")


def normalize_unicode(text: str) -> str:
    """Replace mathematical Unicode (−, ×, ∂, σ, ≠, …) by the LaTeX it stands for."""
    text = _NOTE_MARK.sub(" ", text)
    return _UNICODE_RE.sub(lambda m: _UNICODE[m.group()], text)


def text_tokens(content: str, pos: int) -> list[Token]:
    """Tokens for ``\\text{content}``: a condition word, a name, or nothing for prose."""
    if "$" in content or "\\(" in content:
        raise LatexParseError(content, "math inside \\text{...}", position=pos)
    words = re.findall(r"[A-Za-z]+", content)
    if not words:
        return [] if not content.strip(" .,;:") else [Token("QUAD", "quad", pos)]
    first = words[0].lower()
    if first in _COND_WORDS:
        if any(word.lower() not in _FILLER for word in words[1:]):
            raise LatexParseError(content, "prose condition not understood", position=pos)
        return [Token("COND", _COND_WORDS[first], pos)]
    stripped = content.strip()
    if re.fullmatch(r"[A-Za-z]", stripped):
        return [Token("LETTER", stripped, pos)]
    if re.fullmatch(r"[A-Za-z]+", stripped):
        return [Token("WORD", PLAIN_WORDS.get(stripped, stripped), pos)]
    # Prose such as ``\text{(quotient rule)}`` or ``\text{ s.t. }`` carries no mathematics but
    # separates what is around it, like ``\quad``: ``A = B \text{ s.t. } i \neq j``.
    return [Token("QUAD", "quad", pos)]
