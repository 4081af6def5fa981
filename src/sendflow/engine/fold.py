"""The full fold: a history, event by event, into its state and clocks.

Every event is checked against the transition table and its data against the
definition; clocks start, end, are voided, excused and closed as the definition says,
and each gets its due date. ``sendflow.engine.replay.evaluate`` gives the clocks their verdicts,
or replays a recorded program (``sendflow.engine.programs``) when the history's shape has one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sendflow.definitions.model import LimitVersion, TimeLimit
from sendflow.definitions.reader import did_you_mean
from sendflow.engine.clocks import Clock, LimitPlan
from sendflow.engine.events import Event
from sendflow.engine.exceptions import apply_exception
from sendflow.engine.machine import (
    ANCHOR,
    GUARD,
    INITIAL,
    LEAD_OPEN,
    MET,
    START,
    UPDATE,
    VOID,
    CompiledProcess,
)
from sendflow.errors import EventDataError, EventNotAllowedError
from sendflow.time.periods import format_day

__all__ = ["fold"]

Running = dict[str, dict[str | None, Clock]]
_OPENING = frozenset({LEAD_OPEN, ANCHOR})  # operations that may start a clock of their own
_MEETING = frozenset({MET, GUARD})  # operations that meet a clock (a guarded event came)


def fold(  # noqa: PLR0915 (one pass over the events, inline)
    compiled: CompiledProcess,
    history: list[Event],
    positions: Sequence[int],
    case_id: str | None,
) -> tuple[str, list[str], list[Clock]]:
    """Fold ``history`` event by event: the final state, the state before each event, clocks.

    ``history`` is in legal order and already cut at the as-of date.

    Raises:
        EventDataError: An event is unknown or has bad data.
        EventNotAllowedError: An event is not allowed in the state the case is in.
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
                if limit.simple:  # most rules: one clock per case
                    once = limit.once
                    if once not in started and (not limit.gated or limit.applies(event.data)):
                        started.add(once)
                        _start_simple(limit, event, at, running, seen, clocks)
                else:
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
            elif op in _MEETING and limit.per is None:
                # One clock per case (its key is None): met by this event, if running.
                by_key = running.get(limit.rule)
                if by_key:
                    clock = by_key.pop(None)
                    clock.met_on = on
                    clock.met_by = name
                    clock.end_at = at
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


def _start_simple(
    plan: LimitPlan,
    event: Event,
    at: int,
    running: Running,
    seen: Mapping[str, date],
    clocks: list[Clock],
) -> None:
    """Start the one clock of a simple rule (``LimitPlan.simple``) for ``event``.

    The caller has checked that no clock of the rule has started and that ``event``'s data
    meets the rule's conditions.
    """
    version = plan.single
    assert version is not None
    on = event.on
    data = event.data
    clock = Clock(plan, version, None, event.name, on, data, at)
    offset = plan.single_offset
    clock.due_on = on + offset if offset is not None else plan.due(version, on, data, seen)
    by_key = running.get(plan.rule)
    if by_key is None:
        by_key = running[plan.rule] = {}
    by_key[None] = clock
    clocks.append(clock)


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
    version = plan.single or plan.version_for(event.on, data)
    if version is None:
        return None
    if version.when:
        missing = plan.missing_data(version, data)
        if missing is not None:
            return plan.limit, version, missing
    started.add((rule, key))
    on = event.on
    clock = Clock(plan, version, key, event.name, on, data, at)
    offset = plan.single_offset  # most rules: a fixed distance from the start
    clock.due_on = on + offset if offset is not None else plan.due(version, on, data, seen)
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
) -> EventDataError:
    rule, version, field = missing
    chosen = "; ".join(f"{k} is {' or '.join(v)}" for k, v in version.when.items())
    spec = compiled.process.events[event.name].data.get(field)
    hint = f" ({spec.description})" if spec is not None and spec.description else ""
    return EventDataError(
        f"{event.name} on {event.on.isoformat()} needs data {field!r}{hint} when {chosen}: "
        f"the time limit {rule.title!r} ({rule.id}) counts from it. Add it to the event's data.",
        case_id=case_id,
        state=state,
        event=event.name,
        index=index,
    )


def _unknown_event(
    compiled: CompiledProcess, event: Event, index: int, case_id: str | None, state: str
) -> EventDataError:
    known = list(compiled.process.events)
    return EventDataError(
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
) -> EventNotAllowedError:
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
    return EventNotAllowedError(
        f"{event.name} on {format_day(event.on)} is not allowed while the case is in state "
        f"{state!r}{title}. {now}{needs}",
        case_id=case_id,
        state=state,
        event=event.name,
        allowed=allowed,
        index=index,
    )
