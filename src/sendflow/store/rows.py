"""Turning cases, events and evaluations into table rows, and rows back into events.

Rows are built as tuples in the tables' column order (``CASE_COLUMNS``, ``EVENT_COLUMNS``,
``LIMIT_COLUMNS``), the form bulk inserts hand to the driver; :func:`values` gives a row
as a mapping for SQLAlchemy statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sendflow.definitions.model import Process
from sendflow.engine.events import Event, trusted_event
from sendflow.engine.results import Evaluation, Status
from sendflow.store.schema import cases, events, time_limits

__all__ = [
    "CASE_COLUMNS",
    "EVENT_COLUMNS",
    "LIMIT_COLUMNS",
    "case_row",
    "event_from_row",
    "event_row",
    "limit_rows",
    "stored_event",
    "utc",
    "values",
]

CASE_COLUMNS = tuple(c.name for c in cases.c)
EVENT_COLUMNS = tuple(c.name for c in events.c)
LIMIT_COLUMNS = tuple(c.name for c in time_limits.c)

_RUNNING = frozenset({Status.PENDING, Status.OVERDUE, Status.EXCUSED})
_TEXT = {status: status.value for status in Status}  # a look-up is faster than .value

Claims = Mapping[tuple[str, str | None, date, date | None], tuple[str, datetime]]
"""Reminder claims to carry over, by clock: (rule, key, started, due) to (worker, when)."""


def utc(moment: datetime | None) -> datetime | None:
    """``moment`` as an aware UTC time, whatever the database session's time zone.

    SQLite hands back naive times (the store writes UTC); PostgreSQL hands back times in
    the session's zone (``PGTZ``, ``timezone``), which are turned to UTC.
    """
    if moment is None or moment.tzinfo is UTC:
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


stored_event = trusted_event
"""``stored_event(name, on, data, actor, recorded_at)``: an event read from the store."""


def case_row(
    case_id: str,
    process: Process,
    evaluation: Evaluation,
    history: Sequence[Event],
    *,
    related_case: str | None,
    version: int,
) -> tuple[Any, ...]:
    """The ``cases`` row (in ``CASE_COLUMNS`` order) of a case with this legal history."""
    latest = evaluation.as_of
    final = evaluation.final
    return (
        case_id,
        process.id,
        process.version,
        related_case,
        evaluation.state,
        final,
        version,
        min(e.on for e in history),
        # Nothing can follow a final state, so the latest event is the one that closed it.
        latest if final else None,
        latest,
    )


def event_row(
    case_id: str, sequence: int, event: Event, recorded_at: datetime | None = None
) -> tuple[Any, ...]:
    """The ``events`` row (in ``EVENT_COLUMNS`` order) of one event.

    Dates in its data become ISO text, as in a case file; ``recorded_at`` stands in for
    the event's own when it has none. The time is written in UTC (SQLite keeps no zone).
    """
    recorded = event.recorded_at or recorded_at
    if recorded is not None and recorded.tzinfo is not UTC:
        recorded = utc(recorded)
    data: Any = event.data
    if data:
        if any(isinstance(v, date) for v in data.values()):
            data = {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}
        elif type(data) is not dict:
            data = dict(data)
    else:
        data = None
    return (
        case_id,
        sequence,
        event.name,
        event.on,
        recorded,
        event.actor,
        data,
    )


def values(columns: tuple[str, ...], row: tuple[Any, ...]) -> dict[str, Any]:
    """A row as a mapping of its columns, for SQLAlchemy statements."""
    return dict(zip(columns, row, strict=True))


def event_from_row(row: Any) -> Event:
    """The event an ``events`` row (read through SQLAlchemy) holds."""
    return stored_event(
        row.name, row.occurred_on, dict(row.data or {}), row.actor, utc(row.recorded_at)
    )


def limit_rows(
    case_id: str, process: Process, evaluation: Evaluation, claims: Claims | None = None
) -> list[tuple[Any, ...]]:
    """The ``time_limits`` rows (in ``LIMIT_COLUMNS`` order) of an evaluation.

    The evaluation is made as of the case's latest event. A clock is open while nothing
    has ended it: not met, not void, the case not closed, and no fresh clock of the same
    rule and key has replaced it. A claim on a reminder carries over while the clock and
    its due date stay the same.
    """
    results = evaluation.time_limits
    newest: set[tuple[str, str | None]] = set()
    superseded = [False] * len(results)
    for position in range(len(results) - 1, -1, -1):
        result = results[position]
        identity = (result.rule, result.key)
        superseded[position] = identity in newest
        newest.add(identity)
    closed = evaluation.final
    limits = process.time_limits
    process_id = process.id
    rows = []
    for position, result in enumerate(results):
        due = result.due_on
        met = result.met_on
        status = result.status
        rule = result.rule
        claim = claims.get((rule, result.key, result.started_on, due)) if claims else None
        rows.append(
            (
                case_id,
                position,
                process_id,
                rule,
                result.key,
                result.kind,
                result.duty,
                result.started_on,
                due,
                met,
                _TEXT[status],
                limits[rule].conditional,
                bool(result.exceptions),
                not closed
                and due is not None
                and met is None
                and status in _RUNNING
                and not superseded[position],
                claim[0] if claim else None,
                claim[1] if claim else None,
            )
        )
    return rows
