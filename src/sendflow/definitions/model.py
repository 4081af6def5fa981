"""The neutral model of a process definition: frozen values, no behaviour.

The loader builds these from YAML; the engine compiles them; reports and the CLI read them.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from sendflow.time.periods import Counting, Period

__all__ = [
    "DataField",
    "Due",
    "DueMode",
    "EventSpec",
    "Evidence",
    "ExceptionReason",
    "FieldType",
    "Kind",
    "LimitVersion",
    "Link",
    "Note",
    "Process",
    "Reference",
    "Route",
    "Source",
    "State",
    "TimeLimit",
]


class Evidence(enum.StrEnum):
    """How firmly a rule is known, from the primary text down to best knowledge.

    ``PRACTICE`` is another kind of source: a limit that no legislation sets, held to in
    practice (published Ombudsman decisions). Missing it is not a statutory breach, and
    its explanation says so.
    """

    PRIMARY = "primary"
    OFFICIAL = "official"
    SECONDARY = "secondary"
    UNCONFIRMED = "unconfirmed"
    PRACTICE = "practice"


class Kind(enum.StrEnum):
    """What a time limit asks for."""

    DEADLINE = "deadline"
    MINIMUM = "minimum"
    LEAD_TIME = "lead_time"


class FieldType(enum.StrEnum):
    """The type of an event data field."""

    TEXT = "text"
    DATE = "date"
    LIST = "list"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    PERIOD = "period"


@attrs.frozen
class Source:
    """A legal instrument or document that rules cite."""

    id: str
    title: str
    citation: str
    url: str | None = None


@attrs.frozen
class Reference:
    """Where a rule comes from, and how firmly that is known."""

    source: Source | None
    provision: str
    evidence: Evidence
    note: str | None = None

    def __str__(self) -> str:
        if self.source is None:
            return self.provision
        return f"{self.source.citation} {self.provision}".strip()


@attrs.frozen
class State:
    """A state a case can be in."""

    id: str
    title: str
    final: bool = False
    outcome: str | None = None
    description: str | None = None
    reference: Reference | None = None


@attrs.frozen
class DataField:
    """A field an event may (or must) carry in its data."""

    name: str
    required: bool = False
    type: FieldType = FieldType.TEXT
    one_of: tuple[str, ...] | None = None
    one_of_list: str | None = None
    description: str | None = None


@attrs.frozen
class Route:
    """A state an event leads to instead of its usual one when its data matches.

    A tribunal decision that dismisses the appeal closes the case; any other order puts
    it into force. ``when`` maps a data field to the values that select this route.
    """

    when: Mapping[str, tuple[str, ...]]
    target: str

    def matches(self, data: Mapping[str, object]) -> bool:
        """Whether an event with ``data`` takes this route."""
        return all(str(data.get(field)) in values for field, values in self.when.items())


@attrs.frozen
class EventSpec:
    """An event a case can record: the states it may come from and the state it leads to.

    ``routes`` (tried in order, the first match wins) send the case to another state when
    the event's data matches; otherwise it goes to ``target``. An event that ``reopens``
    may come from a final state (a refusal reversed after mediation or appeal).
    """

    id: str
    title: str
    sources: tuple[str, ...]
    target: str | None
    data: Mapping[str, DataField] = attrs.field(factory=dict)
    routes: tuple[Route, ...] = ()
    roles: tuple[str, ...] = ()
    exception: bool = False
    reopens: bool = False
    reference: Reference | None = None
    description: str | None = None

    def target_for(self, data: Mapping[str, object]) -> str | None:
        """The state an occurrence with ``data`` leads to (``None``: it stays)."""
        for route in self.routes:
            if route.matches(data):
                return route.target
        return self.target

    @functools.cached_property
    def targets(self) -> tuple[str, ...]:
        """Every state this event can lead to: its usual target, then each route's."""
        found = [] if self.target is None else [self.target]
        return tuple(dict.fromkeys([*found, *(r.target for r in self.routes)]))


@attrs.frozen
class ExceptionReason:
    """A reason that may excuse a missed time limit, with the window in which it exists."""

    id: str
    title: str
    reference: Reference | None = None
    clock_ran_from: date | None = None
    clock_ran_to: date | None = None
    check: str | None = None


class DueMode(enum.StrEnum):
    """How a time limit's due date is found."""

    PERIOD = "period"
    LATER_OF = "later_of"
    EARLIER_OF = "earlier_of"
    FIXED = "due"
    FROM_DATA = "due_from"
    BEFORE = "before"


@attrs.frozen
class Due:
    """How the due date of one rule version is found.

    ``PERIOD`` counts ``period`` from the clock's start; ``LATER_OF``/``EARLIER_OF`` take
    the later or earlier of ``parts`` (an event and a period after it) and of the dates in
    the starting event's ``dates_from`` fields (the day of a move); ``FIXED`` is a
    date; ``FROM_DATA`` reads a date from the starting event's ``field`` (``period``, if
    given, is how long before that date the act is due: "at least five months before the
    transfer"); ``BEFORE`` is the day before ``month``/``day`` of the year in the starting
    event's ``field``.
    """

    mode: DueMode
    period: Period | None = None
    parts: tuple[tuple[str, Period], ...] = ()
    fixed: date | None = None
    field: str | None = None
    month: int | None = None
    day: int | None = None
    counting: Counting = Counting.AFTER
    dates_from: tuple[str, ...] = ()


@attrs.frozen
class LimitVersion:
    """One version of a rule, in force for clocks that start within ``effective``.

    A version with ``when`` is a variant: it applies only to clocks whose starting event's
    data matches (field -> allowed values), so one rule can have a due date per kind of
    case (a phase transfer to school or to a post-16 institution).
    """

    due: Due
    reference: Reference | None
    effective_from: date | None = None
    effective_to: date | None = None
    when: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    def in_force(self, on: date) -> bool:
        """Whether this version applies to a clock that starts ``on``."""
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    def matches(self, data: Mapping[str, object]) -> bool:
        """Whether a starting event with ``data`` meets this version's ``when``."""
        return all(str(data.get(field)) in values for field, values in self.when.items())


@attrs.frozen
class TimeLimit:
    """A rule that starts a clock on an event and says when something must (not) happen.

    ``period_from`` names a data field of the starting event (``type: period``): when the
    event carries it, that period, counted from the start, replaces the version's own due
    date (a period the tribunal directs instead of the regulation's).
    """

    id: str
    title: str
    kind: Kind
    duty: str
    starts: tuple[str, ...]
    versions: tuple[LimitVersion, ...]
    met_by: tuple[str, ...] = ()
    void_by: tuple[str, ...] = ()
    guards: tuple[str, ...] = ()
    excusable: tuple[str, ...] = ()
    restart: bool = False
    per: str | None = None
    when: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    when_given: tuple[str, ...] = ()
    conditional: bool = False
    calendar: str = "england"
    next_working_day: bool = False
    tribunal_act: str | None = None
    target_of: str | None = None
    description: str | None = None
    period_from: str | None = None
    local: bool = False
    closures: frozenset[date] = frozenset()

    @property
    def reference(self) -> Reference | None:
        """The reference of the latest version (each version may cite its own)."""
        return self.versions[-1].reference

    def version_on(self, on: date) -> LimitVersion | None:
        """The version in force for a clock starting ``on``, if any."""
        for version in self.versions:
            if version.in_force(on):
                return version
        return None

    def version_for(self, on: date, data: Mapping[str, object]) -> LimitVersion | None:
        """The version for a clock starting ``on`` with ``data``: the first in force that matches.

        Variants (versions with ``when``) come before the rule's plain due date, so the
        plain one is the default for data no variant names.
        """
        for version in self.versions:
            if version.in_force(on) and version.matches(data):
                return version
        return None


@attrs.frozen
class Link:
    """An event of this process that records an event in a related case of another process.

    When an event named in ``on`` is recorded with data matching ``when``, in a case whose
    start event's data matches ``case_when``, the related case (of process ``process``)
    records ``record`` on the same date with ``data``.
    """

    title: str
    on: tuple[str, ...]
    when: Mapping[str, tuple[str, ...]]
    case_when: Mapping[str, tuple[str, ...]]
    process: str
    record: str
    data: Mapping[str, Any]


@attrs.frozen
class Note:
    """A section of explanation for people: what the rules alone do not say.

    ``text`` is plain text in paragraphs separated by blank lines; a paragraph whose lines
    start with ``- `` is a list. ``table`` is an optional table, its header row first.
    ``local`` is true for a note an overlay added: the council's words, not the law's.
    """

    title: str
    text: str
    table: tuple[tuple[str, ...], ...] = ()
    local: bool = False


@attrs.frozen(eq=False)
class Process:
    """A whole process definition: states, events, time limits and what they cite.

    Processes compare by identity: two loads of one file are two processes.
    """

    id: str
    title: str
    version: str
    start: tuple[str, ...]
    states: Mapping[str, State]
    events: Mapping[str, EventSpec]
    time_limits: Mapping[str, TimeLimit]
    sources: Mapping[str, Source] = attrs.field(factory=dict)
    lists: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    exception_reasons: Mapping[str, ExceptionReason] = attrs.field(factory=dict)
    links: tuple[Link, ...] = ()
    description: str | None = None
    notes: tuple[Note, ...] = ()
    file: str | None = attrs.field(default=None, eq=False)
    extends: Process | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def statutory(self) -> Process:
        """The packaged process this one adapts (itself when it adapts none)."""
        found = self
        while found.extends is not None:
            found = found.extends
        return found

    @property
    def final_states(self) -> tuple[str, ...]:
        """The ids of the states in which a case is closed."""
        return tuple(s.id for s in self.states.values() if s.final)

    @functools.cached_property
    def reachable_states(self) -> frozenset[str]:
        """The states a case can reach from its start events (worked out once)."""
        leaving: dict[str, list[str]] = {}  # the states each state's events lead to
        for event in self.events.values():
            for source in event.sources:
                leaving.setdefault(source, []).extend(event.targets)
        seen: set[str] = set()
        waiting = [t for e in self.start for t in self.events[e].targets]
        while waiting:
            state = waiting.pop()
            if state not in seen:
                seen.add(state)
                waiting.extend(leaving.get(state, ()))
        return frozenset(seen)
