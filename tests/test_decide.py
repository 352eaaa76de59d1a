"""Deciding one step, on SymPy objects built directly (no LaTeX involved)."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from symsoft.check.decide import decide
from symsoft.check.definitions import Definitions
from symsoft.verdict import Verdict

i, j, k, m, q = sp.symbols("i j k m q", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
S, z, y, x, g = (sp.IndexedBase(name) for name in "Szyxg")
d = sp.KroneckerDelta
D = sp.Derivative


def softmax() -> Definitions:
    return Definitions.softmax(S, z, n)


def sigma(index: sp.Expr, base: sp.IndexedBase = z) -> sp.Expr:
    return sp.exp(base[index]) / sp.Sum(sp.exp(base[m]), (m, 1, n))


def test_jacobian_entry_is_proven_for_symbolic_n() -> None:
    """∂S_i/∂z_j = S_i(δ_ij − S_j) is proven for symbolic n, with the definition named."""
    result = decide(D(S[i], z[j]), S[i] * (d(i, j) - S[j]), softmax())
    assert result.verdict is Verdict.VERIFIED
    assert result.method == "symbolic (general n)"
    assert "S_i" in result.expanded and "n = 2, 3, 5" in result.detail


def test_sum_with_delta_and_closed_sums() -> None:
    """Σ_k f(k) δ_kj = f(j) under 1 ≤ j ≤ n, and equal sums written with k or l agree."""
    left = sp.Sum(g[k] * S[k] * (d(k, j) - S[j]), (k, 1, n))
    right = g[j] * S[j] - S[j] * sp.Sum(g[m] * S[m], (m, 1, n))
    assert decide(left, right, softmax()).verdict is Verdict.VERIFIED


def test_sum_excluding_one_index() -> None:
    """1 − S_i = Σ_{k≠i} S_k, written with (1 − δ_ki)."""
    right = sp.Sum(S[k] * (1 - d(k, i)), (k, 1, n))
    assert decide(1 - S[i], right, softmax()).verdict is Verdict.VERIFIED


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        ("dropped delta", S[i] * (1 - S[j])),
        ("swapped index", S[j] * (d(i, j) - S[i]) + S[i] - S[j]),
        ("flipped sign", S[i] * (d(i, j) + S[j])),
        ("i = j only", S[i] * (1 - S[i])),
        ("squared term", S[i] * (d(i, j) - S[j] ** 2)),
    ],
)
def test_planted_mistakes_are_caught(name: str, wrong: sp.Expr) -> None:
    """Each realistic mistake on the Jacobian entry is refuted or conditional, never verified."""
    result = decide(D(S[i], z[j]), wrong, softmax())
    assert result.verdict in (Verdict.REFUTED, Verdict.CONDITIONAL), name
    assert result.counterexample is not None


def test_conditional_names_the_condition_and_stated_condition_verifies() -> None:
    """An i = j-only expression is conditional; stated in scope, the same step is verified."""
    step = (D(S[i], z[j]), S[i] * (1 - S[i]))
    found = decide(*step, softmax())
    assert found.verdict is Verdict.CONDITIONAL and found.condition == "i = j"
    assert "fails when i, j distinct" in found.detail
    stated = decide(*step, softmax(), conditions=(sp.Eq(i, j),))
    assert stated.verdict is Verdict.VERIFIED and "i = j (stated" in stated.detail
    contradicted = decide(*step, softmax(), conditions=(sp.Ne(i, j),))
    assert contradicted.verdict is Verdict.REFUTED


def test_wrong_differentiation_variable() -> None:
    """∂S_i/∂z_i written where ∂S_i/∂z_j is meant is caught."""
    result = decide(D(S[i], z[i]), S[i] * (d(i, j) - S[j]), softmax())
    assert result.verdict in (Verdict.REFUTED, Verdict.CONDITIONAL)


def test_summation_index_used_outside_its_sum() -> None:
    """∂/∂z_j Σ_k e^{z_k} = e^{z_k} is refuted and the leaked index is named."""
    left = D(sp.Sum(sp.exp(z[k]), (k, 1, n)), z[j])
    result = decide(left, sp.exp(z[k]), softmax())
    assert result.verdict is Verdict.REFUTED
    assert "summation index k" in result.detail
    assert decide(left, sp.exp(z[j]), softmax()).verdict is Verdict.VERIFIED


def test_counterexample_values_really_differ() -> None:
    """The reported logits make the two sides differ when evaluated independently."""
    result = decide(D(S[i], z[j]), -S[i] * S[j], softmax())
    example = result.counterexample
    assert result.verdict is Verdict.CONDITIONAL and example is not None
    size, (a, b) = example["n"], (example["indices"]["i"], example["indices"]["j"])
    logits = [mpmath.mpf(example["logits"][f"z_{r}"]) for r in range(1, size + 1)]
    total = sum(mpmath.exp(v) for v in logits)
    s = [mpmath.exp(v) / total for v in logits]
    true_value = s[a - 1] * ((1 if a == b else 0) - s[b - 1])
    claimed = -s[a - 1] * s[b - 1]
    assert mpmath.almosteq(true_value, example["lhs"], 1e-9)
    assert mpmath.almosteq(claimed, example["rhs"], 1e-9)
    assert not mpmath.almosteq(true_value, claimed, 1e-6)


def test_concrete_definition_extends_by_pattern() -> None:
    """y_1 defined for n = 3 extends to y_2 by relabelling, and the report says so."""
    defs = Definitions(variable=x, dimension=n, implicit=False)
    defs.add(("indexed", "y"), y[1], sp.exp(x[1]) / sum(sp.exp(x[r]) for r in (1, 2, 3)), "y_1")
    result = decide(D(y[1], x[2]), -y[1] * y[2], defs, concrete_n=3)
    assert result.verdict is Verdict.VERIFIED and result.method == "exact (n = 3)"
    assert result.extended == ("y_1 → y_2",)
    wrong = decide(D(y[1], x[2]), y[1] * y[2], defs, concrete_n=3)
    assert wrong.verdict is Verdict.REFUTED


def test_rule_statement_over_undefined_functions() -> None:
    """The quotient rule holds over undefined functions; a wrong rule is refuted."""
    t = sp.Symbol("t")
    f, u, v = sp.Function("f"), sp.Function("u"), sp.Function("v")
    defs = Definitions(implicit=False)
    defs.add(("function", "f"), f(t), u(t) / v(t), "f(t)")
    rule = (D(u(t), t) * v(t) - u(t) * D(v(t), t)) / v(t) ** 2
    good = decide(D(f(t), t), rule, defs)
    assert good.verdict is Verdict.VERIFIED and "undefined functions" in good.detail
    bad = decide(D(f(t), t), (D(u(t), t) * v(t) - u(t) * D(v(t), t)) / v(t), defs)
    assert bad.verdict is Verdict.REFUTED and "functions" in bad.counterexample


def test_written_out_jacobian_matrix_with_dots() -> None:
    """An n × n Jacobian written with ⋯ ⋮ ⋱ is checked entry by entry; a wrong entry is named."""
    dots = sp.Symbol("…")

    def entry(r: sp.Expr, c: sp.Expr) -> sp.Expr:
        return -S[r] * S[c] if r != c else S[r] * (1 - S[r])

    rows = [
        [entry(1, 1), entry(1, 2), dots, entry(1, n)],
        [entry(2, 1), entry(2, 2), dots, entry(2, n)],
        [dots, dots, dots, dots],
        [entry(n, 1), entry(n, 2), dots, entry(n, n)],
    ]
    jacobian = D(sp.Symbol("S"), sp.Symbol("z"))
    good = decide(jacobian, sp.ImmutableMatrix(rows), softmax())
    assert good.verdict is Verdict.VERIFIED, good.detail
    rows[1][0] = S[2] * S[1]
    bad = decide(jacobian, sp.ImmutableMatrix(rows), softmax())
    assert bad.verdict is Verdict.REFUTED and bad.detail.startswith("entry (2, 1)")


def test_vector_form_is_read_entry_wise() -> None:
    """∂S/∂z = diag(S) − S Sᵀ is proven entry-wise; diag(S) + S Sᵀ is refuted."""
    s_vec, z_vec = sp.Symbol("S"), sp.Symbol("z")
    diag, transpose = sp.Function("diag"), sp.Function("transpose")
    good = decide(D(s_vec, z_vec), diag(s_vec) - s_vec * transpose(s_vec), softmax())
    assert good.verdict is Verdict.VERIFIED, good.detail
    bad = decide(D(s_vec, z_vec), diag(s_vec) + s_vec * transpose(s_vec), softmax())
    assert bad.verdict in (Verdict.REFUTED, Verdict.CONDITIONAL)


def test_stated_fact_is_used() -> None:
    """With Σ y_k = 1 stated, −y_j + S_j Σ y_k = S_j − y_j is verified; without it, refuted."""
    left = -y[j] + S[j] * sp.Sum(y[k], (k, 1, n))
    defs = softmax()
    assert decide(left, S[j] - y[j], defs).verdict is Verdict.REFUTED
    defs.facts.append((y, sp.S.One))
    assert decide(left, S[j] - y[j], defs).verdict is Verdict.VERIFIED


def test_numeric_fallback_is_labelled() -> None:
    """When no symbolic proof is found, agreement is only verified-numerically, and says so."""
    left = sp.log(sp.exp(z[i]) + 1) - sp.log(1 + sp.exp(-z[i]))
    result = decide(left, z[i], softmax())
    assert result.verdict in (Verdict.VERIFIED, Verdict.VERIFIED_NUMERICALLY)
    if result.verdict is Verdict.VERIFIED_NUMERICALLY:
        assert "no symbolic proof" in result.detail and result.method.startswith("numeric")


def test_unsupported_notation_is_not_understood() -> None:
    """A derivative of an undefined quantity is not-understood, never verified as 0 = 0."""
    loss = sp.Symbol("L")
    result = decide(D(loss, z[j]), sp.Integer(0), softmax())
    assert result.verdict is Verdict.NOT_UNDERSTOOD and "L" in result.detail


def test_contradictory_conditions_are_not_decided() -> None:
    """Conditions i = j and i ≠ j together leave nothing to check: not decided, not verified."""
    result = decide(S[i], S[j], softmax(), conditions=(sp.Eq(i, j), sp.Ne(i, j)))
    assert result.verdict is Verdict.NOT_DECIDED


def test_chain_rule_through_an_abstract_loss() -> None:
    """With g_k = ∂L/∂S_k, ∂L/∂z_l = Σ_k g_k ∂S_k/∂z_l is proven; a wrong backward pass is not."""
    from symsoft.check.checker import check_text

    head = (
        r"$$S_k = \frac{e^{z_k}}{\sum_m e^{z_m}}$$ with $g_k = \partial L / \partial S_k$: "
        r"$$\frac{\partial L}{\partial z_l} = \sum_k g_k \frac{\partial S_k}{\partial z_l}"
    )
    good = check_text(head + r" = S_l \left(g_l - \sum_k g_k S_k\right)$$")
    assert [s.verdict for s in good.steps] == [Verdict.VERIFIED, Verdict.VERIFIED]
    bad = check_text(head + r" = S_l \left(g_l + \sum_k g_k S_k\right)$$")
    assert bad.steps[-1].verdict is Verdict.REFUTED


def test_wrong_cases_branch_is_refuted_not_conditional() -> None:
    """A `cases` expression states its own conditions, so a wrong branch is refuted."""
    from symsoft.check.checker import check_text

    text = (
        r"$$\frac{\partial S_i}{\partial z_j} = \begin{cases} S_i(1-S_i) & \text{if } i = j \\ "
        r"S_i S_j & \text{otherwise} \end{cases}$$"
    )
    assert check_text(text).steps[0].verdict is Verdict.REFUTED
    assert check_text(text.replace("S_i S_j &", "-S_i S_j &")).steps[0].verdict is Verdict.VERIFIED


def test_logistic_sigmoid_and_hat_names() -> None:
    """σ(x) of a scalar is the logistic sigmoid; y beside ŷ is a label, not the softmax."""
    from symsoft.check.checker import check_text

    assert check_text(r"$$\sigma'(x) = \sigma(x)(1 - \sigma(x))$$").steps[0].verdict is (
        Verdict.VERIFIED
    )
    assert check_text(r"$$\sigma'(x) = \sigma(x)(1 + \sigma(x))$$").steps[0].verdict is (
        Verdict.REFUTED
    )
    text = (
        r"$$\frac{\partial \hat{y}_i}{\partial z_j}"
        r" = \hat{y}_i(\delta_{ij} - \hat{y}_j) + y_j - y_j$$"
    )
    report = check_text(text)
    assert report.steps[0].verdict is Verdict.VERIFIED
    assert "hat_y read as softmax of z (a guess)" in report.definitions
    assert "y read as softmax of z (a guess)" not in report.definitions


def test_time_budget_falls_back_and_says_so() -> None:
    """A budget too small for the proof gives a labelled numeric verdict, never 'verified'."""
    result = decide(D(S[i], z[j]), S[i] * (d(i, j) - S[j]), softmax(), timeout=0.001)
    assert result.verdict is Verdict.VERIFIED_NUMERICALLY
    assert "time budget" in result.detail and "fell back" in result.detail
    wrong = decide(D(S[i], z[j]), S[i] * (d(i, j) + S[j]), softmax(), timeout=0.001)
    assert wrong.verdict in (Verdict.REFUTED, Verdict.CONDITIONAL)


def test_time_budget_is_not_lost_in_a_gc_callback() -> None:
    """The budget's alarm firing inside a garbage-collector callback (Hypothesis installs one)
    is not raised there, where Python would print and drop it, but right after."""
    import gc
    import time

    from symsoft.proof.budget import Timeout as _Timeout
    from symsoft.proof.budget import budget as _budget

    def slow_callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            time.sleep(0.05)  # the 10 ms alarm fires in here

    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(_Timeout), _budget(0.01):
            gc.collect()
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                pass
    finally:
        gc.callbacks.remove(slow_callback)


def test_gradient_of_a_defined_loss_in_vector_form() -> None:
    """∂L/∂z = S − y for L = −Σ y_k log S_k (one-hot y) is proven; S + y is refuted."""
    from symsoft.check.checker import check_text

    head = (
        r"Let $S_i = \frac{e^{z_i}}{\sum_k e^{z_k}}$, one-hot $y$ and "
        r"$L = -\sum_k y_k \log S_k$. $$\frac{\partial L}{\partial \mathbf{z}} = "
    )
    good = check_text(head + r"\mathbf{S} - \mathbf{y}$$")
    assert good.steps[0].verdict is Verdict.VERIFIED, good.steps[0].detail
    bad = check_text(head + r"\mathbf{S} + \mathbf{y}$$")
    assert bad.steps[0].verdict is Verdict.REFUTED


def test_chain_rule_written_out_without_naming_the_gradient() -> None:
    """∂L/∂z_j = Σ_i ∂L/∂s_i ∂s_i/∂z_j with L undefined: L is read as a function of s."""
    from symsoft.check.checker import check_text

    text = (
        r"$$s_i = \frac{e^{z_i}}{\sum_{k=1}^{n} e^{z_k}}$$"
        r"$$\frac{\partial L}{\partial z_j} = \sum_{i=1}^{n} \frac{\partial L}{\partial s_i}"
        r" \frac{\partial s_i}{\partial z_j} = s_j \left(\frac{\partial L}{\partial s_j}"
        r" - \sum_{i=1}^{n} s_i \frac{\partial L}{\partial s_i}\right)$$"
    )
    assert [s.verdict for s in check_text(text).steps] == [Verdict.VERIFIED] * 2
    wrong = text.replace(r"- \sum_{i=1}^{n} s_i", r"+ \sum_{i=1}^{n} s_i")
    assert check_text(wrong).steps[-1].verdict is Verdict.REFUTED


def test_batch_entries_without_a_definition() -> None:
    """S_{b,i} undefined reads as the softmax of row b; the missing δ_bc is conditional."""
    from symsoft.check.checker import check_text

    lhs = r"\frac{\partial S_{b,i}}{\partial z_{c,j}}"
    good = check_text(rf"$${lhs} = \delta_{{bc}} S_{{b,i}}(\delta_{{ij}} - S_{{b,j}})$$")
    assert good.steps[0].verdict is Verdict.VERIFIED
    bad = check_text(rf"$${lhs} = S_{{b,i}}(\delta_{{ij}} - S_{{b,j}})$$")
    assert bad.steps[0].verdict is Verdict.CONDITIONAL and bad.steps[0].condition == "b = c"


def test_derivative_by_a_defined_name_differentiates_by_that_name() -> None:
    """∂/∂S_j (−y_j log S_j) = −y_j/S_j with S defined: S is the variable, not 0 after expanding."""
    left = D(-y[j] * sp.log(S[j]), S[j])
    assert decide(left, -y[j] / S[j], softmax()).verdict is Verdict.VERIFIED
    bad = decide(left, y[j] / S[j], softmax())
    assert bad.verdict is Verdict.REFUTED
    inside = sp.Sum(y[i] * D(sp.log(S[i]), S[i]) * D(S[i], z[k]), (i, 1, n))
    right = sp.Sum(y[i] / S[i] * D(S[i], z[k]), (i, 1, n))
    assert decide(inside, right, softmax()).verdict is Verdict.VERIFIED


def test_bare_name_of_a_defined_function_is_its_body() -> None:
    """`L(z, y) = −Σ y_i log S_i` defines L: `∂L/∂z_k` differentiates that body."""
    defs = softmax()
    loss = sp.Function("L")(sp.Symbol("z"), sp.Symbol("y"))
    defs.add(("function", "L"), loss, -sp.Sum(y[i] * sp.log(S[i]), (i, 1, n)), "L(z, y)")
    left = D(sp.Symbol("L"), z[k])
    right = S[k] * sp.Sum(y[i], (i, 1, n)) - y[k]
    assert decide(left, right, defs).verdict is Verdict.VERIFIED
    assert decide(left, S[k] - y[k], defs).verdict is Verdict.REFUTED  # y need not sum to 1


def test_derivative_of_an_undefined_entry_by_another_vector_is_refused() -> None:
    """∂z_j/∂w_jk (z never written as a function of w) is not understood, never 0."""
    w = sp.IndexedBase("w")
    result = decide(D(z[j], w[j, k]), x[k], softmax())
    assert result.verdict is Verdict.NOT_UNDERSTOOD
    assert "never says how" in result.detail


def test_prime_of_a_function_defined_without_its_argument_is_refused() -> None:
    """`g(x) = e^{a_i}` then `g'(x) = e^{a_i}`: the prime means ∂/∂a_i, not d/dx; never refuted."""
    defs = softmax()
    xs = sp.Symbol("x")
    a = sp.IndexedBase("a")
    defs.add(("function", "g"), sp.Function("g")(xs), sp.exp(a[i]), "g(x)")
    result = decide(D(sp.Function("g")(xs), xs), sp.exp(a[i]), defs)
    assert result.verdict is Verdict.NOT_UNDERSTOOD
    assert "does not depend on x" in result.detail


def test_bare_letter_of_an_indexed_definition_is_ambiguous() -> None:
    """`g_i = e^{a_i}` then `g'(x) h(x)`: the bare, primed g is refused, not a random function."""
    defs = softmax()
    a, xs = sp.IndexedBase("a"), sp.Symbol("x")
    defs.add(("indexed", "g"), sp.IndexedBase("g")[i], sp.exp(a[i]), "g_i")
    g = sp.Function("g")(xs)
    result = decide(D(g, xs), sp.exp(a[i]), defs)
    assert result.verdict is Verdict.NOT_UNDERSTOOD
    assert "ambiguous" in result.detail


def test_softmax_of_a_class_letter_is_refused() -> None:
    """`o_b = softmax(b)` (b a class name) is not understood, never a random function."""
    o, b = sp.IndexedBase("o"), sp.Symbol("b")
    result = decide(o[b], sp.Function("softmax")(b), softmax())
    assert result.verdict is Verdict.NOT_UNDERSTOOD


def test_derivative_by_a_defined_function_value() -> None:
    """∂ log σ(z_i)/∂σ(z_i) · ∂σ(z_i)/∂z_i = 1 − σ(z_i) with σ(z_i) defined as the softmax."""
    defs = softmax()
    s_ = sp.Function("sigma")
    defs.add(("function", "sigma"), s_(z[i]), sigma(i), "sigma(z_i)")
    left = D(sp.log(s_(z[i])), s_(z[i])) * D(s_(z[i]), z[i])
    assert decide(left, 1 - s_(z[i]), defs).verdict is Verdict.VERIFIED
    assert decide(left, s_(z[i]), defs).verdict is Verdict.REFUTED


def test_example_with_renamed_logits_is_refused() -> None:
    """`y_1 = e^x/(e^x + e^y)` after y_k = softmax of z, and `∂y_1/∂x`, are not understood."""
    xs, ys = sp.symbols("x y")
    two = sp.exp(xs) / (sp.exp(xs) + sp.exp(ys))
    assert decide(S[1], two, softmax()).verdict is Verdict.NOT_UNDERSTOOD
    assert decide(D(S[1], xs), S[1] * (1 - S[1]), softmax()).verdict is Verdict.NOT_UNDERSTOOD


def test_derivative_of_an_undefined_function_of_named_vectors_is_refused() -> None:
    """∂CE(y, \\hat y)/∂θ_k with CE never defined is not understood, never 0 = ..."""
    theta = sp.IndexedBase("theta")
    ce = sp.Function("CE")(sp.Symbol("y"), sp.Symbol("hat_y"))
    result = decide(D(ce, theta[k]), sp.exp(theta[k]), softmax())
    assert result.verdict is Verdict.NOT_UNDERSTOOD
    assert "never says how" in result.detail


def test_a_stated_row_sum_is_used_for_every_row_of_a_batch() -> None:
    """With Σ_k t_{nk} = 1 stated, -Σ_k t_nk(δ_kj - y_nj) = y_nj - t_nj; the sign flip is caught."""
    from symsoft.check.checker import check_text

    head = r"$$-\sum_k t_{nk}(I_{kj} - y_{nj}) = "
    tail = r"$$, using $$\sum_k t_{nk} = 1$$."
    assert check_text(head + r"y_{nj} - t_{nj}" + tail).steps[0].verdict is Verdict.VERIFIED
    assert check_text(head + r"y_{nj} + t_{nj}" + tail).steps[0].verdict is Verdict.REFUTED


def test_sigma_of_a_batch_entry_is_the_softmax_of_its_row() -> None:
    """`σ(z_{pq})` with an undefined σ is entry q of the softmax of row p, not of entry p."""
    defs = Definitions(variable=z, dimension=n)
    row = sp.exp(z[j, k]) / sp.Sum(sp.exp(z[j, m]), (m, 1, n))
    assert decide(sp.Function("sigma")(z[j, k]), row, defs).verdict is Verdict.VERIFIED
    entry = sp.exp(z[j]) / sp.Sum(sp.exp(z[m]), (m, 1, n))
    assert decide(sp.Function("sigma")(z[j, k]), entry, defs).verdict is not Verdict.VERIFIED


def test_softmax_applied_to_the_whole_vector_is_that_vector_in_vector_notation() -> None:
    """`diag(σ(z)) - σ(z) σ(z)^T` is the Jacobian; with a plus it is refuted."""
    from symsoft.check.checker import check_text

    head = r"$$\frac{\partial \sigma}{\partial \mathbf{z}} = \text{diag}(\sigma(\mathbf{z})) "
    tail = r" \sigma(\mathbf{z}) \sigma(\mathbf{z})^\top$$"
    assert check_text(head + "-" + tail).steps[0].verdict is Verdict.VERIFIED
    assert check_text(head + "+" + tail).steps[0].verdict is Verdict.REFUTED


def test_derivative_by_the_whole_vector_of_an_expression_in_its_entries_is_refused() -> None:
    """∂(-log S_k)/∂z (whole vector) is not read as 0: it is a gradient, not a scalar."""
    zs = sp.Symbol("z")
    result = decide(D(-sp.log(S[k]), zs), S[k] - 1, softmax())
    assert result.verdict is Verdict.NOT_UNDERSTOOD
    assert "whole vector" in result.detail


def test_chain_rule_through_a_batch_sums_over_rows_and_entries() -> None:
    """∂L/∂z_{pq} = Σ_i Σ_j ∂L/∂σ_ij ∂σ_ij/∂z_pq is the chain rule; without the row sum it fails."""
    from symsoft.check.checker import check_text

    tail = r"\frac{\partial L}{\partial \sigma_{ij}} \frac{\partial \sigma_{ij}}{\partial z_{pq}}$$"
    good = r"$$\frac{\partial L}{\partial z_{pq}} = \sum_{i=1}^{n} \sum_{j=1}^{n}" + tail
    bad = r"$$\frac{\partial L}{\partial z_{pq}} = \sum_{j=1}^{n}" + tail
    assert check_text(good).steps[0].verdict is Verdict.VERIFIED
    assert check_text(bad).steps[0].verdict in (Verdict.REFUTED, Verdict.CONDITIONAL)


def test_the_letter_a_cross_entropy_target_weights_is_the_softmax() -> None:
    """``-Σ_j t_j log(y_j)`` beside a defined p: t is the target and y the softmax, so the
    last step holds under the stated one-hot target (it was refuted with y a free letter)."""
    from symsoft.check.checker import check_text

    text = (
        "The targets are one-hot. $$p_j = \\frac{e^{o_j}}{\\sum_k e^{o_k}}$$\n\n"
        "$$\\frac{\\partial \\xi}{\\partial z_i} = - \\sum_{j=1}^C t_j "
        "\\frac{\\partial \\log(y_j)}{\\partial z_i} = -t_i + y_i \\sum_{j = 1}^C t_j "
        "= y_i - t_i$$"
    )
    verdicts = [s.verdict for s in check_text(text).steps]
    assert verdicts[1:] == [Verdict.VERIFIED, Verdict.VERIFIED]


def test_exactly_one_target_equal_to_one_is_a_one_hot_target() -> None:
    """ "Exactly one of the $t_i$s is 1, the others 0" states Σ t = 1 like "one-hot" does."""
    from symsoft.check.checker import check_text

    head = "$y_i = \\frac{e^{x_i}}{\\sum_d e^{x_d}}$ and $L = -\\sum_i t_i \\ln(y_i)$.\n\n"
    claim = "$\\frac{dL}{dx_j} = y_j - t_j$"
    unstated = check_text(head + claim).steps[0].verdict
    stated = check_text(head + "Exactly one of the $t_i$s equals 1, the rest 0: " + claim)
    assert unstated is Verdict.CONDITIONAL
    assert stated.steps[0].verdict is Verdict.VERIFIED


def test_a_differentiated_y_beside_another_softmax_letter_is_the_softmax() -> None:
    """``∂y_i/∂x_j`` with p also read as the softmax: y is differentiated, so it is an output,
    not the cross-entropy target (it was 'never says how it depends on it')."""
    from symsoft.check.checker import check_text

    text = (
        "$$softmax(x)_i = \\frac{e^{x_i}}{\\sum_{j=1}^{n} e^{x_j}}$$\n\n"
        "$$Y=\\sum_{j=1}^{n} e^{x_j}$$\n\n"
        "$$\\frac{\\partial y_i}{\\partial x_i} = \\frac{e^{x_i}Y-e^{x_i}e^{x_i}}{Y^2}"
        " = p(x_i) (1 - p(x_i))$$"
    )
    # the equation for softmax itself is a claim too, checked first
    assert [s.verdict for s in check_text(text).steps] == [Verdict.VERIFIED] * 3


def test_a_sum_over_a_cases_expression_is_proven_symbolically() -> None:
    """``Σ_i {t_i(y_i - 1) if i = j, t_i y_j if i ≠ j}`` is δ-collapsed: verified, not only
    numerically; a wrong branch is refuted."""
    from symsoft.check.checker import check_text

    head = r"$$y_i = \frac{e^{x_i}}{\sum_d e^{x_d}}$$" + "\n\n"
    lhs = r"$$-\sum_i t_i \frac{1}{y_i} \frac{\partial y_i}{\partial x_j} = \sum_i \begin{cases} "
    good = check_text(head + lhs + r"t_i (y_i - 1) & i=j \\ t_i y_j & i \ne j \end{cases}$$")
    bad = check_text(head + lhs + r"t_i (y_i + 1) & i=j \\ t_i y_j & i \ne j \end{cases}$$")
    assert good.steps[0].verdict is Verdict.VERIFIED
    assert bad.steps[0].verdict is Verdict.REFUTED


def test_a_zero_based_sum_is_refused_not_refuted() -> None:
    """``Σ_{k=0}^{N-1}`` with free indices tried in 1..N gave false counterexamples."""
    from symsoft.check.checker import check_text

    text = (
        r"$$P_i = \frac{e^{S_i}}{\sum_{k=0}^{N-1} e^{S_k}}$$" + "\n\n"
        r"$$\frac{\partial P_i}{\partial S_j} = P_i(\delta_{ij} - P_j)$$"
    )
    (step,) = check_text(text).steps
    assert step.verdict is Verdict.NOT_UNDERSTOOD
    assert "0-based" in step.detail
