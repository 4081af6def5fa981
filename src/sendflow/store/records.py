"""What the store hands back: case summaries, stored events, due time limits, import reports.

Their JSON forms are in :mod:`sendflow.contracts` (``docs/contracts.md``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

import attrs

from sendflow.engine.events import Event
from sendflow.engine.results import Status

__all__ = [
    "BadCase",
    "CaseSummary",
    "Change",
    "Changes",
    "DueItem",
    "ImportReport",
    "Page",
    "Retraction",
    "StoredCase",
    "StoredEvent",
]


@attrs.frozen
class CaseSummary:
    """One stored case as the case list shows it.

    Attributes:
        case_id: The case's id.
        process: The process id.
        process_version: The version of the definition the case runs under.
        state: Its state after its latest event.
        final: Whether that state closes the case.
        version: The number of records (events and retractions) in its history.
        opened_on: The date of its start event.
        closed_on: The date it reached a final state, if it has.
        last_event_on: The date of its latest event.
    """

    case_id: str
    process: str
    process_version: str
    state: str
    final: bool
    version: int
    opened_on: date
    closed_on: date | None
    last_event_on: date


@attrs.frozen
class StoredCase:
    """One stored case with its legal history, as :meth:`Store.iter_cases` reads it.

    ``events`` is ready for :func:`sendflow.evaluate`: retracted events are left out and
    the rest are in legal order (by date; same-day events in the order recorded).

    Attributes:
        case_id: The case's id.
        process: The process id (``store.process(case.process)`` is its definition).
        process_version: The version of the definition the case runs under.
        state: Its state after its latest event, as stored.
        version: The number of records (events and retractions) in its history.
        related_case: The case it is about (an appeal's assessment case), if any.
        events: The legal history.
    """

    case_id: str
    process: str
    process_version: str
    state: str
    version: int
    related_case: str | None
    events: tuple[Event, ...]

    def to_dict(self) -> dict[str, Any]:
        """The case-file form (with each event's actor and recorded-at time)."""
        out: dict[str, Any] = {"process": self.process, "case_id": self.case_id}
        if self.related_case is not None:
            out["related_case"] = self.related_case
        out["events"] = [event.to_dict() for event in self.events]
        return out


@attrs.frozen
class Retraction:
    """A correction: who took an event out of the legal history, when and why."""

    by: str
    reason: str
    at: datetime


@attrs.frozen
class StoredEvent:
    """One event of the audit trail, with its number and any retraction of it.

    Attributes:
        sequence: Its number in the case, from 1, in the order it was recorded.
        event: The event (its ``recorded_at`` set by the store).
        retraction: The retraction that removed it from the legal history, if any.
    """

    sequence: int
    event: Event
    retraction: Retraction | None = None


@attrs.frozen
class Change:
    """One record of the change feed: an event recorded in a case, or a retraction.

    Attributes:
        case_id: The case written.
        process: The case's process id.
        kind: ``event`` or ``retraction``.
        sequence: The event's number in its case (for a retraction, the number of the
            event it took out of the legal history).
        event: For an event, the event as recorded (its ``retraction`` always ``None``:
            a later retraction is a change of its own); ``None`` for a retraction.
        retraction: For a retraction, who made it, when and why; ``None`` for an event.
        recorded_at: When the record was written (aware, UTC).
    """

    case_id: str
    process: str
    kind: str
    sequence: int
    event: StoredEvent | None
    retraction: Retraction | None
    recorded_at: datetime


@attrs.frozen
class Changes:
    """A page of the change feed: records in commit order, and where to resume.

    Attributes:
        items: The records after the cursor given, in commit order (at most ``limit``).
        cursor: The cursor to pass as ``after`` to read on; the cursor given when there
            was nothing new.
    """

    items: tuple[Change, ...]
    cursor: str


@attrs.frozen
class DueItem:
    """A running time limit that falls due in a window, or is already past due.

    Attributes:
        case_id: The case.
        process: The case's process id.
        rule: The rule id (``final-plan``).
        key: The ``per`` value (the party asked), or ``None``.
        due_on: The due date.
        status: ``Status.PENDING`` (not yet due, or a conditional rule waiting for the
            case to resolve), ``Status.OVERDUE`` (past due), or ``Status.EXCUSED`` (past
            due, with an exception the rule accepts recorded while it ran), as of the
            query's date.
        duty: Who bears the duty.
        kind: ``deadline`` or ``minimum`` (a minimum period whose window is still open).
        claimed_by: The worker that claimed its reminder, if one has.
    """

    case_id: str
    process: str
    rule: str
    key: str | None
    due_on: date
    status: Status
    duty: str
    kind: str
    claimed_by: str | None = None


T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """One page of a listing (:meth:`Store.due_page`, :meth:`Store.cases_page`).

    Attributes:
        items: The page's items, in the listing's order.
        next_cursor: Pass it as ``cursor`` for the next page; ``None`` on the last page.
    """

    items: tuple[T, ...]
    next_cursor: str | None


@attrs.frozen
class BadCase:
    """A case an import could not take, with where it came from and why.

    Attributes:
        where: Where it came from: ``cases.jsonl, line 12``, ``folder/a.json``, ``index 3``.
        case_id: Its id, when it had a readable one.
        reason: What is wrong and how to fix it.
    """

    where: str
    case_id: str | None
    reason: str

    def __str__(self) -> str:
        named = f" (case {self.case_id})" if self.case_id else ""
        return f"{self.where}{named}: {self.reason}"


@attrs.frozen
class ImportReport:
    """What an import did.

    Attributes:
        cases: How many cases were imported.
        events: How many events they hold.
        bad: The cases that were not imported, in input order.
    """

    cases: int
    events: int
    bad: tuple[BadCase, ...] = ()
