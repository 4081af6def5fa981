"""The figures a report gives: plain frozen values, built by :mod:`.indicators`.

Their JSON form (``docs/contracts.md``, "The report") is made by the project's converter;
see :mod:`sendflow.reports.shapes`.
"""

from __future__ import annotations

from datetime import date

import attrs

from sendflow.compliance.periods import ReportPeriod

__all__ = [
    "AdviceByParty",
    "Appeals",
    "Figures",
    "MonthFigures",
    "OpenAssessments",
    "OverdueReviews",
    "PersonalBudgets",
    "PlansIssued",
    "Rate",
    "Report",
    "Requests",
    "TraceRow",
    "Transfers",
    "WeeksToIssue",
]


def _percent(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(100 * numerator / denominator, 2)


@attrs.frozen
class Rate:
    """How many of the cases counted were on time."""

    numerator: int = 0
    denominator: int = 0

    @property
    def percent(self) -> float | None:
        """The rate as a percentage to 2 places; ``None`` when nothing was counted."""
        return _percent(self.numerator, self.denominator)

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.numerator + other.numerator, self.denominator + other.denominator)


@attrs.frozen
class Requests:
    """Requests for an EHC needs assessment received (and cases the LA took on)."""

    count: int
    by_month: dict[str, int]
    previous_year: int
    """Requests in the same days a year earlier, to show the change on the year before."""


@attrs.frozen
class PlansIssued:
    """Final EHC plans issued, and those DfE's measure leaves out for mediation or tribunal."""

    count: int
    mediation_or_tribunal: int


@attrs.frozen
class WeeksToIssue:
    """Weeks from request to final plan, over the plans the 20-week measure counts."""

    mean: float | None
    median: float | None
    up_to_20: int
    from_20_to_52: int
    over_52: int


@attrs.frozen
class OpenAssessments:
    """Open EHC needs assessments on the as-of date, by weeks since the request."""

    up_to_20: int
    from_20_to_30: int
    from_30_to_52: int
    over_52: int


@attrs.frozen
class OverdueReviews:
    """Plans whose annual review is overdue on the as-of date, by whole months late."""

    under_1: int
    from_1_to_3: int
    from_3_to_6: int
    from_6_to_12: int
    from_12: int


@attrs.frozen
class AdviceByParty:
    """Advice given within 6 weeks, by who was asked."""

    education: Rate
    health: Rate
    social_care: Rate
    other: Rate


@attrs.frozen
class Transfers:
    """The statement and LDA transfer programme against the council's plan."""

    cohort: int
    completed: int
    percent: float | None
    planned_to_date: int | None
    forecast_completion: date | None
    required_rate_per_week: float | None
    deadline: date | None
    completed_by_month: dict[str, int]


@attrs.frozen
class Appeals:
    """Appeals registered with the tribunal in the period."""

    count: int
    by_decision: dict[str, int]
    by_outcome: dict[str, int]


@attrs.frozen
class PersonalBudgets:
    """Personal budgets on the as-of date, and direct payments refused in the period."""

    in_place: int
    direct_payments: int
    refusals: int


@attrs.frozen
class Figures:
    """Every indicator for one period, as of one date."""

    requests_received: Requests
    decisions_within_6_weeks: Rate
    plans_issued: PlansIssued
    plans_within_20_weeks_including_exceptions: Rate
    plans_within_20_weeks_excluding_exceptions: Rate
    weeks_to_issue: WeeksToIssue
    open_assessments_by_age: OpenAssessments
    advice_within_6_weeks: AdviceByParty
    annual_reviews_on_time: Rate
    overdue_annual_reviews_by_months_late: OverdueReviews
    review_decisions_within_4_weeks: Rate
    amended_plans_within_8_weeks: Rate
    phase_transfers_on_time: Rate
    transfers: Transfers
    appeals_registered: Appeals
    orders_complied_on_time: Rate
    personal_budgets: PersonalBudgets


@attrs.frozen
class MonthFigures:
    """One month of the period: requests received and the 20-week measure."""

    month: str
    requests_received: int
    plans_within_20_weeks_including_exceptions: Rate
    plans_within_20_weeks_excluding_exceptions: Rate


@attrs.frozen
class Report:
    """The figures for a period as of a date, with the monthly series."""

    period: ReportPeriod
    as_of: date
    indicators: Figures
    months: tuple[MonthFigures, ...]


@attrs.frozen
class TraceRow:
    """One case behind one figure: which indicator, which case, the day and how it counted."""

    indicator: str
    case_id: str
    on: date | None
    counted: str
