"""The engine: one state machine per definition, and the fold of a history into verdicts.

This is the only module that imports ``transitions``. Each process gets one machine, built
once with ``auto_transitions=False`` (a legal process has no "jump to any state"); the
replay loop uses a transition table derived from that machine, so that folding a history
costs dictionary look-ups rather than a machine call per event. ``fire`` drives the
machine itself; the tests prove the two agree on generated histories.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import transitions

from sendflow.definitions.model import Kind, Process
from sendflow.engine.clocks import LimitPlan
from sendflow.engine.events import Event
from sendflow.engine.results import Standing
from sendflow.engine.validation import EventPlan
from sendflow.errors import ArgumentError, EventNotAllowedError

__all__ = ["INITIAL", "CompiledProcess", "compile_process"]

INITIAL = "(new case)"
"""The state of a case before its start event; never a state of the definition."""

START, MET, VOID, GUARD, ANCHOR, LEAD_OPEN, UPDATE = range(7)


class _Token:
    """The minimal object ``transitions`` fires events on (it only needs ``state``)."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


class CompiledProcess:
    """A process ready to run: its machine, transition table and per-event plans."""

    def __init__(self, process: Process, *, closures: frozenset[date] = frozenset()) -> None:
        self.process = process
        self.closures = closures
        # The replay programs of this process (``sendflow.engine.programs``), made on first use.
        self.programs: Any = None
        self._allowed: dict[str, tuple[str, ...]] = {}
        self._standing: dict[str, Standing] = {}
        self.machine = _build_machine(process)
        self.table: dict[str, dict[str, str]] = transition_table(self.machine)
        self.final: dict[str, bool] = {s.id: s.final for s in process.states.values()}
        self.final[INITIAL] = False
        self.routes = {name: spec for name, spec in process.events.items() if spec.routes}
        self.limit_plans = {
            lid: LimitPlan(limit, i, closures=closures)
            for i, (lid, limit) in enumerate(process.time_limits.items())
        }
        self.has_parts = any(plan.parts for plan in self.limit_plans.values())
        self.plans: dict[str, EventPlan] = {
            name: EventPlan(spec, _ops(name, self.limit_plans))
            for name, spec in process.events.items()
        }

    def allowed(self, state: str) -> tuple[str, ...]:
        """The events a case in ``state`` can record, in definition order.

        A case in a final state allows only the events that reopen it (the checks refuse
        any other event from a final state).
        """
        found = self._allowed.get(state)
        if found is None:
            found = self._allowed[state] = tuple(self.table.get(state, {}))
        return found

    def standing(self, state: str) -> Standing:
        """Where a case in ``state`` stands: made once per state."""
        found = self._standing.get(state)
        if found is None:
            spec = self.process.states.get(state)
            found = self._standing[state] = Standing(
                process=self.process.id,
                process_version=self.process.version,
                state=state,
                final=self.final[state],
                outcome=spec.outcome if spec is not None else None,
                allowed_events=self.allowed(state),
            )
        return found

    def fire(self, state: str, event: str, data: Mapping[str, Any] | None = None) -> str:
        """Fire ``event`` on the ``transitions`` machine from ``state``; return the new state.

        ``data`` is the event's data: an event with routes goes where its data sends it.

        Raises:
            EventNotAllowedError: The machine does not allow ``event`` in ``state``.
        """
        token = _Token(state)
        trigger = self.machine.events.get(event)
        try:
            if trigger is None:
                raise transitions.MachineError(f"no event {event!r}")
            trigger.trigger(token, data or {})
        except transitions.MachineError as exc:
            raise EventNotAllowedError(
                f"{event!r} is not allowed in state {state!r}.",
                state=state,
                event=event,
                allowed=self.allowed(state),
            ) from exc
        return token.state


def _build_machine(process: Process) -> transitions.Machine:
    triggers: list[dict[str, Any]] = []
    for event in process.events.values():
        for source in [INITIAL] if event.id in process.start else event.sources:
            # The machine tries transitions in order: routes first, the usual target last.
            triggers.extend(
                {
                    "trigger": event.id,
                    "source": source,
                    "dest": route.target,
                    "conditions": [route.matches],
                }
                for route in event.routes
            )
            triggers.append({"trigger": event.id, "source": source, "dest": event.target})
    return transitions.Machine(
        model=None,
        states=[INITIAL, *process.states],
        transitions=triggers,
        initial=INITIAL,
        auto_transitions=False,
        send_event=False,
        ignore_invalid_triggers=False,
    )


def transition_table(machine: transitions.Machine) -> dict[str, dict[str, str]]:
    """State -> event -> next state, read off a ``transitions`` machine.

    An internal transition (no ``dest``) keeps the state. A conditional transition (a
    route chosen by the event's data) is left out: the table holds the usual target.
    """
    table: dict[str, dict[str, str]] = {state: {} for state in machine.states}
    for name, event in machine.events.items():
        for source, found in event.transitions.items():
            for transition in found:
                if transition.conditions:
                    continue
                table[source][name] = transition.dest if transition.dest is not None else source
    return table


def _ops(name: str, plans: Mapping[str, LimitPlan]) -> tuple[tuple[int, LimitPlan], ...]:
    """What ``name`` does to each rule, ending operations first, starts last."""
    ending: list[tuple[int, LimitPlan]] = []
    updating: list[tuple[int, LimitPlan]] = []
    starting: list[tuple[int, LimitPlan]] = []
    for plan in plans.values():
        limit = plan.limit
        if name in limit.void_by:
            ending.append((VOID, plan))
        if limit.kind is Kind.LEAD_TIME:
            if name in limit.met_by:
                ending.append((LEAD_OPEN, plan))
            if name in limit.starts:
                ending.append((ANCHOR, plan))
            continue
        if name in limit.met_by:
            ending.append((MET, plan))
        if name in limit.guards:
            ending.append((GUARD, plan))
        if any(name == part for v in limit.versions for part, _ in v.due.parts):
            updating.append((UPDATE, plan))
        if name in limit.starts:
            starting.append((START, plan))
    return (*ending, *updating, *starting)


_NO_CLOSURES: frozenset[date] = frozenset()
# The process compiled last without closures, and its compiled form.
_LAST: list[tuple[Process, CompiledProcess]] = []
_COMPILED: weakref.WeakKeyDictionary[Process, dict[frozenset[date], CompiledProcess]] = (
    weakref.WeakKeyDictionary()
)


def compile_process(
    process: Process, *, closures: Iterable[date] = _NO_CLOSURES
) -> CompiledProcess:
    """Return the compiled form of ``process``, built once and reused.

    Args:
        process: The definition.
        closures: A council's own closure dates, which are not working days in any of
            its calendars (see :func:`sendflow.time.calendars.load_closures`).

    Raises:
        ArgumentError: ``closures`` is not a collection of ``datetime.date`` values.
    """
    if not closures and _LAST and _LAST[0][0] is process:
        return _LAST[0][1]  # evaluating many cases of one process: skip the look-up
    days = closures if isinstance(closures, frozenset) else _closure_set(closures)
    by_closures = _COMPILED.get(process)
    if by_closures is None:
        by_closures = _COMPILED[process] = {}
    compiled = by_closures.get(days)
    if compiled is None:  # checked once, when first compiled with these closures
        wrong = next((d for d in days if not isinstance(d, date) or isinstance(d, datetime)), None)
        if wrong is not None:
            raise _not_closures(wrong)
        compiled = by_closures[days] = CompiledProcess(process, closures=days)
    if not days:
        _LAST[:] = [(process, compiled)]
    return compiled


def _closure_set(closures: Any) -> frozenset[date]:
    """``closures`` as a set (its days are checked when first compiled with)."""
    if isinstance(closures, str | bytes):
        raise _not_closures(closures)
    try:
        return frozenset(closures)
    except TypeError:  # not a collection, or holds what cannot be a date
        raise _not_closures(closures) from None


def _not_closures(wrong: object) -> ArgumentError:
    return ArgumentError(
        "closures must be datetime.date values (the council's closure days), not "
        f"{type(wrong).__name__} {wrong!r}. Use [date(2024, 12, 23)], or "
        "sendflow.time.calendars.load_closures(FILE)."
    )


def ordered(events: Iterable[Event]) -> list[Event]:
    """Events in legal order: by date, same-day events in the order they were recorded.

    A list already in legal order is returned as it is, not copied.
    """
    found = events if isinstance(events, list) else list(events)
    previous: date | None = None
    for event in found:
        if previous is not None and event.on < previous:
            return sorted(found, key=_on)
        previous = event.on
    return found


def _on(event: Event) -> date:
    return event.on
