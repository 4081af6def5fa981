"""Properties of a definition's structure, checked once per process.

Every state can be reached and can reach a final state; every clock that starts can still
be stopped by its own events; every event that meets a rule can come after the clock
starts. Each is a function ``property(process)`` that raises :class:`PropertyError` when
it does not hold.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping, Sequence

from sendflow.definitions.model import Kind, TimeLimit
from sendflow.engine.events import Event
from sendflow.engine.machine import INITIAL, CompiledProcess
from sendflow.testing.processes import ProcessLike, as_compiled

__all__ = [
    "DEFINITION_PROPERTIES",
    "PropertyError",
    "as_compiled",
    "every_clock_can_stop",
    "every_met_by_event_can_follow_its_start",
    "every_state_is_reachable",
    "every_state_reaches_a_final_state",
]


class PropertyError(AssertionError):
    """A property of a process definition does not hold; the message says which and why."""

    def __init__(self, prop: str, message: str, history: Sequence[Event] = ()) -> None:
        self.property = prop
        lines = [f"{prop}: {message}"]
        if history:
            lines.append("History:")
            lines.extend(f"  - {json.dumps(e.to_dict())}" for e in history)
        super().__init__("\n".join(lines))


def _next_states(compiled: CompiledProcess, state: str) -> set[str]:
    """The states one event can take a case in ``state`` to, routes chosen by data included."""
    found: set[str] = set()
    for name, target in compiled.table.get(state, {}).items():
        found.add(target)
        found.update(r.target for r in compiled.process.events[name].routes)
    return found


def _reachable(compiled: CompiledProcess, start: str) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for target in _next_states(compiled, queue.popleft()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def every_state_is_reachable(process: ProcessLike) -> None:
    """Every state of the definition can be reached from a start event."""
    compiled = as_compiled(process)
    missing = [s for s in compiled.process.states if s not in _reachable(compiled, INITIAL)]
    if missing:
        raise PropertyError(
            "every_state_is_reachable",
            f"no sequence of events from {', '.join(compiled.process.start)} reaches "
            f"{', '.join(missing)}. Add an event into it from a reachable state, or remove it.",
        )


def every_state_reaches_a_final_state(process: ProcessLike) -> None:
    """From every reachable state some sequence of events closes the case."""
    compiled = as_compiled(process)
    finals = set(compiled.process.final_states)
    trapped = [
        s
        for s in sorted(_reachable(compiled, INITIAL) - {INITIAL})
        if not _reachable(compiled, s) & finals
    ]
    if trapped:
        raise PropertyError(
            "every_state_reaches_a_final_state",
            f"a case in {', '.join(trapped)} can never close: no events lead from there to "
            f"a final state ({', '.join(sorted(finals))}). Add a way out of the loop.",
        )


def _after_opening(compiled: CompiledProcess, limit: TimeLimit) -> list[tuple[str, set[str]]]:
    """For each open state a clock of ``limit`` can be in, the events still possible."""
    opening = limit.starts if limit.kind is not Kind.LEAD_TIME else limit.met_by
    found: list[tuple[str, set[str]]] = []
    for state in sorted(_reachable(compiled, INITIAL)):
        for name in opening:
            usual = compiled.table.get(state, {}).get(name)
            if usual is None:
                continue
            routes = {
                r.target
                for r in compiled.process.events[name].routes
                if _compatible(r.when, limit.when)
            }
            for after in sorted({usual} | routes):
                if compiled.final[after]:
                    continue
                possible = {e for s in _reachable(compiled, after) for e in compiled.allowed(s)}
                found.append((f"{name} from {state}", possible))
    return found


def _compatible(route: Mapping[str, tuple[str, ...]], when: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether some event data can both take a route and start a clock limited by ``when``."""
    return all(set(values) & set(when[f]) for f, values in route.items() if f in when)


def _meeting_events(limit: TimeLimit) -> tuple[str, ...]:
    if limit.kind is Kind.LEAD_TIME:
        return limit.starts
    if limit.kind is Kind.MINIMUM:
        return limit.guards
    return limit.met_by


def every_clock_can_stop(process: ProcessLike) -> None:
    """Once a clock starts, an event that meets or voids it can still happen.

    A clock that only the case's closing can stop is never met: its rule is wrongly
    written (its ``met_by`` events come only before its start, say).
    """
    compiled = as_compiled(process)
    stuck = []
    for limit in compiled.process.time_limits.values():
        ending = {*_meeting_events(limit), *limit.void_by}
        for where, possible in _after_opening(compiled, limit):
            if not possible & ending:
                stuck.append(
                    f"{limit.id} (started by {where}; ended by {', '.join(sorted(ending))})"
                )
    if stuck:
        raise PropertyError(
            "every_clock_can_stop",
            "these clocks, once started, can never be met or voided by any later event: "
            + "; ".join(stuck),
        )


def every_met_by_event_can_follow_its_start(process: ProcessLike) -> None:
    """Every event listed to meet a rule can happen after some clock of it starts."""
    compiled = as_compiled(process)
    dead: list[str] = []
    for limit in compiled.process.time_limits.values():
        openings = _after_opening(compiled, limit)
        dead.extend(
            f"{name} (rule {limit.id})"
            for name in _meeting_events(limit)
            if openings and not any(name in possible for _, possible in openings)
        )
    if dead:
        raise PropertyError(
            "every_met_by_event_can_follow_its_start",
            "these events can never happen after the clock they should meet has started: "
            + ", ".join(dead)
            + ". Check the rule's starts and met_by, and the events' from-states.",
        )


DefinitionProperty = Callable[[ProcessLike], None]

DEFINITION_PROPERTIES: tuple[DefinitionProperty, ...] = (
    every_state_is_reachable,
    every_state_reaches_a_final_state,
    every_clock_can_stop,
    every_met_by_event_can_follow_its_start,
)
"""The properties of a definition, checked once per process."""
