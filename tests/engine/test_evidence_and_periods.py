"""Practice graded apart from law in explanations; periods carried by an event's data."""

from __future__ import annotations

from datetime import date

import pytest

import sendflow
from sendflow.definitions.model import Evidence
from sendflow.engine.machine import CompiledProcess

EHC = sendflow.load_process("ehc-needs-assessment")
APPEAL = sendflow.load_process("appeal")


def reversed_refusal(route: str) -> list[dict[str, object]]:
    return [
        {"event": "request_received", "on": "2024-01-08"},
        {"event": "refused_to_assess", "on": "2024-02-12"},
        {"event": "refusal_reversed", "on": "2024-03-04", "data": {"route": route}},
    ]


@pytest.mark.parametrize(
    ("route", "practice"), [("reconsideration", True), ("tribunal", False), ("mediation", False)]
)
def test_only_the_reconsideration_clocks_say_they_rest_on_practice(route, practice) -> None:
    """A reconsideration's reversal clocks are practice, not law; the others are statutory."""
    evaluation = sendflow.evaluate(EHC, reversed_refusal(route), as_of=date(2024, 6, 20))
    for rule in ("reversal-final-plan", "reversal-no-plan-notice"):
        explanation = evaluation.result(rule).explanation
        assert ("Practice, not law" in explanation) is practice
        assert ("not a statutory breach" in explanation) is practice


def test_the_practice_grade_is_in_the_definition() -> None:
    """The reconsideration variants carry the practice evidence grade; no statutory rule does."""
    graded = {
        (limit.id, tuple(version.when.get("route", ()))): version.reference.evidence
        for limit in EHC.time_limits.values()
        for version in limit.versions
        if version.reference is not None
    }
    assert graded[("reversal-final-plan", ("reconsideration",))] is Evidence.PRACTICE
    assert graded[("reversal-final-plan", ("tribunal",))] is Evidence.SECONDARY
    assert [key for key, grade in graded.items() if grade is Evidence.PRACTICE] == [
        ("reversal-no-plan-notice", ("reconsideration",)),
        ("reversal-final-plan", ("reconsideration",)),
    ]


def registered_then(order: dict[str, object]) -> list[dict[str, object]]:
    return [
        {
            "event": "decision_notice_sent",
            "on": "2024-01-08",
            "data": {"decision": "placement-only"},
        },
        {"event": "appeal_registered", "on": "2024-02-20", "data": {"response_due": "2024-04-02"}},
        {"event": "tribunal_decided", "on": "2024-06-03", "data": order},
    ]


@pytest.mark.parametrize(
    ("directed", "due"),
    [
        (None, date(2024, 7, 8)),
        ("8 weeks", date(2024, 7, 29)),
        ("30 working days", date(2024, 7, 15)),
    ],
)
def test_a_directed_period_replaces_the_regulations_period(directed, due) -> None:
    """The order's directed_period, in any unit, replaces the 5 weeks of an order to amend."""
    order = {"order": "amend"} | ({} if directed is None else {"directed_period": directed})
    result = sendflow.evaluate(APPEAL, registered_then(order)).result("order-amend")
    assert result.due_on == due
    assert ("replaces the rule's own" in result.explanation) is (directed is not None)


def test_a_directed_period_leaves_the_earlier_steps_of_an_order_alone() -> None:
    """An order to assess keeps 2 weeks to tell the family whatever period is directed."""
    events = registered_then({"order": "assess", "directed_period": "20 weeks"})
    evaluation = sendflow.evaluate(APPEAL, events)
    assert evaluation.result("order-assess-notify").due_on == date(2024, 6, 17)
    assert evaluation.result("order-assess-final-plan").due_on == date(2024, 10, 21)


@pytest.mark.parametrize(
    ("recorded", "other"),
    [("8 weeks", "30 working days"), ("30 working days", "2 months"), ("8 weeks", "9 weeks")],
)
def test_a_recorded_program_keeps_each_history_s_own_directed_period(recorded, other) -> None:
    """Histories alike but for the period directed replay to their own due dates."""
    warm = CompiledProcess(APPEAL)
    first = registered_then({"order": "amend", "directed_period": recorded})
    sendflow.evaluate(warm, first)
    sendflow.evaluate(warm, first)  # a shape folded twice has its program recorded
    second = registered_then({"order": "amend", "directed_period": other})
    by_program = sendflow.evaluate(warm, second).to_dict()
    assert by_program == sendflow.evaluate(CompiledProcess(APPEAL), second).to_dict()
