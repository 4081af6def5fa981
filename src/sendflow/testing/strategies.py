"""Hypothesis strategies for valid and invalid case histories of any process definition.

``histories(process)`` walks the compiled transition table from a start event to (often)
a final state, giving each event the data its definition asks for and a date biased to
the days where counting goes wrong: month ends, 29 February, bank holidays, Christmas,
August, the coronavirus window, the dates rule versions change, and the due dates of the
clocks running at that moment. Exception events are drawn only when some running clock
accepts the reason inside its validity window, so every history replays without error.
Histories shrink to a few events on early, plain dates.

Invalid histories, for checking that code refuses what replay refuses, are in
:mod:`sendflow.testing.invalid`; the dates and their edges in :mod:`sendflow.testing.dates`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from sendflow.definitions.model import DataField, DueMode, EventSpec, FieldType, Kind, Process
from sendflow.engine.events import Event
from sendflow.engine.machine import CompiledProcess
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation, Status, TimeLimitResult
from sendflow.errors import SendflowError
from sendflow.testing.dates import MAX_DATE, MIN_DATE, dates, edge_dates
from sendflow.testing.processes import ProcessLike, as_compiled

__all__ = ["MAX_DATE", "MIN_DATE", "dates", "edge_dates", "histories", "next_events"]

_ONE_DAY = timedelta(days=1)
_RUNNING = frozenset({Status.PENDING, Status.OVERDUE})
_CLOSURE_FACTS = ("closure_from", "reopens_on", "advice_requested_on")


@attrs.frozen
class _Walk:
    """What the next step of a generated history needs to know."""

    compiled: CompiledProcess
    edges: tuple[date, ...]
    exceptions: bool


def _walk(process: ProcessLike, exceptions: bool) -> _Walk:
    compiled = as_compiled(process)
    return _Walk(compiled, edge_dates(compiled.process), exceptions)


def histories(
    process: ProcessLike,
    *,
    max_events: int = 20,
    exceptions: bool = True,
    start_on: st.SearchStrategy[date] | None = None,
) -> st.SearchStrategy[list[Event]]:
    """Valid histories of ``process``, in legal order, each starting with a start event.

    Args:
        process: The process definition (or its compiled form).
        max_events: The most events a history has; it stops sooner at a final state.
        exceptions: Whether to record exceptions (only ones some running clock accepts).
        start_on: Dates for the start event; default :func:`dates` for the process.
    """
    if max_events < 1:
        raise ValueError(f"max_events must be at least 1, not {max_events}.")
    walk = _walk(process, exceptions)
    first_days = start_on if start_on is not None else dates(walk.compiled.process)
    return _histories(walk, max_events, first_days)


@st.composite
def _histories(
    draw: st.DrawFn, walk: _Walk, max_events: int, first_days: st.SearchStrategy[date]
) -> list[Event]:
    length = draw(st.integers(min_value=1, max_value=max_events), label="length")
    events: list[Event] = []
    current: Evaluation | None = None
    while len(events) < length:
        found = draw(_next_event(walk, events, current, first_days))
        if found is None:
            break
        events.append(found)
        current = _replay(walk.compiled, events)
    return events


def next_events(
    process: ProcessLike, history: Sequence[Event], *, exceptions: bool = True
) -> st.SearchStrategy[Event | None]:
    """A valid next event for ``history``, or ``None`` when the case is closed.

    Used by stateful tests to grow a case one event at a time.
    """
    walk = _walk(process, exceptions)
    current = _replay(walk.compiled, history) if history else None
    return _next_event(walk, list(history), current, dates(walk.compiled.process))


@st.composite
def _next_event(
    draw: st.DrawFn,
    walk: _Walk,
    events: list[Event],
    current: Evaluation | None,
    first_days: st.SearchStrategy[date],
) -> Event | None:
    process = walk.compiled.process
    if current is None:
        name = draw(st.sampled_from(process.start))
        on = draw(first_days)
        return Event(name, on, data=draw(_data(process.events[name], on, events, process)))
    if current.final:
        return None
    on = draw(_next_day(walk.edges, events[-1].on, current))
    allowed = list(walk.compiled.allowed(current.state))
    reasons = _excusing_reasons(process, current, on)
    if not (walk.exceptions and reasons):
        allowed = [n for n in allowed if not process.events[n].exception]
    if not allowed:
        return None
    name = draw(_choose_event(walk.compiled, current.state, allowed))
    spec = process.events[name]
    if spec.exception:
        reasons = _accepted(walk.compiled, events, Event(name, on), reasons)
        if reasons:
            data = draw(_exception_data(spec, on, reasons, events, process))
            found = Event(name, on, data=data)
            # Facts and a 'rules' choice can still miss; the bare reason is known to fit.
            return (
                found
                if _accepts(walk.compiled, events, found)
                else Event(name, on, data={"reason": data["reason"]})
            )
        staying = [n for n in allowed if not process.events[n].exception]
        if not staying:
            return None
        spec = process.events[draw(st.sampled_from(staying))]
    return Event(spec.id, on, data=draw(_data(spec, on, events, process)))


def _accepts(compiled: CompiledProcess, events: list[Event], event: Event) -> bool:
    try:
        evaluate(compiled, [*events, event])
    except SendflowError:
        return False
    return True


def _accepted(
    compiled: CompiledProcess,
    events: list[Event],
    bare: Event,
    reasons: dict[str, list[TimeLimitResult]],
) -> dict[str, list[TimeLimitResult]]:
    """The reasons replay really accepts now.

    The results alone cannot tell a running clock from one a fresh clock has replaced (a
    restarted annual review keeps its frozen verdict), so each reason is tried.
    """
    return {
        reason: clocks
        for reason, clocks in reasons.items()
        if _accepts(compiled, events, attrs.evolve(bare, data={"reason": reason}))
    }


def _choose_event(
    compiled: CompiledProcess, state: str, allowed: list[str]
) -> st.SearchStrategy[str]:
    """One of ``allowed``; events that close the case are drawn a sixth of the time.

    Left uniform, most histories would end at the first withdrawal or refusal and the
    later steps of a process would seldom be reached.
    """
    closing = [n for n in allowed if compiled.final[compiled.table[state][n]]]
    staying = [n for n in allowed if n not in closing]
    if not (closing and staying):
        return st.sampled_from(allowed)
    return st.integers(0, 5).flatmap(lambda n: st.sampled_from(closing if n == 5 else staying))


def _replay(compiled: CompiledProcess, events: Sequence[Event]) -> Evaluation:
    try:
        return evaluate(compiled, events)
    except SendflowError as exc:
        raise AssertionError(
            f"sendflow.testing generated a history that replay rejects ({exc}); this is a "
            f"fault in the strategy or the engine. History: {[e.to_dict() for e in events]}"
        ) from exc


def _next_day(edges: tuple[date, ...], last: date, current: Evaluation) -> st.SearchStrategy[date]:
    """The next event's date: the same day, soon, near a running clock's due date, or an edge."""
    near_due = sorted(
        {
            due + timedelta(days=shift)
            for r in current.time_limits
            if r.status in _RUNNING and (due := r.due_on) is not None
            for shift in (-1, 0, 1)
            if due + timedelta(days=shift) >= last
        }
    )
    at = bisect.bisect_right(edges, last)
    upcoming = list(edges[at : at + 12])
    options: list[st.SearchStrategy[date]] = [
        st.just(last),
        st.integers(1, 14).map(lambda n: last + timedelta(days=n)),
    ]
    if near_due:
        options.append(st.sampled_from(near_due))
    if upcoming:
        options.append(st.sampled_from(upcoming))
    options.append(st.integers(15, 200).map(lambda n: last + timedelta(days=n)))
    return st.one_of(options).map(lambda d: min(d, MAX_DATE))


def _running(current: Evaluation) -> list[TimeLimitResult]:
    """The clocks still running: they can take an exception."""
    return [r for r in current.time_limits if _is_running(r)]


def _is_running(r: TimeLimitResult) -> bool:
    if r.kind == Kind.LEAD_TIME.value:
        return r.status is Status.PENDING
    # An overdue clock already excused, or a minimum period already respected, still runs.
    return r.met_on is None and r.status is not Status.VOID


def _excusing_reasons(
    process: Process, current: Evaluation, on: date
) -> dict[str, list[TimeLimitResult]]:
    """Each exception reason some running clock accepts on ``on``, with those clocks."""
    found: dict[str, list[TimeLimitResult]] = {}
    for reason_id, reason in process.exception_reasons.items():
        low = reason.clock_ran_from or date.min
        high = reason.clock_ran_to or date.max
        clocks = [
            r
            for r in _running(current)
            if reason_id in process.time_limits[r.rule].excusable
            and r.started_on <= high
            and on >= low
        ]
        if clocks:
            found[reason_id] = clocks
    return found


@st.composite
def _exception_data(
    draw: st.DrawFn,
    spec: EventSpec,
    on: date,
    reasons: dict[str, list[TimeLimitResult]],
    events: list[Event],
    process: Process,
) -> dict[str, Any]:
    reason_field = next((f for f in spec.data.values() if f.name == "reason"), None)
    offered = sorted(reasons)
    if reason_field is not None and reason_field.one_of is not None:
        offered = [r for r in offered if r in reason_field.one_of]
    reason = draw(st.sampled_from(offered))
    skip = {"reason", "rules", *_CLOSURE_FACTS}
    data = draw(_data(spec, on, events, process, skip=skip))
    data["reason"] = reason
    if "rules" in spec.data and draw(st.booleans()):
        rules = sorted({r.rule for r in reasons[reason]})
        data["rules"] = [draw(st.sampled_from(rules))]
    check = process.exception_reasons[reason].check
    facts_declared = all(f in spec.data for f in _CLOSURE_FACTS)
    if check == "closure-window" and facts_declared and draw(st.booleans()):
        closed = on - timedelta(days=draw(st.integers(0, 60)))
        reopens = closed + timedelta(days=draw(st.integers(28, 70)))
        asked = closed + timedelta(days=draw(st.integers(-7, (reopens - closed).days - 7)))
        data.update(closure_from=closed, reopens_on=reopens, advice_requested_on=asked)
    return data


def _due_fields(process: Process) -> dict[str, DueMode]:
    """Data fields rules read their due dates from (a date, or a year), by field name.

    They are always given: a variant whose due date counts from one cannot start without it.
    """
    return {
        v.due.field: v.due.mode
        for limit in process.time_limits.values()
        for v in limit.versions
        if v.due.mode in (DueMode.BEFORE, DueMode.FROM_DATA) and v.due.field is not None
    }


def _seen_values(events: Iterable[Event], name: str) -> list[str]:
    return sorted({str(e.data[name]) for e in events if isinstance(e.data.get(name), str)})


@st.composite
def _data(
    draw: st.DrawFn,
    spec: EventSpec,
    on: date,
    events: list[Event],
    process: Process,
    *,
    skip: Iterable[str] = (),
) -> dict[str, Any]:
    """Data for an event: every required field, and optional ones sometimes."""
    data: dict[str, Any] = {}
    skipped = set(skip)
    due_fields = _due_fields(process)
    for field in spec.data.values():
        if field.name in skipped:
            continue
        if field.required or field.name in due_fields or draw(st.booleans()):
            year = due_fields.get(field.name) is DueMode.BEFORE
            data[field.name] = draw(_value(field, on, events, year))
    return data


def _value(field: DataField, on: date, events: list[Event], year: bool) -> st.SearchStrategy[Any]:
    """A value a field accepts; text values repeat earlier ones so per-keys can match."""
    if field.type is FieldType.DATE:
        return st.integers(0, 400).map(lambda n: on + timedelta(days=n))
    if field.type is FieldType.BOOLEAN:
        if field.one_of is not None:
            return st.sampled_from([v.lower() == "true" for v in field.one_of])
        return st.booleans()
    if year:
        return st.integers(on.year, on.year + 2)
    if field.type is FieldType.INTEGER:
        return st.integers(0, 10)
    if field.type is FieldType.PERIOD:
        # A period a direction gives: short and long, in each unit a direction may use.
        units = st.sampled_from(["days", "weeks", "working days", "months"])
        return st.builds(lambda n, unit: f"{n} {unit}", st.integers(0, 20), units)
    if field.one_of is not None:
        words: st.SearchStrategy[str] = st.sampled_from(field.one_of)
    else:
        pool = [f"{field.name}-{n}" for n in (1, 2, 3)]
        words = st.sampled_from(sorted({*_seen_values(events, field.name), *pool}))
    if field.type is FieldType.LIST:
        return st.lists(words, min_size=1, max_size=2, unique=True)
    return words
