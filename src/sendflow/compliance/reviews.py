"""Annual reviews overdue on the as-of date, banded by whole months late.

A plan's review is overdue when, on the as-of date, the case is still open and its latest
``annual-review`` clock has passed its due date unmet. It is ``m`` months late when the
due date plus ``m`` months (Dodds v Walker) is on or before the as-of date and the due
date plus ``m + 1`` months is not.
"""

from __future__ import annotations

from datetime import date

from sendflow.compliance.verdicts import Verdicts
from sendflow.engine.results import Status
from sendflow.time.periods import add_months

__all__ = ["MONTH_BANDS", "months_late", "overdue_review", "review_band"]

MONTH_BANDS = (
    (0, "under 1 month"),
    (1, "1 to 3 months"),
    (3, "3 to 6 months"),
    (6, "6 to 12 months"),
    (12, "12 months or more"),
)
"""The bands, each from its first whole month late, with its name in words."""

_OVERDUE = frozenset({Status.OVERDUE, Status.EXCUSED})


def months_late(due_on: date, as_of: date) -> int:
    """Whole months from ``due_on`` to ``as_of`` (0 when less than a month has passed)."""
    months = (as_of.year - due_on.year) * 12 + as_of.month - due_on.month
    if add_months(due_on, months) > as_of:
        months -= 1
    return max(months, 0)


def review_band(months: int) -> int:
    """The index in :data:`MONTH_BANDS` of the band ``months`` late falls in."""
    band = 0
    for index, (first, _) in enumerate(MONTH_BANDS):
        if months >= first:
            band = index
    return band


def overdue_review(evaluation: Verdicts) -> date | None:
    """The due date of the review overdue on the evaluation's date, if the plan has one.

    Only an open case counts (a ceased plan is no longer reviewed), and only its latest
    ``annual-review`` clock (each review decision starts a fresh one).
    """
    if evaluation.final:
        return None
    latest = None
    for result in evaluation.time_limits:
        if result.rule == "annual-review" and (
            latest is None or result.started_on >= latest.started_on
        ):
            latest = result
    if latest is None or latest.met_on is not None or latest.status not in _OVERDUE:
        return None
    return latest.due_on
