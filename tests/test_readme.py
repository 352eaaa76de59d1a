"""Every example of the README runs and prints what the README shows.

A ```` ```console ```` block is a shell transcript: ``$ cat FILE`` followed by the file's
content creates that file, ``$ symsoft ...`` runs the command in a fresh folder holding those
files and its output must match the lines after it (``...`` stands for any lines, timings may
differ), and ``$ echo $?`` followed by a number asserts the exit code of the command before.
A ```` ```python ```` block of ``>>>`` lines runs as a doctest.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: runs the CLI or user code in other processes: the slow lane (pytest -m 'not slow' skips it)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: a duration as the CLI prints it ("0.43s", "in 1.20s"); it varies from run to run
TIMING = re.compile(r"\b\d+\.\d+s\b")


@dataclass
class Command:
    """One ``$ symsoft ...`` line of a transcript, what it prints and its exit code."""

    args: list[str]
    output: list[str] = field(default_factory=list)
    code: int | None = None


@dataclass
class Transcript:
    """A console block: the files it writes with ``cat`` and the commands it runs."""

    line: int
    files: dict[str, str] = field(default_factory=dict)
    commands: list[Command] = field(default_factory=list)


def blocks(language: str) -> list[tuple[int, str]]:
    """The (line number, body) of every fenced block of ``language`` in the README."""
    text = README.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(rf"^```{language}\n(.*?)^```$", text, flags=re.S | re.M):
        found.append((text.count("\n", 0, match.start()) + 1, match.group(1)))
    return found


def parse(line: int, body: str) -> Transcript:
    transcript = Transcript(line)
    state, name = "", ""
    for row in body.splitlines():
        if row.startswith("$ cat "):
            state, name = "file", row.removeprefix("$ cat ").strip()
            transcript.files[name] = ""
        elif row.startswith("$ symsoft "):
            state = "output"
            transcript.commands.append(Command(shlex.split(row.removeprefix("$ symsoft "))))
        elif row.startswith("$ echo $?"):
            state = "code"
        elif row.startswith("$ "):
            raise AssertionError(f"README line {line}: a command the test cannot run: {row!r}")
        elif state == "file":
            transcript.files[name] += row + "\n"
        elif state == "output":
            transcript.commands[-1].output.append(row)
        elif state == "code":
            transcript.commands[-1].code = int(row)
            state = ""
    for name, content in transcript.files.items():
        transcript.files[name] = content.rstrip("\n") + "\n"
    for command in transcript.commands:
        while command.output and not command.output[-1].strip():
            command.output.pop()
    return transcript


def transcripts() -> list[Transcript]:
    return [parse(line, body) for line, body in blocks("console")]


def matches(want: list[str], got: str) -> bool:
    """Whether the output matches the shown lines, ``...`` standing for any run of lines."""
    expected = TIMING.sub("<t>s", "\n".join(line.rstrip() for line in want)) + "\n"
    actual = TIMING.sub("<t>s", "\n".join(line.rstrip() for line in got.splitlines())) + "\n"
    return doctest.OutputChecker().check_output(expected, actual, doctest.ELLIPSIS)


def test_the_readme_has_examples_of_every_command():
    """The README shows verify, derive, check and check-impl, each with its exit code."""
    shown = [command for transcript in transcripts() for command in transcript.commands]
    assert {command.args[0] for command in shown} >= {"verify", "derive", "check", "check-impl"}
    assert all(command.code is not None for command in shown)
    assert len(blocks("python")) >= 1


def test_the_readme_is_a_front_door():
    """The two commands come first, exactly, and the README stays short; details are in docs/."""
    text = README.read_text(encoding="utf-8")
    first = re.search(r"^```bash\n(.*?)^```$", text, flags=re.S | re.M)
    assert first and first.group(1) == (
        "pip install . && symsoft verify --n 4\npip install '.[test]' && pytest\n"
    )
    assert text.index("```bash") < min(text.index(f"```{kind}") for kind in ("console", "python"))
    assert len(text.splitlines()) <= 200
    for page in ("verify", "derive", "check", "check-impl", "benchmarks"):
        assert f"(docs/{page}.md)" in text and (ROOT / "docs" / f"{page}.md").is_file()
    assert "pip install '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_a_changed_output_is_caught():
    """The comparison fails on a changed line and passes over ``...`` and timings."""
    assert matches(["PASSED in 0.43s", "..."], "PASSED in 1.20s\nmore\nlines\n")
    assert not matches(["PASSED in 0.43s"], "FAILED in 0.43s\n")
    assert not matches(["a", "...", "z"], "a\nb\ny\n")


@pytest.mark.slow
@pytest.mark.parametrize("transcript", transcripts(), ids=lambda t: f"README-line-{t.line}")
def test_console_example(transcript: Transcript, tmp_path: Path):
    """Each `$ symsoft ...` of the README prints what is shown and exits as shown."""
    for name, content in transcript.files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    for command in transcript.commands:
        done = subprocess.run(
            [sys.executable, "-m", "symsoft", *command.args],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
            env=env,
        )
        shown = " ".join(command.args)
        assert done.returncode == command.code, f"symsoft {shown}: {done.stderr}"
        assert matches(command.output, done.stdout), f"symsoft {shown} printed:\n{done.stdout}"


@pytest.mark.slow
@pytest.mark.parametrize(("line", "body"), blocks("python"), ids=lambda v: str(v)[:20])
def test_python_example(line: int, body: str):
    """Each Python example of the README runs as a doctest without a failure."""
    test = doctest.DocTestParser().get_doctest(body, {}, "README", str(README), line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert test.examples, f"README line {line}: a python block without >>> examples"
    assert runner.failures == 0
