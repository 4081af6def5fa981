"""The due-in-window query and reminder claims."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from sendflow.contracts import converter
from sendflow.store import Store

from .helpers import PROCESS, open_assessing, request_on


def _due(store: Store, as_of: date, within: int, **filters: str) -> list[tuple[str, str, str]]:
    return [
        (i.case_id, i.rule, i.status)
        for i in store.due(as_of=as_of, within_days=within, **filters)  # type: ignore[arg-type]
    ]


def test_window_lists_pending_and_overdue(store: Store) -> None:
    """A limit due inside the window is pending; one past due is overdue."""
    store.open_case(PROCESS, case_id="A1", events=request_on("2024-01-08"))  # decide by 19 Feb
    store.open_case(PROCESS, case_id="B2", events=request_on("2024-02-12"))  # decide by 25 Mar
    found = _due(store, date(2024, 3, 20), 7, rule="decide-whether-to-assess")
    assert found == [
        ("A1", "decide-whether-to-assess", "overdue"),
        ("B2", "decide-whether-to-assess", "pending"),
    ]
    only_window = store.due(as_of=date(2024, 3, 20), within_days=7, include_overdue=False)
    assert {(i.case_id, i.rule) for i in only_window} == {("B2", "decide-whether-to-assess")}


def test_window_edges_are_inclusive(store: Store) -> None:
    """A limit due on the as-of date, or on its last day, is in the window and pending."""
    store.open_case(PROCESS, case_id="A1", events=request_on("2024-01-08"))  # decide by 19 Feb
    rule = "decide-whether-to-assess"
    assert _due(store, date(2024, 2, 19), 0, rule=rule) == [("A1", rule, "pending")]
    assert _due(store, date(2024, 2, 12), 7, rule=rule) == [("A1", rule, "pending")]
    assert _due(store, date(2024, 2, 11), 7, rule=rule) == []


def test_met_and_closed_limits_are_not_due(store: Store) -> None:
    """Meeting a limit or closing the case removes its limits from the due list."""
    open_assessing(store, "A1")
    store.open_case(PROCESS, case_id="B2", events=request_on())
    store.record("B2", "request_withdrawn", on=date(2024, 1, 20))
    found = _due(store, date(2024, 6, 30), 0)
    assert ("A1", "decide-whether-to-assess", "overdue") not in found
    assert ("A1", "final-plan", "overdue") in found
    assert all(case_id != "B2" for case_id, _, _ in found)


def test_conditional_rule_past_due_stays_pending(store: Store) -> None:
    """The 16-week no-plan notice past its date waits for the case to resolve."""
    open_assessing(store)
    found = _due(store, date(2024, 5, 6), 0, rule="no-plan-notice")
    assert found == [("A1", "no-plan-notice", "pending")]


def test_exception_turns_overdue_into_excused(store: Store) -> None:
    """An accepted exception recorded while the clock ran excuses it once past due."""
    open_assessing(store)
    store.record(
        "A1", "exception_recorded", on=date(2024, 3, 1), data={"reason": "absence-from-area"}
    )
    assert _due(store, date(2024, 6, 30), 0, rule="final-plan") == [("A1", "final-plan", "excused")]


def test_filters_by_duty_and_process(store: Store) -> None:
    """The due list filters by who bears the duty and by process."""
    open_assessing(store)
    store.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    bodies = store.due(as_of=date(2024, 3, 20), within_days=7, duty="the-body-asked")
    assert [(i.rule, i.key) for i in bodies] == [("advice", "health")]
    assert store.due(as_of=date(2024, 3, 20), within_days=7, process="annual-review") == []
    assert converter.unstructure(bodies[0]) == {
        "case_id": "A1",
        "process": PROCESS,
        "rule": "advice",
        "key": "health",
        "due_on": "2024-03-26",
        "status": "pending",
        "duty": "the-body-asked",
        "kind": "deadline",
        "claimed_by": None,
    }


def test_minimum_period_is_listed_only_while_open(store: Store) -> None:
    """The 15 days to comment on a draft plan are pending until they end, then drop out."""
    open_assessing(store)
    store.record("A1", "draft_plan_issued", on=date(2024, 4, 1))
    rule = "draft-representations"
    assert _due(store, date(2024, 4, 10), 7, rule=rule) == [("A1", rule, "pending")]
    assert _due(store, date(2024, 4, 20), 7, rule=rule) == []


def test_negative_window_is_refused(store: Store) -> None:
    """A window of negative length is a mistake, and says so."""
    with pytest.raises(ValueError, match="0 or more"):
        store.due(as_of=date(2024, 1, 1), within_days=-1)


def test_claims_never_overlap(store: Store) -> None:
    """Two workers claiming in turn take different reminders, then none are left."""
    for number in range(6):
        store.open_case(PROCESS, case_id=f"C{number}", events=request_on())
    as_of, within = date(2024, 6, 1), 0
    first = store.claim_due(as_of=as_of, within_days=within, worker="w1", limit=10)
    second = store.claim_due(as_of=as_of, within_days=within, worker="w2", limit=10)
    keys = [(i.case_id, i.rule) for i in first + second]
    assert len(keys) == len(set(keys)) == 18
    assert {i.claimed_by for i in first} == {"w1"}
    assert store.claim_due(as_of=as_of, within_days=within, worker="w3") == []


def test_claim_survives_an_unrelated_event(store: Store) -> None:
    """A claim stays with its reminder while the clock and its due date do not change."""
    store.open_case(PROCESS, case_id="A1", events=request_on())
    claimed = store.claim_due(as_of=date(2024, 6, 1), within_days=0, worker="w1")
    assert {i.rule for i in claimed} == {"decide-whether-to-assess", "no-plan-notice", "final-plan"}
    store.record("A1", "decided_to_assess", on=date(2024, 2, 12))
    found = store.due(as_of=date(2024, 6, 1), within_days=0)
    assert {(i.rule, i.claimed_by) for i in found} == {
        ("no-plan-notice", "w1"),
        ("final-plan", "w1"),
    }
    assert store.claim_due(as_of=date(2024, 6, 1), within_days=0, worker="w2") == []


def test_concurrent_claims_take_each_reminder_once(store_url: str) -> None:
    """Workers claiming at the same time (threads, own connections) never share a reminder."""
    with Store(store_url) as setup:
        setup.import_cases(
            {"process": PROCESS, "case_id": f"C{n:03d}", "events": request_on()} for n in range(60)
        )
    taken: dict[str, list[tuple[str, str]]] = {}

    def work(name: str) -> None:
        with Store(store_url) as mine:
            got: list[tuple[str, str]] = []
            while batch := mine.claim_due(
                as_of=date(2024, 6, 1), within_days=0, worker=name, limit=7
            ):
                got.extend((i.case_id, i.rule) for i in batch)
            taken[name] = got

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [key for got in taken.values() for key in got]
    assert len(everything) == len(set(everything)) == 180
