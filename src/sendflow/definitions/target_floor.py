"""Proving that each local target is no longer than the statutory rule it tightens.

"No longer" must hold for every start date: "30 working days" is shorter than 6 weeks
from most days but longer across Christmas or two bank holidays, and a council's own
closures make working days longer still. Where both periods are a fixed number of days,
or both are months counted the same way, one comparison settles it; otherwise every start
date in :data:`SPAN` is counted both ways (with the target's closures) and the first date
on which the target falls due after the law is named.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from sendflow.definitions.model import DueMode, Kind, LimitVersion, Process, TimeLimit
from sendflow.definitions.source import Path, Source
from sendflow.errors import Problem
from sendflow.time.calendars import Calendar, EnglandCalendar, TribunalCalendar, get_calendar
from sendflow.time.periods import Counting, Unit, add_months, format_day, period_end

__all__ = ["SPAN", "first_failure", "target_problems"]

SPAN = (date(2000, 1, 1), date(2060, 12, 31))
"""The start dates every target is checked over, both included (within a version's dates)."""

_ONE_DAY = timedelta(days=1)
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
    day = first
    while day <= last:
        ours = _end(target, mine, day, ours_calendar)
        theirs = _end(law, version, day, theirs_calendar)
        if not fits(ours, theirs):
            return day, ours, theirs
        day += _ONE_DAY
    return None


def _fits(kind: Kind) -> Callable[[date, date], bool]:
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
    calendar = get_calendar(limit.calendar)
    if not statutory and limit.closures and isinstance(calendar, EnglandCalendar):
        return calendar.with_closures(limit.closures)
    return calendar


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
