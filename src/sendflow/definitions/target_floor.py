"""Proving that each local target is no longer than the statutory rule it tightens.

"No longer" must hold for every start date: "30 working days" is shorter than 6 weeks
from most days but longer across Christmas or two bank holidays, and a council's own
closures make working days longer still. Where both periods are a fixed number of days,
or both are months counted the same way, one comparison settles it; otherwise every start
date in :data:`SPAN` is counted both ways (with the target's closures) and the first date
on which the target falls due after the law is named.

Counting both ways is done once per side: the due dates of every start date, as day
numbers, for one rule version on one calendar (:func:`due_ordinals`), kept for the next
target or overlay that needs the same side (the law's side is shared by every target of
the rule). Days, weeks, months and working days are counted there by arithmetic and
look-up; anything else date by date as the engine counts it. A test checks each against
the engine's count for every start date.
"""

from __future__ import annotations

import bisect
import functools
import operator
from array import array
from calendar import monthrange
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from sendflow.definitions.model import DueMode, Kind, LimitVersion, Process, TimeLimit
from sendflow.definitions.source import Path, Source
from sendflow.errors import Problem
from sendflow.time.calendars import Calendar, EnglandCalendar, TribunalCalendar, get_calendar
from sendflow.time.periods import Counting, Period, Unit, add_months, format_day, period_end

__all__ = ["SPAN", "due_for", "due_ordinals", "first_failure", "target_problems"]

SPAN = (date(2000, 1, 1), date(2060, 12, 31))
"""The start dates every target is checked over, both included (within a version's dates)."""

_ONE_DAY = timedelta(days=1)
_WORKING: dict[int, list[int]] = {}
_FIXED = (Unit.DAYS, Unit.WEEKS)


def target_problems(process: Process, source: Source) -> list[Problem]:
    """A problem for each local target that could fall due after its statutory rule."""
    statutory = process.statutory
    found: list[Problem] = []
    for limit in process.time_limits.values():
        law = statutory.time_limits.get(limit.target_of or "")
        if not limit.local or law is None:
            continue
        for path, message in _problems(limit, law):
            found.append(source.problem(path, message))
    return found


def _problems(target: TimeLimit, law: TimeLimit) -> Iterator[tuple[Path, str]]:
    path: Path = ("time_limits", target.id)
    cite = f"the statutory rule {law.id} ({law.reference or 'no reference'})"
    if target.kind is not law.kind:
        yield (
            (*path, "kind"),
            f"the target is a {target.kind.value} but {cite} is a {law.kind.value}. Leave "
            "'kind' out: a target takes its rule's kind.",
        )
        return
    if set(target.starts) != set(law.starts):
        yield (
            (*path, "starts"),
            f"the target starts on {', '.join(target.starts)} but {cite} starts on "
            f"{', '.join(law.starts)}; a target is counted from the same event as its rule "
            "so that the two can be compared. Leave 'starts' out.",
        )
        return
    for version in law.versions:
        if version.due.mode is not DueMode.PERIOD:
            yield (
                (*path, "target_of"),
                f"{cite} falls due on a date that is not a period from its start, so no "
                "local target can be proved no longer than it. Remove this target.",
            )
            return
    for mine in target.versions:
        for version in law.versions:
            failed = first_failure(target, mine, law, version)
            if failed is None:
                continue
            start, ours, theirs = failed
            assert version.due.period is not None
            assert mine.due.period is not None
            longer = "later than" if target.kind is Kind.DEADLINE else "earlier than"
            yield (
                (*path, "period"),
                f"the target '{mine.due.period}' is longer than {cite} "
                f"('{version.due.period}') for some start dates: for a clock starting "
                f"{format_day(start)} the target falls due {format_day(ours)}, {longer} the "
                f"law's {format_day(theirs)}. Write the target in the rule's own units, no "
                f"longer than '{version.due.period}' (for example "
                f"'{_shorter(version)}').",
            )
            break


def first_failure(
    target: TimeLimit, mine: LimitVersion, law: TimeLimit, version: LimitVersion
) -> tuple[date, date, date] | None:
    """The first start date on which ``mine`` is longer than the law's ``version``.

    Returns ``(start, target's due date, law's due date)``, or ``None`` when the target is
    no longer for every start date in :data:`SPAN` within the version's effective dates.
    """
    first = max(SPAN[0], version.effective_from or SPAN[0])
    last = min(SPAN[1], version.effective_to or SPAN[1])
    ours_calendar = _calendar(target)
    theirs_calendar = _calendar(law, statutory=True)
    fits = _fits(target.kind)
    if _settled_by_one(target, mine, law, version):
        ours = _end(target, mine, first, ours_calendar)
        theirs = _end(law, version, first, theirs_calendar)
        return None if fits(ours, theirs) else (first, ours, theirs)
    quick = _working_days_against_fixed(target, mine, law, version, ours_calendar)
    if quick is not None:
        found = quick(first, last)
        if found is None:
            return None
        first = last = found  # the first failure: worked out in full below
    if first > last:
        return None
    ours_days = due_ordinals(target, mine, first, last, statutory=False)
    theirs_days = due_ordinals(law, version, first, last, statutory=True)
    if all(map(fits, ours_days, theirs_days)):
        return None
    for index, (ours_day, theirs_day) in enumerate(zip(ours_days, theirs_days, strict=True)):
        if not fits(ours_day, theirs_day):
            start = first + timedelta(days=index)
            return start, _end(target, mine, start, ours_calendar), date.fromordinal(theirs_day)
    raise AssertionError("unreachable: some start date failed")  # pragma: no cover


def _working_days_against_fixed(
    target: TimeLimit, mine: LimitVersion, law: TimeLimit, version: LimitVersion, calendar: Calendar
) -> Callable[[date, date], date | None] | None:
    """A fast scan for a deadline in working days against a deadline of days or weeks.

    Walks the start dates in order with a pointer into the working days, so that each
    date costs a few integer steps; returns the scan (first failing date, or ``None``),
    or ``None`` when the two rules are not of this common kind.
    """
    ours, theirs = mine.due.period, version.due.period
    if (
        ours is None
        or theirs is None
        or ours.unit is not Unit.WORKING_DAYS
        or ours.amount == 0
        or theirs.unit not in _FIXED
        or target.kind is not Kind.DEADLINE
        or law.kind is not Kind.DEADLINE
        or law.next_working_day
        or law.calendar == "tribunal"
        or isinstance(calendar, TribunalCalendar)
    ):
        return None
    offset = theirs.amount * (7 if theirs.unit is Unit.WEEKS else 1)
    offset -= 1 if version.due.counting is Counting.BEGINNING_WITH else 0
    shift = 1 if mine.due.counting is Counting.BEGINNING_WITH else 0
    days, n = _working_days(calendar), ours.amount

    def scan(first: date, last: date) -> date | None:
        index = bisect.bisect_right(days, first.toordinal() - shift)
        for start in range(first.toordinal(), last.toordinal() + 1):
            while days[index] <= start - shift:
                index += 1
            if days[index + n - 1] > start + offset:
                return date.fromordinal(start)
        return None

    return scan


def due_ordinals(
    limit: TimeLimit, version: LimitVersion, first: date, last: date, *, statutory: bool
) -> array[int]:
    """The day number of the due date of a clock starting on each day from first to last.

    Each entry is ``due_for(limit, version, start, statutory=statutory).toordinal()``
    (``statutory``: counted on the law's calendar, without the council's closures), for
    start dates within :data:`SPAN`. Periods of days, weeks, months and working days on
    the England calendar are counted by arithmetic and look-up, and kept for the next
    caller with the same period, counting, kind and calendar; any other date by date.
    """
    due = version.due
    period = due.period
    assert period is not None
    closures = frozenset() if statutory else limit.closures
    if (
        limit.kind is Kind.LEAD_TIME
        or limit.next_working_day
        or limit.calendar == "tribunal"
        or (period.unit is Unit.WORKING_DAYS and period.amount == 0)
    ):
        calendar = _calendar_with(limit.calendar, closures)
        days = range(first.toordinal(), last.toordinal() + 1)
        return array(
            "l", (_end(limit, version, date.fromordinal(day), calendar).toordinal() for day in days)
        )
    minimum = limit.kind is Kind.MINIMUM
    return _due_ordinals(period, due.counting, minimum, limit.calendar, closures, first, last)


@functools.lru_cache(maxsize=32)
def _due_ordinals(
    period: Period,
    counting: Counting,
    minimum: bool,
    calendar_name: str,
    closures: frozenset[date],
    first: date,
    last: date,
) -> array[int]:
    start, stop = first.toordinal(), last.toordinal() + 1
    beginning = counting is Counting.BEGINNING_WITH
    if period.unit in _FIXED:
        days = period.amount * (7 if period.unit is Unit.WEEKS else 1) - beginning
        found = array("l", range(start + days, stop + days))
    elif period.unit is Unit.MONTHS:
        found = _month_ends(first, last, period.amount, beginning=beginning)
    else:
        working = _working_days(_calendar_with(calendar_name, closures))
        index = bisect.bisect_right(working, start - 1 - beginning)
        found = array("l")
        n = period.amount - 1
        for day in range(start, stop):
            while working[index] <= day - beginning:
                index += 1
            found.append(working[index + n])
    if minimum and beginning:
        found = array("l", (day + 1 for day in found))
    return found


def _month_ends(first: date, last: date, months: int, *, beginning: bool) -> array[int]:
    """The ends of ``months`` months from each day from first to last, as day numbers."""
    found = array("l")
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        later_year, later0 = divmod(year * 12 + month - 1 + months, 12)
        length = monthrange(later_year, later0 + 1)[1]
        before = date(later_year, later0 + 1, 1).toordinal() - 1
        low = first.day if (year, month) == (first.year, first.month) else 1
        high = last.day if (year, month) == (last.year, last.month) else monthrange(year, month)[1]
        for day in range(low, high + 1):
            if day > length:
                found.append(before + length)
            else:
                found.append(before + day - beginning)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _fits(kind: Kind) -> Callable[[Any, Any], bool]:
    """How a target keeps the law: falling due no later, or for a minimum, ending no earlier.

    A minimum period target that ends no earlier gives the family at least as long.
    """
    return operator.ge if kind is Kind.MINIMUM else operator.le


def _settled_by_one(
    target: TimeLimit, mine: LimitVersion, law: TimeLimit, version: LimitVersion
) -> bool:
    """Whether one start date decides every start date.

    Two periods of days or weeks are a fixed distance apart whatever the date, unless the
    law moves its date off non-working days. Months against months counted the same way
    keep their order on every date.
    """
    ours, theirs = mine.due.period, version.due.period
    if ours is None or theirs is None or law.calendar == "tribunal" or law.next_working_day:
        return False
    if ours.unit in _FIXED and theirs.unit in _FIXED:
        return True
    return (
        ours.unit is Unit.MONTHS
        and theirs.unit is Unit.MONTHS
        and mine.due.counting is version.due.counting
        and law.kind is not Kind.MINIMUM
    )


def _calendar(limit: TimeLimit, *, statutory: bool = False) -> Calendar:
    return _calendar_with(limit.calendar, frozenset() if statutory else limit.closures)


@functools.lru_cache(maxsize=16)
def _calendar_with(name: str, closures: frozenset[date]) -> Calendar:
    calendar = get_calendar(name)
    if closures and isinstance(calendar, EnglandCalendar):
        return calendar.with_closures(closures)
    return calendar


def _working_days(calendar: Calendar) -> list[int]:
    """The ordinals of the calendar's working days, from before :data:`SPAN` to after it.

    With them, the n-th working day after a date is one look-up.

    Kept by the calendar's identity: the calendars come from :func:`_calendar_with`, which
    keeps them, and hashing a calendar with closures is slow.
    """
    found = _WORKING.get(id(calendar))
    if found is None:
        first = date(SPAN[0].year - 1, 1, 1).toordinal()
        last = date(SPAN[1].year + 3, 12, 31).toordinal()
        is_working = calendar.is_working_day
        found = [day for day in range(first, last + 1) if is_working(date.fromordinal(day))]
        _WORKING[id(calendar)] = found
    return found


def _add_working_days(calendar: Calendar, start: date, n: int) -> date:
    """``calendar.add_working_days(start, n)``, by look-up (the same answer, checked in tests)."""
    days = _working_days(calendar)
    if n == 0:
        return start
    return date.fromordinal(days[bisect.bisect_right(days, start.toordinal()) + n - 1])


def due_for(limit: TimeLimit, version: LimitVersion, start: date, *, statutory: bool) -> date:
    """The due date the floor check gives a clock of ``limit`` starting ``start``.

    ``statutory``: counted on the law's calendar, without the council's closures.
    """
    return _end(limit, version, start, _calendar(limit, statutory=statutory))


def _end(limit: TimeLimit, version: LimitVersion, start: date, calendar: Calendar) -> date:
    """The due date of a clock of ``limit`` starting ``start``, as the engine counts it."""
    due = version.due
    period = due.period
    assert period is not None
    if limit.kind is Kind.LEAD_TIME:
        if period.unit is Unit.MONTHS:
            return add_months(start, -period.amount)
        return start - timedelta(days=period.amount * (7 if period.unit is Unit.WEEKS else 1))
    if (
        isinstance(calendar, TribunalCalendar)
        and limit.tribunal_act == "other"
        and period.unit in _FIXED
    ):
        end = calendar.add_counted_days(
            start, period.amount * (7 if period.unit is Unit.WEEKS else 1)
        )
    elif period.unit is Unit.WORKING_DAYS and not isinstance(calendar, TribunalCalendar):
        before = start - _ONE_DAY if due.counting is Counting.BEGINNING_WITH else start
        end = _add_working_days(calendar, before, period.amount)
    else:
        end = period_end(start, period, counting=due.counting, calendar=calendar)
    if limit.kind is Kind.MINIMUM:
        return end + _ONE_DAY if due.counting is Counting.BEGINNING_WITH else end
    if isinstance(calendar, TribunalCalendar) and limit.tribunal_act == "starting-proceedings":
        return calendar.proceedings_end(end)
    if limit.next_working_day:
        return calendar.next_working_day(end)
    return end


def _shorter(version: LimitVersion) -> str:
    period = version.due.period
    assert period is not None
    if period.unit is Unit.WEEKS and period.amount > 1:
        return f"{period.amount - 1} weeks"
    return str(period)
