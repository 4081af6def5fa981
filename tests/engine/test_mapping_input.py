"""Case-file mappings are read in one pass and give exactly what Event objects give."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sendflow
from sendflow.engine import events as events_module
from sendflow.engine.events import Event, legal_day_given, to_event
from sendflow.engine.machine import CompiledProcess
from sendflow.engine.shapes import ShapeReader
from sendflow.errors import SendflowError
from sendflow.testing.scenarios import load_scenario_file
from sendflow.testing.strategies import histories
from sendflow.time.days import read_legal_day
from tests.engine.test_programs import PROCESSES, SCENARIO_FILES, outcome

EHC = "ehc-needs-assessment"


def as_mappings(history: Sequence[Event]) -> list[dict[str, Any]]:
    """The case-file form of each event, dates as ``YYYY-MM-DD`` text."""
    return [event.to_dict() for event in history]


def read_one_by_one(
    compiled: CompiledProcess, history: Sequence[Any], as_of: date | None = None
) -> object:
    """The outcome when each mapping is first read by ``to_event``, as before the fast path."""
    try:
        events = [to_event(given, index=at) for at, given in enumerate(history)]
    except SendflowError as exc:
        return (type(exc).__name__, str(exc))
    return outcome(compiled, events, as_of)


def _texts() -> st.SearchStrategy[str]:
    """Texts near and far from a legal date."""
    digits = st.integers(0, 9999).map(lambda n: f"{n:04d}")
    two = st.integers(0, 99).map(lambda n: f"{n:02d}")
    marks = st.sampled_from("-/ ")
    shaped = st.builds(lambda y, m, d, s: f"{y}{s}{m}{s}{d}", digits, two, two, marks)
    real = st.dates(date(1850, 1, 1), date(2250, 12, 31)).map(date.isoformat)
    padded = real.map(lambda text: f" {text}")
    return st.one_of(shaped, real, padded, st.text(max_size=12), st.just("2024-W07-1"))


@given(text=_texts())
def test_a_date_read_in_one_pass_gets_the_verdict_of_read_legal_day(text: str) -> None:
    """The fast date check accepts exactly the texts read_legal_day accepts, as the same day."""
    try:
        expected: date | None = read_legal_day(text)
    except ValueError:
        expected = None
    assert legal_day_given(text) == expected
    assert legal_day_given(text) == expected  # the second time from the days remembered


@given(day=st.one_of(st.dates(), st.datetimes()))
def test_a_date_object_read_in_one_pass_must_be_a_legal_date(day: date) -> None:
    """A ``date`` within the legal range is read as itself; a datetime is left to to_event."""
    legal = not isinstance(day, datetime) and date(1900, 1, 1) <= day <= date(2199, 12, 31)
    assert legal_day_given(day) == (day if legal else None)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_scenario_as_mappings_evaluates_as_its_events(path: Path) -> None:
    """Each scenario's history, as written and as text dates: what reading each alone gives.

    Each is evaluated three times on one compiled process (folded in full, recorded, then
    replayed by its program) and compared with its events read one by one and folded.
    """
    loaded = load_scenario_file(path)
    for scenario in loaded.scenarios:
        written = list(scenario.events)
        expected = read_one_by_one(CompiledProcess(loaded.process), written, scenario.as_of)
        forms = [written]
        if not isinstance(expected, tuple):  # a readable history: also with text dates
            forms.append(as_mappings([to_event(given) for given in written]))
        for form in forms:
            compiled = CompiledProcess(loaded.process)
            for _ in range(3):
                got = outcome(compiled, [dict(m) for m in form], scenario.as_of)
                assert got == expected, scenario.name


@pytest.mark.parametrize("pid", PROCESSES)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_histories_as_mappings_evaluate_as_their_events(
    pid: str, data: st.DataObject
) -> None:
    """A generated history as mappings gives its events' evaluation, replayed or not."""
    process = sendflow.load_process(pid)
    history = data.draw(histories(process, max_events=14))
    as_of = history[-1].on + timedelta(days=data.draw(st.sampled_from([0, 1, 30, 400])))
    expected = outcome(CompiledProcess(process), history, as_of)
    warm = CompiledProcess(process)
    sendflow.evaluate(warm, history)
    sendflow.evaluate(warm, history)  # its shape's program recorded
    assert outcome(warm, as_mappings(history), as_of) == expected
    assert outcome(CompiledProcess(process), as_mappings(history), as_of) == expected


def _assessment() -> list[dict[str, Any]]:
    return [
        {"event": "request_received", "on": "2024-01-08", "data": {"source": "parent"}},
        {"event": "decided_to_assess", "on": "2024-02-12"},
        {"event": "advice_requested", "on": "2024-02-13", "data": {"party": "health"}},
        {"event": "advice_received", "on": "2024-03-20", "data": {"party": "health"}},
    ]


def _yaml_on(mapping: Mapping[str, Any]) -> dict[Any, Any]:
    return {True if key == "on" else key: value for key, value in mapping.items()}


BAD_OR_UNUSUAL: dict[str, Any] = {
    "impossible-date": lambda m: {**m, "on": "2024-02-30"},
    "basic-format-date": lambda m: {**m, "on": "20240212"},
    "week-date": lambda m: {**m, "on": "2024-W07-1"},
    "date-with-spaces": lambda m: {**m, "on": " 2024-02-12 "},
    "far-future-date": lambda m: {**m, "on": "9999-12-31"},
    "date-before-1900": lambda m: {**m, "on": "1899-12-31"},
    "date-object": lambda m: {**m, "on": date(2024, 2, 12)},
    "old-date-object": lambda m: {**m, "on": date(1899, 2, 12)},
    "datetime": lambda m: {**m, "on": datetime(2024, 2, 12, 9, 30)},
    "number-date": lambda m: {**m, "on": 20240212},
    "list-date": lambda m: {**m, "on": ["2024-02-12"]},
    "no-date": lambda m: {"event": m["event"]},
    "null-date": lambda m: {**m, "on": None},
    "no-name": lambda m: {"on": m["on"]},
    "empty-name": lambda m: {**m, "event": ""},
    "number-name": lambda m: {**m, "event": 5},
    "list-name": lambda m: {**m, "event": ["decided_to_assess"]},
    "unknown-name": lambda m: {**m, "event": "decided_to_asses"},
    "text-data": lambda m: {**m, "data": "yes"},
    "empty-text-data": lambda m: {**m, "data": ""},
    "list-data": lambda m: {**m, "data": ["x"]},
    "null-data": lambda m: {**m, "data": None},
    "empty-data": lambda m: {**m, "data": {}},
    "unknown-field": lambda m: {**m, "data": {"sorce": "parent"}},
    "mapping-value": lambda m: {**m, "data": {"note": {"a": 1}}},
    "number-value": lambda m: {**m, "data": {"source": 5}},
    "empty-value": lambda m: {**m, "data": {"source": ""}},
    "unlisted-value": lambda m: {**m, "data": {"source": "nobody"}},
    "second-field": lambda m: {**m, "data": {"source": "parent", "note": "x"}},
    "actor": lambda m: {**m, "actor": "caseworker 7"},
    "recorded-at": lambda m: {**m, "recorded_at": "2024-02-12T10:00:00"},
    "unknown-key": lambda m: {**m, "when": "2024-02-12"},
    "yaml-on-key": _yaml_on,
    "ordered-dict": OrderedDict,
    "not-a-mapping": lambda m: [m["event"], m["on"]],
    "event-object": lambda m: Event(m["event"], date.fromisoformat(m["on"])),
}


@pytest.mark.parametrize("change", BAD_OR_UNUSUAL.values(), ids=BAD_OR_UNUSUAL)
@pytest.mark.parametrize("at", [0, 1])
def test_an_unusual_mapping_gets_what_reading_it_alone_gives(change: Any, at: int) -> None:
    """A bad mapping gets the same error as before, and an unusual good one the same result."""
    process = sendflow.load_process(EHC)
    warm = CompiledProcess(process)
    for _ in range(2):
        sendflow.evaluate(warm, _assessment())  # the usual shape has its program
    history: list[Any] = _assessment()
    history[at] = change(history[at])
    assert outcome(warm, history) == read_one_by_one(CompiledProcess(process), history)


def test_mappings_replay_by_program_without_making_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replayed by its program, a history of mappings makes no Event, even to explain."""
    warm = CompiledProcess(sendflow.load_process(EHC))
    for _ in range(2):
        sendflow.evaluate(warm, _assessment())
    made: list[str] = []
    making = events_module.trusted_event
    monkeypatch.setattr(
        events_module,
        "trusted_event",
        lambda name, *fields: made.append(name) or making(name, *fields),
    )
    evaluation = sendflow.evaluate(warm, _assessment())
    assert warm.programs.replayed == 1
    advice = next(r for r in evaluation.time_limits if r.rule == "advice")
    assert (advice.key, advice.started_on) == ("health", date(2024, 2, 13))
    assert "after advice requested Tue 13 Feb 2024" in advice.explanation
    assert made == []


def test_changing_a_mapping_after_evaluating_changes_nothing() -> None:
    """Data read from mappings is copied: results read later are the case as evaluated."""
    warm = CompiledProcess(sendflow.load_process(EHC))
    for _ in range(2):
        sendflow.evaluate(warm, _assessment())
    history = _assessment()
    evaluation = sendflow.evaluate(warm, history)
    history[2]["data"]["party"] = "school"
    history[2]["on"] = "2024-03-01"
    assert evaluation.to_dict() == sendflow.evaluate(warm, _assessment()).to_dict()
    assert [r.key for r in evaluation.time_limits if r.rule == "advice"] == ["health"]


@pytest.mark.parametrize("pid", PROCESSES)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_events_read_from_mappings_are_what_to_event_makes(pid: str, data: st.DataObject) -> None:
    """Events made from mappings read in one pass are to_event's, however they are asked for.

    Data of one text field is kept as that text and made into a mapping of the event's
    own when asked for; other data is a copy. Each way of asking (by position, by name and
    position, all at once, the data alone) gives what reading each mapping alone gives.
    """
    process = sendflow.load_process(pid)
    mapped = as_mappings(data.draw(histories(process, max_events=14)))
    expected = [to_event(given) for given in mapped]
    read = ShapeReader(CompiledProcess(process)).read(mapped)
    if read is None:
        return  # no shape: read by to_event, mapping by mapping
    events = read[2]
    assert events is not None
    names = [event.name for event in expected]
    assert [events.data(at, name) for at, name in enumerate(names)] == [e.data for e in expected]
    assert [events[at] for at in range(len(events))] == expected
    assert list(events) == expected
    again = ShapeReader(CompiledProcess(process)).read(mapped)
    assert again is not None
    assert again[2] is not None
    assert [again[2].event(at, name) for at, name in enumerate(names)] == expected
    assert list(again[2]) == expected
    for made in events:
        assert all(made.data is not given.get("data") for given in mapped)


def test_one_text_data_made_into_its_own_mapping() -> None:
    """An event whose data is one text gets a mapping of its own, shared with nothing."""
    mapped = _assessment()
    read = ShapeReader(CompiledProcess(sendflow.load_process(EHC))).read(mapped)
    assert read is not None
    assert read[2] is not None
    events = read[2]
    first = events.data(2, "advice_requested")
    assert first == {"party": "health"}
    first["party"] = "school"  # changing what was handed out changes nothing kept
    assert events.data(2, "advice_requested") == {"party": "health"}
    assert events[2].data == {"party": "health"}
    assert events[2].data is not mapped[2]["data"]
    assert events.data(2, "advice_requested") is events[2].data  # once made, the event's


def test_changing_a_listed_or_steering_value_after_evaluating_changes_nothing() -> None:
    """Listed and steering values kept as their text are the values as evaluated."""
    warm = CompiledProcess(sendflow.load_process(EHC))
    history = [
        *_assessment()[:1],
        {"event": "refused_to_assess", "on": "2024-02-12"},
        {"event": "refusal_reversed", "on": "2024-04-02", "data": {"route": "mediation"}},
        {"event": "advice_requested", "on": "2024-04-03", "data": {"party": "health"}},
    ]
    expected = outcome(CompiledProcess(warm.process), history)
    for _ in range(3):
        given = [dict(m, data=dict(m["data"])) if "data" in m else dict(m) for m in history]
        evaluation = sendflow.evaluate(warm, given)
        given[0]["data"]["source"] = "nobody"
        given[2]["data"]["route"] = "tribunal"
        given[3]["data"]["party"] = "school"
        assert evaluation.to_dict() == expected
    assert warm.programs is not None
    assert warm.programs.replayed == 1
