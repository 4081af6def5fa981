"""Explanations: how a clock's due date and verdict were derived, in plain words.

Every result carries one, with the rule's citation; reports and ``sendflow check`` show it.
"""

from __future__ import annotations

from datetime import date, timedelta

from sendflow.definitions.model import Due, DueMode, Evidence, Kind
from sendflow.engine.clocks import Clock
from sendflow.engine.results import Status, TimeLimitResult
from sendflow.time.periods import Period, Unit, describe_counting, format_day

__all__ = ["explain", "settle"]

_ONE_DAY = timedelta(days=1)
# The result record's own constructor, without the keyword handling of a named tuple's.
_make_result = tuple.__new__


def settle(clock: Clock, as_of: date) -> TimeLimitResult:
    """The frozen result of a clock, as settled for ``as_of``; its words made when read."""
    plan = clock.plan
    limit = plan.limit
    exceptions = clock.exceptions
    return _make_result(
        TimeLimitResult,
        (
            plan.rule,
            clock.key,
            plan.kind_name,
            limit.duty,
            clock.started_on,
            clock.due_on,
            clock.met_on,
            clock.status,
            clock.days_late,
            tuple(dict.fromkeys(r for r, _ in exceptions)) if exceptions else (),
            plan.references[id(clock.version)],
            (explain, clock, clock.status, clock.days_late, as_of),
            limit.local,
            limit.target_of,
        ),
    )


def explain(clock: Clock, status: Status, days_late: int, as_of: date) -> str:
    """How a clock's due date and verdict were derived, in plain words."""
    plan = clock.plan
    limit = plan.limit
    version = clock.version
    due = version.due
    parts = [f"{limit.title} ({limit.id}, {plan.references[id(version)] or 'no reference'})."]
    if version.reference is not None and version.reference.evidence is Evidence.PRACTICE:
        parts.append(
            "Practice, not law: no legislation sets this limit; it is the period held to in "
            "practice, so missing it is not a statutory breach."
        )
    if limit.local:
        tightens = f", tighter than {limit.target_of}" if limit.target_of else ""
        parts.append(f"A local rule{tightens}, not a statutory one.")
    if version.when:
        chosen = "; ".join(f"{k} is {' or '.join(v)}" for k, v in version.when.items())
        parts.append(f"The due date for cases where {chosen} applies.")
    parts.append(_due_words(clock, due))
    if clock.due_on is not None and limit.kind is Kind.DEADLINE:
        holiday = plan.calendar.holiday_name(clock.due_on)
        if holiday is not None and not limit.next_working_day and limit.tribunal_act is None:
            parts.append(
                f"{format_day(clock.due_on)} is not a working day ({holiday}); the date does "
                "not move (no roll-forward)."
            )
    if len(limit.versions) > 1 and version.effective_from is not None:
        parts.append(
            f"The version in force for clocks started from {format_day(version.effective_from)}"
            " applies: a case keeps the law it started under."
        )
    parts.append(_verdict_words(clock, status, days_late, as_of))
    if clock.exceptions:
        listed = ", ".join(f"{r} ({format_day(d)})" for r, d in clock.exceptions)
        parts.append(
            f"Exceptions recorded while it ran: {listed}. Exceptions excuse, they do not "
            "move the due date."
        )
    if clock.reopened_by is not None and clock.reopened_on is not None:
        parts.append(
            f"The case was reopened by {clock.reopened_by.replace('_', ' ')} on "
            f"{format_day(clock.reopened_on)}: clocks started then count from that day."
        )
    if limit.description:
        parts.append(f"Note: {' '.join(limit.description.split())}")
    return " ".join(parts)


def _due_words(clock: Clock, due: Due) -> str:
    start = f"{clock.start_event.replace('_', ' ')} {format_day(clock.started_on)}"
    if clock.due_on is None:
        if clock.plan.kind is Kind.LEAD_TIME:
            assert due.period is not None
            return (
                f"It needs {', '.join(clock.plan.met_by)} at least {due.period} before "
                + f"{clock.plan.limit.starts[0].replace('_', ' ')}, which has not happened yet."
            )
        return f"Started by {start}; the due date cannot be known yet."
    when = format_day(clock.due_on)
    given = clock.plan.given_period(clock.data) if clock.plan.period_from else None
    if given is not None:
        return (
            f"The starting event gives the period to use ({clock.plan.period_from}: {given}), "
            f"which replaces the rule's own: {describe_counting(given, due.counting)} {start}"
            f"{_excluded_days(clock, given)} = {when}."
        )
    if due.mode is DueMode.PERIOD and due.period is not None:
        if clock.plan.kind is Kind.LEAD_TIME:
            return (
                f"{clock.plan.limit.starts[0].replace('_', ' ')} on "
                f"{format_day(clock.anchor or clock.due_on)} - {due.period} = {when}."
            )
        if clock.plan.kind is Kind.MINIMUM:
            window_end = clock.due_on - _ONE_DAY
            return (
                f"Window of {describe_counting(due.period, due.counting)} {start} ends "
                f"{format_day(window_end)}; the guarded event may come from {when}."
            )
        return (
            f"{describe_counting(due.period, due.counting)} {start}"
            f"{_excluded_days(clock, due.period)} = {when}."
        )
    if due.mode is DueMode.FIXED:
        return f"Started by {start}; a fixed date in law: {when}."
    if due.mode is DueMode.FROM_DATA and due.period is not None:
        given = clock.data.get(due.field or "")
        return (
            f"Started by {start}; at least {due.period} before the date in {due.field} "
            f"({format_day(given) if isinstance(given, date) else given}) = by {when}."
        )
    if due.mode is DueMode.FROM_DATA:
        return f"Started by {start}; the date it directs ({due.field}) = {when}."
    if due.mode is DueMode.BEFORE:
        return (
            f"Started by {start}; before {due.day}/{due.month} of the year in {due.field}: "
            f"by {when}."
        )
    which = "later" if due.mode is DueMode.LATER_OF else "earlier"
    pieces = "; ".join(
        f"{describe_counting(period, due.counting)} "
        + (names[0] if len(names) == 1 else "the latest of " + ", ".join(names))
        for period, names in _grouped_parts(due)
    )
    for field in due.dates_from:
        given = clock.data.get(field)
        shown = format_day(given) if isinstance(given, date) else "not given"
        pieces = (
            f"{pieces}; the date in {field} ({shown})"
            if pieces
            else f"the date in {field} ({shown})"
        )
    rolled = ""
    if clock.plan.limit.tribunal_act is not None or clock.plan.limit.next_working_day:
        rolled = (
            " (tribunal calendar: a non-working day, and for starting proceedings the "
            "Christmas and August days, move the end to the next working day)"
        )
    return f"The {which} of: {pieces}{rolled} = {when}."


def _grouped_parts(due: Due) -> list[tuple[Period, list[str]]]:
    """The parts of a later-of or earlier-of date, events with one period written once."""
    grouped: list[tuple[Period, list[str]]] = []
    for event, period in due.parts:
        name = event.replace("_", " ")
        if grouped and grouped[-1][0] == period:
            grouped[-1][1].append(name)
        else:
            grouped.append((period, [name]))
    return grouped


def _excluded_days(clock: Clock, period: Period) -> str:
    """What Tribunal Rules r.12(3)(b) left out of a period counted in days or weeks."""
    limit = clock.plan.limit
    if (
        limit.calendar != "tribunal"
        or limit.tribunal_act != "other"
        or period.unit not in (Unit.DAYS, Unit.WEEKS)
    ):
        return ""
    return (
        ", not counting 25 December to 1 January or August (Tribunal Rules r.12(3)(b)), "
        "and moved off a non-working day"
    )


def _verdict_words(clock: Clock, status: Status, days_late: int, as_of: date) -> str:
    ended = clock.met_by.replace("_", " ") if clock.met_by else "the meeting event"
    if status is Status.MET:
        return f"Met: {ended} on {format_day(clock.met_on or as_of)}, on time."
    if status is Status.LATE or (status is Status.EXCUSED and clock.met_on is not None):
        return f"Late: {ended} on {format_day(clock.met_on or as_of)}, {days_late} day(s) late."
    if status is Status.RESPECTED:
        return "Respected: the guarded event did not come inside the window."
    if status is Status.VIOLATED:
        return f"Violated: {ended} came on {format_day(clock.met_on or as_of)}, inside the window."
    if status is Status.VOID:
        if clock.void_event:
            return f"Void: ended by {clock.void_event.replace('_', ' ')}."
        if clock.superseded:
            return "Void: a fresh clock replaced it before it fell due."
        if clock.plan.conditional:
            return "Void: the case did not end through the event this rule times."
        return "Void: the case closed before it fell due."
    if status is Status.PENDING:
        if clock.plan.conditional and clock.due_on is not None and as_of > clock.due_on:
            return (
                "Pending: this rule matters only if the case ends through "
                f"{', '.join(clock.plan.met_by)}; it waits for the case to resolve."
            )
        return f"Pending as of {format_day(as_of)}."
    stop = clock.closed_on or as_of
    return f"Not met: {days_late} day(s) overdue as of {format_day(stop)}."
