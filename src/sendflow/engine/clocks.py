"""Clocks: one running time limit inside a replay, its due date, verdict and explanation.

A clock is internal and mutable while a history is folded; what users see is the frozen
:class:`~sendflow.engine.results.TimeLimitResult` it becomes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from sendflow.definitions.model import Due, DueMode, Kind, LimitVersion, TimeLimit
from sendflow.engine.results import Status
from sendflow.time.calendars import Calendar, EnglandCalendar, TribunalCalendar, get_calendar
from sendflow.time.periods import (
    Counting,
    Period,
    Unit,
    add_months,
    day_before,
)
from sendflow.time.periods import period_end as count_period

__all__ = ["CLOCK_ORDER", "Clock", "LimitPlan"]

_ONE_DAY = timedelta(days=1)
_MAX_REMEMBERED = 20_000  # period ends remembered per rule (about 15 years of start days)

_COUNTED: dict[tuple[object, ...], dict[date, date]] = {}
"""The ends of periods counted on a calendar (months, working days, the tribunal's counted
days), by start day: one table for each calendar, way of counting and period, shared by
every rule and process that counts it (many rules count 15 or 20 working days)."""


class LimitPlan:
    """A time limit prepared for fast replay: sets for lookups, calendars resolved."""

    __slots__ = (
        "_counted",
        "_ends",
        "_moving",
        "_versions",
        "calendar",
        "conditional",
        "excusable",
        "gated",
        "guards",
        "kind",
        "kind_name",
        "limit",
        "met_by",
        "offsets",
        "once",
        "order",
        "parts",
        "per",
        "period_from",
        "positions",
        "references",
        "restart",
        "rule",
        "simple",
        "single",
        "single_offset",
        "void_by",
        "when",
        "when_given",
    )

    def __init__(
        self, limit: TimeLimit, order: int, *, closures: frozenset[date] = frozenset()
    ) -> None:
        self.limit = limit
        self._ends: dict[tuple[int, date], date | None] = {}
        # The shared table of each of the definition's periods and ways of counting.
        self._counted: dict[tuple[int, int], dict[date, date] | None] = {}
        self.rule = limit.id
        self.order = order
        self.kind = limit.kind
        self.kind_name = limit.kind.value
        self.per = limit.per
        self.restart = limit.restart
        self.conditional = limit.conditional
        self.met_by = frozenset(limit.met_by)
        self.void_by = frozenset(limit.void_by)
        self.guards = frozenset(limit.guards)
        self.excusable = frozenset(limit.excusable)
        self.when = tuple(limit.when.items())
        self.when_given = limit.when_given
        self.period_from = limit.period_from
        self.gated = bool(self.when or self.when_given)  # whether data decides if it starts
        calendar = get_calendar(limit.calendar)
        closures = closures | limit.closures  # a local rule's own closures calendar
        # A council's closures are its own working days, not the tribunal's.
        if (
            closures
            and isinstance(calendar, EnglandCalendar)
            and not isinstance(calendar, TribunalCalendar)
        ):
            calendar = calendar.with_closures(closures)
        self.calendar: Calendar = calendar
        # What moves a due date that falls on a day it cannot: the end of proceedings that
        # may not end in August or at Christmas, the next working day, or nothing.
        self._moving: Callable[[date], date] | None = None
        if isinstance(calendar, TribunalCalendar) and limit.tribunal_act == (
            "starting-proceedings"
        ):
            self._moving = calendar.proceedings_end
        elif limit.next_working_day:
            self._moving = calendar.next_working_day
        self.references = {id(v): str(v.reference or "") for v in limit.versions}
        self.positions = {id(v): at for at, v in enumerate(limit.versions)}  # by identity
        self.parts = tuple(dict.fromkeys(e for v in limit.versions for e, _ in v.due.parts))
        self.offsets = {id(v): offset for v in limit.versions if (offset := self._offset(v))}
        # Each version's first and last start day and its variant's conditions, unpacked.
        self._versions = tuple(
            (
                v.effective_from or date.min,
                v.effective_to or date.max,
                tuple((field, frozenset(values)) for field, values in v.when.items()),
                v,
            )
            for v in limit.versions
        )
        only = limit.versions[0] if len(limit.versions) == 1 else None
        # The one version in force for every clock, when no date or data chooses it.
        self.single = (
            only
            if only is not None
            and only.effective_from is None
            and only.effective_to is None
            and not only.when
            else None
        )
        # Its due date's distance from the start, when that is one for every start day.
        self.single_offset = None if self.single is None else self.offsets.get(id(self.single))
        # Whether a clock starts the first time a starting event comes (whose data meets
        # the rule's conditions, if any): one clock per case, never restarted, one version
        # for every start.
        self.simple = self.per is None and not self.restart and self.single is not None
        self.once = (self.rule, None)  # the one clock's key among those started

    def _offset(self, version: LimitVersion) -> timedelta | None:
        """The due date's distance from the start, when it is one for every start day."""
        due = version.due
        period = due.period
        if (
            due.mode is not DueMode.PERIOD
            or period is None
            or self.period_from is not None
            or period.unit not in (Unit.DAYS, Unit.WEEKS)
            or self.kind is Kind.LEAD_TIME
            or isinstance(self.calendar, TribunalCalendar)
            or self.limit.next_working_day
        ):
            return None
        days = period.amount * (7 if period.unit is Unit.WEEKS else 1)
        if due.counting is Counting.BEGINNING_WITH and self.kind is not Kind.MINIMUM:
            days -= 1
        return timedelta(days=days)

    def version_for(self, on: date, data: Mapping[str, Any]) -> LimitVersion | None:
        """The version for a clock starting ``on`` with ``data`` (``TimeLimit.version_for``)."""
        for first, last, when, version in self._versions:
            if first <= on <= last:
                for field, values in when:
                    if str(data.get(field)) not in values:
                        break
                else:
                    return version
        return None

    def missing_data(self, version: LimitVersion, data: Mapping[str, Any]) -> str | None:
        """The data field a variant needs for its due date and ``data`` lacks, if any.

        A variant is chosen by the starting event's data, so the date or year its due date
        is read from is required whenever it applies (a post-16 to post-16 transfer needs
        the transfer date); a plain rule may leave it for later.
        """
        due = version.due
        if not version.when or due.mode not in (DueMode.FROM_DATA, DueMode.BEFORE):
            return None
        field = due.field or ""
        return None if data.get(field) not in (None, "") else field

    def applies(self, data: Mapping[str, Any]) -> bool:
        """Whether an occurrence of a starting event with ``data`` starts this clock."""
        for field, values in self.when:
            if str(data.get(field)) not in values:
                return False
        return all(data.get(field) for field in self.when_given)

    def due(
        self, version: LimitVersion, start: date, data: Mapping[str, Any], seen: Mapping[str, date]
    ) -> date | None:
        """The due date of a clock of this rule started on ``start`` with ``data``."""
        if self.period_from is not None:
            given = self.given_period(data)
            if given is not None:
                # A period the starting event carries (one the tribunal directs) replaces
                # the version's own due date.
                return self._move(self._count_now(start, given, version.due.counting))
        offset = self.offsets.get(id(version))
        if offset is not None:
            return start + offset
        due = version.due
        mode = due.mode
        if mode is DueMode.PERIOD:
            return self.period_due(version, start)
        if mode is DueMode.FIXED:
            return due.fixed
        if mode is DueMode.FROM_DATA:
            value = data.get(due.field or "")
            if not isinstance(value, date):
                return None
            if due.period is not None:
                # "At least five months before the transfer": the last day that is that
                # long before it, counted back as a lead time is.
                return self.anchor_due(value, due.period)
            return self._move(value)
        if mode is DueMode.BEFORE:
            assert due.month is not None
            assert due.day is not None
            year = data.get(due.field or "")
            return day_before(due.month, due.day, year) if isinstance(year, int) else None
        counting = due.counting
        dates = [self._count(seen[e], p, counting) for e, p in due.parts if e in seen]
        for field in due.dates_from:
            given = data.get(field)
            if isinstance(given, date):
                dates.append(given)
        if not dates:
            return None
        return self._move(max(dates) if mode is DueMode.LATER_OF else min(dates))

    def given_period(self, data: Mapping[str, Any]) -> Period | None:
        """The period in the starting event's ``period_from`` field, if it carries one."""
        text = data.get(self.period_from or "")
        return Period.parse(text) if isinstance(text, str) and text.strip() else None

    def period_due(self, version: LimitVersion, start: date) -> date | None:
        """The due date of ``version``'s period counted from ``start``.

        A period's end depends only on the version and the start: counting working days
        or months is remembered by start day, as cases share start days.
        """
        known = self._ends.get((id(version), start))
        if known is None:
            known = self._period_due(version.due, start)
            if len(self._ends) >= _MAX_REMEMBERED:
                self._ends.clear()
            self._ends[(id(version), start)] = known
        return known

    def _period_due(self, due: Due, start: date) -> date | None:
        assert due.period is not None
        if self.kind is Kind.LEAD_TIME:
            return None
        end = self._count(start, due.period, due.counting)
        if self.kind is Kind.MINIMUM:
            # The guarded event may come on the first day after the window.
            return end + _ONE_DAY if due.counting is Counting.BEGINNING_WITH else end
        return self._move(end)

    @staticmethod
    def anchor_due(anchor: date, period: Period) -> date:
        """The last day the earlier event could come to be ``period`` before ``anchor``."""
        if period.unit is Unit.MONTHS:
            return add_months(anchor, -period.amount)
        if period.unit is Unit.WORKING_DAYS:
            raise ValueError("a lead time is counted in days, weeks or months")
        days = period.amount * (7 if period.unit is Unit.WEEKS else 1)
        return anchor - timedelta(days=days)

    def _count(self, start: date, period: Period, counting: Counting) -> date:
        """The end of ``period`` counted from ``start``; ``period`` belongs to the definition.

        Counting on a calendar is remembered by start day in a table shared with every
        rule that counts the same period the same way on an equal calendar.
        """
        key = (id(period), id(counting))
        try:
            table = self._counted[key]
        except KeyError:
            table = self._counted[key] = self._table(period, counting)
        if table is None:
            return self._count_now(start, period, counting)
        known = table.get(start)
        if known is None:
            known = self._count_now(start, period, counting)
            if len(table) >= _MAX_REMEMBERED:
                table.clear()
            table[start] = known
        return known

    def _table(self, period: Period, counting: Counting) -> dict[date, date] | None:
        """The shared table of ends of ``period``, or ``None`` when adding days is enough."""
        counted = isinstance(self.calendar, TribunalCalendar) and self.limit.tribunal_act == (
            "other"
        )
        if period.unit in (Unit.DAYS, Unit.WEEKS) and not counted:
            return None
        key = (self.calendar, counted, period.amount, period.unit.value, counting.value)
        return _COUNTED.setdefault(key, {})

    def _count_now(self, start: date, period: Period, counting: Counting) -> date:
        calendar = self.calendar
        if (
            isinstance(calendar, TribunalCalendar)
            and self.limit.tribunal_act == "other"
            and period.unit in (Unit.DAYS, Unit.WEEKS)
        ):
            days = period.amount * (7 if period.unit is Unit.WEEKS else 1)
            return calendar.add_counted_days(start, days)
        return count_period(start, period, counting=counting, calendar=calendar)

    def _move(self, day: date) -> date:
        move = self._moving
        if move is None:
            return day
        return move(day)


class Clock:
    """One clock of one rule in one case, as the history is folded.

    Only what every clock has is set when it starts; the rest reads the class defaults
    until an event changes it (replay makes many clocks, and most stay simple). The
    ``*_at`` fields hold positions in the legal-order history, so that a replay program
    (``sendflow.engine.programs``) can redo a fold on the dates of another history.
    """

    due_on: date | None = None
    met_on: date | None = None
    met_by: str | None = None
    end_at: int = -1
    anchor: date | None = None
    anchor_at: int = -1
    closed_on: date | None = None
    closed_at: int = -1
    voided: bool = False
    void_event: str | None = None
    superseded: bool = False
    exceptions: tuple[tuple[str, date], ...] = ()
    exception_at: tuple[int, ...] = ()
    parts_at: dict[str, int] | None = None
    reopened_by: str | None = None
    reopened_on: date | None = None
    reopened_at: int = -1
    status: Status = Status.PENDING
    days_late: int = 0

    def __init__(
        self,
        plan: LimitPlan,
        version: LimitVersion,
        key: str | None,
        start_event: str,
        started_on: date,
        data: Mapping[str, Any],
        at: int = -1,
    ) -> None:
        self.plan = plan
        self.order = plan.order
        self.version = version
        self.key = key
        self.start_event = start_event
        self.started_on = started_on
        self.data = data
        self.start_at = at

    def add_exception(self, reason: str, on: date, at: int) -> None:
        """Record that an exception with ``reason`` was recorded ``on`` a date while it ran."""
        self.exceptions = (*self.exceptions, (reason, on))
        self.exception_at = (*self.exception_at, at)

    def verdict(self, as_of: date) -> tuple[Status, int]:
        """The status and days late as of ``as_of``."""
        kind = self.plan.kind
        due = self.due_on
        if kind is Kind.MINIMUM:
            return self._minimum(as_of), 0
        if kind is Kind.LEAD_TIME:
            return self._lead_time()
        if self.voided:
            return Status.VOID, 0
        if self.met_on is not None:
            if due is None or self.met_on <= due:
                return Status.MET, 0
            return self._excused(Status.LATE), (self.met_on - due).days
        stop = self.closed_on
        if stop is not None:
            if self.plan.conditional or due is None or stop <= due:
                return Status.VOID, 0
            return self._excused(Status.OVERDUE), (stop - due).days
        if due is None or as_of <= due or self.plan.conditional:
            return Status.PENDING, 0
        return self._excused(Status.OVERDUE), (as_of - due).days

    def _lead_time(self) -> tuple[Status, int]:
        due = self.due_on
        if self.anchor is None or due is None:
            return (Status.VOID if self.closed_on is not None or self.voided else Status.PENDING), 0
        if self.met_on is not None and self.met_on <= due:
            return Status.MET, 0
        return self._excused(Status.LATE), ((self.met_on or self.anchor) - due).days

    def _minimum(self, as_of: date) -> Status:
        due = self.due_on
        assert due is not None
        if self.met_on is not None:
            return Status.VIOLATED if self.met_on < due else Status.RESPECTED
        if self.voided or (self.closed_on is not None and self.closed_on < due):
            return Status.VOID
        return Status.PENDING if as_of < due else Status.RESPECTED

    def _excused(self, status: Status) -> Status:
        return Status.EXCUSED if self.exceptions else status


CLOCK_ORDER = operator.attrgetter("start_at", "order")
"""The order results are given in: the order the clocks started (the starting event's
place in the legal-order history), clocks one event starts in definition order."""
