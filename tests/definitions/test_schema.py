"""The JSON Schema accepts every shipped process and example overlay; it agrees with the loader."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sendflow.cli import main
from sendflow.definitions import load_definition
from sendflow.definitions.schema import definition_schema
from sendflow.errors import DefinitionError
from sendflow.files import DEFINITION_FILE, FileContentError, load_yaml

ROOT = Path(__file__).resolve().parents[2]
INVALID = Path(__file__).parent / "invalid"
VALID = [
    *sorted((ROOT / "processes").glob("*.yaml")),
    *sorted((ROOT / "examples" / "overlays").glob("*.yaml")),
]
VALIDATOR = jsonschema.Draft202012Validator(definition_schema())

# Broken files that only the loader can refuse, and why a schema cannot see it.
LOADER_ONLY = {
    "duplicate-key": "a YAML reader keeps the last of two keys before a schema sees them",
    "merge-key": "a YAML reader merges '<<' before a schema sees it",
    "impossible-date": "not readable as YAML data at all",
    "malformed-yaml": "not readable as YAML data at all",
    "python-object-tag": "not readable as safe YAML data at all",
    "alias-inside-itself": "not readable as YAML data at all",
    "key-indented-wrongly": "not readable as YAML data at all",
    "key-runs-on": "not readable as YAML data at all",
    "missing-colon": "not readable as YAML data at all",
    "nul-character": "not readable as YAML data at all",
    "nested-too-deep": "refused while reading, before there is data to check",
    "unclosed-quote": "not readable as YAML data at all",
    "date-from-not-a-date": "the type of a data field declared elsewhere in the file",
    "period-from-not-a-period": "the type of a data field declared elsewhere in the file",
    "period-from-unknown-field": "a data field that must exist",
    "before-year-not-integer": "the type of a field named elsewhere in the file",
    "note-table-row-short": "a row's length compared with its table's header row",
    "event-from-final-state": "which states are final is data elsewhere in the file",
    "exception-reason-not-from-list": "a field of an exception event, named elsewhere",
    "lead-time-in-working-days": "checked once the period is read",
    "link-unknown-event": "an event name that must exist",
    "minimum-with-fixed-date": "checked once the due date is read",
    "missing-reference": "a reference may sit on the rule, its versions or its variants",
    "no-way-out": "the graph of states and events",
    "reopens-without-final-state": "which states are final is data elsewhere in the file",
    "start-event-with-from": "which events start the case is data elsewhere in the file",
    "unknown-data-field-in-per": "a data field that must exist",
    "unknown-event-in-met-by": "an event name that must exist",
    "unknown-event-in-start": "an event name that must exist",
    "unknown-exception-reason": "a reason that must exist",
    "unknown-list": "a list name that must exist",
    "unknown-reference-source": "a source name that must exist",
    "unknown-state": "a state name that must exist",
    "unreachable-state": "the graph of states and events",
    "variant-unknown-field": "a data field that must exist",
    "variant-unknown-value": "a value of a data field declared elsewhere",
    "variants-not-covering": "the values of a data field declared elsewhere",
}


def _plain(value: Any) -> Any:
    """YAML data as an editor sees it: dates as the text they were written as."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _schema_refuses(path: Path) -> bool:
    """Whether the schema refuses the file, read as an editor with YAML 1.2 reads it."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), str(path), DEFINITION_FILE)
    except (yaml.YAMLError, ValueError, FileContentError):  # not YAML data at all
        return False
    return any(True for _ in VALIDATOR.iter_errors(_plain(data)))


def test_the_schema_is_a_valid_schema() -> None:
    """The schema itself is valid JSON Schema (draft 2020-12)."""
    jsonschema.Draft202012Validator.check_schema(definition_schema())


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_packaged_process_and_example_overlay_is_valid(path: Path) -> None:
    """Each file the project ships passes the schema."""
    data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("path", sorted(INVALID.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_schema_and_the_loader_agree(path: Path) -> None:
    """The loader refuses every broken file; the schema refuses each one a schema can see."""
    with pytest.raises(DefinitionError):
        load_definition(path)
    assert _schema_refuses(path) is (path.stem not in LOADER_ONLY)


def test_the_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """sendflow schema prints the same schema as JSON."""
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == definition_schema()


def test_an_overlay_with_a_misspelt_section_is_refused() -> None:
    """An overlay's unknown field is refused by the schema as by the loader."""
    data = {"extends": "ehc-needs-assessment", "id": "x", "title": "x", "version": "1"}
    assert list(VALIDATOR.iter_errors(data)) == []
    assert list(VALIDATOR.iter_errors({**data, "target": {}}))
    bad_target = {"t": {"title": "t", "target_of": "final-plan", "period": "18 wekes"}}
    assert list(VALIDATOR.iter_errors({**data, "targets": bad_target}))


def test_an_overlay_may_add_notes_and_the_schema_checks_them() -> None:
    """An overlay's notes are checked as a process's are: a title and text each."""
    data = {"extends": "ehc-needs-assessment", "id": "x", "title": "x", "version": "1"}
    note = {"title": "Our panel", "text": "It meets weekly.", "table": [["who"], ["chair"]]}
    assert list(VALIDATOR.iter_errors({**data, "notes": [note]})) == []
    assert list(VALIDATOR.iter_errors({**data, "notes": [{"title": "Our panel"}]}))
    assert list(VALIDATOR.iter_errors({**data, "notes": note}))
