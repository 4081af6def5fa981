"""Dates for generated histories: any day from 2014 to 2039, weighted to edge days.

Edge days are where time arithmetic goes wrong: month ends and firsts, leap days, bank
holidays and the days either side, Christmas, mid-August (the tribunal's rules), the
coronavirus window of 2020, and the days a process's own rules change on.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays
from hypothesis import strategies as st

from sendflow.definitions.model import Process
from sendflow.testing.processes import ProcessLike, as_process

__all__ = ["MAX_DATE", "MIN_DATE", "dates", "edge_dates"]

MIN_DATE = date(2014, 9, 1)
"""The earliest generated date: Part 3 of the Children and Families Act 2014 began."""
MAX_DATE = date(2039, 12, 31)
"""The latest generated date."""

_ONE_DAY = timedelta(days=1)


@functools.cache
def _calendar_edges() -> tuple[date, ...]:
    edges: set[date] = {date(2020, 5, 1), date(2020, 9, 25)}
    for year in range(MIN_DATE.year, MAX_DATE.year + 1):
        for month in range(1, 13):
            first = date(year, month, 1)
            edges.update((first, first - _ONE_DAY))
        edges.update((date(year, 2, 28), date(year, 3, 1), date(year, 8, 15)))
        if year % 4 == 0:
            edges.add(date(year, 2, 29))
        edges.update(date(year, 12, day) for day in (24, 25, 26, 31))
    bank_holidays = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(MIN_DATE.year, MAX_DATE.year + 1)
    )
    for day in bank_holidays:
        edges.update((day - _ONE_DAY, day, day + _ONE_DAY))
    return tuple(sorted(d for d in edges if MIN_DATE <= d <= MAX_DATE))


def _process_edges(process: Process) -> set[date]:
    """The days a process changes its law on: rule versions and exception windows."""
    found: set[date] = set()
    for limit in process.time_limits.values():
        for version in limit.versions:
            for day in (version.effective_from, version.effective_to):
                if day is not None:
                    found.update((day - _ONE_DAY, day, day + _ONE_DAY))
            if version.due.fixed is not None:
                found.add(version.due.fixed)
    for reason in process.exception_reasons.values():
        for day in (reason.clock_ran_from, reason.clock_ran_to):
            if day is not None:
                found.update((day - _ONE_DAY, day, day + _ONE_DAY))
    return found


def edge_dates(process: ProcessLike | None = None) -> tuple[date, ...]:
    """The sorted edge dates between ``MIN_DATE`` and ``MAX_DATE``.

    Month ends and firsts, 28 and 29 February and 1 March, mid-August, Christmas Eve to
    Boxing Day and New Year's Eve, England's bank holidays and the days either side, 1 May
    and 25 September 2020, and, given a process, the days around each rule version's
    ``effective`` dates and each exception reason's window.
    """
    edges = _calendar_edges()
    if process is None:
        return edges
    extra = {d for d in _process_edges(as_process(process)) if MIN_DATE <= d <= MAX_DATE}
    return tuple(sorted(set(edges) | extra))


def dates(
    process: ProcessLike | None = None, *, min_value: date = MIN_DATE, max_value: date = MAX_DATE
) -> st.SearchStrategy[date]:
    """Dates between ``min_value`` and ``max_value``, half of them edge dates.

    Args:
        process: Add the dates this process's rules change on (see :func:`edge_dates`).
        min_value: The earliest date.
        max_value: The latest date.
    """
    anywhere = st.dates(min_value=min_value, max_value=max_value)
    # The process's own dates are few among hundreds of calendar edges: give them their
    # own share, or a case would seldom start inside the coronavirus window.
    own = (
        sorted(d for d in _process_edges(as_process(process)) if min_value <= d <= max_value)
        if process
        else []
    )
    edges = [d for d in _calendar_edges() if min_value <= d <= max_value]
    options = [st.sampled_from(found) for found in (edges, own) if found]
    return st.one_of(*options, anywhere)
