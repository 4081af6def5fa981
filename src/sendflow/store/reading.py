"""Reading many cases: by an event in their history, as summaries, and as an export.

Each function takes an open connection; retracted events are never part of a legal
history, so none of them is found or exported.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, select

from sendflow.store import queries
from sendflow.store.records import CaseSummary
from sendflow.store.rows import event_from_row
from sendflow.store.schema import cases, retractions
from sendflow.store.schema import events as event_log

__all__ = ["cases_with", "export", "summaries"]


def _legal() -> ColumnElement[bool]:
    """True for an event row that has not been retracted."""
    return ~exists().where(
        retractions.c.case_id == event_log.c.case_id,
        retractions.c.sequence == event_log.c.sequence,
    )


def cases_with(
    conn: Connection, event: str, *, data: Mapping[str, Any], process: str | None
) -> list[str]:
    """The ids of cases whose legal history has ``event`` with ``data`` (a subset), by id."""
    query = (
        select(event_log.c.case_id, event_log.c.data)
        .join(cases, cases.c.id == event_log.c.case_id)
        .where(event_log.c.name == event, _legal())
        .order_by(event_log.c.case_id)
    )
    if process is not None:
        query = query.where(cases.c.process == process)
    found = [
        row.case_id
        for row in conn.execute(query)
        if all((row.data or {}).get(k) == v for k, v in data.items())
    ]
    return list(dict.fromkeys(found))


def summaries(conn: Connection, *, process: str | None, state: str | None) -> list[CaseSummary]:
    """Every stored case (optionally of one process, or in one state), by id."""
    query = select(cases).order_by(cases.c.id)
    if process is not None:
        query = query.where(cases.c.process == process)
    if state is not None:
        query = query.where(cases.c.state == state)
    return [queries.summary(row) for row in conn.execute(query)]


def export(conn: Connection) -> Iterator[dict[str, Any]]:
    """Every case in case-file form with its legal history, by id, streamed."""
    query = (
        select(cases.c.id, cases.c.process, cases.c.related_case, event_log)
        .join(event_log, event_log.c.case_id == cases.c.id)
        .where(_legal())
        .order_by(cases.c.id, event_log.c.sequence)
        .execution_options(yield_per=2000)
    )
    rows = conn.execute(query)
    for case_id, group in itertools.groupby(rows, key=lambda r: r.id):
        found = list(group)
        out: dict[str, Any] = {"process": found[0].process, "case_id": case_id}
        if found[0].related_case is not None:
            out["related_case"] = found[0].related_case
        out["events"] = [event_from_row(r).to_dict() for r in found]
        yield out
