"""The batch scorer in ``benchmarks/score_check_batch.py`` counts what it claims to count."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "tests" / "documents"


def _scorer():
    spec = importlib.util.spec_from_file_location(
        "score_check_batch", ROOT / "benchmarks" / "score_check_batch.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _batch(tmp_path: Path, name: str, edit=None) -> list[dict]:
    (tmp_path / "expected").mkdir()
    shutil.copy(DOCUMENTS / name, tmp_path / name)
    stem = Path(name).stem
    expected = json.loads((DOCUMENTS / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
    if edit:
        edit(expected)
    (tmp_path / "expected" / f"{stem}.json").write_text(json.dumps(expected), encoding="utf-8")
    return expected


@pytest.mark.slow
def test_a_planted_error_that_is_flagged_counts_as_caught_and_located(tmp_path: Path) -> None:
    scorer = _scorer()
    expected = _batch(tmp_path, "article_flipped_sign.tex")
    path = tmp_path / "article_flipped_sign.tex"
    score = scorer.score_document(path, expected, timeout=300, step_timeout=5)
    assert (score.status, score.planted, score.caught) == ("ok", 3, 3)
    assert score.first_error_located is True
    assert score.false_alarms == []


@pytest.mark.slow
def test_a_verified_step_expected_wrong_is_a_miss_and_not_located(tmp_path: Path) -> None:
    def plant(expected: list[dict]) -> None:
        expected[0].update(verdict="refuted", planted=True)

    scorer = _scorer()
    expected = _batch(tmp_path, "alignat_solution.tex", plant)
    score = scorer.score_document(tmp_path / "alignat_solution.tex", expected, 300, 5)
    assert (score.planted, score.caught, score.first_error_located) == (1, 0, False)
    assert len(score.misses) == 1 and "alignat_solution.tex:6#1 verified" in score.misses[0]
    totals = scorer._totals([score])
    assert (totals["wrong_steps"], totals["caught"], totals["must_verify"]) == (1, 0, 1)


@pytest.mark.slow
def test_a_correct_step_expected_refuted_free_is_a_false_alarm(tmp_path: Path) -> None:
    def declare_correct(expected: list[dict]) -> None:
        # the planted first error is declared correct: its refutation becomes a false alarm
        del expected[2]["planted"]
        expected[2]["verdict"] = "verified"

    scorer = _scorer()
    expected = _batch(tmp_path, "article_flipped_sign.tex", declare_correct)
    score = scorer.score_document(tmp_path / "article_flipped_sign.tex", expected, 300, 5)
    alarms = score.false_alarms
    assert any(alarm.startswith("article_flipped_sign.tex:19#1 refuted") for alarm in alarms)
    assert score.verified < score.must_verify
