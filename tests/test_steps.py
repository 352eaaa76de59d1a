"""Turning relations into steps: chains, continuations, definitions, conditions in scope."""

from __future__ import annotations

import sympy as sp

from symsoft.check.plan import Step, Unread, build_plan, guess_context, name_of, split_text
from symsoft.check.source import read_text
from symsoft.latex.context import Relation

i, j, k = sp.symbols("i j k", integer=True)
S, z = sp.IndexedBase("S"), sp.IndexedBase("z")


def plan_of(source: str):  # type: ignore[no-untyped-def]
    return build_plan(read_text(source, kind="markdown"))


def pairs(source: str) -> list[tuple[str, str]]:
    return [(s.lhs_text, s.rhs_text) for s in plan_of(source).steps]


def test_chain_gives_consecutive_steps() -> None:
    """`A = B = C` is two steps, A = B and B = C."""
    assert pairs("$$a + b = b + a = 2 a$$") == [("a + b", "b + a"), ("b + a", "2 a")]


def test_continuation_across_lines_and_blocks() -> None:
    """A line or block starting with `=` continues the previous chain."""
    source = (
        "$$\\begin{aligned} x^2 + x &= x(x + 1) \\\\ &= x^2 + x \\end{aligned}$$"
        "\n\nso\n\n$$= x + x^2$$"
    )
    assert pairs(source) == [
        ("x^2 + x", "x(x + 1)"),
        ("x(x + 1)", "x^2 + x"),
        ("x^2 + x", "x + x^2"),
    ]


def test_implies_lines_are_equations_and_bare_implies_continues() -> None:
    """`\\implies L = R` is checked as an equation; `\\implies R` alone continues the chain."""
    source = "$$a + 1 = 1 + a$$\n$$\\implies 2 a = a + a$$\n$$\\Rightarrow a + a$$"
    assert pairs(source) == [("a + 1", "1 + a"), ("2 a", "a + a"), ("a + a", "a + a")]


def test_not_an_equality_is_not_a_step() -> None:
    """Membership, inequalities and vector/range notation give no step and no error."""
    plan = plan_of(
        "$$\\mathbf{z} \\in \\mathbb{R}^n$$ $$0 < S_i < 1$$ $$\\mathbf{z} = (z_1, \\dots, z_n)$$ "
        "$$i = 1, \\dots, n$$"
    )
    assert plan.items == ()


def test_unreadable_equation_is_reported_not_skipped() -> None:
    """An equation the reader cannot map becomes an Unread item with the reason."""
    (item,) = plan_of("$$\\frac{\\partial S_i}{\\partial z_j} = \\mysterymacro{S}$$").items
    assert isinstance(item, Unread) and "mysterymacro" in item.reason


def test_definitions_whatever_the_letter() -> None:
    """Equations introducing a name define it for later steps instead of being checked."""
    source = (
        "$$S_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$ $$y_1 = \\frac{e^{x_1}}{e^{x_1} + e^{x_2}}$$ "
        "$$\\sigma(\\mathbf{z})_q = \\frac{e^{z_q}}{\\sum_{l} e^{z_l}}$$ "
        "$$\\mathrm{softmax}(z_i) = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$ $$p_i = e^{a_i}$$ "
        "$$\\Sigma = \\sum_k e^{z_k}$$ $$S_i = e^{z_i} / \\Sigma$$"
    )
    plan = plan_of(source)
    assert [d.name for d in plan.definitions] == [
        "S_i",
        "y_1",
        "sigma_q",
        "softmax(z[i])",
        "p_i",
        "Sigma",
    ]
    # the second S_i = ... is a step checked against the definition, not a redefinition
    (step,) = plan.steps
    assert step.rhs_text == "e^{z_i} / \\Sigma"


def test_definition_then_chain_continues_as_steps() -> None:
    """In `S_i = e^{z_i}/Σ = …` the first link defines S_i and the rest are steps."""
    plan = plan_of("$$S_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}} = e^{z_i - \\log \\sum_k e^{z_k}}$$")
    assert [d.name for d in plan.definitions] == ["S_i"]
    assert len(plan.steps) == 1 and plan.steps[0].visible == 1


def test_line_condition_stays_with_the_chain_and_wins_over_prose() -> None:
    """`\\quad i = j` applies to its chain; it replaces prose about the same pair."""
    source = (
        "If $i \\neq j$:\n\n$$\\begin{aligned} 2 a_{ij} &= b_i \\quad \\text{if } i = j \\\\ "
        "&= c_j \\end{aligned}$$"
    )
    steps = plan_of(source).steps
    assert [s.conditions for s in steps] == [(sp.Eq(i, j),), (sp.Eq(i, j),)]


def test_prose_condition_becomes_sympy_condition() -> None:
    """A prose 'for i ≠ j' reaches the step as Ne(i, j)."""
    (step,) = plan_of("For $i \\neq j$:\n\n$$a_i + b_j = b_j + a_i$$").steps
    assert step.conditions == (sp.Ne(i, j),)


def test_stated_sum_constraint_is_a_fact() -> None:
    """`\\sum_i y_i = 1` about an undefined name is recorded as a stated fact, not a step."""
    plan = plan_of("$$s_i = e^{z_i}$$ with $\\sum_{i=1}^{n} y_i = 1$ we get $$a = a$$")
    assert [d.key for d in plan.definitions] == [("indexed", "s"), ("fact", "y")]
    assert plan_of("$$\\sum_{i=1}^{n} S_i = 1$$").steps  # a claim about the softmax


def test_two_equations_joined_by_and() -> None:
    """`A = B \\quad\\text{and}\\quad C = D` gives two steps, the second on its own line."""
    source = "$$\na + b = b + a\n\\quad\\text{and}\\quad\nu v = v u\n$$"
    steps = plan_of(source).steps
    assert [(s.lhs_text, s.rhs_text, s.line) for s in steps] == [
        ("a + b", "b + a", 2),
        ("u v", "v u", 4),
    ]


def test_injected_parser_and_relation_contract() -> None:
    """The planner follows the Relation contract (leading `=` means one fewer left side)."""
    relations = {
        "q = r + 1": Relation((2 * sp.Symbol("q"), sp.Symbol("r") + 1), ("=",), text="q = r + 1"),
        "= 2": Relation((sp.Integer(2),), (), leading="=", text="= 2"),
    }
    plan = build_plan(read_text("$$q = r + 1$$ $$= 2$$"), parse=lambda t, c: relations[t])
    assert [(s.lhs, s.rhs) for s in plan.steps if isinstance(s, Step)] == [
        (2 * sp.Symbol("q"), sp.Symbol("r") + 1),
        (sp.Symbol("r") + 1, 2),
    ]


def test_split_text_and_names() -> None:
    """Top-level relation symbols split a line; braces, brackets and conditions do not."""
    parts = [p for _, p in split_text(r"\frac{a}{b=c} = [i = j] \, x_{i=j} = y \quad i \neq j")]
    assert parts == ["\\frac{a}{b=c}", "[i = j] \\, x_{i=j}", "y"]
    assert name_of(S[i]) == ("indexed", "S") and name_of(S[i] + 1) is None


def test_context_guess_reads_the_differentiation_variable() -> None:
    """The variable is the letter derivatives are taken by, not the one differentiated."""
    doc = read_text("$$\\frac{\\partial a_i}{\\partial o_j} = 1$$ $$\\sum_{k=1}^{K} o_k = 0$$")
    context = guess_context(doc)
    assert (context.variable, context.dimension) == ("o", "K")


def test_trailing_quantifier_is_dropped_when_it_blocks_reading() -> None:
    """`S_j = … \\qquad \\forall j \\in 1..N` still defines S_j."""
    plan = plan_of(r"$$S_j=\frac{e^{a_j}}{\sum_{k=1}^{N}e^{a_k}} \qquad \forall j \in 1..N$$")
    assert [d.name for d in plan.definitions] == ["S_j"] and plan.items == ()


def test_definition_chain_names_every_link() -> None:
    """`\\hat y_j = softmax(o)_j = exp(o_j)/Σ` defines both names, checks nothing."""
    plan = plan_of(
        r"$$\hat{y}_j = \mathrm{softmax}(\mathbf{z})_j = \frac{\exp(z_j)}{\sum_k \exp(z_k)}$$"
    )
    assert len(plan.definitions) == 2 and plan.items == ()


def test_gradient_of_an_abstract_loss_is_recorded() -> None:
    """`g_k = \\partial L / \\partial S_k` records L as a function of S (for the chain rule)."""
    plan = plan_of(
        r"$$S_k = e^{z_k}$$ and $g_k = \partial L / \partial S_k$ "
        r"$$\frac{\partial S_k}{\partial z_l} = 0$$"
    )
    assert [d.key for d in plan.definitions] == [("indexed", "S"), ("chain", "L")]


def test_differentials_are_compared_coefficient_wise() -> None:
    """`\\text{d} log s_i = \\text{d} z_i − Σ_j s_j \\text{d} z_j` is read coefficient-wise."""
    from symsoft.check.checker import check_text

    good = r"$$\text{d} \log s_i = \text{d} z_i - \sum_{j=1}^{n} s_j \, \text{d} z_j$$"
    assert [s.verdict.value for s in check_text(good).steps] == ["verified"]
    bad = good.replace("s_j \\,", "s_i \\,")
    assert [s.verdict.value for s in check_text(bad).steps] == ["refuted"]


def test_equal_indices_are_a_case_not_a_definition() -> None:
    """`when \\(i=j=k\\)` in prose says which indices coincide; it never defines i or j."""
    plan = plan_of(
        "$$y_k = \\frac{e^{a_k}}{\\sum_{j} e^{a_j}}$$\n"
        "a tensor whose entries are 1 when \\(i=j=k\\), and zero otherwise.\n"
        "$$\\frac{\\partial y_i}{\\partial a_j} = \\delta_{ij} y_i - y_i y_j$$"
    )
    assert [d.key for d in plan.definitions] == [("indexed", "y")]
    assert [s.rhs_text for s in plan.steps] == ["\\delta_{ij} y_i - y_i y_j"]


def test_function_of_a_function_of_a_vector_is_defined() -> None:
    """`H(Y, \\sigma(A)) = -\\sum_i Y_i \\log(\\sigma(A_i))` defines H; it is not a step."""
    plan = plan_of(
        "$$H(Y, \\sigma(A)) = - \\sum_{i=1}^{C} Y_i \\log(\\sigma(A_i))$$\n"
        "$$\\sigma(A_i) = \\frac{e^{A_i}}{\\sum_{j=1}^{C} e^{A_j}}$$\n"
        "$$\\frac{\\partial H}{\\partial A_i} = \\sigma(A_i) - Y_i$$"
    )
    assert [d.key for d in plan.definitions] == [("function", "H"), ("function", "sigma")]
    assert [s.lhs_text for s in plan.steps] == ["\\frac{\\partial H}{\\partial A_i}"]


def test_a_section_with_its_own_logits_and_written_out_n() -> None:
    """After ∂σ(A_k)/∂A_i, a worked n = 3 example in z reads the undefined a as softmax of z."""
    from symsoft.check.checker import check_text

    source = (
        "$$\\sigma(A_i) = \\frac{e^{A_i}}{\\sum_{j=1}^{C} e^{A_j}}$$\n"
        "$$\\frac{\\partial \\sigma(A_i)}{\\partial A_j}"
        " = \\sigma(A_i)(\\delta_{ij} - \\sigma(A_j))$$\n"
        "$$\\frac{\\partial \\log \\sigma(A_i)}{\\partial A_j} = \\delta_{ij} - \\sigma(A_j)$$\n"
        "$$\\frac{\\partial a_1}{\\partial z_2} = \\frac{- e^{z_1}e^{z_2}}"
        "{(e^{z_1} + e^{z_2} + e^{z_3})^2} = -a_1a_2$$\n"
        "$$\\frac{\\partial a_1}{\\partial z_2} = a_1 a_2$$"
    )
    verdicts = [s.verdict.value for s in check_text(source).steps]
    assert verdicts == ["verified", "verified", "verified", "verified", "refuted"]


def test_target_sum_stated_after_the_derivation_is_used() -> None:
    """`… = p_i - y_i` followed by "given that Σ_k y_k = 1" is verified, not conditional."""
    from symsoft.check.checker import check_text

    source = (
        "$$p_j = \\frac{e^{o_j}}{\\sum_k e^{o_k}}$$ $$L = -\\sum_j y_j \\log p_j$$\n"
        "$$\\frac{\\partial L}{\\partial o_i} = p_i - y_i$$\n"
        "given that \\(\\sum_k y_k = 1\\) from the slides."
    )
    assert [s.verdict.value for s in check_text(source).steps] == ["verified"]


def test_each_case_continues_the_expression_the_cases_split_from() -> None:
    """`A = B`, "If i = j," `= C = D`, "And if i ≠ j," `= E`: the second case starts from B."""
    source = (
        "$$ \\frac{\\partial p_j}{\\partial a_i} = \\frac{\\partial}{\\partial a_i} u $$\n"
        "If \\(i=j\\),\n$$ = v \\\\ = w $$\nAnd if \\(i \\neq j\\),\n$$ = x $$"
    )
    assert pairs(source)[-1] == ("\\frac{\\partial}{\\partial a_i} u", "x")
    assert pairs(source)[1:3] == [("\\frac{\\partial}{\\partial a_i} u", "v"), ("v", "w")]


def test_a_chain_of_definitions_names_its_last_symbol() -> None:
    """`h_i = \\sum_k e^{a_k} = \\Sigma` defines h_i and names the sum Σ; nothing is checked."""
    plan = plan_of("where $g_i = e^{a_i}, h_i = \\sum^K_{k=1}e^{a_k} = \\Sigma$")
    assert [d.key for d in plan.definitions] == [
        ("indexed", "g"),
        ("indexed", "h"),
        ("symbol", "Sigma"),
    ]
    assert plan.items == ()


def test_softmax_defined_on_one_vector_applies_to_another() -> None:
    """`σ(\\mathbf z)_i = e^{z_i}/Σ_j e^{z_j}` defines σ; a proof in a reads σ_i as σ(a)_i."""
    from symsoft.check.checker import check_text

    source = (
        "$$\\sigma(\\mathbf{z})_i = \\frac{e^{z_i}}{\\sum^K_{j=1}e^{z_j}}$$\n"
        "$$\\frac{\\partial \\sigma_i}{\\partial a_j} = \\sigma_i(\\delta_{ij} - \\sigma_j)$$\n"
        "$$\\frac{e^{a_i}}{\\sum_k e^{a_k}} = \\sigma_i$$"
    )
    assert [s.verdict.value for s in check_text(source).steps] == ["verified", "verified"]


def test_y_beside_another_softmax_letter_is_the_target() -> None:
    """`p_i(Σ_k y_k) - y_i = p_i - y_i` with y undefined: y is the target, not a second softmax."""
    from symsoft.check.checker import check_text

    source = (
        "$$-y_i + p_i\\left(\\sum_k y_k\\right) = p_i - y_i$$ and "
        "$$\\frac{\\partial p_i}{\\partial o_i} = p_i(1 - p_i)$$"
    )
    verdicts = [s.verdict.value for s in check_text(source).steps]
    assert verdicts == ["conditional", "verified"]  # holds once Σ_k y_k = 1


def test_model_equation_for_the_logits_is_not_a_step() -> None:
    """`z_j = \\sum_i w_{ij} o_i + b` says how the network makes z: reported unread, not refuted."""
    plan = plan_of(
        "$$z_j=\\sum_i w_{ij}o_i+b$$\n$$\\frac{\\partial S_j}{\\partial z_j} = S_j(1 - S_j)$$"
    )
    assert isinstance(plan.items[0], Unread) and "model equation" in plan.items[0].reason
    assert [s.lhs_text for s in plan.steps] == ["\\frac{\\partial S_j}{\\partial z_j}"]


def test_continuation_that_only_renames_a_definition_is_unread() -> None:
    """`L = -Σ_j y_j log p_j \\\\ = -Σ_j ℓ_j`: ℓ_j is introduced, not checkable, never refuted."""
    plan = plan_of("\\[ L = -\\sum_j^C y_j \\log p_j \\\\ = -\\sum_j^C \\ell_j. \\]")
    assert [d.key for d in plan.definitions] == [("symbol", "L")]
    (item,) = plan.items
    assert isinstance(item, Unread) and "introduces ell" in item.reason


def test_chain_continues_from_the_readable_side_of_an_unreadable_line() -> None:
    """`s(\\mathbf x + c)_i = B` is unread, but the next line `= C` is still the step B = C."""
    source = (
        "$$\\begin{aligned} s(\\mathbf x + c)_i &= \\frac{e^{x_i + c}}{\\sum_j e^{x_j + c}} \\\\"
        " &= \\frac{e^{x_i}}{\\sum_j e^{x_j}} \\end{aligned}$$"
    )
    plan = plan_of(source)
    assert isinstance(plan.items[0], Unread)
    assert [s.lhs_text for s in plan.steps] == ["\\frac{e^{x_i + c}}{\\sum_j e^{x_j + c}}"]


def test_name_defined_right_after_its_use() -> None:
    """ "… = s_i - y_i, where C = -Σ_k y_k ln s_k": C is used by the step written before it."""
    from symsoft.check.checker import check_text

    source = (
        "$$\\frac{\\partial C}{\\partial z_{i}} = \\sum_{k} \\frac{\\partial C}{\\partial s_{k}}"
        "\\frac{\\partial s_{k}}{\\partial z_{i}} = s_{i} - y_{i}$$ where $$C = -\\sum_{k} y_{k}"
        "\\ln(s_{k})$$ with a one-hot target $y$."
    )
    assert [s.verdict.value for s in check_text(source).steps] == ["verified", "verified"]


def test_choosing_the_dimension_for_an_example_is_not_a_step() -> None:
    """ "For \\( K = 2 \\)" after sums up to K picks an example's size; it is not checked."""
    plan = plan_of("$$y_k = \\frac{e^{a_k}}{\\sum_{j=1}^K e^{a_j}}$$ For \\( K = 2 \\), consider")
    assert plan.steps == ()


def test_a_chain_from_a_definition_ending_in_a_new_name_names_it() -> None:
    """`h_i = \\sum_k e^{a_k} = \\Sigma` defines Σ as the sum; it is not a claim to refute."""
    from symsoft.check.checker import check_text

    source = (
        "where $g_i = e^{a_i}, h_i = \\sum^K_{k=1}e^{a_k} = \\Sigma$\n"
        "$$\\frac{e^{a_i}}{\\Sigma} = \\frac{e^{a_i}}{h_i}$$ $$\\frac{e^{a_i}}{\\Sigma} = e^{a_i}$$"
    )
    report = check_text(source)
    assert [s.verdict.value for s in report.steps] == ["verified", "refuted"]
    assert any(d.startswith("Sigma") for d in report.definitions)


def test_a_softmax_vector_named_as_a_whole_reads_entrywise() -> None:
    """`\\hat{\\mathbf y} = \\mathrm{softmax}(\\mathbf o)` names the vector, not a scalar."""
    from symsoft.check.checker import check_text

    source = (
        "$$\\hat{\\mathbf{y}} = \\mathrm{softmax}(\\mathbf{o}) \\quad \\text{where}\\quad"
        " \\hat{y}_i = \\frac{\\exp(o_i)}{\\sum_j \\exp(o_j)}.$$\n"
        "$$ l(\\mathbf{y}, \\hat{\\mathbf{y}}) = - \\sum_{j=1}^q y_j \\log \\hat{y}_j. $$\n"
        "$$ l(\\mathbf{y}, \\hat{\\mathbf{y}}) = - \\sum_{j=1}^q y_j \\log"
        " \\frac{\\exp(o_j)}{\\sum_{k=1}^q \\exp(o_k)} $$"
        "$$ l(\\mathbf{y}, \\hat{\\mathbf{y}}) = \\sum_{j=1}^q y_j \\log"
        " \\frac{\\exp(o_j)}{\\sum_{k=1}^q \\exp(o_k)} $$"
    )
    assert [s.verdict.value for s in check_text(source).steps] == ["verified", "refuted"]


def test_einstein_summation_turns_alarms_on_repeated_indices_into_not_understood() -> None:
    """Under a stated summation convention `-\\sum_i y_i \\log p_i = -y_i \\log p_i` is not refuted;
    a wrong step without a repeated index still is."""
    from symsoft.check.checker import check_text

    source = (
        "$$L = -\\sum_i y_i \\log(p_i) = -y_i \\log(p_i)$$ in Einstein notation (the sum is"
        " implied by the repeated index), and $$-y_k + p_k \\sum_i y_i = -y_k - p_k$$"
    )
    verdicts = [s.verdict.value for s in check_text(source).steps]
    assert verdicts == ["not-understood", "refuted"]
    plain = source.replace("in Einstein notation (the sum is implied by the repeated index)", "")
    assert next(s.verdict.value for s in check_text(plain).steps) == "refuted"


def test_a_loss_written_only_in_a_step_still_names_its_target() -> None:
    """With the prose saying one-hot, `Σ_i y_i` is 1 even when the loss definition was not read."""
    from symsoft.check.checker import check_text

    source = (
        "$$-\\sum_i y_i \\log(\\hat{y}_i) = -\\sum_i y_i \\log(\\hat{y}_i)$$ where y is one-hot,"
        " so $$-y_k + \\hat{y}_k \\sum_i y_i = -y_k + \\hat{y}_k$$"
    )
    assert [s.verdict.value for s in check_text(source).steps] == ["verified", "verified"]


def test_a_subscripted_sum_bound_is_the_dimension() -> None:
    """`\\sum_{k=1}^{n_{1}}` makes `n_1` the dimension, so a last column `σ_{n_1}` is entry n."""
    from symsoft.check.checker import check_text

    last = "(1 - s_{n_{1}})"
    source = (
        "$$s_q = \\frac{\\exp (z_{q})}{\\sum_{k=1}^{n_{1}} \\exp (z_{k})}$$\n"
        "$$\\frac{\\partial \\mathbf{s}}{\\partial \\mathbf{z}} = \\begin{bmatrix}"
        " s_1 (1 - s_1) & -s_1 s_2 & \\cdots & -s_1 s_{n_{1}} \\\\"
        " \\vdots & \\vdots & \\ddots & \\vdots \\\\"
        " -s_{n_{1}} s_1 & -s_{n_{1}} s_2 & \\cdots & s_{n_{1}} " + last + " \\end{bmatrix}$$"
    )
    assert [s.verdict.value for s in check_text(source).steps] == ["verified"]
    wrong = source.replace(last, "(1 + s_{n_{1}})")
    assert [s.verdict.value for s in check_text(wrong).steps] == ["refuted"]


def test_a_softmax_defined_on_z_applies_to_the_vector_the_proof_exponentiates() -> None:
    """`σ(\\mathbf z)_i = e^{z_i}/Σ` then a proof in a (e^{a_i} …): σ_i is the softmax of a."""
    from symsoft.check.checker import check_text

    source = (
        "$$\\sigma(\\mathbf{z})_i = \\frac{e^{z_i}}{\\sum^K_{j=1}e^{z_j}}$$\n"
        "$$\\frac{\\partial}{\\partial a_j}\\frac{e^{a_i}}{\\sum^K_{k=1}e^{a_k}}"
        " = \\sigma_i(1_{i=j} - \\sigma_j)$$\n"
        "$$\\frac{\\partial}{\\partial a_j}\\frac{e^{a_i}}{\\sum^K_{k=1}e^{a_k}}"
        " = \\sigma_i(1_{i=j} + \\sigma_j)$$"
    )
    assert [s.verdict.value for s in check_text(source).steps] == ["verified", "refuted"]


def test_bare_rule_letters_stand_for_the_entries_they_name() -> None:
    """`g_i = e^{a_i}, h_i = Σ_k e^{a_k}` then `(g'h - h'g)/h^2`: g and h are those entries and
    the prime is ∂/∂a_j, so the rule applied to e^{a_j} (not e^{a_i}) holds only when i = j."""
    from symsoft.check.checker import check_text

    source = (
        "By the quotient rule on $f(x) = \\frac{g(x)}{h(x)}$ where $g_i = e^{a_i},"
        " h_i = \\sum^K_{k=1}e^{a_k}$\n"
        "$$\\frac{\\partial}{\\partial a_j}\\frac{e^{a_i}}{\\sum^K_{k=1}e^{a_k}}"
        " = \\frac{g'h - h'g}{h^2}$$\n"
        "$$\\frac{\\partial}{\\partial a_j}\\frac{e^{a_j}}{\\sum^K_{k=1}e^{a_k}}"
        " = \\frac{g'h - h'g}{h^2}$$"
    )
    verdicts = [s.verdict.value for s in check_text(source).steps]
    assert verdicts == ["verified", "conditional"]


def test_the_correct_class_named_in_prose_makes_the_target_one_hot() -> None:
    """ "where k is the index of the correct class": -Σ y_i log ŷ_i = -log ŷ_k is verified."""
    from symsoft.check.checker import check_text

    source = (
        "$$\\text{CE}(y,\\hat y) =-\\sum _i{y_i}\\log{\\hat {y_i}} =-\\log{\\hat {y_k}}$$\n"
        "where $k$ is the index of the correct class, and"
        " $$-\\log{\\hat {y_k}} = \\log{\\hat {y_k}}$$"
    )
    assert [s.verdict.value for s in check_text(source).steps] == ["verified", "refuted"]
    unstated = source.replace("where $k$ is the index of the correct class, and", "so")
    assert check_text(unstated).steps[0].verdict.value != "verified"


def test_a_primed_function_of_x_makes_x_the_prime_variable() -> None:
    """`\\sigma'(x) = (\\frac{1}{1+e^{-x}})'`: the bare prime differentiates by x."""
    from symsoft.check.checker import check_text

    good = r"$$\sigma'(x) =\left(\frac{1}{1+e^{-x}}\right)' =\frac{e^{-x}}{(1+e^{-x})^2}$$"
    bad = r"$$\sigma'(x) =\left(\frac{1}{1+e^{-x}}\right)' =\frac{e^{x}}{(1+e^{-x})^2}$$"
    assert [s.verdict.value for s in check_text(good).steps] == ["verified", "verified"]
    assert [s.verdict.value for s in check_text(bad).steps] == ["verified", "refuted"]


def test_the_target_letter_itself_called_the_true_label_is_not_a_class_index() -> None:
    """ "where y is the true label" with a target y_i does not make y_i = [i = y]."""
    from symsoft.check.checker import check_text

    source = (
        "$$L = -\\sum_i y_i \\log p_i$$ where $y$ is the true label.\n"
        "$$\\frac{\\partial L}{\\partial z_j} = p_j - y_j$$"
    )
    assert check_text(source).steps[0].verdict.value == "conditional"


def test_a_vector_named_softmax_under_another_letter_keeps_its_definition() -> None:
    """`\\mathbf q = \\mathrm{softmax}(\\mathbf z)`: q is no softmax letter, so it stays defined."""
    plan = build_plan(read_text(r"$$\mathbf{q} = \mathrm{softmax}(\mathbf{z})$$ $$q = q$$"))
    assert [d.key for d in plan.definitions] == [("symbol", "q")]
    plan = build_plan(read_text(r"$$\hat{\mathbf{y}} = \mathrm{softmax}(\mathbf{z})$$ $$y = y$$"))
    assert plan.definitions == ()


def test_a_matrix_written_through_its_entry_defines_nothing() -> None:
    """``P = (p_{ij})`` names the entries of P; P is not a scalar equal to one entry."""
    plan = plan_of("Write $P = (p_{ij})$ and $A = (a_{ij})$.")
    assert not plan.definitions
    assert not plan.steps
