"""Reporting periods: calendar, academic and financial years, rolling 12 months, months.

A :class:`ReportPeriod` is a first and a last day, both inside the period. DfE's SEN2
return counts calendar years; schools and tribunals count academic years (1 September to
31 August); councils' budgets run in financial years (1 April to 31 March).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import attrs

from sendflow.errors import SendflowError
from sendflow.time.days import read_legal_day
from sendflow.time.periods import add_months

__all__ = [
    "ReportPeriod",
    "academic_year",
    "calendar_year",
    "financial_year",
    "read_day",
    "rolling_12_months",
]


def read_day(text: str, *, where: str) -> date:
    """The legal day ``text`` names; ``where`` says where it was read, for the message.

    Raises:
        SendflowError: ``text`` is not a ``YYYY-MM-DD`` date from 1900 to 2199.
    """
    try:
        return read_legal_day(text)
    except ValueError as exc:
        raise SendflowError(
            f"{where}: {text!r} is not a date: {exc}. Write dates YYYY-MM-DD, such as 2024-01-31."
        ) from exc


@attrs.frozen
class ReportPeriod:
    """The days from ``first`` to ``last``, both included.

    Raises:
        SendflowError: ``last`` comes before ``first``.
    """

    first: date
    last: date

    def __attrs_post_init__(self) -> None:
        if self.last < self.first:
            raise SendflowError(
                f"a reporting period cannot end ({self.last.isoformat()}) before it begins "
                f"({self.first.isoformat()}): give --from on or before --to."
            )

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def months(self) -> tuple[ReportPeriod, ...]:
        """The calendar months the period touches, each cut to the period."""
        return tuple(self._months())

    def _months(self) -> Iterator[ReportPeriod]:
        start = self.first
        while start <= self.last:
            following = add_months(start.replace(day=1), 1)
            yield ReportPeriod(start, min(self.last, following - timedelta(days=1)))
            start = following

    def split(self, day: date) -> tuple[ReportPeriod, ReportPeriod]:
        """The period cut in two: up to the day before ``day``, and from ``day``.

        Raises:
            SendflowError: ``day`` is not after the first day and inside the period.
        """
        if not self.first < day <= self.last:
            raise SendflowError(
                f"cannot split {self.label} at {day.isoformat()}: the day must fall after "
                "its first day and on or before its last."
            )
        return ReportPeriod(self.first, day - timedelta(days=1)), ReportPeriod(day, self.last)

    @property
    def label(self) -> str:
        """The period in words, such as ``1 Jan 2024 to 31 Dec 2024``."""
        return f"{_words(self.first)} to {_words(self.last)}"


def _words(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def calendar_year(year: int) -> ReportPeriod:
    """1 January to 31 December: the year DfE's SEN2 return counts plans in."""
    return ReportPeriod(date(year, 1, 1), date(year, 12, 31))


def academic_year(starting: int) -> ReportPeriod:
    """1 September ``starting`` to 31 August of the next year."""
    return ReportPeriod(date(starting, 9, 1), date(starting + 1, 8, 31))


def financial_year(starting: int) -> ReportPeriod:
    """1 April ``starting`` to 31 March of the next year."""
    return ReportPeriod(date(starting, 4, 1), date(starting + 1, 3, 31))


def rolling_12_months(ending: date) -> ReportPeriod:
    """The 12 months up to and including ``ending``."""
    return ReportPeriod(add_months(ending, -12) + timedelta(days=1), ending)
