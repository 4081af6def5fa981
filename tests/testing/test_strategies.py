"""The history strategies: valid histories, rejected ones, edge dates, and shrinking."""

from datetime import date

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import sendflow
from sendflow.testing import dates, edge_dates, histories, invalid_events, next_events

PROCESSES = sendflow.packaged_processes()


@pytest.mark.parametrize("process_id", PROCESSES)
def test_generated_histories_replay_without_error(process_id):
    """Every generated history opens with a start event, keeps legal order and replays."""
    process = sendflow.load_process(process_id)

    @given(histories(process, max_events=12))
    def check(history):
        assert history[0].name in process.start
        assert [e.on for e in history] == sorted(e.on for e in history)
        sendflow.evaluate(process, history)

    check()


@pytest.mark.parametrize("process_id", PROCESSES)
def test_invalid_events_are_rejected(process_id):
    """Replay rejects the last event of every generated invalid history."""
    process = sendflow.load_process(process_id)

    @given(invalid_events(process, max_events=6))
    def check(invalid):
        sendflow.evaluate(process, invalid.events[:-1])
        with pytest.raises(sendflow.EventError):
            sendflow.evaluate(process, invalid.events)

    check()


def test_histories_without_exceptions_record_none():
    """exceptions=False never records an exception event."""
    process = sendflow.load_process("ehc-needs-assessment")

    @given(histories(process, exceptions=False))
    def check(history):
        assert not any(process.events[e.name].exception for e in history)

    check()


def test_exceptions_are_generated_and_accepted():
    """Some generated histories record an exception, and replay attaches it to a clock."""
    process = sendflow.load_process("ehc-needs-assessment")

    def excused(history):
        return any(r.exceptions for r in sendflow.evaluate(process, history).time_limits)

    found = find(histories(process), excused, settings=settings(max_examples=2000, database=None))
    assert found[-1].name == "exception_recorded"


def test_a_history_reaching_a_final_state_shrinks_to_two_events():
    """The smallest history that closes an EHC case is the request and one closing event."""
    process = sendflow.load_process("ehc-needs-assessment")
    found = find(
        histories(process),
        lambda h: sendflow.evaluate(process, h).final,
        settings=settings(max_examples=2000, database=None),
    )
    assert found[0].name == "request_received"
    assert len(found) == 2


def test_a_late_decision_shrinks_to_a_short_history_on_the_edge_dates():
    """A late decision shrinks to the request on the first date and a decision a day late."""
    process = sendflow.load_process("ehc-needs-assessment")

    def late_decision(history):
        result = sendflow.evaluate(process, history)
        return result.time_limits[0].status is sendflow.Status.LATE

    found = find(
        histories(process), late_decision, settings=settings(max_examples=2000, database=None)
    )
    first, last = found[0].to_dict(), found[-1].to_dict()
    assert first == {"event": "request_received", "on": "2014-09-01"}
    assert last == {"event": "decided_to_assess", "on": "2014-10-14"}
    # Usually just those two; some draws leave one exception the shrinker cannot take out.
    assert len(found) <= 3


def test_edge_dates_include_calendar_and_law_edges():
    """Edge dates include 29 February, Christmas, bank holidays and the coronavirus window."""
    edges = set(edge_dates(sendflow.load_process("ehc-needs-assessment")))
    for day in (
        date(2024, 2, 29),
        date(2023, 12, 25),
        date(2024, 5, 27),
        date(2024, 8, 31),
        date(2020, 5, 1),
        date(2020, 9, 25),
        date(2020, 4, 30),
    ):
        assert day in edges


def test_edge_dates_include_the_dates_rule_versions_change():
    """A process with effective-dated versions adds the days around each change."""
    process = sendflow.load_process("statement-transfer")
    changes = {
        v.effective_from
        for limit in process.time_limits.values()
        for v in limit.versions
        if v.effective_from is not None
    }
    assert changes, "statement-transfer has effective-dated rule versions"
    assert changes <= set(edge_dates(process))


@given(dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)))
def test_dates_stay_within_their_bounds(day):
    """dates() keeps to the bounds it is given."""
    assert date(2024, 1, 1) <= day <= date(2024, 12, 31)


@given(st.data())
def test_next_events_grows_a_case_one_valid_event_at_a_time(data):
    """next_events gives a start event for an empty case and a valid event after it."""
    process = sendflow.load_process("ehc-needs-assessment")
    first = data.draw(next_events(process, []))
    assert first is not None
    assert first.name in ("request_received", "became_responsible")
    second = data.draw(next_events(process, [first]))
    assert second is not None
    sendflow.evaluate(process, [first, second])


def test_histories_reject_a_max_events_below_one():
    """max_events must be at least one."""
    with pytest.raises(ValueError, match="max_events must be at least 1"):
        histories(sendflow.load_process("ehc-needs-assessment"), max_events=0)
