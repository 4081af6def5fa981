"""A seeded, realistic council caseload, written through the store's normal import path.

``simulate_cases`` yields case files for every packaged process but re-assessment:
requests for an EHC needs assessment (decisions, advice, exceptions, plans, refusals),
appeals with mediation and orders, annual reviews with phase transfers, personal budgets,
and the 2014-2018 transfer programme. Its rates are the published national figures
(:mod:`sendflow.compliance.national`), scaled by the council's performance. The same seed
gives the same caseload.

    >>> from datetime import date
    >>> council = Council(requests=20, first=date(2023, 1, 1), last=date(2024, 12, 31), seed=7)
    >>> cases = list(simulate_cases(council))
    >>> cases == list(simulate_cases(council))
    True
    >>> sum(case["process"] == "ehc-needs-assessment" for case in cases)
    20
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import attrs

from sendflow.compliance.national import NationalFigures, england
from sendflow.errors import SendflowError
from sendflow.simulation.assessments import Settings, simulate_assessment
from sendflow.simulation.histories import Dice, History
from sendflow.simulation.plans import (
    PROGRAMME,
    simulate_budget,
    simulate_reviews,
    simulate_transfer,
)
from sendflow.store import ImportReport, Store

__all__ = ["Council", "simulate", "simulate_cases", "transfer_plan_rows"]


@attrs.frozen
class Council:
    """The council to simulate.

    Attributes:
        requests: Requests for an EHC needs assessment received from ``first`` to ``last``.
        first: The first day of the simulation.
        last: The last day: no event comes after it.
        seed: The seed; the same seed gives the same caseload.
        performance: 1.0 is as the national figures; above it, more is on time.
        statements: Statements to transfer to EHC plans, when the simulation reaches back
            into the transfer programme (September 2014 to March 2018); by default a
            quarter of the requests.
        prefix: Put before every case id, so that two simulations can share a store.
    """

    requests: int
    first: date
    last: date
    seed: int = 1
    performance: float = 1.0
    statements: int | None = None
    prefix: str = ""

    def __attrs_post_init__(self) -> None:
        if self.requests < 0 or self.last < self.first or not 0.1 <= self.performance <= 2:
            raise SendflowError(
                "simulate: give at least 0 cases, --from on or before --to, and a performance "
                f"from 0.1 to 2 (got {self.requests} cases, {self.first} to {self.last}, "
                f"performance {self.performance})."
            )


def simulate_cases(
    council: Council, *, national: NationalFigures | None = None
) -> Iterator[dict[str, Any]]:
    """The council's cases in case-file form, cut at its last day."""
    settings = Settings(national or england(), council.performance)
    dice = Dice(council.seed)
    prefix = council.prefix
    for number, requested_on in enumerate(_request_days(council, settings, dice), start=1):
        case_id = f"{prefix}A{number:06d}"
        assessment = simulate_assessment(case_id, requested_on, dice, settings)
        histories = list(assessment.histories)
        if assessment.plan_on is not None and assessment.draft_on is not None:
            histories.append(
                simulate_reviews(
                    f"{case_id}-plan", assessment.plan_on, council.last, dice, settings
                )
            )
            if dice.chance(settings.national.share("plans_with_personal_budget")):
                histories.append(
                    simulate_budget(f"{case_id}-budget", assessment.draft_on, dice, settings)
                )
        yield from _cut(histories, council.last)
    yield from _transfers(council, settings, dice)


def _request_days(council: Council, settings: Settings, dice: Dice) -> list[date]:
    """Request days, spread over the years in proportion to England's requests."""
    years = range(council.first.year, council.last.year + 1)
    weights = tuple(float(settings.national.year(y).requests or 55235) for y in years)
    days = []
    for _ in range(council.requests):
        year = dice.weighted(tuple(years), weights)
        days.append(
            dice.day_in(max(council.first, date(year, 1, 1)), min(council.last, date(year, 12, 31)))
        )
    return sorted(days)


def _transfers(council: Council, settings: Settings, dice: Dice) -> Iterator[dict[str, Any]]:
    first, last = max(council.first, PROGRAMME[0]), min(council.last, PROGRAMME[1])
    if first > last:
        return
    count = council.statements if council.statements is not None else council.requests // 4
    for number in range(1, count + 1):
        noticed_on = dice.day_in(PROGRAMME[0], PROGRAMME[1] - (PROGRAMME[1] - PROGRAMME[0]) / 8)
        if not first <= noticed_on <= last:
            continue
        case_id = f"{council.prefix}T{number:06d}"
        transfer, plan_on = simulate_transfer(case_id, noticed_on, dice, settings)
        histories = [transfer]
        if plan_on is not None:
            histories.append(
                simulate_reviews(f"{case_id}-plan", plan_on, council.last, dice, settings)
            )
        yield from _cut(histories, council.last)


def _cut(histories: list[History], last: date) -> Iterator[dict[str, Any]]:
    for history in histories:
        case = history.case_file(last)
        if case is not None:
            yield case


def transfer_plan_rows(council: Council, *, milestones: int = 8) -> list[tuple[date, int]]:
    """An even transfer plan for the council's statements, ending on 31 March 2018."""
    count = council.statements if council.statements is not None else council.requests // 4
    span = (PROGRAMME[1] - PROGRAMME[0]).days
    return [
        (
            PROGRAMME[0] + (PROGRAMME[1] - PROGRAMME[0]) * step / milestones,
            count * step // milestones,
        )
        for step in range(1, milestones + 1)
        if span
    ]


def simulate(
    store: Store, council: Council, *, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Simulate the council into ``store`` through its normal import (all or nothing)."""

    def counted() -> Iterator[dict[str, Any]]:
        for case in simulate_cases(council):
            if progress is not None:
                progress(1)
            yield case

    return store.import_cases(counted())
