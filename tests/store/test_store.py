"""Opening, recording, retracting and reading cases, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

import sendflow
from sendflow.store import Store

from .helpers import PROCESS, open_assessing, request_on


def _snapshot(store: Store, case_id: str) -> tuple[object, ...]:
    return (
        store.version(case_id),
        store.history(case_id),
        store.cases(),
        store.due(as_of=date(2024, 1, 1), within_days=3650),
    )


def test_recorded_case_matches_the_engine(store: Store) -> None:
    """A stored case replays to the same state and time limits as the in-memory engine."""
    open_assessing(store)
    store.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    case = sendflow.Case(PROCESS, case_id="A1", events=request_on())
    case.record("decided_to_assess", on=date(2024, 2, 12))
    case.record("advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    as_of = date(2024, 6, 1)
    stored = store.evaluate("A1", as_of=as_of)
    assert stored.version == 3
    assert stored == attrs.evolve(case.evaluate(as_of=as_of), version=3)
    assert store.load("A1").to_dict()["events"][2]["data"] == {"party": "health"}


def test_each_record_adds_one_to_the_version(store: Store) -> None:
    """The version counts the records in a case's history."""
    assert store.open_case(PROCESS, case_id="A1", events=request_on()) == 1
    assert store.record("A1", "decided_to_assess", on=date(2024, 2, 12)) == 2
    assert store.version("A1") == 2
    assert [s.sequence for s in store.history("A1")] == [1, 2]


def test_rejected_event_writes_nothing(store: Store) -> None:
    """An event not allowed in the case's state leaves the store exactly as it was."""
    open_assessing(store)
    before = _snapshot(store, "A1")
    with pytest.raises(sendflow.EventError, match="not allowed"):
        store.record("A1", "final_plan_issued", on=date(2024, 3, 1))
    with pytest.raises(sendflow.EventError, match="party"):
        store.record("A1", "advice_requested", on=date(2024, 3, 1))
    assert _snapshot(store, "A1") == before


def test_invalid_start_writes_nothing(store: Store) -> None:
    """A case whose first events are invalid is not stored at all."""
    with pytest.raises(sendflow.EventError, match="must begin with request_received"):
        store.open_case(
            PROCESS, case_id="A1", events=[{"event": "decided_to_assess", "on": "2024-01-08"}]
        )
    assert store.cases() == []
    with pytest.raises(sendflow.CaseNotFoundError, match="no case 'A1'"):
        store.load("A1")


def test_duplicate_case_id_is_refused(store: Store) -> None:
    """Opening a case under an id already stored fails and keeps the first case."""
    store.open_case(PROCESS, case_id="A1", events=request_on())
    with pytest.raises(sendflow.CaseExistsError, match="already in the store"):
        store.open_case(PROCESS, case_id="A1", events=request_on("2024-03-01"))
    assert store.load("A1").events[0].on == date(2024, 1, 8)


def test_back_dated_event_is_accepted_when_the_history_stays_valid(store: Store) -> None:
    """An exception dated before the latest event is replayed in date order."""
    open_assessing(store)
    store.record(
        "A1", "exception_recorded", on=date(2024, 2, 1), data={"reason": "absence-from-area"}
    )
    final = store.evaluate("A1", as_of=date(2024, 6, 10)).result("final-plan")
    assert final.exceptions == ("absence-from-area",)


def test_back_dated_event_that_breaks_the_history_is_refused(store: Store) -> None:
    """An assessment step dated before the decision to assess is rejected, nothing written."""
    open_assessing(store)
    before = _snapshot(store, "A1")
    with pytest.raises(sendflow.EventError):
        store.record("A1", "advice_requested", on=date(2024, 1, 20), data={"party": "health"})
    assert _snapshot(store, "A1") == before


def test_stale_version_is_refused(store: Store) -> None:
    """A writer holding an old version gets StaleCaseError and writes nothing."""
    version = open_assessing(store)
    store.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    before = _snapshot(store, "A1")
    with pytest.raises(sendflow.StaleCaseError, match=f"expected version {version}") as caught:
        store.record(
            "A1",
            "advice_requested",
            on=date(2024, 2, 14),
            data={"party": "social-care"},
            expected_version=version,
        )
    assert caught.value.actual == version + 1
    assert _snapshot(store, "A1") == before


def test_retraction_recomputes_and_keeps_the_audit_trail(store: Store) -> None:
    """A retracted event leaves the legal history but stays in the audit trail."""
    open_assessing(store)
    version = store.retract("A1", 2, by="officer-7", reason="recorded on the wrong case")
    assert version == 3
    assert store.load("A1").state == "awaiting_decision_to_assess"
    trail = store.history("A1")
    assert [s.event.name for s in trail] == ["request_received", "decided_to_assess"]
    assert trail[1].retraction is not None
    assert trail[1].retraction.by == "officer-7"
    assert trail[1].retraction.reason == "recorded on the wrong case"
    due = store.due(as_of=date(2024, 3, 1), within_days=0, rule="decide-whether-to-assess")
    assert [(d.case_id, d.status) for d in due] == [("A1", "overdue")]
    assert [e["event"] for e in next(store.export())["events"]] == ["request_received"]


def test_retraction_that_breaks_the_history_is_refused(store: Store) -> None:
    """Retracting the decision to assess under later assessment steps writes nothing."""
    open_assessing(store)
    store.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    before = _snapshot(store, "A1")
    with pytest.raises(sendflow.EventError, match="retracting event 2"):
        store.retract("A1", 2, by="officer-7", reason="mistake")
    with pytest.raises(sendflow.EventError, match="numbered 1 to 3"):
        store.retract("A1", 9, by="officer-7", reason="mistake")
    assert _snapshot(store, "A1") == before


def test_retracting_twice_is_refused(store: Store) -> None:
    """An event can be retracted once."""
    open_assessing(store)
    store.retract("A1", 2, by="officer-7", reason="mistake")
    with pytest.raises(sendflow.EventError, match="already retracted"):
        store.retract("A1", 2, by="officer-7", reason="again")


def test_cases_lists_and_filters(store: Store) -> None:
    """The case list filters by process and state and reports closing dates."""
    open_assessing(store, "A1")
    store.open_case(PROCESS, case_id="B2", events=request_on())
    store.record("B2", "refused_to_assess", on=date(2024, 2, 1))
    assert [c.case_id for c in store.cases()] == ["A1", "B2"]
    refused = store.cases(state="not_assessed")
    assert [(c.case_id, c.final, c.closed_on) for c in refused] == [("B2", True, date(2024, 2, 1))]
    assert store.cases(process="annual-review") == []


def test_unknown_case_is_reported(store: Store) -> None:
    """Recording into a case that does not exist says so and suggests how to fix it."""
    with pytest.raises(sendflow.CaseNotFoundError, match="open the case"):
        store.record("nope", "decided_to_assess", on=date(2024, 2, 1))


def test_reopening_runs_no_migration_twice(store_url: str) -> None:
    """A store opened again on the same database keeps its cases."""
    with Store(store_url) as first:
        first.open_case(PROCESS, case_id="A1", events=request_on())
    with Store(store_url) as second:
        assert second.load("A1").state == "awaiting_decision_to_assess"
