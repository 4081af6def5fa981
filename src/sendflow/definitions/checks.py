"""Structural checks on a loaded process: reachability, ways out, and rules that make sense."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from sendflow.definitions.model import DataField, DueMode, FieldType, Kind, Process, TimeLimit
from sendflow.definitions.reader import did_you_mean
from sendflow.definitions.source import Path, Source
from sendflow.errors import Problem

__all__ = ["check_process", "reachable_states"]


def reachable_states(process: Process) -> set[str]:
    """The states a case can reach from its start events."""
    seen: set[str] = set()
    queue = deque(
        process.events[e].target for e in process.start if process.events[e].target is not None
    )
    while queue:
        state = queue.popleft()
        if state is None or state in seen:
            continue
        seen.add(state)
        for event in process.events.values():
            if state in event.sources and event.target is not None:
                queue.append(event.target)
    return seen


def check_process(process: Process, source: Source | None = None) -> list[Problem]:
    """Every structural problem in ``process``, located in ``source`` where possible."""

    def at(path: Path, message: str) -> Problem:
        if source is None:
            return Problem(message, file=process.file, path=".".join(map(str, path)))
        return source.problem(path, message)

    return [at(path, message) for path, message in _problems(process)]


def _problems(process: Process) -> Iterator[tuple[Path, str]]:
    yield from _start_problems(process)
    yield from _state_problems(process)
    for limit in process.time_limits.values():
        yield from _limit_problems(process, limit)
    exception_events = [e for e in process.events.values() if e.exception]
    for event in exception_events:
        if "reason" not in event.data:
            yield (
                ("events", event.id, "data"),
                (
                    f"exception event {event.id!r} must declare a data field 'reason' "
                    "(one_of: exception-reasons)."
                ),
            )
    if not exception_events and any(lim.excusable for lim in process.time_limits.values()):
        yield (
            ("events",),
            (
                "some time limits list exception reasons in 'excusable', but no event is marked "
                "'exception: true' to record them. Add one (usually exception_recorded)."
            ),
        )


def _start_problems(process: Process) -> Iterator[tuple[Path, str]]:
    if not process.start:
        yield ("start",), "a process needs at least one start event."
    for name in process.start:
        event = process.events[name]
        if event.sources:
            yield (
                ("events", name, "from"),
                (f"start event {name!r} opens the case, so it cannot have 'from'. Remove it."),
            )
        if event.target is None:
            yield ("events", name), f"start event {name!r} needs 'to': the state a case opens in."
    for event in process.events.values():
        if event.id not in process.start and not event.sources:
            yield (
                ("events", event.id),
                (
                    f"event {event.id!r} has no 'from' and is not a start event: say which states "
                    'it may come from (a list of states, or "*" for any open state).'
                ),
            )
        finals = [s for s in event.sources if process.states[s].final]
        if finals:
            yield (
                ("events", event.id, "from"),
                (
                    f"event {event.id!r} leaves the final state(s) {', '.join(finals)}; a closed "
                    "case records nothing more. Remove them from 'from', or make the state "
                    "not final."
                ),
            )


def _state_problems(process: Process) -> Iterator[tuple[Path, str]]:
    reachable = reachable_states(process)
    for state in process.states.values():
        if process.start and state.id not in reachable:
            yield (
                ("states", state.id),
                (
                    f"state {state.id!r} cannot be reached from the start event(s). Add an event "
                    "whose 'to' is this state from a reachable state, or remove the state."
                ),
            )
        if state.final:
            continue
        ways_out = [
            e.id
            for e in process.events.values()
            if state.id in e.sources and e.target not in (None, state.id)
        ]
        if not ways_out:
            yield (
                ("states", state.id),
                (
                    f"state {state.id!r} is not final but no event leads out of it: a case there "
                    "could never close. Add an event from it, or mark it 'final: true'."
                ),
            )
    if not process.final_states:
        yield ("states",), "a process needs at least one state marked 'final: true'."


def _limit_problems(process: Process, limit: TimeLimit) -> Iterator[tuple[Path, str]]:
    path: Path = ("time_limits", limit.id)
    if limit.kind is Kind.MINIMUM:
        if not limit.guards:
            yield path, "a minimum period needs 'guards': the event that must not come early."
        if limit.met_by:
            yield (*path, "met_by"), "a minimum period uses 'guards', not 'met_by'."
    elif not limit.met_by:
        yield path, f"a {limit.kind.value} needs 'met_by': the event(s) that meet it."
    elif limit.guards:
        yield (*path, "guards"), "only a minimum period has 'guards'."
    fields = _start_fields(process, limit)
    if limit.per is not None and limit.per not in fields:
        yield (*path, "per"), _field_problem("per", limit.per, limit, fields)
    for name, values in limit.when.items():
        if name not in fields:
            yield (*path, "when", name), _field_problem("when", name, limit, fields)
            continue
        allowed = fields[name].one_of
        for value in values:
            if allowed is not None and value not in allowed:
                yield (
                    (*path, "when", name),
                    (
                        f"{value!r} is not a value {name!r} can take. Allowed: "
                        f"{', '.join(allowed)}.{did_you_mean(value, allowed)}"
                    ),
                )
    for name in limit.when_given:
        if name not in fields:
            yield (*path, "when_given"), _field_problem("when_given", name, limit, fields)
    for version in limit.versions:
        due = version.due
        if due.mode in (DueMode.FROM_DATA, DueMode.BEFORE) and due.field is not None:
            field = fields.get(due.field)
            if field is None:
                yield (
                    (*path, due.mode.value),
                    _field_problem(due.mode.value, due.field, limit, fields),
                )
            elif due.mode is DueMode.FROM_DATA and field.type is not FieldType.DATE:
                yield (
                    (*path, "due_from"),
                    (f"field {due.field!r} must be declared 'type: date' to give a due date."),
                )
        if limit.kind is Kind.LEAD_TIME and due.mode is not DueMode.PERIOD:
            yield path, "a lead time needs a plain 'period' (how long before the event)."
    if limit.target_of is not None and limit.target_of not in process.time_limits:
        yield (
            (*path, "target_of"),
            (
                f"target_of names the unknown rule {limit.target_of!r}."
                f"{did_you_mean(limit.target_of, process.time_limits)}"
            ),
        )
    reachable_events = {e.id for e in process.events.values() if e.sources} | set(process.start)
    for event in limit.met_by:
        if event not in reachable_events:
            yield (*path, "met_by"), f"{event!r} can never happen, so it can never meet the rule."


def _start_fields(process: Process, limit: TimeLimit) -> dict[str, DataField]:
    """The data fields the starting events of ``limit`` declare."""
    fields: dict[str, DataField] = {}
    for name in limit.starts:
        fields.update(process.events[name].data)
    return fields


def _field_problem(what: str, name: str, limit: TimeLimit, fields: dict[str, DataField]) -> str:
    return (
        f"{what} names the data field {name!r}, but the starting event(s) "
        f"{', '.join(limit.starts)} declare only: {', '.join(fields) or '(no data)'}."
        f"{did_you_mean(name, fields)}"
    )
