"""Simulated life of a plan: annual reviews, phase transfers, personal budgets; and transfers."""

from __future__ import annotations

from datetime import date, timedelta

from sendflow.simulation.assessments import Settings
from sendflow.simulation.histories import Dice, History

__all__ = ["PROGRAMME", "simulate_budget", "simulate_reviews", "simulate_transfer"]

PROGRAMME = (date(2014, 9, 1), date(2018, 3, 31))
"""The statutory transfer programme: statements to EHC plans by 31 March 2018."""


def simulate_reviews(
    case_id: str, plan_on: date, until: date, dice: Dice, settings: Settings
) -> History:
    """An EHC plan's annual reviews from the day it was made up to ``until``."""
    review = History("annual-review", case_id)
    review.add("plan_issued", plan_on)
    last_review = plan_on
    within = settings.on_time(settings.national.share("review_decision_within_4_weeks"))
    while review.last <= until:
        meeting_on = max(last_review + dice.days(290, 380), review.last + timedelta(days=30))
        review.add("review_meeting_notice_sent", meeting_on - dice.days(14, 30))
        review.add("review_advice_circulated", meeting_on - dice.days(12, 16))
        phase = dice.chance(0.12)
        if phase:
            review.add(
                "phase_transfer_identified",
                meeting_on - dice.days(1, 10),
                transfer="school",
                transfer_year=meeting_on.year + (meeting_on.month >= 9),
            )
        review.add("review_meeting_held", meeting_on)
        review.add("review_report_sent", meeting_on + dice.days(3, 20))
        decided_on = meeting_on + (dice.days(7, 28) if dice.chance(within) else dice.days(29, 70))
        choice = (
            "amend" if phase else dice.weighted(("maintain", "amend", "cease"), (0.55, 0.43, 0.02))
        )
        if choice == "cease":
            review.add("decided_to_cease", decided_on)
            review.add("plan_ceased", decided_on + dice.days(14, 40))
            break
        if choice == "maintain":
            review.add("decided_to_maintain", decided_on)
        else:
            review.add("amendments_proposed", decided_on)
            quick = dice.chance(settings.on_time(0.6))
            review.add(
                "amended_plan_issued",
                decided_on + (dice.days(20, 56) if quick else dice.days(57, 120)),
            )
        last_review = decided_on
    return review


def simulate_budget(case_id: str, asked_on: date, dice: Dice, settings: Settings) -> History:
    """A personal budget asked for while the plan was drafted."""
    budget = History("personal-budget", case_id)
    budget.add("budget_requested", asked_on, stage="drafting")
    budget.add("budget_prepared", asked_on + dice.days(5, 25))
    if not dice.chance(settings.national.share("personal_budgets_with_direct_payments")):
        budget.add("organised_arrangement_agreed", budget.last + dice.days(1, 10))
        return budget
    budget.add("direct_payments_requested", budget.last + dice.days(1, 10))
    if dice.chance(0.12):
        budget.add(
            "direct_payments_refused",
            budget.last + dice.days(5, 20),
            reasons="the provision cannot be delivered this way",
            review_right_notified=True,
        )
        return budget
    budget.add("direct_payments_agreed", budget.last + dice.days(5, 20))
    budget.add("direct_payments_started", budget.last + dice.days(5, 25))
    review_in = dice.days(30, 88) if dice.chance(settings.on_time(0.8)) else dice.days(92, 150)
    budget.add("direct_payments_reviewed", budget.last + review_in)
    return budget


def simulate_transfer(
    case_id: str, noticed_on: date, dice: Dice, settings: Settings
) -> tuple[History, date | None]:
    """A statement's transfer review; the day its plan was issued, if it was."""
    transfer = History("statement-transfer", case_id)
    transfer.add("transfer_review_notice_given", noticed_on, kind="statement")
    if dice.chance(0.015):
        transfer.add("transfer_withdrawn", noticed_on + dice.days(10, 120))
        return transfer, None
    quick = dice.chance(settings.on_time(0.6))
    final_on = noticed_on + (dice.days(100, 140) if quick else dice.days(141, 260))
    transfer.add("transfer_review_started", noticed_on + dice.days(14, 21))
    if dice.chance(0.04):
        transfer.add("decided_not_to_issue", final_on)
        return transfer, None
    transfer.add("draft_plan_issued", final_on - dice.days(16, 30))
    transfer.add("final_plan_issued", final_on)
    return transfer, final_on
