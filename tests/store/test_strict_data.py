"""Event data of the declared types, and an actor that is text, on every way in.

A ``party`` is one string from the allowed list (a list of one was once read as the text
``"['a']"``), a text field takes text, and ``actor`` is a string or nothing: anything else
is an :class:`~sendflow.errors.EventDataError`, and nothing is recorded or stored.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import sendflow
from sendflow.cli import main
from sendflow.errors import EventDataError
from sendflow.store import ImportRejectedError, Store

from .helpers import PROCESS, request_on

ASSESSING = [*request_on(), {"event": "decided_to_assess", "on": "2024-02-12"}]
ON = date(2024, 2, 13)

# (what, the event's data, the text the message must hold)
BAD_DATA = [
    ("party a list", {"party": ["health"]}, "needs data 'party' as text, not list ['health']"),
    ("party a number", {"party": 3}, "needs data 'party' as text, not int 3"),
    ("party a mapping", {"party": {"who": "health"}}, "as text, not dict"),
]
BAD_ACTORS = [5, ["officer-3"], {"name": "officer-3"}, True]


def _advice(data: dict[str, Any], actor: object = None) -> dict[str, Any]:
    event: dict[str, Any] = {"event": "advice_requested", "on": ON.isoformat(), "data": data}
    if actor is not None:
        event["actor"] = actor
    return event


@pytest.mark.parametrize(("data", "said"), [b[1:] for b in BAD_DATA], ids=[b[0] for b in BAD_DATA])
def test_bad_data_is_refused_by_evaluate_and_case(data: dict[str, Any], said: str) -> None:
    """evaluate, Case(events=...) and Case.record refuse data of the wrong type."""
    process = sendflow.load_process(PROCESS)
    with pytest.raises(EventDataError, match=re.escape(said)) as raised:
        sendflow.evaluate(process, [*ASSESSING, _advice(data)], case_id="A1")
    assert (raised.value.index, raised.value.event, raised.value.state) == (
        2,
        "advice_requested",
        "assessing",
    )
    with pytest.raises(EventDataError, match=re.escape(said)):
        sendflow.Case(process, events=[*ASSESSING, _advice(data)])
    case = sendflow.Case(process, events=ASSESSING)
    with pytest.raises(EventDataError, match=re.escape(said)):
        case.record("advice_requested", on=ON, data=data)
    assert len(case.events) == 2


def test_the_same_history_by_program_and_by_full_fold_refuses_a_list() -> None:
    """A history whose shape has a program (a string party seen before) still refuses a list."""
    process = sendflow.load_process(PROCESS)
    for _ in range(3):  # recorded, then replayed by its program
        sendflow.evaluate(process, [*ASSESSING, _advice({"party": "health"})])
    with pytest.raises(EventDataError, match="as text, not list"):
        sendflow.evaluate(process, [*ASSESSING, _advice({"party": ["health"]})])
    with pytest.raises(EventDataError, match="needs data 'party'"):
        sendflow.evaluate(process, [*ASSESSING, _advice({"party": []})])


@pytest.mark.parametrize("actor", BAD_ACTORS, ids=repr)
def test_an_actor_that_is_not_text_is_refused(actor: object) -> None:
    """Event(...), case-file mappings, Case.record: the actor is a string or nothing."""
    with pytest.raises(EventDataError, match="'actor' must be text"):
        sendflow.Event("request_received", date(2024, 1, 8), actor=actor)  # type: ignore[arg-type]
    mapping = {"event": "request_received", "on": "2024-01-08", "actor": actor}
    with pytest.raises(EventDataError, match="actor of 'request_received' must be text") as bad:
        sendflow.evaluate(sendflow.load_process(PROCESS), [mapping])
    assert bad.value.index == 0
    case = sendflow.Case(PROCESS)
    with pytest.raises(EventDataError, match="'actor' must be text"):
        case.record("request_received", on=date(2024, 1, 8), actor=actor)  # type: ignore[arg-type]
    assert case.events == ()
    assert sendflow.Event("request_received", date(2024, 1, 8), actor="officer-3").actor


@pytest.mark.parametrize(("data", "said"), [b[1:] for b in BAD_DATA], ids=[b[0] for b in BAD_DATA])
def test_bad_data_is_refused_by_the_store(store: Store, data: dict[str, Any], said: str) -> None:
    """Store.record and Store.open_case refuse it and write nothing."""
    store.open_case(PROCESS, case_id="A1", events=ASSESSING)
    with pytest.raises(EventDataError, match=re.escape(said)):
        store.record("A1", "advice_requested", on=ON, data=data)
    assert store.version("A1") == 2
    with pytest.raises(EventDataError, match=re.escape(said)):
        store.open_case(PROCESS, case_id="A2", events=[*ASSESSING, _advice(data)])
    assert [s.case_id for s in store.cases()] == ["A1"]


def test_an_actor_that_is_not_text_is_refused_by_the_store(store: Store) -> None:
    """Store.record, Store.open_case and Store.import_cases refuse an actor that is not text."""
    store.open_case(PROCESS, case_id="A1", events=request_on())
    with pytest.raises(EventDataError, match="'actor' must be text"):
        store.record("A1", "decided_to_assess", on=date(2024, 2, 12), actor=5)  # type: ignore[arg-type]
    assert store.version("A1") == 1
    events = [{"event": "request_received", "on": "2024-01-08", "actor": 5}]
    with pytest.raises(EventDataError, match="actor of 'request_received' must be text"):
        store.open_case(PROCESS, case_id="A2", events=events)
    with pytest.raises(ImportRejectedError, match="must be text"):
        store.import_cases([{"process": PROCESS, "case_id": "A3", "events": events}])
    assert [s.case_id for s in store.cases()] == ["A1"]
    store.record("A1", "decided_to_assess", on=date(2024, 2, 12), actor="officer-3")
    assert store.history("A1")[-1].event.actor == "officer-3"


def _case_file(path: Path, event: dict[str, Any]) -> Path:
    case = {"process": PROCESS, "case_id": "F1", "events": [*ASSESSING, event]}
    path.write_text(json.dumps(case), encoding="utf-8")
    return path


def test_a_case_file_with_a_list_party_or_a_number_actor_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """read_case_file and `sendflow check` refuse them (exit 2, the reason on stderr)."""
    listed = _case_file(tmp_path / "listed.json", _advice({"party": ["health"]}))
    numbered = _case_file(tmp_path / "numbered.json", _advice({"party": "health"}, actor=5))
    with pytest.raises(EventDataError, match="as text, not list"):
        sendflow.read_case_file(listed)
    with pytest.raises(EventDataError, match="must be text"):
        sendflow.read_case_file(numbered)
    for path, said in ((listed, "as text, not list ['health']"), (numbered, "not int 5")):
        assert main(["check", str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith(f"sendflow check: {path}: ")
        assert "event 3: " in err
        assert said in err


def test_import_refuses_them_and_imports_nothing(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sendflow import` names each bad case and imports none of the file."""
    listed = _case_file(tmp_path / "listed.json", _advice({"party": ["health"]}))
    numbered = _case_file(tmp_path / "numbered.json", _advice({"party": "health"}, actor=5))
    for path in (listed, numbered):
        assert main(["import", str(path), "--db", store_url]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert "nothing was imported" in err
    with Store(store_url) as store:
        assert store.cases() == []
