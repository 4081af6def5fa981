"""Periods of time and how the law counts them.

A `Period` is an amount and a unit ("20 weeks", "15 days", "3 working days",
"12 months"). `period_end` turns a start day, a period and a way of counting into the
last day of the period, following the counting rules of the statutory rule catalogue:

- `Counting.AFTER` ("within 6 weeks of X"): X is not counted; 6 weeks ends on X + 42.
- `Counting.BEGINNING_WITH` ("15 days beginning with X"): X is day 1; it ends on X + 14.
- Months use the corresponding date, or the month's last day when it has no such day.
- Working days skip the days a `Calendar` says are not working days.

No date is ever moved off a weekend or a bank holiday here: deadlines in the SEND
Regulations do not move. Calendars that move dates (the tribunal's) do so themselves.
"""

from __future__ import annotations

import difflib
import enum
import re
from datetime import date, timedelta

import attrs

from sendflow.time.calendars import Calendar, get_calendar

__all__ = [
    "Counting",
    "Period",
    "Unit",
    "add_months",
    "day_before",
    "describe_counting",
    "format_day",
    "period_end",
]

_ONE_DAY = timedelta(days=1)
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class Unit(enum.Enum):
    """The unit of a period, spelt as in process files."""

    DAYS = "days"
    WEEKS = "weeks"
    WORKING_DAYS = "working days"
    MONTHS = "months"

    @property
    def singular(self) -> str:
        """The unit's name for an amount of one ("week", "working day")."""
        return self.value[:-1]


class Counting(enum.Enum):
    """Whether the start day is counted as the period's first day."""

    AFTER = "after"
    BEGINNING_WITH = "beginning_with"


# Module-level aliases: looking a member up on an enum class is slow, and period_end is
# called for every clock of every case.
_DAYS = Unit.DAYS
_WEEKS = Unit.WEEKS
_MONTHS = Unit.MONTHS
_BEGINNING_WITH = Counting.BEGINNING_WITH

_ALLOWED_FORMS = "'N days', 'N weeks', 'N working days' or 'N months'"
_UNIT_WORDS: dict[str, Unit] = {}
for _unit in Unit:
    _UNIT_WORDS[_unit.value] = _unit
    _UNIT_WORDS[_unit.singular] = _unit
_PERIOD_PATTERN = re.compile(r"(-?[0-9]+)\s+([a-z][a-z\s]*)", re.ASCII)


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    """Check that a period's amount is a whole number, 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"a period's amount must be a whole number, not {value!r}"
        raise TypeError(msg)
    if value < 0:
        msg = f"a period's amount must be 0 or more, not {value}"
        raise ValueError(msg)


@attrs.frozen
class Period:
    """An amount of time in one unit, such as 20 weeks or 3 working days.

    Attributes:
        amount: How many units, 0 or more.
        unit: The unit.
    """

    amount: int = attrs.field(validator=_non_negative)
    unit: Unit = attrs.field(validator=attrs.validators.instance_of(Unit))

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period written as in process files, such as "6 weeks" or "1 working day".

        Case does not matter, and spaces around the text or between words are ignored.

        Args:
            text: The period in words.

        Raises:
            ValueError: If the text is not one of the allowed forms; the message says
                what was given, the allowed forms and, for a misspelt unit, the likely
                intended period.
        """
        match = _PERIOD_PATTERN.fullmatch(text.strip().lower())
        if match is None:
            msg = f"{text!r} is not a period; write {_ALLOWED_FORMS}, with N a whole number"
            raise ValueError(msg)
        amount_text, unit_text = match.groups()
        unit_text = " ".join(unit_text.split())
        amount = int(amount_text)
        unit = _UNIT_WORDS.get(unit_text)
        if unit is None:
            msg = f"{text!r} has an unknown unit {unit_text!r}; write {_ALLOWED_FORMS}"
            close = difflib.get_close_matches(unit_text, _UNIT_WORDS, n=1)
            if close:
                suggestion = cls(max(amount, 0), _UNIT_WORDS[close[0]])
                msg += f" (did you mean '{suggestion}'?)"
            raise ValueError(msg)
        if amount < 0:
            msg = f"{text!r} is negative; a period's amount must be 0 or more ({_ALLOWED_FORMS})"
            raise ValueError(msg)
        return cls(amount, unit)

    def __str__(self) -> str:
        word = self.unit.singular if self.amount == 1 else self.unit.value
        return f"{self.amount} {word}"


def _days_in_month(year: int, month: int) -> int:
    """Return how many days `month` of `year` has."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def _month_shift(day: date, n: int) -> tuple[int, int, int]:
    """Return the year and month `n` months after `day`'s, and how many days it has."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + n, 12)
    return year, month0 + 1, _days_in_month(year, month0 + 1)


def add_months(day: date, n: int) -> date:
    """Return the corresponding date `n` months after `day`.

    The corresponding date has the same day of the month; when the later month has no
    such day, it is that month's last day (Dodds v Walker): 31 December 2024 plus two
    months is 28 February 2025, and 31 December 2023 plus two months is 29 February 2024.
    A negative `n` counts back the same way.
    """
    year, month, length = _month_shift(day, n)
    return date(year, month, min(day.day, length))


def period_end(
    start: date,
    period: Period,
    *,
    counting: Counting = Counting.AFTER,
    calendar: Calendar | None = None,
) -> date:
    """Return the last day of `period` counted from `start` (the due date).

    With `Counting.AFTER` the start day is not counted: days and weeks end on
    start + N days (7N for weeks), months on the corresponding date, and working days on
    the N-th working day after the start. With `Counting.BEGINNING_WITH` the start day is
    day 1: days and weeks end one day earlier; months end the day before the corresponding
    date, or on the later month's last day if it has no corresponding date; working days
    count the start as day 1 if it is a working day, else the next working day is day 1.

    The result is never moved off a weekend or holiday. A period of 0 counted beginning
    with the start ends the day before it.

    Args:
        start: The day the period is counted from.
        period: The period.
        counting: Whether `start` is counted as the first day.
        calendar: Says which days are working days; only working days use it. Defaults
            to the England calendar.
    """
    unit = period.unit
    if unit is _DAYS or unit is _WEEKS:
        days = period.amount * 7 if unit is _WEEKS else period.amount
        if counting is _BEGINNING_WITH:
            days -= 1
        return start + timedelta(days=days)
    if unit is _MONTHS:
        if counting is not _BEGINNING_WITH:
            return add_months(start, period.amount)
        year, month, length = _month_shift(start, period.amount)
        if start.day > length:
            return date(year, month, length)
        return date(year, month, start.day) - _ONE_DAY
    if calendar is None:
        calendar = get_calendar("england")
    if counting is _BEGINNING_WITH:
        # Counting after the day before makes the start day 1 when it is a working day,
        # and the next working day day 1 when it is not.
        start -= _ONE_DAY
    return calendar.add_working_days(start, period.amount)


def day_before(month: int, day: int, year: int) -> date:
    """Return the last day that is "before `day` `month`" of `year`.

    "Before 15 February" is met on 14 February at the latest.
    """
    return date(year, month, day) - _ONE_DAY


def format_day(day: date) -> str:
    """Return `day` as explanations write it, such as "Mon 8 Jan 2024"."""
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def describe_counting(period: Period, counting: Counting) -> str:
    """Return the words for `period` counted from a day, such as "20 weeks after".

    Months counted beginning with the start day read "starting with", as the law writes
    them ("the period of 12 months starting with"); other units read "beginning with".
    """
    if counting is Counting.AFTER:
        return f"{period} after"
    if period.unit is Unit.MONTHS:
        return f"{period} starting with"
    return f"{period} beginning with"
