"""A small caseload whose every figure is worked out by hand in the tests.

Calendar year 2024, as of 31 December 2024. Days from request to final plan: A1 133, A2
141, A3 182, A4 140 (issued on 31 December, the period's last day, exactly 20 weeks on),
A6 153 (asked in 2023, issued 1 January 2024). A5 went to mediation, so DfE leaves it out.
"""

from __future__ import annotations

from typing import Any


def _case(process: str, case_id: str, *events: tuple[Any, ...], related: str | None = None):
    out: list[dict[str, Any]] = []
    for item in events:
        event = {"event": item[0], "on": item[1]}
        if len(item) > 2:
            event["data"] = item[2]
        out.append(event)
    case: dict[str, Any] = {"process": process, "case_id": case_id, "events": out}
    if related is not None:
        case["related_case"] = related
    return case


def _plan(case_id: str, requested: str, decided: str, draft: str, final: str, *extra):
    return _case(
        "ehc-needs-assessment",
        case_id,
        ("request_received", requested),
        *[e for e in extra if e[1] < decided],
        ("decided_to_assess", decided),
        *[e for e in extra if decided <= e[1] < draft],
        ("draft_plan_issued", draft),
        *[e for e in extra if draft <= e[1] < final],
        ("final_plan_issued", final),
    )


ASSESSMENTS = [
    _plan(
        "A1",
        "2024-01-08",
        "2024-02-12",
        "2024-04-22",
        "2024-05-20",
        ("advice_requested", "2024-02-13", {"party": "health"}),
        ("advice_requested", "2024-02-13", {"party": "educational-psychology"}),
        ("advice_received", "2024-03-20", {"party": "health"}),
        ("advice_received", "2024-04-01", {"party": "educational-psychology"}),
    ),
    _plan(
        "A2",
        "2024-01-08",
        "2024-02-20",
        "2024-05-10",
        "2024-05-28",
        ("advice_requested", "2024-02-21", {"party": "social-care"}),
    ),
    _plan(
        "A3",
        "2024-02-01",
        "2024-03-10",
        "2024-07-01",
        "2024-08-01",
        ("exception_recorded", "2024-03-01", {"reason": "absence-from-area"}),
    ),
    _plan("A4", "2024-08-13", "2024-09-10", "2024-12-01", "2024-12-31"),
    _plan("A5", "2024-01-15", "2024-02-01", "2024-04-01", "2024-05-01"),
    _plan("A6", "2023-08-01", "2023-09-01", "2023-12-01", "2024-01-01"),
    _case(
        "ehc-needs-assessment",
        "A7",
        ("request_received", "2024-08-01"),
        ("decided_to_assess", "2024-09-05"),
        ("draft_plan_issued", "2024-12-10"),
        ("final_plan_issued", "2025-01-02"),
    ),
    _case("ehc-needs-assessment", "A8", ("request_received", "2024-12-01")),
    _case(
        "ehc-needs-assessment",
        "A9",
        ("request_received", "2024-03-01"),
        ("refused_to_assess", "2024-05-01"),
    ),
    _case(
        "ehc-needs-assessment",
        "A10",
        ("request_received", "2024-06-01"),
        ("request_withdrawn", "2024-06-10"),
    ),
    _case(
        "ehc-needs-assessment",
        "A11",
        ("request_received", "2023-06-01"),
        ("decided_to_assess", "2023-07-01"),
    ),
]

APPEALS = [
    _case(
        "appeal",
        "P5",
        ("decision_notice_sent", "2024-05-01", {"decision": "plan-contents"}),
        ("mediation_adviser_contacted", "2024-05-10"),
        ("mediation_requested", "2024-05-12"),
        ("mediation_held", "2024-05-30"),
        related="A5",
    ),
    _case(
        "appeal",
        "P9",
        ("decision_notice_sent", "2024-05-01", {"decision": "refusal-to-assess"}),
        ("mediation_adviser_contacted", "2024-05-20"),
        ("mediation_declined", "2024-05-22"),
        ("mediation_certificate_issued", "2024-05-23"),
        ("appeal_registered", "2024-06-10", {"response_due": "2024-07-10"}),
        ("la_response_filed", "2024-07-08"),
        related="A9",
    ),
]

REVIEWS = [
    _case(
        "annual-review",
        "R1",
        ("plan_issued", "2023-03-01"),
        ("review_meeting_held", "2024-01-20"),
        ("decided_to_maintain", "2024-02-10"),
    ),
    _case(
        "annual-review",
        "R2",
        ("plan_issued", "2023-01-10"),
        ("review_meeting_held", "2024-01-05"),
        ("amendments_proposed", "2024-02-15"),
        ("amended_plan_issued", "2024-05-01"),
    ),
]

BUDGETS = [
    _case(
        "personal-budget",
        "B1",
        ("budget_requested", "2024-03-01", {"stage": "drafting"}),
        ("budget_prepared", "2024-03-20"),
        ("direct_payments_requested", "2024-03-25"),
        ("direct_payments_agreed", "2024-04-10"),
        ("direct_payments_started", "2024-04-20"),
    ),
    _case(
        "personal-budget",
        "B2",
        ("budget_requested", "2024-03-01", {"stage": "drafting"}),
        ("budget_prepared", "2024-03-20"),
        ("direct_payments_requested", "2024-05-01"),
        (
            "direct_payments_refused",
            "2024-05-10",
            {"reasons": "cannot be delivered this way", "review_right_notified": True},
        ),
    ),
]

TRANSFERS = [
    _case(
        "statement-transfer",
        "T1",
        ("transfer_review_notice_given", "2016-01-04", {"kind": "statement"}),
        ("transfer_review_started", "2016-01-18"),
        ("draft_plan_issued", "2016-04-01"),
        ("final_plan_issued", "2016-05-02"),
    ),
    _case(
        "statement-transfer",
        "T2",
        ("transfer_review_notice_given", "2017-10-02", {"kind": "statement"}),
        ("transfer_review_started", "2017-10-16"),
    ),
    _case(
        "statement-transfer",
        "T3",
        ("transfer_review_notice_given", "2017-07-03", {"kind": "statement"}),
        ("transfer_review_started", "2017-07-17"),
        ("draft_plan_issued", "2017-11-01"),
        ("final_plan_issued", "2017-12-01"),
    ),
    _case(
        "statement-transfer",
        "T4",
        ("transfer_review_notice_given", "2017-01-09", {"kind": "statement"}),
        ("transfer_withdrawn", "2017-02-01"),
    ),
]

CASELOAD = [*ASSESSMENTS, *APPEALS, *REVIEWS, *BUDGETS, *TRANSFERS]
