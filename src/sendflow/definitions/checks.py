"""Structural checks on a loaded process: reachability, ways out, and rules that make sense."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sendflow.definitions.links import link_problems
from sendflow.definitions.model import (
    DataField,
    DueMode,
    EventSpec,
    FieldType,
    Kind,
    LimitVersion,
    Process,
    TimeLimit,
)
from sendflow.definitions.reader import did_you_mean, unknown_values
from sendflow.definitions.source import Path, Source
from sendflow.errors import Problem
from sendflow.time.periods import Unit

__all__ = ["check_process", "reachable_states"]


def reachable_states(process: Process) -> set[str]:
    """The states a case can reach from its start events."""
    return set(process.reachable_states)


def check_process(
    process: Process, source: Source | None = None, *, base: Process | None = None
) -> list[Problem]:
    """Every structural problem in ``process``, located in ``source`` where possible.

    ``base``: a process already checked that ``process`` was built over (an overlay's);
    each of its rules that ``process`` holds as it was, naming only events it holds as
    they were, is left unchecked: it reads the same as it did there.
    """

    def at(path: Path, message: str) -> Problem:
        if source is None:
            return Problem(message, file=process.file, path=".".join(map(str, path)))
        return source.problem(path, message)

    return [at(path, message) for path, message in _problems(process, base)]


def _problems(process: Process, base: Process | None) -> Iterator[tuple[Path, str]]:
    events = _unchecked_events(process, base)
    yield from _start_problems(process, events)
    yield from _state_problems(process)
    yield from _route_problems(events)
    yield from link_problems(process)
    reachable = {e.id for e in process.events.values() if e.sources} | set(process.start)
    for limit in process.time_limits.values():
        if base is None or not _checked_in(base, process, limit):
            yield from _limit_problems(process, limit, reachable)
    for event in events:
        for field in event.data.values():
            if field.type is FieldType.BOOLEAN and field.one_of is not None:
                wrong = [v for v in field.one_of if v.lower() not in ("true", "false")]
                if wrong:
                    yield (
                        ("events", event.id, "data", field.name, "one_of"),
                        (
                            f"a true-or-false field can only require true or false, "
                            f"not {', '.join(wrong)}."
                        ),
                    )
    exception_events = [e for e in process.events.values() if e.exception]
    for event in (e for e in events if e.exception):
        reason = event.data.get("reason")
        if reason is not None and reason.one_of_list != "exception-reasons":
            yield (
                ("events", event.id, "data", "reason"),
                "the 'reason' of an exception event must be 'one_of: exception-reasons', so "
                "that only declared exception reasons can be recorded.",
            )
        if reason is None:
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


def _unchecked_events(process: Process, base: Process | None) -> list[EventSpec]:
    """The events to check one by one: all but ``base``'s own, kept as they were.

    Each such event's checks read only the event, the start events and which states are
    final: with those as in ``base``, they find there what they found there, nothing.
    """
    events = process.events.values()
    if base is None or base.start != process.start or base.final_states != process.final_states:
        return list(events)
    before = base.events
    return [event for event in events if before.get(event.id) is not event]


def _start_problems(process: Process, events: list[EventSpec]) -> Iterator[tuple[Path, str]]:
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
    final = set(process.final_states)
    for event in events:
        if event.id not in process.start and not event.sources:
            yield (
                ("events", event.id),
                (
                    f"event {event.id!r} has no 'from' and is not a start event: say which states "
                    'it may come from (a list of states, or "*" for any open state).'
                ),
            )
        finals = [s for s in event.sources if s in final]
        if event.reopens and not finals:
            yield (
                ("events", event.id, "reopens"),
                (
                    f"event {event.id!r} says 'reopens: true' but comes from no final state. "
                    "Name the final state(s) it reopens in 'from', or remove 'reopens'."
                ),
            )
        if finals and not event.reopens:
            yield (
                ("events", event.id, "from"),
                (
                    f"event {event.id!r} leaves the final state(s) {', '.join(finals)}; a closed "
                    "case records nothing more. Remove them from 'from', make the state not "
                    "final, or mark the event 'reopens: true' if the law lets it reopen a "
                    "closed case."
                ),
            )


def _route_problems(events: list[EventSpec]) -> Iterator[tuple[Path, str]]:
    """A route must choose by a declared field, with values that field can take."""
    for event in events:
        if event.routes and event.target is None:
            yield (
                ("events", event.id, "to"),
                (
                    f"event {event.id!r} has routes but no 'to': give the state it leads to "
                    "when no route matches."
                ),
            )
        for index, route in enumerate(event.routes):
            path: Path = ("events", event.id, "routes", index, "when")
            for name, values in route.when.items():
                field = event.data.get(name)
                if field is None:
                    yield (
                        path,
                        (
                            f"the route chooses by {name!r}, but {event.id!r} declares only: "
                            f"{', '.join(event.data) or '(no data)'}."
                            f"{did_you_mean(name, event.data)}"
                        ),
                    )
                    continue
                for value in values:
                    if field.one_of is not None and value not in field.one_of:
                        yield (
                            path,
                            (
                                f"{value!r} is not a value {name!r} can take. Allowed: "
                                f"{', '.join(field.one_of)}.{did_you_mean(value, field.one_of)}"
                            ),
                        )


def _state_problems(process: Process) -> Iterator[tuple[Path, str]]:
    reachable = process.reachable_states
    # The states some event leads out of (to another state): its targets are distinct, so
    # with two or more every state it comes from is left, with one every other state.
    left: set[str] = set()
    for event in process.events.values():
        targets = event.targets
        if len(targets) > 1:
            left.update(event.sources)
        elif targets:
            left.update(origin for origin in event.sources if origin != targets[0])
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
        if state.id not in left:
            yield (
                ("states", state.id),
                (
                    f"state {state.id!r} is not final but no event leads out of it: a case there "
                    "could never close. Add an event from it, or mark it 'final: true'."
                ),
            )
    if not process.final_states:
        yield ("states",), "a process needs at least one state marked 'final: true'."


def _checked_in(base: Process, process: Process, limit: TimeLimit) -> bool:
    """Whether ``limit`` is ``base``'s own rule and reads the same in ``process``.

    Its checks read the data its starting events declare and whether the events that
    meet it can happen: both must be as they were in ``base``.
    """
    if base.time_limits.get(limit.id) is not limit or base.start != process.start:
        return False
    events, before = process.events, base.events
    for name in limit.starts:
        event, was = events.get(name), before.get(name)
        if event is None or was is None or event.data is not was.data:
            return False
    for name in limit.met_by:
        event, was = events.get(name), before.get(name)
        if event is None or was is None or bool(event.sources) != bool(was.sources):
            return False
    return limit.target_of is None or limit.target_of in process.time_limits


def _limit_problems(
    process: Process, limit: TimeLimit, reachable_events: set[str]
) -> Iterator[tuple[Path, str]]:
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
    yield from _when_problems((*path, "when"), limit.when, limit, fields)
    for version in limit.versions:
        # Variants are flattened into versions, so point at the list rather than an index.
        for where, message in _when_problems((*path, "variants"), version.when, limit, fields):
            yield where[:-1], message
    yield from _variant_coverage(path, limit, fields)
    for name in limit.when_given:
        if name not in fields:
            yield (*path, "when_given"), _field_problem("when_given", name, limit, fields)
    yield from _period_from_problems(path, limit, fields)
    for version in limit.versions:
        due = version.due
        for name in due.dates_from:
            field = fields.get(name)
            if field is None:
                yield (*path, due.mode.value), _field_problem("date_from", name, limit, fields)
            elif field.type is not FieldType.DATE:
                yield (
                    (*path, due.mode.value),
                    f"field {name!r} must be declared 'type: date' to be a date_from part.",
                )
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
            elif due.mode is DueMode.BEFORE and field.type is not FieldType.INTEGER:
                yield (
                    (*path, "before"),
                    (
                        f"field {due.field!r} must be declared 'type: integer' to give the "
                        "year of a 'before' date."
                    ),
                )
        if limit.kind in (Kind.LEAD_TIME, Kind.MINIMUM) and due.mode is not DueMode.PERIOD:
            what = "how long before the event" if limit.kind is Kind.LEAD_TIME else "how long"
            yield path, f"a {limit.kind.value.replace('_', ' ')} needs a plain 'period' ({what})."
        backwards = limit.kind is Kind.LEAD_TIME or (
            due.mode is DueMode.FROM_DATA and due.period is not None
        )
        if backwards and due.period is not None and due.period.unit is Unit.WORKING_DAYS:
            yield (
                (*path, "period"),
                (
                    f"'{due.period}' cannot be counted back before an event: give the period "
                    "in days, weeks or months."
                ),
            )
    if limit.target_of is not None and limit.target_of not in process.time_limits:
        yield (
            (*path, "target_of"),
            (
                f"target_of names the unknown rule {limit.target_of!r}."
                f"{did_you_mean(limit.target_of, process.time_limits)}"
            ),
        )
    for event in limit.met_by:
        if event not in reachable_events:
            yield (*path, "met_by"), f"{event!r} can never happen, so it can never meet the rule."


def _when_problems(
    path: Path,
    when: Mapping[str, tuple[str, ...]],
    limit: TimeLimit,
    fields: dict[str, DataField],
) -> Iterator[tuple[Path, str]]:
    for name, values in when.items():
        if name not in fields:
            yield (*path, name), _field_problem(str(path[-1]), name, limit, fields)
            continue
        for message in unknown_values(name, values, fields[name].one_of):
            yield (*path, name), message


def _variant_coverage(
    path: Path, limit: TimeLimit, fields: dict[str, DataField]
) -> Iterator[tuple[Path, str]]:
    """Without a default due date, the variants must cover every value their field can take.

    Otherwise a clock could start with data no variant names and have no due date at all.
    """
    periods: dict[tuple[object, object], list[LimitVersion]] = {}
    for version in limit.versions:
        periods.setdefault((version.effective_from, version.effective_to), []).append(version)
    for group in periods.values():
        if not all(v.when for v in group):
            continue  # a plain due date is the default
        names = {name for v in group for name in v.when}
        field = fields.get(next(iter(names))) if len(names) == 1 else None
        if field is None or field.one_of is None or not field.required:
            yield (
                (*path, "variants"),
                (
                    "the variants choose by more than one field, or by a field that is not "
                    "required with a fixed list of values, so some cases would match none. "
                    "Give a plain due date beside 'variants' as the default."
                ),
            )
            continue
        covered = {value for v in group for value in v.when[field.name]}
        missing = [value for value in field.one_of if value not in covered]
        if missing:
            yield (
                (*path, "variants"),
                (
                    f"no variant covers {field.name} = {', '.join(missing)}. Add a variant "
                    "for it, or a plain due date beside 'variants' as the default."
                ),
            )


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


def _period_from_problems(
    path: Path, limit: TimeLimit, fields: dict[str, DataField]
) -> Iterator[tuple[Path, str]]:
    """``period_from`` must name a ``type: period`` field a starting event declares."""
    name = limit.period_from
    if name is None:
        return
    field = fields.get(name)
    if field is None:
        yield (*path, "period_from"), _field_problem("period_from", name, limit, fields)
    elif field.type is not FieldType.PERIOD:
        yield (
            (*path, "period_from"),
            f"field {name!r} must be declared 'type: period' to give the clock its period.",
        )
    elif limit.kind is not Kind.DEADLINE:
        yield (*path, "period_from"), "only a deadline can take its period from the data."
