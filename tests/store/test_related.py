"""Linked cases in the store: an appeal's order to assess, recorded once, reaches both cases."""

from __future__ import annotations

from datetime import date

import pytest

import sendflow
from sendflow.store import Store

APPEAL_START = [
    {
        "event": "decision_notice_sent",
        "on": "2024-02-12",
        "data": {"decision": "refusal-to-assess"},
    },
    {"event": "mediation_declined", "on": "2024-03-01"},
    {"event": "mediation_certificate_issued", "on": "2024-03-04"},
    {"event": "appeal_registered", "on": "2024-03-20", "data": {"response_due": "2024-04-30"}},
]
REFUSED = [
    {"event": "request_received", "on": "2024-01-08"},
    {"event": "refused_to_assess", "on": "2024-02-12"},
]


def open_pair(store: Store, *, refused: bool = True) -> None:
    store.open_case(
        "ehc-needs-assessment", case_id="R1", events=REFUSED if refused else REFUSED[:1]
    )
    store.open_case("appeal", case_id="AP1", events=APPEAL_START, related_case="R1")


def test_an_order_to_assess_reverses_the_refusal_in_the_same_transaction(store: Store) -> None:
    """Recording the order with apply_links also records refusal_reversed in the related case."""
    open_pair(store)
    store.record(
        "AP1", "tribunal_decided", on=date(2024, 7, 1), data={"order": "assess"}, apply_links=True
    )
    assessment = store.load("R1")
    assert assessment.state == "assessing"
    reversal = assessment.latest("refusal_reversed")
    assert reversal is not None
    assert (reversal.on, dict(reversal.data)) == (
        date(2024, 7, 1),
        {"route": "tribunal", "related_case": "AP1"},
    )
    due = store.due(as_of=date(2024, 9, 30), within_days=14, rule="reversal-final-plan")
    assert [(d.case_id, d.due_on) for d in due] == [("R1", date(2024, 10, 7))]
    assert store.cases_with("refusal_reversed", data={"route": "tribunal"}) == ["R1"]
    assert store.cases_with("refusal_reversed", data={"route": "mediation"}) == []


def test_a_linked_event_the_related_case_rejects_writes_nothing(store: Store) -> None:
    """If the related case was never refused, neither case changes."""
    open_pair(store, refused=False)
    before = (store.version("AP1"), store.version("R1"))
    with pytest.raises(sendflow.EventError, match="not allowed"):
        store.record(
            "AP1",
            "tribunal_decided",
            on=date(2024, 7, 1),
            data={"order": "assess"},
            apply_links=True,
        )
    assert (store.version("AP1"), store.version("R1")) == before
    assert store.load("AP1").state == "appeal_registered"


def test_without_apply_links_only_the_appeal_changes(store: Store) -> None:
    """Links are applied only when asked."""
    open_pair(store)
    store.record("AP1", "tribunal_decided", on=date(2024, 7, 1), data={"order": "assess"})
    assert store.load("R1").state == "not_assessed"


def test_the_command_line_applies_links_and_finds_reversed_cases(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``record --apply-to-related`` reaches both cases; ``cases --with-event`` finds them."""
    from sendflow.cli import main

    with Store(store_url) as store:
        open_pair(store)
    args = ["record", "AP1", "mediation_agreement_reached", "--on", "2024-03-20"]
    assert main([*args, "--data", "order=assess", "--apply-to-related", "--db", store_url]) == 2
    assert "not allowed" in capsys.readouterr().err  # AP1 went to the tribunal, not mediation
    args = ["record", "AP1", "tribunal_decided", "--on", "2024-07-01", "--data", "order=assess"]
    assert main([*args, "--apply-to-related", "--db", store_url]) == 0
    out = capsys.readouterr().out
    assert "case R1: refusal_reversed recorded as well; state assessing" in out
    query = ["cases", "--with-event", "refusal_reversed", "--event-data", "route=tribunal"]
    assert main([*query, "--db", store_url]) == 0
    listing = capsys.readouterr().out
    assert "R1" in listing
    assert "AP1" not in listing
