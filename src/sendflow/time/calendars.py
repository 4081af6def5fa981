"""Working-day calendars for England and for the First-tier Tribunal.

A calendar answers one question quickly: is this day a working day? Everything else
(the next working day, adding working days, the name of a holiday) is built on that
answer.

- `EnglandCalendar`: Monday to Friday, except bank holidays in England and Wales,
  Christmas Day and Good Friday, and except any closure dates a council adds.
- `TribunalCalendar`: the same working days (Tribunal Rules r.1(3)), plus the rules of
  r.12 for special educational needs cases, which do not count the days from 25 December
  to 1 January or the days of August.

`get_calendar` returns shared instances by name; `load_closures` reads a council's
closure-dates file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Literal, Protocol, Self, overload

from sendflow.time.bank_holidays import bank_holidays
from sendflow.time.closures import load_closures

__all__ = [
    "CALENDAR_NAMES",
    "Calendar",
    "EnglandCalendar",
    "TribunalCalendar",
    "get_calendar",
    "load_closures",
]

CALENDAR_NAMES: tuple[str, ...] = ("england", "tribunal")

_ONE_DAY = timedelta(days=1)
_WEEKEND_NAMES = ("Saturday", "Sunday")
_CLOSURE_NAME = "council closure"


class Calendar(Protocol):
    """What the rest of sendflow needs from a working-day calendar."""

    @property
    def name(self) -> str:
        """The calendar's name, as process files spell it."""
        ...

    def is_working_day(self, day: date) -> bool:
        """Return whether `day` is a working day."""
        ...

    def next_working_day(self, day: date) -> date:
        """Return `day` if it is a working day, otherwise the first working day after it."""
        ...

    def add_working_days(self, start: date, n: int) -> date:
        """Return the n-th working day after `start`, not counting `start` itself."""
        ...

    def holiday_name(self, day: date) -> str | None:
        """Return why `day` is not a working day, or None if it is one."""
        ...


class EnglandCalendar:
    """Working days in England: Monday to Friday, except bank holidays and closures.

    Bank holidays in England and Wales come from the holidays package (through the table
    of :mod:`sendflow.time.bank_holidays`); Christmas Day and Good Friday are always days
    off. A council may add its own closure dates, which are
    then not working days either.

    Args:
        closures: Extra days that are not working days (a council's closures).
        name: The calendar's name, as process files spell it.
    """

    def __init__(self, closures: Iterable[date] = (), *, name: str = "england") -> None:
        self._name = name
        self._closures = frozenset(closures)
        for day in self._closures:
            if isinstance(day, datetime) or not isinstance(day, date):
                msg = f"closure dates must be dates, not {type(day).__name__} ({day!r})"
                raise TypeError(msg)
        # Holidays and closures by year, filled on first use of each year.
        self._by_year: dict[int, frozenset[date]] = {}

    @property
    def name(self) -> str:
        """The calendar's name, as process files spell it."""
        return self._name

    @property
    def closures(self) -> frozenset[date]:
        """The council closure dates this calendar adds to the bank holidays."""
        return self._closures

    def with_closures(self, closures: Iterable[date]) -> Self:
        """Return a calendar of the same kind with `closures` added to this one's."""
        return type(self)(self._closures.union(closures), name=self._name)

    def _non_working(self, year: int) -> frozenset[date]:
        """Return the named days off in `year` (holidays and closures), caching them."""
        days = self._by_year.get(year)
        if days is None:
            days = frozenset(bank_holidays(year)).union(
                day for day in self._closures if day.year == year
            )
            self._by_year[year] = days
        return days

    def is_working_day(self, day: date) -> bool:
        """Return whether `day` is a working day."""
        if day.weekday() > 4:
            return False
        days = self._by_year.get(day.year)
        if days is None:
            days = self._non_working(day.year)
        return day not in days

    def next_working_day(self, day: date) -> date:
        """Return `day` if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """Return the n-th working day after `start`, not counting `start` itself.

        Args:
            start: The day the count starts from; it is never counted.
            n: How many working days to count, 0 or more; 0 returns `start`.

        Raises:
            ValueError: If `n` is negative.
        """
        if n < 0:
            msg = f"the number of working days must be 0 or more, not {n}"
            raise ValueError(msg)
        day = start
        while n:
            day += _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def holiday_name(self, day: date) -> str | None:
        """Return why `day` is not a working day, or None if it is one.

        A bank holiday's gov.uk name comes first ("Spring bank holiday", "Christmas Day
        (substitute day)"), then "council closure", then "Saturday" or "Sunday".
        """
        name = bank_holidays(day.year).get(day)
        if name is not None:
            return name
        if day in self._closures:
            return _CLOSURE_NAME
        weekday = day.weekday()
        if weekday > 4:
            return _WEEKEND_NAMES[weekday - 5]
        return None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EnglandCalendar):
            return NotImplemented
        return (type(self), self._name, self._closures) == (
            type(other),
            other._name,
            other._closures,
        )

    def __hash__(self) -> int:
        return hash((type(self), self._name, self._closures))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<{len(self._closures)} closures>, name={self._name!r})"


def _in_christmas(day: date) -> bool:
    """Return whether `day` falls from 25 December to 1 January inclusive."""
    return (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day == 1)


def _next_uncounted(day: date) -> tuple[date, date]:
    """Return the first and last day of the next uncounted run of days after `day`.

    The run starts on the first uncounted day strictly after `day` (it may be the day
    after it, when `day` is inside the run).
    """
    later = day + _ONE_DAY
    year = later.year
    if later <= date(year, 1, 1):
        return later, later
    if later < date(year, 8, 1):
        return date(year, 8, 1), date(year, 8, 31)
    if later.month == 8:
        return later, date(year, 8, 31)
    if later < date(year, 12, 25):
        return date(year, 12, 25), date(year + 1, 1, 1)
    return later, date(year + 1, 1, 1)


class TribunalCalendar(EnglandCalendar):
    """Working days as the England calendar (Tribunal Rules r.1(3)); adds the SEN rules of r.12.

    In a special educational needs case, r.12(3) treats the days from 25 December to
    1 January and the days of August specially: a period for starting proceedings that
    ends in them ends on the first working day after them, and they are not counted for
    any other act unless the tribunal directs a date.

    Args:
        closures: Extra days that are not working days.
        name: The calendar's name, as process files spell it.
    """

    def __init__(self, closures: Iterable[date] = (), *, name: str = "tribunal") -> None:
        super().__init__(closures, name=name)

    @staticmethod
    def in_christmas_or_august(day: date) -> bool:
        """Return whether `day` is from 25 December to 1 January inclusive, or in August."""
        return day.month == 8 or _in_christmas(day)

    def proceedings_end(self, day: date) -> date:
        """Return the last day for starting proceedings when the period ends on `day`.

        A period ending from 25 December to 1 January ends on the first working day after
        1 January; one ending in August ends on the first working day after 31 August
        (r.12(3)(a)). Otherwise a period ending on a non-working day ends on the next
        working day (r.12(2)). The r.12(2) move is not followed by a second r.12(3)(a)
        move: a period ending on Saturday 31 July 2021 ends on Monday 2 August 2021,
        because the period itself did not end in August.
        """
        if day.month == 8:
            return self.next_working_day(date(day.year, 9, 1))
        if day.month == 12 and day.day >= 25:
            return self.next_working_day(date(day.year + 1, 1, 2))
        if day.month == 1 and day.day == 1:
            return self.next_working_day(date(day.year, 1, 2))
        return self.next_working_day(day)

    def add_counted_days(self, start: date, n: int) -> date:
        """Return the last day for a tribunal act due `n` counted days after `start`.

        The days from 25 December to 1 January and the days of August are not counted
        (r.12(3)(b)); the day reached is then moved to the next working day if it is not
        one (r.12(2)). Where the tribunal directs a date, r.12(4) says not to use this.

        Args:
            start: The day the count starts from; it is never counted.
            n: How many days to count, 0 or more.

        Raises:
            ValueError: If `n` is negative.
        """
        if n < 0:
            msg = f"the number of days must be 0 or more, not {n}"
            raise ValueError(msg)
        day = start
        while n:
            first, last = _next_uncounted(day)
            counted = (first - day).days - 1
            if n <= counted:
                day += timedelta(days=n)
                break
            n -= counted
            day = last
        return self.next_working_day(day)


_SHARED: Mapping[str, EnglandCalendar] = MappingProxyType(
    {"england": EnglandCalendar(), "tribunal": TribunalCalendar()}
)


@overload
def get_calendar(name: Literal["england"]) -> EnglandCalendar: ...
@overload
def get_calendar(name: Literal["tribunal"]) -> TribunalCalendar: ...
@overload
def get_calendar(name: str) -> Calendar: ...
def get_calendar(name: str) -> Calendar:
    """Return the shared calendar called `name`.

    Args:
        name: One of `CALENDAR_NAMES`.

    Raises:
        ValueError: If no calendar has that name; the message lists the names.
    """
    calendar = _SHARED.get(name)
    if calendar is None:
        allowed = ", ".join(repr(known) for known in CALENDAR_NAMES)
        msg = f"unknown calendar {name!r}; the calendars are {allowed}"
        close = difflib.get_close_matches(str(name).lower(), CALENDAR_NAMES, n=1)
        if close:
            msg += f" (did you mean {close[0]!r}?)"
        raise ValueError(msg)
    return calendar
