"""Turning cases, events and evaluations into table rows, and rows back into events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sendflow.definitions.model import Process
from sendflow.engine.events import Event
from sendflow.engine.results import Evaluation, Status

__all__ = ["case_values", "event_from_row", "event_values", "limit_values", "utc"]

_RUNNING = frozenset({Status.PENDING, Status.OVERDUE, Status.EXCUSED})


def utc(moment: datetime | None) -> datetime | None:
    """``moment`` as an aware UTC time (SQLite hands back naive times)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def case_values(
    case_id: str,
    process: Process,
    evaluation: Evaluation,
    history: Sequence[Event],
    *,
    related_case: str | None,
    version: int,
) -> dict[str, Any]:
    """The ``cases`` row of a case whose legal history is ``history``."""
    opened = min(e.on for e in history)
    latest = evaluation.as_of
    return {
        "id": case_id,
        "process": process.id,
        "process_version": process.version,
        "related_case": related_case,
        "state": evaluation.state,
        "final": evaluation.final,
        "version": version,
        "opened_on": opened,
        # Nothing can follow a final state, so the latest event is the one that closed it.
        "closed_on": latest if evaluation.final else None,
        "last_event_on": latest,
    }


def event_values(case_id: str, sequence: int, event: Event) -> dict[str, Any]:
    """The ``events`` row of one event; data dates become ISO text, as in a case file."""
    data = event.to_dict().get("data") if event.data else None
    return {
        "case_id": case_id,
        "sequence": sequence,
        "name": event.name,
        "occurred_on": event.on,
        "recorded_at": event.recorded_at,
        "actor": event.actor,
        "data": data,
    }


def event_from_row(row: Any) -> Event:
    """The event an ``events`` row holds."""
    return Event(
        row.name,
        row.occurred_on,
        data=dict(row.data or {}),
        actor=row.actor,
        recorded_at=utc(row.recorded_at),
    )


def limit_values(
    case_id: str,
    process: Process,
    evaluation: Evaluation,
    claims: Mapping[tuple[str, str | None, date, date | None], tuple[str, datetime]] | None = None,
) -> list[dict[str, Any]]:
    """The ``time_limits`` rows of an evaluation made as of the case's latest event.

    A clock is open while nothing has ended it: not met, not void, the case not closed,
    and no fresh clock of the same rule and key has replaced it. A claim on a reminder
    carries over while the clock and its due date stay the same.
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
    rows = []
    for position, result in enumerate(results):
        due = result.due_on
        claim = claims.get((result.rule, result.key, result.started_on, due)) if claims else None
        rows.append(
            {
                "case_id": case_id,
                "position": position,
                "process": process.id,
                "rule": result.rule,
                "key": result.key,
                "kind": result.kind,
                "duty": result.duty,
                "started_on": result.started_on,
                "due_on": due,
                "met_on": result.met_on,
                "status": result.status.value,
                "conditional": limits[result.rule].conditional,
                "excused": bool(result.exceptions),
                "is_open": (
                    not closed
                    and due is not None
                    and result.met_on is None
                    and result.status in _RUNNING
                    and not superseded[position]
                ),
                "claimed_by": claim[0] if claim else None,
                "claimed_at": claim[1] if claim else None,
            }
        )
    return rows
