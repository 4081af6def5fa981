"""Bulk import and export."""

from __future__ import annotations

import gc
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

import sendflow
from sendflow.engine.events import read_events, to_event
from sendflow.errors import EventDataError
from sendflow.store import Sourced, Store
from sendflow.store.preparing import json_text as _json

from .helpers import PROCESS


def _case(case_id: str, *more: dict[str, Any]) -> dict[str, Any]:
    events = [{"event": "request_received", "on": "2024-01-08", "data": {"source": "parent"}}]
    return {"process": PROCESS, "case_id": case_id, "events": [*events, *more]}


GOOD = [
    _case("A1"),
    _case("A2", {"event": "decided_to_assess", "on": "2024-02-01"}),
    _case(
        "A3",
        {"event": "decided_to_assess", "on": "2024-02-01"},
        {"event": "advice_requested", "on": "2024-02-02", "data": {"party": "health"}},
        {
            "event": "exception_recorded",
            "on": "2024-02-03",
            "data": {"reason": "absence-from-area"},
        },
    ),
]
BAD = _case("B1", {"event": "final_plan_issued", "on": "2024-02-01"})


def test_import_matches_recording_event_by_event(store: Store) -> None:
    """Imported cases evaluate and fall due exactly as cases recorded one event at a time."""
    report = store.import_cases(GOOD)
    assert (report.cases, report.events, report.bad) == (3, 7, ())
    for data in GOOD:
        first, *rest = [to_event(e).to_dict() for e in data["events"]]
        twin = f"twin-{data['case_id']}"
        store.open_case(PROCESS, case_id=twin, events=[first])
        for event in rest:
            store.record(
                twin, event["event"], on=date.fromisoformat(event["on"]), data=event.get("data")
            )
        imported = store.evaluate(data["case_id"]).to_dict()
        recorded = store.evaluate(twin).to_dict()
        assert {**imported, "case_id": twin} == recorded
        assert store.version(data["case_id"]) == store.version(twin) == len(data["events"])
    due = store.due(as_of=date(2024, 3, 1), within_days=120)
    by_case = {(i.case_id.removeprefix("twin-"), i.rule, i.key, i.due_on, i.status) for i in due}
    assert len(by_case) * 2 == len(due)


def test_export_round_trips_through_import(store: Store, tmp_path: Any) -> None:
    """Exported cases import into an empty store unchanged, recorded-at times included."""
    store.import_cases(GOOD)
    store.record("A1", "decided_to_assess", on=datetime(2024, 2, 1).date(), actor="officer-2")
    exported = list(store.export())
    with Store(f"sqlite:///{tmp_path / 'copy.db'}") as copy:
        copy.import_cases(exported)
        assert list(copy.export()) == exported
        assert copy.history("A1")[1].event.actor == "officer-2"
        recorded = copy.history("A1")[1].event.recorded_at
        assert recorded is not None
        assert recorded.tzinfo is not None
        assert recorded.astimezone(UTC) <= datetime.now(UTC)


def test_one_bad_case_imports_nothing(store: Store) -> None:
    """Without skip_bad, one bad case means nothing is written, and it is reported."""
    items = [Sourced("cases.jsonl, line 1", GOOD[0]), Sourced("cases.jsonl, line 2", BAD)]
    with pytest.raises(sendflow.ImportRejectedError, match=r"cases\.jsonl, line 2") as caught:
        store.import_cases([*items, GOOD[1]], batch_size=1)
    (bad,) = caught.value.report.bad
    assert (bad.where, bad.case_id) == ("cases.jsonl, line 2", "B1")
    assert "final_plan_issued" in bad.reason
    assert store.cases() == []


def test_skip_bad_imports_the_others(store: Store) -> None:
    """With skip_bad, every good case is imported and every bad one reported."""
    unreadable = Sourced("cases.jsonl, line 9", problem="not valid JSON: Expecting value")
    no_id = {"process": PROCESS, "events": GOOD[0]["events"]}
    shapeless = {"process": PROCESS, "case_id": "S1", "events": [], "colour": "red"}
    report = store.import_cases(
        [GOOD[0], BAD, unreadable, no_id, shapeless, GOOD[1], GOOD[0]], skip_bad=True
    )
    assert (report.cases, report.events) == (2, 3)
    assert [b.where for b in report.bad] == [
        "index 1",
        "cases.jsonl, line 9",
        "index 3",
        "index 4",
        "index 6",
    ]
    reasons = [b.reason for b in report.bad]
    assert "JSON" in reasons[1]
    assert "case_id" in reasons[2]
    assert "colour" in reasons[3]
    assert "earlier in this import" in reasons[4]
    assert [c.case_id for c in store.cases()] == ["A1", "A2"]


def test_import_reports_cases_already_stored(store: Store) -> None:
    """Importing a case id the store already holds reports it and keeps the stored case."""
    store.import_cases(GOOD[:1])
    with pytest.raises(sendflow.ImportRejectedError, match="already in the store"):
        store.import_cases([GOOD[1], GOOD[0]])
    assert [c.case_id for c in store.cases()] == ["A1"]
    report = store.import_cases(GOOD, skip_bad=True)
    assert (report.cases, [b.case_id for b in report.bad]) == (2, ["A1"])


def test_import_accepts_case_objects(store: Store) -> None:
    """Case objects built in memory import as they are."""
    case = sendflow.Case(PROCESS, case_id="M1", events=GOOD[1]["events"])
    assert store.import_cases([case]).cases == 1
    assert store.load("M1").state == "assessing"


def test_import_leaves_the_cycle_collector_as_it_was(store: Store) -> None:
    """The collector, off during an import and its older objects set aside, is given
    back even when the import is rejected; objects someone else froze stay frozen."""
    seen: list[tuple[int, bool]] = []

    def items() -> Any:
        seen.append((gc.get_freeze_count(), gc.isenabled()))
        yield from GOOD

    store.import_cases(items())
    assert seen[0][0] > 0  # set aside while importing
    assert not seen[0][1]  # and the collector off
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    with pytest.raises(sendflow.store.ImportRejectedError):
        store.import_cases([BAD])
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    gc.freeze()
    try:
        store.import_cases([_case("F1")])
        assert gc.get_freeze_count() > 0  # still frozen: not given back by the import
    finally:
        gc.unfreeze()


def test_equal_but_different_data_values_are_stored_apart() -> None:
    """Data encoded once per content tells 1 from True and 1.0, and nested data apart."""
    given = [{"n": 1}, {"n": True}, {"n": 1.0}, {"n": 1}, {"n": [1]}, {"n": None}]
    assert [_json(d) for d in given] == [json.dumps(d) for d in given]
    assert _json({"a": "x", "b": "y"}) != _json({"b": "y", "a": "x"})  # order as given


EVENT_SHAPES: list[Any] = [
    {"event": "request_received", "on": "2024-01-08"},
    {"event": "request_received", "on": "2024-01-08", "data": {"source": "parent"}},
    {"event": "request_received", "on": "2024-01-08", "data": None},
    {"event": "request_received", "on": "2024-01-08", "data": {}},
    {"event": "request_received", "on": "2024-01-08", "actor": "officer"},
    {"event": "request_received", "on": "2024-01-08", "recorded_at": "2024-01-08T10:00:00+00:00"},
    {"event": "request_received", "on": date(2024, 1, 8)},
    {"event": "request_received", "on": "2031-07-15"},
    {"event": "request_received", "on": " 2024-01-08 "},
    {"event": "request_received", "on": "20240108"},
    {"event": "request_received", "on": "9999-12-31"},
    {"event": "request_received", "on": ["2024-01-08"]},
    {"event": "request_received"},
    {"event": "", "on": "2024-01-08"},
    {"event": 7, "on": "2024-01-08"},
    {"event": "request_received", "on": "2024-01-08", "data": ["x"]},
    {"event": "request_received", "on": "2024-01-08", "when": "x"},
    ["request_received", "2024-01-08"],
]


@pytest.mark.parametrize("given", EVENT_SHAPES)
def test_import_reads_each_event_as_to_event_does(given: Any) -> None:
    """The import's quick reading of plain events gives what to_event gives, or its error."""
    known = {"event": "request_received", "on": "2024-01-08"}  # the date seen before
    try:
        expected: Any = [to_event(known, index=0), to_event(given, index=1)]
    except EventDataError as exc:
        refused = str(exc)
    else:
        refused = None
    if refused is not None:
        with pytest.raises(EventDataError) as raised:
            read_events([known, given])
        assert str(raised.value) == refused
        return
    found = read_events([known, given])
    assert found == expected
    assert [(e.actor, e.recorded_at) for e in found] == [(e.actor, e.recorded_at) for e in expected]
    assert found[1].data is not given.get("data")  # the event's data is its own copy
