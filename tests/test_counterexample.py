"""Counterexamples of `symsoft check`: complete, consistent with the document, honestly worded."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from symsoft.cli import main

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

ONE_HOT = (
    "Let $S_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$ and $L = -\\sum_k y_k \\log S_k$, "
    "where $y$ is one-hot.\n\n"
    "$$\\frac{\\partial L}{\\partial z_j} = S_j + y_j$$\n"
)
LONE_INDEX = (
    "Let $S_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$.\n\n"
    "$$\\sum_j \\frac{\\partial S_i}{\\partial z_j} = 1$$\n"
)


def check_json(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> dict:
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["check", "--json", str(path)])
    assert done.value.code == 1
    (step,) = json.loads(capsys.readouterr().out)["files"][0]["steps"]
    return step


def test_a_vector_stated_to_sum_to_one_gets_values_that_do(tmp_path, capsys):
    """Labels stated one-hot: every y_k is shown, each in (0, 1], and they sum to 1."""
    step = check_json(tmp_path, ONE_HOT, capsys)
    example = step["counterexample"]
    values, n = example["logits"], example["n"]
    labels = [values[f"y_{k}"] for k in range(1, n + 1)]
    assert all(0 < y <= 1 for y in labels) and math.isclose(sum(labels), 1.0, abs_tol=1e-12)
    # the shown values reproduce both sides: ∂L/∂z_j = S_j Σ_k y_k − y_j against S_j + y_j
    z = [values[f"z_{k}"] for k in range(1, n + 1)]
    s = [math.exp(v) / sum(math.exp(w) for w in z) for v in z]
    j = example["indices"]["j"] - 1
    assert example["lhs"] == pytest.approx(s[j] * sum(labels) - labels[j], abs=1e-9)
    assert example["rhs"] == pytest.approx(s[j] + labels[j], abs=1e-9)


def test_a_lone_free_index_is_named_not_called_no_indices(tmp_path, capsys):
    """With one free index the detail says where it fails (`at i = 1`), never `no indices`."""
    step = check_json(tmp_path, LONE_INDEX, capsys)
    assert step["verdict"] == "refuted"
    assert "no indices" not in step["detail"] and "differ at i = 1" in step["detail"]
    assert step["counterexample"]["indices"] == {"i": 1}


CASES = (
    "Let $S_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$.\n"
    "\n"
    "$$\n"
    "\\frac{\\partial S_i}{\\partial z_j} = \\begin{cases}\n"
    "S_i(1 - S_i) & \\text{if } i = j \\\\\n"
    "S_i S_j & \\text{if } i \\neq j\n"
    "\\end{cases}\n"
    "$$\n"
)


@pytest.mark.parametrize(
    ("text", "line", "indices"),
    [
        (CASES, 6, {"i": 1, "j": 2}),  # the wrong sign is in the second branch
        (CASES.replace("S_i(1 - S_i)", "S_i(1 + S_i)").replace("S_i S_j &", "-S_i S_j &"), 5, None),
        (CASES.replace("\\\\\n", "\\\\ "), 5, None),  # both branches on one line
        (" ".join(CASES.splitlines()[2:]) + "\n", 1, None),  # all of it on one line
    ],
)
def test_a_wrong_cases_branch_is_reported_on_its_own_line(tmp_path, capsys, text, line, indices):
    """The line of a refuted `cases` step is the line of the branch the counterexample is in."""
    step = check_json(tmp_path, text, capsys)
    assert step["verdict"] == "refuted" and step["line"] == line
    if indices:
        assert step["counterexample"]["indices"] == indices
