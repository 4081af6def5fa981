"""Simulated EHC needs assessments, and the appeals against a refusal or a plan's contents."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs

from sendflow.compliance.national import NationalFigures
from sendflow.simulation.histories import Dice, History

__all__ = ["Assessment", "Settings", "simulate_assessment"]

SOURCES = ("parent", "parent", "parent", "school", "school", "early-years", "health", "social-care")
PARTIES = (("educational-psychology", 0.55), ("health", 0.7), ("social-care", 0.6))
EXCEPTIONS = ("exceptional-personal-circumstances", "absence-from-area")


@attrs.frozen
class Settings:
    """What a simulated council is like: its rates come from the national figures."""

    national: NationalFigures
    performance: float = 1.0
    """1.0 is as the national figures; 1.2 means on-time chances 20% higher (up to 98%)."""

    def on_time(self, probability: float) -> float:
        """A national on-time chance, scaled by the council's performance."""
        return min(0.98, probability * self.performance)


@attrs.frozen
class Assessment:
    """A simulated assessment: its histories, and the plan's dates if one was issued."""

    histories: tuple[History, ...]
    plan_on: date | None
    draft_on: date | None


def simulate_assessment(
    case_id: str, requested_on: date, dice: Dice, settings: Settings
) -> Assessment:
    """One request for an EHC needs assessment and all that follows from it."""
    national = settings.national
    year = national.year(requested_on.year)
    case = History("ehc-needs-assessment", case_id)
    case.add("request_received", requested_on, source=dice.pick(SOURCES))
    within = dice.chance(settings.on_time(national.share("decided_within_6_weeks")))
    decided_on = requested_on + (dice.days(10, 42) if within else dice.days(43, 90))
    assessed = national.share("request_assessed")
    refused = national.share("request_refused")
    withdrawn = national.share("request_withdrawn")
    roll = dice.weighted(("assess", "refuse", "withdraw"), (assessed, refused, withdrawn))
    if roll == "withdraw":
        case.add("request_withdrawn", requested_on + dice.days(5, 40))
        return Assessment((case,), None, None)
    if roll == "assess":
        case.add("decided_to_assess", decided_on)
        on_time = settings.on_time((year.excluding_exceptions.percent or 0.0) / 100)
        return _assess(case, requested_on, decided_on, dice, settings, on_time, ())
    case.add("refused_to_assess", decided_on)
    appealed = national.share("request_mediation") + national.share("request_tribunal")
    if not dice.chance(appealed / refused):
        return Assessment((case,), None, None)
    appeal = History("appeal", f"{case_id}-appeal", related_case=case_id)
    ordered_on = _appeal(appeal, decided_on, "refusal-to-assess", "assess", dice)
    if ordered_on is None:
        return Assessment((case, appeal), None, None)
    agreed = any(e["event"] == "mediation_agreement_reached" for e in appeal.events)
    route = "mediation" if agreed else "tribunal"
    case.add("refusal_reversed", ordered_on, route=route, related_case=appeal.case_id)
    appeal.add("assessment_notified", ordered_on + dice.days(3, 20))
    return _assess(case, requested_on, ordered_on, dice, settings, 0.0, (appeal,))


def _assess(
    case: History,
    requested_on: date,
    started_on: date,
    dice: Dice,
    settings: Settings,
    on_time: float,
    appeals: tuple[History, ...],
) -> Assessment:
    if on_time and dice.chance(on_time):
        total = dice.days(98, 140)
    else:
        total = dice.days(141, 364) if dice.chance(0.87) else dice.days(365, 480)
    final_on = max(requested_on + total, started_on + dice.days(60, 110))
    draft_on = final_on - dice.days(16, 30)
    no_plan = dice.chance(settings.national.share("assessment_no_plan"))
    end_on = started_on + dice.days(50, 110) if no_plan else final_on
    steps: list[tuple[date, str, dict[str, Any]]] = []
    for party, chance in PARTIES:
        asked_on = started_on + dice.days(0, 7)
        quick = dice.chance(settings.on_time(chance))
        answered_on = asked_on + (dice.days(14, 42) if quick else dice.days(43, 100))
        steps.append((asked_on, "advice_requested", {"party": party}))
        if answered_on < end_on:
            steps.append((answered_on, "advice_received", {"party": party}))
    exception = settings.national.year(requested_on.year).exception_share
    if dice.chance(exception):
        steps.append(
            (started_on + dice.days(1, 30), "exception_recorded", {"reason": dice.pick(EXCEPTIONS)})
        )
    if no_plan:
        steps.append((end_on, "decided_not_to_issue", {}))
    else:
        steps.append((draft_on, "draft_plan_issued", {}))
        consulted_on = draft_on + dice.days(1, 3)
        steps.append((consulted_on, "institution_consulted", {"institution": "local school"}))
        answered_on = consulted_on + dice.days(5, 25)
        if answered_on < final_on:
            steps.append((answered_on, "institution_responded", {"institution": "local school"}))
        steps.append((final_on, "final_plan_issued", {}))
    order = {"advice_requested": 0, "exception_recorded": 1, "draft_plan_issued": 2}
    for on, event, data in sorted(steps, key=lambda step: (step[0], order.get(step[1], 3))):
        case.add(event, on, **data)
    for appeal in appeals:
        appeal.add("final_plan_issued" if not no_plan else "no_plan_notified", end_on)
        appeal.add("closed", end_on + dice.days(1, 14))
    if no_plan:
        return Assessment((case, *appeals), None, None)
    histories = [case, *appeals]
    if dice.chance(0.05):
        contents = History("appeal", f"{case.case_id}-contents", related_case=case.case_id)
        ordered_on = _appeal(contents, final_on, "plan-contents", "amend", dice)
        if ordered_on is not None:
            quick = dice.chance(0.7)
            contents.add(
                "amended_plan_issued",
                ordered_on + (dice.days(10, 35) if quick else dice.days(36, 80)),
            )
            contents.add("closed", contents.last + dice.days(1, 10))
        histories.append(contents)
    return Assessment(tuple(histories), final_on, draft_on)


def _appeal(
    appeal: History, noticed_on: date, decision: str, order: str, dice: Dice
) -> date | None:
    """An appeal from notice to its order: the day the order was made, or None."""
    appeal.add("decision_notice_sent", noticed_on, decision=decision)
    appeal.add("mediation_adviser_contacted", noticed_on + dice.days(7, 50))
    if dice.chance(0.45):
        appeal.add("mediation_requested", appeal.last + dice.days(2, 10))
        appeal.add("mediation_held", appeal.last + dice.days(14, 35))
        if dice.chance(0.35):
            return appeal.add(
                "mediation_agreement_reached", appeal.last + dice.days(0, 2), order=order
            )
    else:
        appeal.add("mediation_declined", appeal.last + dice.days(2, 10))
    appeal.add("mediation_certificate_issued", appeal.last + dice.days(1, 4))
    if not dice.chance(0.7):
        appeal.add("closed", appeal.last + dice.days(30, 60))
        return None
    registered_on = appeal.last + dice.days(10, 28)
    due = registered_on + timedelta(days=30)
    appeal.add("appeal_registered", registered_on, response_due=due.isoformat())
    appeal.add(
        "la_response_filed", due - dice.days(0, 10) if dice.chance(0.85) else due + dice.days(1, 10)
    )
    outcome = dice.weighted(("concede", "withdraw", "hearing"), (0.25, 0.1, 0.65))
    if outcome == "concede":
        return appeal.add("appeal_conceded", appeal.last + dice.days(5, 40), order=order)
    if outcome == "withdraw":
        appeal.add("appeal_withdrawn", appeal.last + dice.days(5, 60))
        return None
    appeal.add("hearing_held", appeal.last + dice.days(80, 150))
    decided_on = appeal.last + dice.days(7, 21)
    if dice.chance(0.1):
        appeal.add("tribunal_decided", decided_on, order="dismissed")
        return None
    return appeal.add("tribunal_decided", decided_on, order=order)
