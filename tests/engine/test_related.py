"""Related cases: an appeal's order to assess reverses the refusal in the assessment case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import sendflow
from sendflow.definitions import parse_definition
from sendflow.engine.related import apply_to_related, linked_events

ROOT = Path(__file__).resolve().parents[2]


def refused_assessment(case_id: str = "R1") -> sendflow.Case:
    case = sendflow.Case("ehc-needs-assessment", case_id=case_id)
    case.record("request_received", on=date(2024, 1, 8))
    case.record("refused_to_assess", on=date(2024, 2, 12))
    return case


def appeal_to_tribunal(decision: str = "refusal-to-assess") -> sendflow.Case:
    appeal = sendflow.Case("appeal", case_id="AP1", related_case="R1")
    appeal.record("decision_notice_sent", on=date(2024, 2, 12), data={"decision": decision})
    appeal.record("mediation_declined", on=date(2024, 3, 1))
    appeal.record("mediation_certificate_issued", on=date(2024, 3, 4))
    appeal.record(
        "appeal_registered", on=date(2024, 3, 20), data={"response_due": date(2024, 4, 30)}
    )
    return appeal


def test_a_tribunal_order_to_assess_reverses_the_refusal() -> None:
    """An order to assess records refusal_reversed (tribunal) in the related case, same day."""
    appeal = appeal_to_tribunal()
    order = appeal.record("tribunal_decided", on=date(2024, 7, 1), data={"order": "assess"})
    assessment = refused_assessment()
    recorded = apply_to_related(appeal, order, assessment)
    assert [(e.name, e.on, dict(e.data)) for e in recorded] == [
        ("refusal_reversed", date(2024, 7, 1), {"route": "tribunal", "related_case": "AP1"})
    ]
    assert assessment.state == "assessing"
    final = assessment.evaluate(as_of=date(2024, 7, 1)).result("reversal-final-plan")
    assert (final.started_on, final.due_on) == (date(2024, 7, 1), date(2024, 10, 7))


def test_a_mediation_agreement_to_assess_is_the_mediation_route() -> None:
    """A mediation agreement to assess reverses the refusal by the mediation route."""
    appeal = sendflow.Case("appeal", case_id="AP2", related_case="R2")
    appeal.record(
        "decision_notice_sent", on=date(2024, 2, 12), data={"decision": "refusal-to-assess"}
    )
    appeal.record("mediation_requested", on=date(2024, 3, 1))
    appeal.record("mediation_held", on=date(2024, 3, 20))
    agreed = appeal.record(
        "mediation_agreement_reached", on=date(2024, 3, 20), data={"order": "assess"}
    )
    (linked,) = linked_events(appeal.process, appeal.events, agreed, case_id="AP2")
    assert linked.process == "ehc-needs-assessment"
    assert linked.event.data["route"] == "mediation"


@pytest.mark.parametrize(
    ("decision", "order"),
    [("refusal-to-assess", "make-plan"), ("refusal-to-issue", "assess")],
    ids=["another-order", "another-decision"],
)
def test_other_orders_and_decisions_link_nothing(decision: str, order: str) -> None:
    """Only an order to assess, in an appeal against a refusal to assess, reverses it."""
    appeal = appeal_to_tribunal(decision)
    event = appeal.record("tribunal_decided", on=date(2024, 7, 1), data={"order": order})
    assert linked_events(appeal.process, appeal.events, event) == ()
    assessment = refused_assessment()
    assert apply_to_related(appeal, event, assessment) == ()
    assert assessment.state == "not_assessed"


def test_a_related_case_that_was_never_refused_is_left_unchanged() -> None:
    """If the related case was never refused, the reversal is rejected and nothing changes."""
    appeal = appeal_to_tribunal()
    order = appeal.record("tribunal_decided", on=date(2024, 7, 1), data={"order": "assess"})
    assessment = sendflow.Case("ehc-needs-assessment", case_id="R1")
    assessment.record("request_received", on=date(2024, 1, 8))
    with pytest.raises(sendflow.EventError, match="not allowed"):
        apply_to_related(appeal, order, assessment)
    assert len(assessment.events) == 1


def test_the_wrong_related_case_is_refused() -> None:
    """An appeal names its related case; passing another one is an error."""
    appeal = appeal_to_tribunal()
    order = appeal.record("tribunal_decided", on=date(2024, 7, 1), data={"order": "assess"})
    with pytest.raises(sendflow.CaseFileError, match="related to case R1, not R9"):
        apply_to_related(appeal, order, refused_assessment("R9"))


def test_a_link_with_a_misspelt_condition_is_a_definition_error() -> None:
    """A link whose condition names an undeclared field or value fails to load, with where."""
    text = (ROOT / "processes" / "appeal.yaml").read_text()
    text = text.replace(
        "case_when: {decision: refusal-to-assess}", "case_when: {decison: refusal-to-asess}", 1
    )
    text = text.replace(
        "when: {order: assess}\n    case_when", "when: {order: asess}\n    case_when", 1
    )
    with pytest.raises(sendflow.DefinitionError) as caught:
        parse_definition(text, file="appeal.yaml")
    message = str(caught.value)
    assert "links[0].case_when.decison" in message
    assert "Did you mean 'decision'" in message
    assert "links[0].when.order" in message
    assert "Did you mean 'assess'" in message


def test_the_route_of_a_reversal_can_be_read_from_the_case() -> None:
    """``Case.latest`` gives the reversal event, whose data says by which route."""
    assessment = refused_assessment()
    assert assessment.latest("refusal_reversed") is None
    assessment.record("refusal_reversed", on=date(2024, 5, 1), data={"route": "mediation"})
    reversal = assessment.latest("refusal_reversed")
    assert reversal is not None
    assert reversal.data["route"] == "mediation"
