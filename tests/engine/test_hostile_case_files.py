"""Hostile and careless case files are refused with a CaseFileError saying where and what.

The small broken files live in ``invalid_cases/`` with what each must report in
``EXPECTED`` below; the big ones (an alias bomb, tens of megabytes, not UTF-8) are
generated. Each is refused by ``read_case_file`` and by ``sendflow check`` (exit 2, the
reason on stderr, nothing on stdout).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import sendflow
from sendflow.cli import main
from sendflow.engine.case_ids import MAX_CASE_ID_LENGTH
from sendflow.errors import CaseFileError
from tests.hostile import alias_bomb, write_huge

INVALID = Path(__file__).parent / "invalid_cases"
CASE_HEAD = "process: ehc-needs-assessment\ncase_id: A1\n"

# File name: (where the message begins after the path, what it must contain).
EXPECTED = {
    "alias-inside-itself.yaml": (
        ", line 5: ",
        "the alias *events is used inside the value it names",
    ),
    "case-id-control-character.json": (
        ": ",
        "holds a control character or line break (U+000A) at position 3",
    ),
    "case-id-empty.json": (": ", "a case id must not be empty."),
    "case-id-lone-surrogate.json": (": ", "holds a lone surrogate (U+D800) at position 2"),
    "case-id-too-long.json": (": ", "is 201 characters long; a case id has at most 200."),
    "missing-colon.yaml": (", line 5: ", "this line has no ':' after its key (noticed on line 6)"),
    "nested-too-deep.json": (": ", "the JSON is nested more than 64 levels deep"),
    "nested-too-deep.yaml": (", line 6: ", "nested more than 64 deep here"),
    "nul-character.yaml": (", line 2: ", "the character U+0000 (NUL) at column 11"),
    "python-object-tag.yaml": (", line 2: ", "the tag 'tag:yaml.org,2002:python/object/apply"),
    "unclosed-bracket.json": (": ", "not valid JSON: Expecting ',' delimiter (line 3, column 1)"),
}
FILES = sorted(INVALID.iterdir())


def test_every_broken_case_file_has_an_expectation() -> None:
    """The folder and the table of expectations name the same files."""
    assert sorted(p.name for p in FILES) == sorted(EXPECTED)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_read_case_file_refuses_a_broken_case_file(path: Path) -> None:
    """``read_case_file`` raises a CaseFileError that begins with the file (and line)."""
    where, contains = EXPECTED[path.name]
    with pytest.raises(CaseFileError) as caught:
        sendflow.read_case_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}{where}")
    assert contains in message


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_check_refuses_a_broken_case_file(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    """``sendflow check`` exits 2 with the reason on stderr and nothing on stdout."""
    where, contains = EXPECTED[path.name]
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"sendflow check: {path}{where}")
    assert contains in err


def _bomb(folder: Path) -> Path:
    path = folder / "bomb.yaml"
    path.write_text(CASE_HEAD + "events: []\n" + alias_bomb(), encoding="utf-8")
    return path


def _big_json(folder: Path) -> Path:
    return write_huge(folder / "big.json", 40, line=b" " * 1023 + b"\n")


def _big_yaml(folder: Path) -> Path:
    return write_huge(folder / "big.yaml", 2, head=CASE_HEAD.encode())


def _latin_1(folder: Path) -> Path:
    path = folder / "latin-1.yaml"
    path.write_bytes((CASE_HEAD + "# Évaluation\n").encode("latin-1"))
    return path


GENERATED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "alias-bomb": (_bomb, ", line 8: the alias *lol3 repeats 7,381 values"),
    "forty-megabytes-of-json": (_big_json, ": the file is larger than 32 MB"),
    "two-megabytes-of-yaml": (_big_yaml, ": the file is larger than 1 MB"),
    "not-utf-8": (_latin_1, ", line 3: the file is not UTF-8 text: byte 0xc9"),
}


@pytest.mark.parametrize("kind", GENERATED)
def test_a_generated_hostile_case_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """``read_case_file`` and ``check`` refuse it, naming the file and what is wrong."""
    write, begins = GENERATED[kind]
    path = write(tmp_path)
    with pytest.raises(CaseFileError) as caught:
        sendflow.read_case_file(path)
    assert str(caught.value).startswith(f"{path}{begins}")
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"sendflow check: {path}{begins}")


@pytest.mark.parametrize(
    ("case_id", "contains"),
    [
        ("", "a case id must not be empty"),
        ("   ", "a case id must not be empty"),
        ("A" * (MAX_CASE_ID_LENGTH + 1), "is 201 characters long"),
        ("A\ud800", "holds a lone surrogate (U+D800)"),
        ("A\x00", "holds a control character or line break (U+0000)"),
        ("A\u20281", "holds a control character or line break (U+2028)"),
        (" A1", "starts or ends with a space"),
    ],
)
def test_case_refuses_a_bad_case_id(case_id: str, contains: str) -> None:
    """``Case(..., case_id=...)`` refuses a case id no store or report could use."""
    with pytest.raises(CaseFileError, match=re.escape(contains)):
        sendflow.Case("ehc-needs-assessment", case_id=case_id)
    with pytest.raises(CaseFileError, match=re.escape(contains)):
        sendflow.Case("ehc-needs-assessment", case_id="A1", related_case=case_id)


def test_a_case_id_of_the_longest_length_is_accepted() -> None:
    """A case id of exactly the limit, in any script, is a good one."""
    case_id = "Zoë-" + "7" * (MAX_CASE_ID_LENGTH - 4)
    assert sendflow.Case("ehc-needs-assessment", case_id=case_id).case_id == case_id


def test_an_unquoted_on_key_in_a_yaml_case_file_is_the_date(tmp_path: Path) -> None:
    """YAML case files may write ``on:`` unquoted: it is the key "on", not true."""
    path = tmp_path / "case.yaml"
    path.write_text(
        CASE_HEAD + "events:\n  - {event: request_received, on: 2024-01-08, actor: no}\n",
        encoding="utf-8",
    )
    case = sendflow.read_case_file(path)
    [event] = case.events
    assert (event.on, event.actor) == (date(2024, 1, 8), "no")
    history = [{"event": e.name, "on": e.on.isoformat()} for e in case.events]
    evaluation = sendflow.evaluate(case.process, history, as_of=date(2024, 3, 1))
    assert evaluation.result("decide-whether-to-assess").status.value == "overdue"


def test_a_json_case_file_at_the_depth_limit_is_read(tmp_path: Path) -> None:
    """Nesting up to the limit is read; the limit refuses only what is deeper."""
    data = {"process": "ehc-needs-assessment", "case_id": "A1", "events": []}
    inner: list[object] = []
    for _ in range(60):
        inner = [inner]
    data["events"] = [{"event": "request_received", "on": "2024-01-08", "actor": json.dumps(inner)}]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert sendflow.read_case_file(path).case_id == "A1"
