"""Plain words for the report's figures, shared by the HTML and Markdown reports."""

from __future__ import annotations

from datetime import date

from sendflow.compliance.figures import Rate, Report
from sendflow.compliance.national import NationalFigures, NationalYear

__all__ = [
    "DECISIONS",
    "MONTHS_LATE",
    "RATES",
    "day_words",
    "england_year",
    "month_words",
    "months_late_counts",
    "number",
    "rate_words",
]

DECISIONS = {
    "refusal-to-assess": "Refusal to assess",
    "refusal-to-reassess": "Refusal to re-assess",
    "refusal-to-issue": "Refusal to issue a plan",
    "plan-contents": "Contents of the plan",
    "refusal-to-amend": "Refusal to amend",
    "cease": "Ceasing the plan",
    "placement-only": "School named only",
}

RATES = (
    ("annual_reviews_on_time", "Annual reviews within 12 months"),
    ("review_decisions_within_4_weeks", "Review decisions within 4 weeks"),
    ("amended_plans_within_8_weeks", "Amended plans within 8 weeks"),
    ("phase_transfers_on_time", "Phase transfers by their dates"),
    ("orders_complied_on_time", "Orders and agreements on time"),
)
"""The other time limits the report shows, with their names in words."""

MONTHS_LATE = ("Under 1 month", "1 to 3 months", "3 to 6 months", "6 to 12 months", "12 or more")
"""The bands of overdue annual reviews, by whole months late, in words."""


def months_late_counts(report: Report) -> list[int]:
    """The overdue annual reviews in each band of :data:`MONTHS_LATE`, in order."""
    late = report.indicators.overdue_annual_reviews_by_months_late
    return [late.under_1, late.from_1_to_3, late.from_3_to_6, late.from_6_to_12, late.from_12]


def number(value: int) -> str:
    """A whole number with thousands separated: ``12,345``."""
    return f"{value:,}"


def day_words(day: date | None) -> str:
    """A day in words, such as ``31 December 2024``; ``none`` when there is no day."""
    return "none" if day is None else f"{day.day} {day.strftime('%B %Y')}"


def month_words(key: str) -> str:
    """A ``YYYY-MM`` month as ``Jan 24``."""
    return date(int(key[:4]), int(key[5:7]), 1).strftime("%b %y")


def rate_words(rate: Rate) -> str:
    """A rate as ``46.4% (39 of 84)``, or ``none counted``."""
    if rate.percent is None:
        return "none counted"
    return f"{rate.percent:.1f}% ({number(rate.numerator)} of {number(rate.denominator)})"


def england_year(report: Report, national: NationalFigures) -> NationalYear:
    """The national year to set beside the report: its last year, or the latest published."""
    return national.year(report.period.last.year)
