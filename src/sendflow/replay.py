"""Folding a case's history into its state and a verdict for every time limit.

Replay is a pure function of the definition, the events, the calendars and the "as of"
date: nothing else changes state.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import date
from itertools import repeat
from typing import Any

from sendflow.clocks import CLOCK_ORDER, Clock, LimitPlan
from sendflow.definitions.model import LimitVersion, Process, TimeLimit
from sendflow.definitions.reader import did_you_mean
from sendflow.engine import (
    ANCHOR,
    GUARD,
    INITIAL,
    LEAD_OPEN,
    MET,
    START,
    UPDATE,
    VOID,
    CompiledProcess,
    compile_process,
    ordered,
)
from sendflow.errors import CaseFileError, EventError
from sendflow.events import Event, to_event
from sendflow.exceptions import apply_exception
from sendflow.periods import format_day
from sendflow.programs import ProgramCache
from sendflow.results import Evaluation, TimeLimitResult

__all__ = ["evaluate"]

Running = dict[str, dict[str | None, Clock]]
_NO_CLOSURES: frozenset[date] = frozenset()
_OPENING = frozenset({LEAD_OPEN, ANCHOR})  # operations that may start a clock of their own


def evaluate(
    process: Process | CompiledProcess,
    events: Iterable[Event | Mapping[str, Any]],
    *,
    as_of: date | None = None,
    case_id: str | None = None,
    closures: Iterable[date] = _NO_CLOSURES,
) -> Evaluation:
    """Evaluate a case's history as of a date.

    Events are put in legal order (by date; same-day events keep the order given). Events
    dated after ``as_of`` are left out: the result is the case as it stood that day.

    Args:
        process: The process definition (see :func:`sendflow.load_process`).
        events: The history, as :class:`Event` objects or case-file mappings
            (``{"event": "request_received", "on": "2024-01-08"}``).
        as_of: The date to give verdicts for; defaults to the latest event's date.
        case_id: The case's id, used in messages and the result.
        closures: A council's own closure dates: not working days for this evaluation
            (see :func:`sendflow.calendars.load_closures`).

    Raises:
        EventError: An event is unknown, not allowed in the state the case was in, lacks
            required data, has a bad date, or is dated before the case began.
    """
    if isinstance(process, CompiledProcess):
        compiled = process
        if closures:
            compiled = compile_process(process.process, closures=closures)
    else:
        compiled = compile_process(process, closures=closures)
    cache: ProgramCache | None = compiled.programs
    if cache is None:
        cache = compiled.programs = ProgramCache(compiled)
    given = list(events)
    # Most histories are Events in legal order, evaluated as of their last day or later,
    # of a shape met before: its program replays them (see ``sendflow.programs``).
    shape = cache.reader.shape(given) if given else None
    if shape is not None:
        events_given: list[Event] = given  # type: ignore[assignment]  # only Events have a shape
        last = events_given[-1].on
        program = cache.programs.get(shape) if as_of is None or as_of >= last else None
        if program is not None:
            cache.replayed += 1
            as_of = last if as_of is None else as_of
            results = program.run(compiled, events_given, range(len(given)), case_id, as_of)
            return Evaluation(program.standing, case_id, as_of, results)
    recorded = _as_events(given)
    history = ordered(recorded)
    if not history:
        raise CaseFileError(f"case {case_id or '(unnamed)'} has no events: nothing to evaluate.")
    positions = _positions(recorded, history)
    if history[0].name not in compiled.process.start:
        _check_start(compiled, history, case_id, positions[0])
    if as_of is None:
        as_of = history[-1].on
    elif as_of < history[0].on:
        raise CaseFileError(
            f"the as-of date {as_of.isoformat()} is before the case began on "
            f"{history[0].on.isoformat()}; choose a date on or after it."
        )
    if history[-1].on > as_of:
        history = [event for event in history if event.on <= as_of]
    if history is not given:
        shape = cache.reader.shape(history)  # events read, put in order or cut at as_of
    state, results = _replay(compiled, cache, history, positions, case_id, as_of, shape)
    return Evaluation(compiled.standing(state), case_id, as_of, results)


def _replay(
    compiled: CompiledProcess,
    cache: ProgramCache,
    history: list[Event],
    positions: Sequence[int],
    case_id: str | None,
    as_of: date,
    shape: Hashable | None,
) -> tuple[str, Callable[[], list[TimeLimitResult]]]:
    """Fold ``history``: by its shape's recorded program if there is one, else in full.

    ``shape`` is the shape of the events as given; it is read again when they were not.
    Returns the final state and what makes the results; every due date and verdict is
    settled before it returns.
    """
    if shape is not None:
        program = cache.programs.get(shape)
        if program is not None:
            cache.replayed += 1
            return program.state, program.run(compiled, history, positions, case_id, as_of)
    cache.folded += 1
    state, states, clocks = fold(compiled, history, positions, case_id)
    if shape is not None and cache.wanted(shape):
        cache.record(shape, history, state, states, clocks)
    clocks.sort(key=CLOCK_ORDER)
    for clock in clocks:
        clock.status, clock.days_late = clock.verdict(as_of)
    return state, lambda: [clock.result(as_of) for clock in clocks]


def _as_events(events: Iterable[Event | Mapping[str, Any]]) -> list[Event]:
    """The events given, read into :class:`Event` objects (a list of them is kept as it is)."""
    found = events if isinstance(events, list) else list(events)
    if all(map(isinstance, found, repeat(Event))):
        return found  # type: ignore[return-value]
    return [
        given if isinstance(given, Event) else to_event(given, index=i)
        for i, given in enumerate(found)
    ]


def _positions(recorded: list[Event], history: list[Event]) -> Sequence[int]:
    """Where each event of ``history`` was in the order given, so messages name it as given."""
    if history is recorded:
        return range(len(history))
    where = {id(event): i for i, event in enumerate(recorded)}
    return [where[id(event)] for event in history]


def _check_start(
    compiled: CompiledProcess, history: list[Event], case_id: str | None, index: int
) -> None:
    first = history[0]
    starts = compiled.process.start
    if first.name in starts:
        return
    opened = next((e for e in history if e.name in starts), None)
    if opened is not None:
        raise EventError(
            f"{first.name} on {first.on.isoformat()} is dated before the case began "
            f"({opened.name} on {opened.on.isoformat()}). Check its date: nothing can happen "
            "in a case before it opens.",
            case_id=case_id,
            state=INITIAL,
            event=first.name,
            allowed=starts,
            index=index,
        )
    raise EventError(
        f"the case must begin with {' or '.join(starts)}, but its first event is "
        f"{first.name} on {first.on.isoformat()}.",
        case_id=case_id,
        state=INITIAL,
        event=first.name,
        allowed=starts,
        index=index,
    )


def fold(
    compiled: CompiledProcess,
    history: list[Event],
    positions: Sequence[int],
    case_id: str | None,
) -> tuple[str, list[str], list[Clock]]:
    """Fold ``history`` event by event: the final state, the state before each event, clocks.

    ``history`` is in legal order and already cut at the as-of date.

    Raises:
        EventError: An event is unknown, not allowed now, or has bad data.
    """
    table = compiled.table
    plans = compiled.plans
    final = compiled.final
    state = INITIAL
    clocks: list[Clock] = []
    running: Running = {}
    started: set[tuple[str, str | None]] = set()
    seen: dict[str, date] = {}
    seen_at: dict[str, int] = {}
    states: list[str] = []
    track = compiled.has_parts  # whether any due date reads when other events came
    for at, given in enumerate(history):
        event = given
        states.append(state)
        name = event.name
        plan = plans.get(name)
        if plan is None:
            raise _unknown_event(compiled, event, positions[at], case_id, state)
        target = table[state].get(name)
        if target is None:
            raise _not_allowed(compiled, event, positions[at], case_id, state)
        if event.data or plan.required:
            event = plan.check(event, positions[at], case_id, state)
        if plan.routed:
            target = compiled.routes[name].target_for(event.data) or target
        on = event.on
        if track:
            seen[name] = on
            seen_at[name] = at
        if plan.exception:
            apply_exception(compiled.process, event, running, positions[at], case_id, state, at)
        for op, limit in plan.ops:
            if op == START:
                missing = _start(limit, event, at, running, started, seen, clocks)
                if missing is not None:
                    raise _missing_variant_data(
                        compiled, event, positions[at], case_id, state, missing
                    )
                if limit.parts:
                    _snapshot_parts(limit, running, seen_at)
            elif op == UPDATE:
                for clock in running.get(limit.limit.id, {}).values():
                    clock.due_on = limit.due(clock.version, clock.started_on, clock.data, seen)
                _snapshot_parts(limit, running, seen_at)
            elif op in _OPENING or running.get(limit.rule):
                _end(op, limit, event, at, running, clocks)
        if plan.reopens:
            _reopen(clocks, event, at)
        state = target
        if final[target]:
            _close(running, on, at)
    return state, states, clocks


def _reopen(clocks: list[Clock], event: Event, at: int) -> None:
    """Note on the clocks so far that ``event`` reopened the closed case."""
    for clock in clocks:
        if clock.reopened_by is None:
            clock.reopened_by = event.name
            clock.reopened_on = event.on
            clock.reopened_at = at


def _close(running: Running, on: date, at: int) -> None:
    """Stop every running clock: the case reached a final state ``on`` that day."""
    for by_key in running.values():
        for clock in by_key.values():
            clock.closed_on = on
            clock.closed_at = at
    running.clear()


def _snapshot_parts(plan: LimitPlan, running: Running, seen_at: Mapping[str, int]) -> None:
    """Note which occurrence of each part event the running clocks' due dates used."""
    for clock in running.get(plan.limit.id, {}).values():
        clock.parts_at = {e: seen_at[e] for e in plan.parts if e in seen_at}


def _start(
    plan: LimitPlan,
    event: Event,
    at: int,
    running: Running,
    started: set[tuple[str, str | None]],
    seen: Mapping[str, date],
    clocks: list[Clock],
) -> tuple[TimeLimit, LimitVersion, str] | None:
    """Start a clock of ``plan`` for ``event``; return what is missing if a variant lacks data."""
    data = event.data
    if plan.gated and not plan.applies(data):
        return None
    rule = plan.rule
    key = None
    per = plan.per
    if per is not None and data.get(per) is not None:
        key = str(data[per])
    by_key = running.get(rule)
    if by_key is None:
        by_key = running[rule] = {}
    if plan.restart:
        old = by_key.get(key)
        if old is not None:
            old.closed_on = event.on
            old.closed_at = at
            old.superseded = True
    elif (rule, key) in started:
        return None
    version = plan.single or plan.limit.version_for(event.on, data)
    if version is None:
        return None
    if version.when:
        missing = plan.missing_data(version, data)
        if missing is not None:
            return plan.limit, version, missing
    started.add((rule, key))
    clock = Clock(plan, version, key, event.name, event.on, data, at)
    clock.due_on = plan.due(version, event.on, data, seen)
    by_key[key] = clock
    clocks.append(clock)
    return None


def _end(
    op: int, plan: LimitPlan, event: Event, at: int, running: Running, clocks: list[Clock]
) -> None:
    rule = plan.limit.id
    by_key = running.get(rule)
    if op == LEAD_OPEN:
        key = _key(plan, event)
        if by_key is None or key not in by_key:
            version = plan.limit.version_on(event.on)
            if version is None:
                return
            clock = Clock(plan, version, key, event.name, event.on, event.data, at)
            clock.met_on = event.on
            clock.met_by = event.name
            clock.end_at = at
            running.setdefault(rule, {})[key] = clock
            clocks.append(clock)
        return
    if op == ANCHOR:
        key = _key(plan, event)
        clock_or_none = by_key.pop(key, None) if by_key is not None else None
        if clock_or_none is None:
            version = plan.limit.version_on(event.on)
            if version is None:
                return
            clock_or_none = Clock(plan, version, key, event.name, event.on, event.data, at)
            clocks.append(clock_or_none)
        period = clock_or_none.version.due.period
        assert period is not None
        clock_or_none.anchor = event.on
        clock_or_none.anchor_at = at
        clock_or_none.due_on = plan.anchor_due(event.on, period)
        return
    if not by_key:
        return
    per = plan.per
    if per is None or per not in event.data:
        ended = list(by_key.values())
    else:
        one = by_key.get(str(event.data[per]))
        ended = [] if one is None else [one]
    for clock in ended:
        if op == VOID:
            clock.voided = True
            clock.void_event = event.name
        elif op in (MET, GUARD):
            clock.met_on = event.on
            clock.met_by = event.name
        clock.end_at = at
        del by_key[clock.key]


def _key(plan: LimitPlan, event: Event) -> str | None:
    if plan.per is not None and event.data.get(plan.per) is not None:
        return str(event.data[plan.per])
    return None


def _missing_variant_data(
    compiled: CompiledProcess,
    event: Event,
    index: int,
    case_id: str | None,
    state: str,
    missing: tuple[TimeLimit, LimitVersion, str],
) -> EventError:
    rule, version, field = missing
    chosen = "; ".join(f"{k} is {' or '.join(v)}" for k, v in version.when.items())
    spec = compiled.process.events[event.name].data.get(field)
    hint = f" ({spec.description})" if spec is not None and spec.description else ""
    return EventError(
        f"{event.name} on {event.on.isoformat()} needs data {field!r}{hint} when {chosen}: "
        f"the time limit {rule.title!r} ({rule.id}) counts from it. Add it to the event's data.",
        case_id=case_id,
        state=state,
        event=event.name,
        index=index,
    )


def _unknown_event(
    compiled: CompiledProcess, event: Event, index: int, case_id: str | None, state: str
) -> EventError:
    known = list(compiled.process.events)
    return EventError(
        f"unknown event {event.name!r} on {event.on.isoformat()}: process "
        f"{compiled.process.id!r} has no such event.{did_you_mean(event.name, known)} Its "
        f"events are: {', '.join(known)}.",
        case_id=case_id,
        state=state,
        event=event.name,
        allowed=compiled.allowed(state),
        index=index,
    )


def _not_allowed(
    compiled: CompiledProcess, event: Event, index: int, case_id: str | None, state: str
) -> EventError:
    allowed = compiled.allowed(state)
    spec = compiled.process.states.get(state)
    title = f" ({spec.title})" if spec is not None else ""
    if compiled.final.get(state) and not allowed:
        now = "The case is closed: no event is allowed after a final state."
    elif compiled.final.get(state):
        now = f"The case is closed; only these events reopen it: {', '.join(allowed)}."
    else:
        now = f"Allowed now: {', '.join(allowed) or '(none)'}."
    sources = compiled.process.events[event.name].sources
    needs = (
        f" {event.name} can come only in: {', '.join(sources)}."
        if sources
        else (f" {event.name} opens a case and can come only once.")
    )
    return EventError(
        f"{event.name} on {format_day(event.on)} is not allowed while the case is in state "
        f"{state!r}{title}. {now}{needs}",
        case_id=case_id,
        state=state,
        event=event.name,
        allowed=allowed,
        index=index,
    )
