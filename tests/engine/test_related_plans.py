"""Links into a plan's annual-review case: a transfer between councils, and cease appeals."""

from __future__ import annotations

from datetime import date

import sendflow
from sendflow.engine.related import apply_to_related


def plan_case(case_id: str = "AR1") -> sendflow.Case:
    case = sendflow.Case("annual-review", case_id=case_id)
    case.record("plan_issued", on=date(2023, 10, 10))
    return case


def ceasing_plan(case_id: str = "AR2") -> sendflow.Case:
    case = plan_case(case_id)
    case.record("review_meeting_held", on=date(2024, 9, 16))
    case.record("decided_to_cease", on=date(2024, 10, 1))
    return case


def cease_appeal(related: str = "AR2") -> sendflow.Case:
    appeal = sendflow.Case("appeal", case_id="CA1", related_case=related)
    appeal.record("decision_notice_sent", on=date(2024, 10, 1), data={"decision": "cease"})
    appeal.record("mediation_declined", on=date(2024, 10, 7))
    appeal.record("mediation_certificate_issued", on=date(2024, 10, 8))
    appeal.record("appeal_registered", on=date(2024, 11, 4), data={"response_period": "30 days"})
    return appeal


def test_a_transferred_plan_carries_the_reg_15_date_into_its_annual_review() -> None:
    """plan_transferred records plan_transferred_in; the review is due 3 months on."""
    transfer = sendflow.Case("plan-transfer", case_id="PT1", related_case="AR1")
    transfer.record("move_learned_of", on=date(2024, 8, 12), data={"move_on": date(2024, 8, 23)})
    moved = transfer.record("plan_transferred", on=date(2024, 8, 23))
    review = plan_case()
    recorded = apply_to_related(transfer, moved, review)
    assert [(e.name, e.on, dict(e.data)) for e in recorded] == [
        (
            "plan_transferred_in",
            date(2024, 8, 23),
            {"route": "move-between-councils", "related_case": "PT1"},
        )
    ]
    evaluation = review.evaluate(as_of=date(2024, 9, 1))
    clocks = [r for r in evaluation.time_limits if r.rule == "annual-review"]
    assert [(c.due_on, c.status.value) for c in clocks] == [
        (date(2024, 10, 9), "void"),
        (date(2024, 11, 22), "pending"),
    ]


def test_dismissing_an_appeal_against_ceasing_ceases_the_plan_that_day() -> None:
    """A dismissal of a cease appeal records plan_ceased in the plan's case, same day."""
    appeal = cease_appeal()
    dismissal = appeal.record("tribunal_decided", on=date(2025, 2, 3), data={"order": "dismissed"})
    plan = ceasing_plan()
    recorded = apply_to_related(appeal, dismissal, plan)
    assert [(e.name, e.on) for e in recorded] == [("plan_ceased", date(2025, 2, 3))]
    assert plan.state == "ceased"


def test_an_order_to_continue_the_plan_withdraws_the_cessation_that_day() -> None:
    """An order to continue to maintain records cessation_withdrawn in the plan's case."""
    appeal = cease_appeal()
    order = appeal.record("tribunal_decided", on=date(2025, 2, 3), data={"order": "continue"})
    plan = ceasing_plan()
    recorded = apply_to_related(appeal, order, plan)
    assert [(e.name, e.on) for e in recorded] == [("cessation_withdrawn", date(2025, 2, 3))]
    assert plan.state == "plan_maintained"


def test_dismissing_an_appeal_about_something_else_leaves_the_plan_alone() -> None:
    """Only an appeal against ceasing ceases the plan when it is dismissed."""
    appeal = sendflow.Case("appeal", case_id="CA2", related_case="AR1")
    appeal.record("decision_notice_sent", on=date(2024, 10, 1), data={"decision": "plan-contents"})
    appeal.record("mediation_declined", on=date(2024, 10, 7))
    appeal.record("mediation_certificate_issued", on=date(2024, 10, 8))
    appeal.record("appeal_registered", on=date(2024, 11, 4), data={"response_due": "2024-12-16"})
    dismissal = appeal.record("tribunal_decided", on=date(2025, 2, 3), data={"order": "dismissed"})
    plan = plan_case()
    assert apply_to_related(appeal, dismissal, plan) == ()
    assert plan.state == "plan_maintained"
