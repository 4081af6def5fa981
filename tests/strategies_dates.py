"""Hypothesis strategies for dates, biased toward the days where counting goes wrong.

Half the examples come from a list of edge dates between 2014 and 2040: the first and
last days of months, 28 and 29 February and 1 March, England's bank holidays and the
days either side, Christmas week, the edges and middle of August, and the dates where
the law changed (1 September 2015, 1 May and 25 September 2020). The other half are any
date in the range.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from hypothesis import strategies as st

MIN_DATE = date(2014, 1, 1)
MAX_DATE = date(2040, 12, 31)

LAW_CHANGE_DATES = (date(2015, 9, 1), date(2020, 5, 1), date(2020, 9, 25))


def _edge_dates() -> tuple[date, ...]:
    """Return the sorted edge dates from MIN_DATE to MAX_DATE."""
    one_day = timedelta(days=1)
    edges: set[date] = set(LAW_CHANGE_DATES)
    for year in range(MIN_DATE.year, MAX_DATE.year + 1):
        for month in range(1, 13):
            first = date(year, month, 1)
            edges.update((first, first - one_day))
        edges.update((date(year, 2, 28), date(year, 3, 1)))
        if year % 4 == 0:
            edges.add(date(year, 2, 29))
        edges.update(date(year, 12, day) for day in range(20, 32))
        edges.update(date(year, 1, day) for day in range(1, 6))
        edges.update(date(year, 8, day) for day in (1, 2, 15, 29, 30, 31))
        edges.update((date(year, 7, 30), date(year, 7, 31), date(year, 9, 1), date(year, 9, 2)))
    bank_holidays = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(MIN_DATE.year, MAX_DATE.year + 1)
    )
    for day in bank_holidays:
        edges.update((day - one_day, day, day + one_day))
    return tuple(sorted(day for day in edges if MIN_DATE <= day <= MAX_DATE))


EDGE_DATES = _edge_dates()


def dates(min_value: date = MIN_DATE, max_value: date = MAX_DATE) -> st.SearchStrategy[date]:
    """Return a strategy for dates from min_value to max_value, half of them edge dates."""
    edges = [day for day in EDGE_DATES if min_value <= day <= max_value]
    anywhere = st.dates(min_value=min_value, max_value=max_value)
    if not edges:
        return anywhere
    return st.one_of(st.sampled_from(edges), anywhere)


def day_counts(max_value: int = 60) -> st.SearchStrategy[int]:
    """Return a strategy for counts of days, biased toward 0, 1 and common legal periods."""
    common = [n for n in (0, 1, 2, 3, 5, 10, 14, 15, 20, 28, 42) if n <= max_value]
    return st.one_of(st.sampled_from(common), st.integers(min_value=0, max_value=max_value))
