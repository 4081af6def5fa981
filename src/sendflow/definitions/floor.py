"""The statutory floor: what an overlay may not do to the process it adapts.

An overlay may add states, events, local targets and notifications, and reword titles and
descriptions. It may not remove or change a statutory rule (its period, its clock, what
starts, meets or ends it, its exceptions, its effective dates), remove or change a
statutory state or event, let a case move between statutory states without the
statutory event that does so, or make a statutory final state unreachable. Each
violation names the overlay file and line, the statutory rule and its legal reference,
and what to write instead. Local targets are checked against their rules' time limits in
:mod:`sendflow.definitions.target_floor`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from sendflow.definitions.layers import LayeredSource
from sendflow.definitions.model import EventSpec, LimitVersion, Process, TimeLimit
from sendflow.definitions.source import Path, Source
from sendflow.errors import Problem

__all__ = ["cite_rules", "floor_problems", "local_homes", "removal_problem"]

# Fields of a statutory rule an overlay may reword; every other field is the law's.
_WORDING = frozenset({"title", "description"})
# Where a rule's field is written in a process file, for pointing at it.
_KEYS = {"versions": "period", "next_working_day": "non_working_day"}
_WHAT = {
    "versions": "its period, counting or effective dates",
    "kind": "its kind",
    "duty": "who bears the duty",
    "starts": "the event that starts its clock",
    "met_by": "the events that meet it",
    "void_by": "the events that end it without a verdict",
    "guards": "the events it guards",
    "excusable": "the exceptions that may excuse it",
    "restart": "whether its clock restarts",
    "per": "what it keeps one clock per",
    "when": "when its clock starts",
    "when_given": "when its clock starts",
    "conditional": "whether it is conditional",
    "calendar": "its calendar",
    "next_working_day": "what happens when it ends on a non-working day",
    "tribunal_act": "the tribunal rule it follows",
    "target_of": "target_of",
    "local": "whether it is local",
    "closures": "its closures calendar",
}
_VERSION_KEYS = (
    "period",
    "effective",
    "counting",
    "versions",
    "variants",
    "later_of",
    "earlier_of",
    "due",
    "due_from",
    "before",
    "reference",
)
_VERSION_WHAT = {
    "period": "the period",
    "effective": "the effective dates",
    "counting": "how the period is counted",
    "reference": "the legal reference",
}
_EVENT_FIELDS = ("target", "routes", "reopens", "exception", "roles")
_EVENT_KEYS = {"target": "to"}


def cite_rules(statutory: Process, events: Iterable[str]) -> str:
    """The statutory rules that ``events`` start, meet, end or guard, with their references."""
    names = set(events)
    found = [
        f"{limit.id} ({limit.reference or 'no reference'})"
        for limit in statutory.time_limits.values()
        if names & {*limit.starts, *limit.met_by, *limit.void_by, *limit.guards}
    ]
    if found:
        return "the statutory rule(s) " + "; ".join(found)
    return f"the statutory process {statutory.id} ({statutory.title})"


class _Cited:
    """The rules an event serves, put in words only when a message needs them."""

    def __init__(self, statutory: Process, event: str) -> None:
        self.statutory = statutory
        self.event = event

    def __str__(self) -> str:
        return cite_rules(self.statutory, [self.event])


def removal_problem(
    statutory: Process, source: Source, path: Path, section: str, name: str
) -> Problem:
    """The problem with an overlay's ``remove`` entry that names a statutory item."""
    if section == "time_limits":
        limit = statutory.time_limits[name]
        law = f"the statutory rule {name} ({limit.reference or 'no reference'})"
        fix = (
            f"Delete this line. To aim for sooner, add a local target instead: "
            f"'targets: {{{name}-local: {{target_of: {name}, title: ..., period: ...}}}}'."
        )
    elif section == "events":
        law = cite_rules(statutory, [name])
        fix = (
            "Delete this line. If the council does not use this step, leave it in: a "
            "statutory event stays available even when it is rarely recorded."
        )
    else:
        into = [e.id for e in statutory.events.values() if name in e.targets]
        law = cite_rules(statutory, into)
        fix = "Delete this line. An overlay may add states but not remove the law's."
    kind = section[:-1].replace("_", " ")
    return source.problem(
        path,
        f"{name!r} is a statutory {kind} of {statutory.id}; removing it would break {law}. {fix}",
    )


def local_homes(process: Process) -> dict[str, set[str]]:
    """For each local state, the statutory states a case can reach it from by local steps."""
    statutory = process.statutory.states
    homes: dict[str, set[str]] = {s: set() for s in process.states if s not in statutory}
    changed = True
    while changed:
        changed = False
        for event in process.events.values():
            for target in event.targets:
                if target in statutory:
                    continue
                for origin in event.sources:
                    came = {origin} if origin in statutory else homes.get(origin, set())
                    if not came <= homes[target]:
                        homes[target] |= came
                        changed = True
    return homes


def floor_problems(process: Process, source: Source) -> list[Problem]:
    """Every way ``process`` breaks the floor of the statutory process it extends."""
    statutory = process.statutory
    if statutory is process:
        return []
    homes = local_homes(process)
    found: list[tuple[Path, str]] = []
    found += _state_problems(process, statutory)
    for event in process.events.values():
        law = statutory.events.get(event.id)
        if law is None:
            found += _local_event_problems(process, statutory, event, homes)
        elif event is not law and event != law:  # the law's event passes every check below
            found += _event_problems(statutory, event, law, homes)
    limits = process.time_limits
    for rule in statutory.time_limits.values():
        kept = limits.get(rule.id)
        if kept is not rule:  # the law's own rule, taken as built, keeps the law
            found += _rule_problems(rule, kept, source)
    reasons = process.exception_reasons
    for reason in statutory.exception_reasons.values():
        kept_reason = reasons.get(reason.id)
        if kept_reason is not reason and kept_reason != reason:
            found.append(
                (
                    ("exception_reasons", reason.id),
                    f"changes the statutory exception reason {reason.id!r} "
                    f"({reason.reference or 'no reference'}). Remove this entry from the "
                    "overlay: exception reasons are the law's. Add a reason of your own "
                    "under a new id if a local target needs one.",
                )
            )
    found += _reach_problems(process, statutory)
    return [source.problem(path, message) for path, message in found]


def _state_problems(process: Process, statutory: Process) -> Iterator[tuple[Path, str]]:
    for state in process.states.values():
        law = statutory.states.get(state.id)
        if law is None:
            if state.final:
                closing = [
                    e.id
                    for e in statutory.events.values()
                    if any(statutory.states[t].final for t in e.targets)
                ]
                yield (
                    ("states", state.id, "final"),
                    f"the local state {state.id!r} is final, but a case may close only in "
                    f"a statutory final state ({', '.join(statutory.final_states)}), through "
                    f"the events that meet or end {cite_rules(statutory, closing)}. Remove "
                    "'final: true' and let the statutory events lead out of it.",
                )
            continue
        if state is law:
            continue  # the law's own state
        for field in ("final", "outcome"):
            if getattr(state, field) != getattr(law, field):
                into = [e.id for e in statutory.events.values() if state.id in e.targets]
                yield (
                    ("states", state.id, field),
                    f"changes {field!r} of the statutory state {state.id!r}, which "
                    f"{cite_rules(statutory, into)} rely on. Remove '{field}' from this "
                    "state in the overlay: only 'title' and 'description' may change.",
                )


def _event_problems(
    statutory: Process, event: EventSpec, law: EventSpec, homes: dict[str, set[str]]
) -> Iterator[tuple[Path, str]]:
    path: Path = ("events", event.id)
    cited = _Cited(statutory, event.id)
    for field in _EVENT_FIELDS:
        if getattr(event, field) != getattr(law, field):
            key = _EVENT_KEYS.get(field, field)
            yield (
                (*path, key),
                f"changes {key!r} of the statutory event {event.id!r}, which {cited} "
                f"depend on. Remove '{key}' from this event in the overlay; to add a local "
                "step, add a new event of your own.",
            )
    missing = [s for s in law.sources if s not in event.sources]
    if missing:
        yield (
            (*path, "from"),
            f"the statutory event {event.id!r} could no longer be recorded in "
            f"{', '.join(missing)}, where the law allows it ({cited}). Keep every state it "
            f"had in 'from': write from: [{', '.join(event.sources + tuple(missing))}].",
        )
    for origin in event.sources:
        if origin in law.sources:
            continue
        came = homes.get(origin, {origin})
        wrong = sorted(came - set(law.sources))
        if wrong:
            yield (
                (*path, "from"),
                f"adds {origin!r} to 'from' of the statutory event {event.id!r}: a case in "
                f"{', '.join(wrong)} could then reach it without the statutory steps in "
                f"between ({cited}). Only add local states entered from "
                f"{', '.join(law.sources) or 'its start'}.",
            )
    if event.data is law.data:
        return  # the law's own data fields, the same object
    for name, declared in law.data.items():
        if event.data.get(name) != declared:
            yield (
                (*path, "data", name),
                f"changes the data field {name!r} of the statutory event {event.id!r}. "
                "Remove it from the overlay; add a field of your own under a new name.",
            )
    for name, given in event.data.items():
        if name not in law.data and given.required:
            yield (
                (*path, "data", name),
                f"makes the new field {name!r} required on the statutory event "
                f"{event.id!r}, so it could be refused where the law allows it. Write "
                "'required: false' (or leave 'required' out).",
            )


def _local_event_problems(
    process: Process, statutory: Process, event: EventSpec, homes: dict[str, set[str]]
) -> Iterator[tuple[Path, str]]:
    path: Path = ("events", event.id)
    if event.reopens:
        yield (
            (*path, "reopens"),
            f"the local event {event.id!r} reopens a closed case; only the law's events "
            "may. Remove 'reopens'.",
        )
    for target in event.targets:
        if target not in statutory.states:
            continue
        for origin in event.sources:
            if origin == target or target in homes.get(origin, set()):
                continue
            if origin in process.states and process.states[origin].final:
                continue
            skipped = [
                e.id
                for e in statutory.events.values()
                if target in e.targets and e.id not in statutory.start
            ]
            key = "routes" if target != event.target else "to"
            yield (
                (*path, key),
                f"the local event {event.id!r} moves a case from {origin!r} to the "
                f"statutory state {target!r} without the statutory event that does so "
                f"({', '.join(skipped) or 'none'}), skipping {cite_rules(statutory, skipped)}. "
                f"Let it stay in the state (leave out 'to'), or lead to a local state "
                "from which the statutory event follows.",
            )


def _written(source: Source, path: Path, keys: Iterable[str]) -> str | None:
    """The first of ``keys`` under ``path`` that the overlay itself wrote, if any."""
    if not isinstance(source, LayeredSource):
        return None
    for key in keys:
        origin, rest = source.origin((*path, key))
        if origin is not None and not rest and origin.file == source.file:
            return key
    return None


def _rule_problems(
    law: TimeLimit, rule: TimeLimit | None, source: Source
) -> Iterator[tuple[Path, str]]:
    path: Path = ("time_limits", law.id)
    cite = f"the statutory rule {law.id} ({law.reference or 'no reference'})"
    if rule is None:
        yield path, f"{cite} is missing. Remove whatever removed it from the overlay."
        return
    for field in attrs.fields(TimeLimit):
        name = field.name
        if name in _WORDING or getattr(rule, name) == getattr(law, name):
            continue
        key = _KEYS.get(name, name)
        what = _WHAT.get(name, name)
        if name == "versions":
            key = _written(source, path, _VERSION_KEYS) or key
            what = _VERSION_WHAT.get(key, what)
        yield (
            (*path, key),
            f"this changes {what} of {cite}: the law says {_words(law, name)}; this overlay "
            f"says {_words(rule, name)}. An overlay may not change the law's rules. Delete "
            f"'{key}' from time_limits.{law.id} here. To aim for sooner, add a local target "
            f"instead: targets: {{{law.id}-local: {{target_of: {law.id}, title: ..., "
            "period: ...}}.",
        )


def _words(limit: TimeLimit, field: str) -> str:
    value = getattr(limit, field)
    if field == "versions":
        return "; ".join(_version_words(v) for v in limit.versions)
    if isinstance(value, tuple):
        return ", ".join(map(str, value)) or "none"
    return repr(value)


def _version_words(version: LimitVersion) -> str:
    due = version.due
    counting = due.counting.value.replace("_", " ")
    text = f"{due.period}, counted {counting} the start" if due.period else due.mode.value
    low, high = version.effective_from, version.effective_to
    if low or high:
        text += f" for clocks starting {low or '...'} to {high or '...'}"
    return text


def _reach_problems(process: Process, statutory: Process) -> Iterator[tuple[Path, str]]:
    reachable = process.reachable_states
    for state in statutory.final_states:
        if state in reachable:
            continue
        into = [e.id for e in statutory.events.values() if state in e.targets]
        yield (
            ("events", into[0]) if into else ("states", state),
            f"the statutory final state {state!r} can no longer be reached, so a case "
            f"could never end there as {cite_rules(statutory, into)} require. Undo the "
            "change that cut it off: keep the statutory events that lead to it, and their "
            "'from' states, as the law has them.",
        )
