"""Every code sample in docs/*.md and the README runs, or at least parses, in the tests.

Python samples with ``>>>`` prompts run as doctests (``--doctest-glob=*.md``). The other
Python samples are templates for a reader's own tests, with the reader's system left as
names such as ``our_system``: they run here, with those names standing for a small
system built on sendflow, and the test functions they define are called. Shell samples
naming ``sendflow`` are parsed by the real argument parser; ``python benchmarks/...``
samples must name a script that exists; YAML samples must be YAML.
"""

from __future__ import annotations

import re
import shlex
import shutil
import unittest
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import sendflow
from sendflow.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _samples(language: str) -> Iterator[tuple[str, str]]:
    """Each fenced sample in ``language``: where it is (``docs/x.md:12``) and its text."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for found in _FENCE.finditer(text):
            if found.group(1) == language:
                line = text.count("\n", 0, found.start()) + 1
                yield f"{page.relative_to(ROOT)}:{line}", found.group(2)


TEMPLATES = [(where, code) for where, code in _samples("python") if ">>>" not in code]
# A page's templates run in turn in one namespace, as a reader pastes them: a later
# template may use what an earlier one defined (doctests of one page share theirs too).
PYTHON = [
    (page, [(where, code) for where, code in TEMPLATES if where.startswith(f"{page}:")])
    for page in dict.fromkeys(where.split(":")[0] for where, _ in TEMPLATES)
]
SHELL = list(_samples("sh"))
YAML = list(_samples("yaml"))


class OurValidationError(Exception):
    """The reader's system refusing an event, in the templates."""


class _OurSystem:
    """The reader's deadline code, as the templates call it: here, sendflow underneath."""

    def __init__(self, process: str = "ehc-needs-assessment") -> None:
        self.process = sendflow.load_process(process)

    def due_dates(self, events: list[Mapping[str, Any]]) -> dict[tuple[str, str], date]:
        evaluation = sendflow.evaluate(self.process, events)
        return {(r.rule, r.key): r.due_on for r in evaluation.time_limits}

    def import_case(self, events: list[Mapping[str, Any]]) -> None:
        try:
            sendflow.evaluate(self.process, events)
        except sendflow.SendflowError as exc:
            raise OurValidationError(str(exc)) from exc


class _OurApi:
    """The reader's case-management API, as the stateful template drives it."""

    def __init__(self, process: str) -> None:
        self.process = process
        self.cases: dict[str, sendflow.Case] = {}

    @classmethod
    def connect_to_test_database(cls, process: str) -> _OurApi:
        return cls(process)

    def add_event(self, case_id: str, event: Mapping[str, Any]) -> None:
        case = self.cases.get(case_id) or sendflow.Case(self.process, case_id=case_id)
        on = event["on"]
        case.record(
            event["event"],
            on=on if isinstance(on, date) else date.fromisoformat(on),
            data=event.get("data"),
        )
        self.cases[case_id] = case

    def case_status(self, case_id: str, *, as_of: str) -> sendflow.Evaluation:
        return self.cases[case_id].evaluate(as_of=date.fromisoformat(as_of))


def test_every_page_has_samples() -> None:
    """The collection finds the samples (a broken pattern would pass everything)."""
    assert len(TEMPLATES) >= 4
    assert len(SHELL) >= 5
    assert len(YAML) >= 20


@pytest.mark.parametrize(("page", "templates"), PYTHON, ids=[p for p, _ in PYTHON])
def test_python_templates_run(
    page: str, templates: list[tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's templates run, with the reader's system standing in, and their tests pass."""
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    (tmp_path / "processes").mkdir()
    shutil.copy(
        ROOT / "examples" / "overlays" / "northshire-ehc-needs-assessment.yaml",
        tmp_path / "processes" / "our-ehc.yaml",
    )
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {
        "__name__": "doc_sample",
        "our_system": _OurSystem(),
        "OurApi": _OurApi,
        "OurValidationError": OurValidationError,
    }
    for where, code in templates:
        before = set(namespace)
        exec(compile(code, where, "exec"), namespace)
        ran = 0
        for name in set(namespace) - before:
            value = namespace[name]
            if name.startswith("test_") and callable(value):
                value()
                ran += 1
            elif isinstance(value, type) and issubclass(value, unittest.TestCase):
                value("runTest").runTest()
                ran += 1
        assert ran or "print(" in code, f"{where} defines no test and prints nothing"


def _commands(script: str) -> Iterator[list[str]]:
    """Each command of a shell sample: continuation lines joined, split at ``&&``, ``|``
    and ``;``, without its redirections and the ``VARIABLE=value`` settings before it."""
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token in {"&&", "||", "|", ";"}:
                while words and "=" in words[0] and not words[0].startswith("-"):
                    words = words[1:]
                if words:
                    yield words
                words = []
            elif words and words[-1] in {">", ">>", "<", "2>"}:
                words.pop()  # a redirection and its file
            else:
                words.append(token)


@pytest.mark.parametrize(("where", "script"), SHELL, ids=[w for w, _ in SHELL])
def test_shell_samples_parse(where: str, script: str) -> None:
    """A sendflow command parses with the real parser; a benchmark named exists."""
    parser = build_parser()
    for words in _commands(script):
        program = Path(words[0]).name
        if program == "sendflow":
            try:
                parser.parse_args(words[1:])
            except SystemExit:
                pytest.fail(f"{where}: `{shlex.join(words)}` does not parse")
        elif program.startswith("python") and words[1:2] and words[1].endswith(".py"):
            assert (ROOT / words[1]).is_file(), f"{where}: no script {words[1]}"


@pytest.mark.parametrize(("where", "text"), YAML, ids=[w for w, _ in YAML])
def test_yaml_samples_are_yaml(where: str, text: str) -> None:
    """A YAML sample reads as YAML data."""
    assert yaml.safe_load(text) is not None, where
