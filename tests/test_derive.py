"""Tests of ``symsoft derive``: checked routes, loud failure on corrupted steps, goldens, CLI."""

from __future__ import annotations

import dataclasses
import importlib
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from typer.testing import CliRunner

from symsoft.cli import app, main
from symsoft.derivation import routes as derivations
from symsoft.derivation.build import ROUTE_NAMES, Derivation, check_route, derive
from symsoft.derivation.routes import Link, build_route
from symsoft.derivation.typeset import formula
from symsoft.errors import DerivationError, UsageError
from symsoft.proof.identity import decide
from symsoft.verdict import Verdict

#: proves derivations for symbolic n, seconds each: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ROUTES = [name for name in ROUTE_NAMES if name != "all"]


# ---------------------------------------------------------------------------------------------
# every route verifies
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_route_verifies_for_symbolic_n(route):
    """Every step of every route is verified for symbolic n, not just at one n."""
    derivation = derive(route)
    assert derivation.n == "general" and derivation.passed
    assert len(derivation.steps) >= 3
    for step in derivation.steps:
        assert step.verdict is Verdict.VERIFIED
        assert "normal form for symbolic" in step.method
        assert "cross-checked exactly" in step.method


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("n", [1, 2, 3])
def test_route_verifies_for_concrete_n(route, n):
    """With a concrete n the sums are written out and every index value is checked exactly."""
    derivation = derive(route, n)
    assert derivation.n == n
    assert all(step.verdict is Verdict.VERIFIED for step in derivation.steps)
    assert all(f"n = {n}" in step.method for step in derivation.steps)
    assert "\\sum" not in derivation.to_markdown()


def test_concrete_n_writes_sums_out():
    """--n 3 spells the denominator as e^{z_1} + e^{z_2} + e^{z_3}."""
    first = derive("quotient", 3).steps[0]
    assert first.rhs_latex == "\\frac{e^{z_i}}{e^{z_1} + e^{z_2} + e^{z_3}}"


def test_all_concatenates_every_route():
    """`all` holds every route's steps in order and renders each one."""
    everything = derive("all")
    assert [part.route for part in everything.parts] == ROUTES
    assert len(everything.steps) == sum(len(derive(route).steps) for route in ROUTES)
    markdown = everything.to_markdown()
    for route in ROUTES:
        assert derive(route).title in markdown
    assert json.loads(json.dumps(everything.to_dict()))["routes"] == ROUTES


def test_quotient_route_has_the_textbook_steps():
    """The quotient route goes through the cases j = i and j ≠ i to S_i(δ_ij − S_j)."""
    derivation = derive("quotient")
    titles = [section.title for section in derivation.sections]
    assert any("Diagonal" in title for title in titles)
    assert any("Off-diagonal" in title for title in titles)
    texts = [step.rhs_text for step in derivation.steps]
    assert "S_i·(1 − S_i)" in texts
    assert "−S_i·S_j" in texts
    assert texts[-1] == "S_i·(δ_ij − S_j)"
    off_diagonal = [step for step in derivation.steps if step.condition]
    assert off_diagonal and all(step.condition == "for j ≠ i" for step in off_diagonal)


# ---------------------------------------------------------------------------------------------
# a corrupted step fails loudly
# ---------------------------------------------------------------------------------------------


def _corrupt(route, chain_title, link_index, mutate, n=None):
    spec = build_route(route, n)
    chains = list(spec.chains)
    position = next(k for k, chain in enumerate(chains) if chain.title == chain_title)
    chain = chains[position]
    links = list(chain.links)
    old = links[link_index]
    links[link_index] = Link(formula(mutate(old.formula.expr)), old.why)
    chains[position] = dataclasses.replace(chain, links=tuple(links))
    return dataclasses.replace(spec, chains=tuple(chains))


def _symbols(setting):
    return setting.indices["i"], setting.indices["j"]


@pytest.mark.parametrize("n", [None, 3])
def test_wrong_sign_fails_loudly(n):
    """Flipping the sign of S_i(δ_ij − S_j) in the last quotient step raises DerivationError."""
    spec = _corrupt("quotient", "Both cases in one formula", 0, lambda e: -e, n)
    with pytest.raises(DerivationError) as caught:
        check_route(spec, n or "general")
    assert caught.value.step == len(derive("quotient").steps)
    assert "refuted" in str(caught.value) and "counterexample" in str(caught.value)


@pytest.mark.parametrize("n", [None, 3])
def test_swapped_index_fails_loudly(n):
    """δ_ij − S_i in place of δ_ij − S_j in the log route raises DerivationError."""
    spec = build_route("log", n)
    i, j = _symbols(spec.setting)
    corrupted = _corrupt("log", "Differentiate the logarithm", 3, lambda e: e.xreplace({j: i}), n)
    with pytest.raises(DerivationError, match="does not verify: refuted"):
        check_route(corrupted, n or "general")


@pytest.mark.parametrize("n", [None, 3])
def test_dropped_delta_fails_loudly(n):
    """Dropping δ_ij (δ → 1) from the quotient-rule numerator raises DerivationError."""
    spec = _corrupt(
        "quotient",
        "The quotient rule",
        2,
        lambda e: e.replace(lambda x: isinstance(x, sp.KroneckerDelta), lambda x: sp.Integer(1)),
        n,
    )
    with pytest.raises(DerivationError) as caught:
        check_route(spec, n or "general")
    assert caught.value.route == "quotient"
    assert "'i': 1, 'j': 2" in str(caught.value) or "'j': 2, 'i': 1" in str(caught.value)


def test_a_condition_is_not_dropped_silently():
    """The off-diagonal chain without its j ≠ i condition fails: its first step needs it."""
    spec = build_route("quotient", None)
    chains = [
        dataclasses.replace(chain, conditions=()) if chain.conditions else chain
        for chain in spec.chains
    ]
    with pytest.raises(DerivationError, match="Off-diagonal"):
        check_route(dataclasses.replace(spec, chains=tuple(chains)), "general")


def test_failing_step_is_never_printed(monkeypatch, capsys):
    """The CLI exits 1 with one line and prints no derivation when a step fails."""
    corrupted = _corrupt("log", "Multiply back by S_i", 1, lambda e: 2 * e)
    module = importlib.import_module("symsoft.derivation.build")
    monkeypatch.setattr(module, "build_route", lambda name, n: corrupted)
    module._derive.cache_clear()
    try:
        with pytest.raises(SystemExit) as done:
            main(["derive", "--route", "log", "--format", "markdown"])
    finally:
        module._derive.cache_clear()
    assert done.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "does not verify" in captured.err


# ---------------------------------------------------------------------------------------------
# mutation sweep against an independent numeric oracle
# ---------------------------------------------------------------------------------------------


def _oracle_differs(previous, mutated, setting, conditions, *, n=4, seed=1):
    """Evaluate both sides at n = 4 with SymPy's own doit/diff/evalf: a second opinion."""
    rng = random.Random(seed)
    dims = {symbol: n for symbol in setting.dims.values() if isinstance(symbol, sp.Symbol)}
    indices = [symbol for symbol in setting.ranges]
    for values in [(1, 2, 3, 4), (2, 2, 3, 3), (3, 1, 1, 2), (1, 1, 1, 1)]:
        assignment = dict(zip(indices, values, strict=False))
        if any(
            (assignment.get(c.lhs, c.lhs) == assignment.get(c.rhs, c.rhs)) != isinstance(c, sp.Eq)
            for c in conditions
        ):
            continue
        point = {}
        sides = []
        for side in (previous, mutated):
            expr = sp.sympify(side).xreplace(dims).subs(assignment)
            for _ in range(3):
                expr = expr.replace(
                    lambda x: isinstance(x, sp.Indexed) and str(x.base) in setting.definitions,
                    lambda x: setting.definitions[str(x.base)](*x.indices).xreplace(dims),
                )
            expr = expr.replace(
                lambda x: isinstance(x, sp.Symbol) and x.name in setting.definitions,
                lambda x: setting.definitions[x.name]().xreplace(dims),
            )
            sides.append(expr.doit())
        for atom in sorted(sides[0].atoms(sp.Indexed) | sides[1].atoms(sp.Indexed), key=str):
            point.setdefault(atom, sp.Rational(rng.randint(-15, 15), 7))
        for symbol in sorted(sides[0].free_symbols | sides[1].free_symbols, key=str):
            if symbol.is_real and not isinstance(symbol, sp.Indexed):
                point.setdefault(symbol, sp.Rational(rng.randint(-15, 15), 7))
        if "y" in setting.simplex:
            y = setting.bases["y"]
            point[y[n]] = 1 - sum(point.get(y[k], 0) for k in range(1, n))
        left, right = (complex(side.xreplace(point).evalf(30)) for side in sides)
        if abs(left - right) > 1e-9 * (1 + abs(left)):
            return True
    return False


MUTATIONS = {
    "sign": lambda e, i, j: -e,
    "swap": lambda e, i, j: e.subs({i: j, j: i}, simultaneous=True),
    "drop-delta": lambda e, i, j: e.replace(
        lambda x: isinstance(x, sp.KroneckerDelta), lambda x: sp.Integer(0)
    ),
}


@pytest.mark.parametrize("route", ROUTES)
def test_mutation_sweep_matches_numeric_oracle(route):
    """Each value-changing mutation of a step is refuted; each value-preserving one verifies."""
    spec = build_route(route, None)
    i, j = spec.setting.indices["i"], spec.setting.indices["j"]
    caught = changed = false_alarms = 0
    for chain in spec.chains:
        previous = chain.start
        for link in chain.links:
            for mutate in MUTATIONS.values():
                mutated = mutate(link.formula.expr, i, j)
                if mutated == link.formula.expr:
                    continue
                decision = decide(previous.expr, mutated, spec.setting, conditions=chain.conditions)
                if _oracle_differs(previous.expr, mutated, spec.setting, chain.conditions):
                    changed += 1
                    caught += decision.verdict is Verdict.REFUTED
                else:
                    false_alarms += decision.verdict is Verdict.REFUTED
            previous = link.formula
    assert changed > 0
    assert (caught, false_alarms) == (changed, 0)


# ---------------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------------


def test_formats_and_jupyter_reprs():
    """Markdown has $$ blocks, LaTeX an align* block, text no LaTeX; Jupyter reprs exist."""
    derivation = derive("log")
    markdown = derivation.to_markdown()
    assert markdown.count("$$\n\\begin{aligned}") == len(derivation.sections)
    latex = derivation.to_latex()
    assert latex.startswith("\\begin{align*}") and latex.endswith("\\end{align*}")
    assert latex.count("&&") == len(derivation.steps)
    text = derivation.to_text()
    assert "\\frac" not in text and "δ_ij − S_j" in text
    assert derivation._repr_markdown_() == markdown
    assert derivation._repr_latex_().startswith("$$\\begin{aligned}")


def test_standalone_document_structure():
    """--standalone wraps the align* block in a complete amsmath document."""
    document = derive("quotient").to_latex(standalone=True)
    assert document.startswith("\\documentclass{article}")
    assert "\\usepackage{amsmath,amssymb}" in document
    assert document.rstrip().endswith("\\end{document}")
    assert "≥" not in document and "…" not in document


@pytest.mark.parametrize("n", ["general", 3])
def test_standalone_document_is_ascii(n):
    """The standalone document holds no Unicode that pdflatex would need a package for."""
    document = derive("all", n).to_latex(standalone=True)
    assert all(ord(char) < 128 for char in document)
    assert document.count("\\begin{align*}") == len(ROUTES)


def test_standalone_document_compiles_with_pdflatex(tmp_path):
    """If pdflatex is installed, the standalone document of every route compiles."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.skip("pdflatex is not installed on this machine; standalone compile not tested")
    source = tmp_path / "all.tex"
    source.write_text(derive("all").to_latex(standalone=True), encoding="utf-8")
    done = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.parametrize("route", ROUTES)
def test_prose_inline_math_holds_no_relation(route):
    """Inline math in prose never holds a relation, so document checkers see no fake steps."""
    markdown = derive(route).to_markdown()
    prose = re.sub(r"^\$\$\n.*?\n\$\$$", "", markdown, flags=re.S | re.M)
    relation = re.compile(r"=|\\neq|\\ne\b|<|>|\\le\b|\\ge\b|\\leq|\\geq|\\to\b")
    for fragment in re.findall(r"\$([^$\n]+)\$", prose):
        assert not relation.search(fragment), fragment


def test_json_shape():
    """--json has route, n and steps with latex, justification, verdict and method."""
    payload = derive("quotient").to_dict()
    assert payload["route"] == "quotient" and payload["n"] == "general"
    step = payload["steps"][0]
    assert {"latex", "justification", "verdict", "method"} <= set(step)
    assert step["verdict"] == "verified"


# ---------------------------------------------------------------------------------------------
# CLI and API errors
# ---------------------------------------------------------------------------------------------


def test_cli_markdown_example():
    """README: `symsoft derive --route quotient --format markdown` prints $$ blocks, exit 0."""
    result = CliRunner().invoke(app, ["derive", "--route", "quotient", "--format", "markdown"])
    assert result.exit_code == 0
    assert "$$" in result.output and "S_i \\left(\\delta_{ij} - S_j\\right)" in result.output


def test_cli_text_example_with_concrete_n():
    """README: `symsoft derive --route log --n 3` prints Unicode text with the sums written out."""
    result = CliRunner().invoke(app, ["derive", "--route", "log", "--n", "3"])
    assert result.exit_code == 0
    assert "e^(z_1) + e^(z_2) + e^(z_3)" in result.output and "verified" in result.output


def test_cli_latex_standalone_example():
    """README: `symsoft derive --route vjp --format latex --standalone` prints a document."""
    result = CliRunner().invoke(
        app, ["derive", "--route", "vjp", "--format", "latex", "--standalone"]
    )
    assert result.exit_code == 0 and result.output.startswith("\\documentclass")


def test_cli_json_example():
    """README: `symsoft derive --route cross-entropy --json` prints the documented JSON."""
    result = CliRunner().invoke(app, ["derive", "--route", "cross-entropy", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["route"] == "cross-entropy" and payload["n"] == "general"
    assert payload["steps"][-1]["text"].endswith(" = S_j − y_j")
    assert all(step["verdict"] == "verified" for step in payload["steps"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["derive", "--route", "quotent"], "did you mean 'quotient'?"),
        (["derive", "--route", "softmax"], "expected one of quotient, log, matrix"),
        (["derive", "--route", "log", "--n", "0"], "invalid value for --n"),
        (["derive", "--route", "log", "--n", "abc"], "invalid value for --n"),
        (["derive", "--route", "log", "--n", "50"], "integer from 1 to 8"),
        (["derive", "--route", "log", "--format", "md"], "invalid value for --format"),
        (["derive", "--route", "log", "--standalone"], "add --format latex"),
        (["derive"], "--route"),
    ],
)
def test_cli_bad_usage_exits_2_with_one_line(argv, message, capsys):
    """Bad routes and options print one line on stderr and exit 2, never a traceback."""
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_module_entry_point_unknown_route():
    """`python -m symsoft derive --route quotent` exits 2 with the closest match."""
    done = subprocess.run(
        [sys.executable, "-m", "symsoft", "derive", "--route", "quotent"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2 and "did you mean 'quotient'?" in done.stderr


def test_api_rejects_bad_n():
    """derive() rejects n that is neither 'general' nor 1..8 with a UsageError."""
    for bad in (0, -3, 9, 2.5, True, "many"):
        with pytest.raises(UsageError):
            derive("log", bad)


def test_public_api_exports():
    """symsoft.derive, symsoft.Derivation and symsoft.prove_general are importable lazily."""
    import symsoft

    assert symsoft.derive is derive
    assert symsoft.Derivation is Derivation
    assert callable(symsoft.prove_general)
    assert set(derivations.ROUTES) == set(ROUTES)


def test_readme_python_example_runs():
    """The Python example of the derive documentation runs as a doctest."""
    import doctest

    readme = (ROOT / "docs" / "derive.md").read_text(encoding="utf-8")
    section = readme[
        readme.index("<!-- section:derive -->") : readme.index("<!-- /section:derive -->")
    ]
    example = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    test = doctest.DocTestParser().get_doctest(example, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 4
