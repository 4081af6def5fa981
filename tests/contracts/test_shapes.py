"""Every public JSON shape reads back equal through the converter, with the documented keys."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sendflow
from sendflow.contracts import SHAPES, converter, make_converter, structure
from sendflow.engine.case import Case
from sendflow.engine.case_ids import case_id_problem
from sendflow.engine.events import Event
from sendflow.engine.results import Evaluation, Standing, Status, TimeLimitResult
from sendflow.errors import CaseFileError, EventError
from sendflow.store.records import (
    CaseSummary,
    Change,
    Changes,
    DueItem,
    Page,
    Retraction,
    StoredCase,
    StoredEvent,
)
from sendflow.testing.strategies import histories

CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"
EHC = sendflow.load_process("ehc-needs-assessment")


def _documented() -> dict[str, list[tuple[str, bool]]]:
    """Each shape's keys in ``docs/contracts.md``, in order, and whether each is always there."""
    text = CONTRACTS.read_text(encoding="utf-8")
    section = text.split("\n## JSON shapes\n", 1)[1].split("\n## ", 1)[0]
    shapes: dict[str, list[tuple[str, bool]]] = {}
    for block in section.split("\n### ")[1:]:
        name = block.split("\n", 1)[0].strip()
        rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", block, flags=re.MULTILINE)
        shapes[name] = [(key, present.strip() == "always") for key, present in rows]
    return shapes


DOCUMENTED = _documented()


def _check_keys(name: str, data: dict[str, Any]) -> None:
    """``data`` has the documented keys of shape ``name``, in their order, the required ones all."""
    keys = [key for key, _ in DOCUMENTED[name]]
    required = [key for key, always in DOCUMENTED[name] if always]
    assert set(required) <= set(data), (name, sorted(set(required) - set(data)))
    assert list(data) == [key for key in keys if key in data], (name, list(data))


def _read_back(obj: Any) -> Any:
    """``obj`` written with the converter (checking its documented keys), through JSON, and read."""
    cls = type(obj)
    data = converter.unstructure(obj)
    _check_keys(cls.__name__, data)
    back = structure(json.loads(json.dumps(data)), cls)
    assert back == obj
    return back


texts = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)
days = st.dates(date(1900, 1, 1), date(2199, 12, 31))
case_ids = texts.filter(lambda text: case_id_problem(text) is None)
stamps = st.datetimes(
    datetime(1990, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)
)  # the store's recorded_at: aware, in UTC
scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | texts
event_data = st.dictionaries(texts, scalars | st.lists(texts, max_size=3), max_size=3)


def events(*, recorded: bool = False) -> st.SearchStrategy[Event]:
    return st.builds(
        Event,
        texts,
        days,
        data=event_data,
        actor=st.none() | texts,
        recorded_at=stamps if recorded else st.none() | stamps,
    )


results = st.builds(
    TimeLimitResult,
    rule=texts,
    key=st.none() | texts,
    kind=st.sampled_from(["deadline", "minimum", "lead_time"]),
    duty=texts,
    started_on=days,
    due_on=st.none() | days,
    met_on=st.none() | days,
    status=st.sampled_from(Status),
    days_late=st.integers(0, 10_000),
    exceptions=st.lists(texts, max_size=3).map(tuple),
    reference=texts,
    explain=texts,
)
evaluations = st.builds(
    Evaluation,
    st.builds(
        Standing,
        process=texts,
        process_version=texts,
        state=texts,
        final=st.booleans(),
        outcome=st.none() | texts,
        allowed_events=st.lists(texts, max_size=4).map(tuple),
    ),
    case_id=st.none() | texts,
    as_of=days,
    time_limits=st.lists(results, max_size=4).map(tuple),
    version=st.none() | st.integers(1, 10**6),
)
stored_events = st.builds(
    StoredEvent,
    sequence=st.integers(1, 10**6),
    event=events(recorded=True),
    retraction=st.none() | st.builds(Retraction, by=texts, reason=texts, at=stamps),
)
due_items = st.builds(
    DueItem,
    case_id=texts,
    process=texts,
    rule=texts,
    key=st.none() | texts,
    due_on=days,
    status=st.sampled_from([Status.PENDING, Status.OVERDUE, Status.EXCUSED]),
    duty=texts,
    kind=st.sampled_from(["deadline", "minimum"]),
    claimed_by=st.none() | texts,
)
summaries = st.builds(
    CaseSummary,
    case_id=texts,
    process=texts,
    process_version=texts,
    state=texts,
    final=st.booleans(),
    version=st.integers(1, 10**6),
    opened_on=days,
    closed_on=st.none() | days,
    last_event_on=days,
)


def test_every_documented_shape_is_registered() -> None:
    """The shapes documented in contracts.md are the shapes the converter registers."""
    registered = {register.__name__.removeprefix("register_") for register in SHAPES}
    named = {re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() for name in DOCUMENTED}
    assert named == registered


@given(events())
def test_an_event_reads_back_equal(event: Event) -> None:
    """An event's case-file form reads back as the same event, recorded-at time included."""
    assert _read_back(event).recorded_at == event.recorded_at


@given(events(), st.dictionaries(texts, days, max_size=2))
def test_the_hand_written_event_form_is_the_converters(event: Event, dated: dict) -> None:
    """``Event.to_dict``, kept by hand for speed, writes what the converter writes."""
    with_dates = Event(event.name, event.on, data={**event.data, **dated}, actor=event.actor)
    for each in (event, with_dates):
        assert each.to_dict() == converter.unstructure(each)


@given(results)
def test_a_time_limit_result_reads_back_equal(result: TimeLimitResult) -> None:
    """A result's JSON form reads back equal, explanation included."""
    assert _read_back(result).explanation == result.explanation
    assert TimeLimitResult.from_dict(result.to_dict()) == result


@given(evaluations)
def test_an_evaluation_reads_back_equal(evaluation: Evaluation) -> None:
    """An evaluation reads back equal: outcome, allowed events and version included."""
    back = _read_back(evaluation)
    assert (back.outcome, back.allowed_events, back.version) == (
        evaluation.outcome,
        evaluation.allowed_events,
        evaluation.version,
    )
    data = evaluation.to_dict()
    for limit in data["time_limits"]:
        _check_keys("TimeLimitResult", limit)


@settings(max_examples=30, deadline=None)
@given(histories(EHC, max_events=8), st.none() | st.integers(1, 100))
def test_a_real_evaluation_reads_back_equal(history, version) -> None:
    """A replayed case's JSON reads back as it, with what to do next and its version."""
    evaluation = attrs.evolve(sendflow.evaluate(EHC, history, case_id="A1"), version=version)
    data = converter.unstructure(evaluation)
    _check_keys("Evaluation", data)
    assert data["allowed_events"] == list(evaluation.allowed_events)
    assert data["outcome"] == evaluation.outcome
    back = structure(json.loads(json.dumps(data)), Evaluation)
    assert back == evaluation
    assert converter.unstructure(back) == data
    assert back.standing == evaluation.standing


def test_a_wrong_evaluation_names_what_is_wrong() -> None:
    """An evaluation with a bad version, an extra key or a wrong list is refused, said why."""
    data = sendflow.evaluate(EHC, [{"event": "request_received", "on": "2024-01-08"}]).to_dict()
    for bad, said in (
        ({**data, "version": 0}, "0 is not a version"),
        ({**data, "version": True}, "True is not a version"),
        ({**data, "colour": "red"}, "extra fields found (colour)"),
        ({**data, "allowed_events": "decided_to_assess"}, "expected a list"),
        ({**data, "outcome": 3}, "expected text"),
    ):
        with pytest.raises(CaseFileError, match=re.escape(said)):
            structure(bad, Evaluation)


@settings(max_examples=30, deadline=None)
@given(histories(EHC, max_events=8), st.none() | case_ids, st.none() | case_ids)
def test_a_case_file_reads_back_equal(history, case_id, related) -> None:
    """A case file reads back as a case with the same id, process, events and JSON form."""
    # Dates in event data read back as the text they were written as (closure_from).
    case = Case(EHC, case_id=case_id, related_case=related, events=history)
    data = converter.unstructure(case)
    _check_keys("Case", data)
    for event in data["events"]:
        _check_keys("Event", event)
    back = structure(json.loads(json.dumps(data)), Case)
    assert (back.process, back.case_id, back.related_case) == (EHC, case_id, related)
    assert [(e.name, e.on, e.actor) for e in back.events] == [
        (e.name, e.on, e.actor) for e in case.events
    ]
    assert converter.unstructure(back) == data
    assert case.to_dict() == data


@given(stored_events)
def test_a_stored_event_reads_back_equal(stored: StoredEvent) -> None:
    """An audit-trail entry reads back equal, its recorded-at time and retraction included."""
    assert _read_back(stored).event.recorded_at == stored.event.recorded_at


stored_cases = st.builds(
    StoredCase,
    case_id=texts,
    process=texts,
    process_version=texts,
    state=texts,
    version=st.integers(1, 10**6),
    related_case=st.none() | texts,
    events=st.lists(events(recorded=True), max_size=3).map(tuple),
)


@given(stored_cases)
def test_a_stored_case_reads_back_equal(case: StoredCase) -> None:
    """A streamed case reads back equal, each event's recorded-at time included."""
    back = _read_back(case)
    assert [e.recorded_at for e in back.events] == [e.recorded_at for e in case.events]


retractions = st.builds(Retraction, by=texts, reason=texts, at=stamps)
changes = st.one_of(
    st.builds(
        lambda case_id, process, stored: Change(
            case_id,
            process,
            "event",
            stored.sequence,
            StoredEvent(stored.sequence, stored.event),
            None,
            stored.event.recorded_at,
        ),
        texts,
        texts,
        stored_events,
    ),
    st.builds(
        lambda case_id, process, sequence, retraction: Change(
            case_id, process, "retraction", sequence, None, retraction, retraction.at
        ),
        texts,
        texts,
        st.integers(1, 10**6),
        retractions,
    ),
)


@given(st.lists(changes, max_size=4), texts)
def test_a_page_of_the_change_feed_reads_back_equal(items: list[Change], cursor: str) -> None:
    """A page of changes, and each change in it, reads back equal, with the documented keys."""
    page = _read_back(Changes(tuple(items), cursor))
    for change, data in zip(page.items, converter.unstructure(page)["items"], strict=True):
        _check_keys("Change", data)
        if change.event is not None:
            _check_keys("StoredEvent", data["event"])
        assert _read_back(change) == change


def test_a_stored_change_has_the_documented_form() -> None:
    """A change read from a store writes the event in its audit-trail form, UTC times as text."""
    with sendflow.Store("sqlite://") as store:
        store.open_case(
            "ehc-needs-assessment",
            case_id="A1",
            events=[{"event": "request_received", "on": "2024-01-08", "actor": "officer-3"}],
        )
        page = store.changes()
    data = json.loads(json.dumps(converter.unstructure(page)))
    [item] = data["items"]
    assert item["kind"] == "event"
    assert item["retraction"] is None
    assert item["event"]["sequence"] == 1
    assert item["event"]["event"] == "request_received"
    assert item["event"]["retraction"] is None
    assert item["recorded_at"] == item["event"]["recorded_at"]
    assert item["recorded_at"].endswith("+00:00")
    assert structure(data, Changes) == page


@given(st.one_of(due_items, summaries))
def test_a_due_item_and_a_case_summary_read_back_equal(row: DueItem | CaseSummary) -> None:
    """A ``due`` row and a ``cases`` row read back equal, every field there."""
    data = converter.unstructure(row)
    assert list(data) == [field.name for field in attrs.fields(type(row))]
    back = _read_back(row)
    if isinstance(row, DueItem):
        assert isinstance(back.status, Status)
        assert data["status"] == row.status.value


cursors = st.none() | st.text(st.characters(codec="ascii"), min_size=1, max_size=40)


@given(st.lists(due_items, max_size=4), cursors)
def test_a_page_of_due_items_reads_back_equal(items: list[DueItem], cursor: str | None) -> None:
    """A page of due items reads back equal as a ``Page[DueItem]``, each item's keys kept."""
    page = Page(tuple(items), cursor)
    data = converter.unstructure(page)
    _check_keys("Page", data)
    for item in data["items"]:
        _check_keys("DueItem", item)
    assert structure(json.loads(json.dumps(data)), Page[DueItem]) == page


@given(st.lists(summaries, max_size=4), cursors)
def test_a_page_of_cases_reads_back_equal(items: list[CaseSummary], cursor: str | None) -> None:
    """A page of case summaries reads back equal as a ``Page[CaseSummary]``."""
    page = Page(tuple(items), cursor)
    data = converter.unstructure(page, Page[CaseSummary])
    _check_keys("Page", data)
    for item in data["items"]:
        _check_keys("CaseSummary", item)
    assert structure(json.loads(json.dumps(data)), Page[CaseSummary]) == page


def test_a_wrong_page_names_each_wrong_field() -> None:
    """A page with a wrong item or an extra key is a CaseFileError naming the field."""
    data = converter.unstructure(Page((_due_item(),), None))
    data["items"][0]["due_on"] = "someday"
    with pytest.raises(CaseFileError, match=r"'someday' is not a date"):
        structure(data, Page[DueItem])
    with pytest.raises(CaseFileError, match=r"extra fields found \(colour\)"):
        structure({"items": [], "next_cursor": None, "colour": 1}, Page[DueItem])


def test_a_wrong_shape_names_each_wrong_field() -> None:
    """A wrong shape is a CaseFileError listing each missing, extra or malformed field."""
    item = converter.unstructure(next(iter([_due_item()])))
    bad = {**item, "due_on": "2024-13-01", "colour": "red"}
    del bad["rule"]
    with pytest.raises(CaseFileError) as caught:
        structure(bad, DueItem, where="row 3")
    message = str(caught.value)
    assert "required field missing @ row 3.rule" in message
    assert "'2024-13-01' is not a date" in message
    assert "extra fields found (colour) @ row 3" in message


def test_an_events_own_error_passes_through() -> None:
    """A case file whose event the process refuses raises the engine's EventError, as it is."""
    data = {
        "process": "ehc-needs-assessment",
        "events": [{"event": "final_plan_issued", "on": "2024-01-08"}],
    }
    with pytest.raises(EventError, match="must begin with request_received"):
        structure(data, Case)
    entries = [{"sequence": 1, "event": "", "on": "2024-01-08", "retraction": None}]
    with pytest.raises(EventError, match="needs 'event'"):
        structure(entries, list[StoredEvent])


def test_each_call_of_make_converter_is_independent() -> None:
    """A converter made afresh writes the same shapes, and changing it leaves the shared one."""
    fresh = make_converter()
    item = _due_item()
    assert fresh.unstructure(item) == converter.unstructure(item)
    fresh.register_unstructure_hook(DueItem, lambda _: {})
    assert converter.unstructure(item) != {}


def _due_item() -> DueItem:
    return DueItem(
        "A1", "p", "final-plan", None, date(2024, 5, 27), Status.PENDING, "la", "deadline"
    )
