"""The SQL the store runs on one case: its row, its audit trail, its time-limit rows."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, and_, bindparam, delete, insert, select, update

from sendflow.definitions.model import Process
from sendflow.engine.results import Evaluation
from sendflow.store.decoding import Values, run
from sendflow.store.errors import CaseNotFoundError
from sendflow.store.records import CaseSummary, Retraction, StoredEvent
from sendflow.store.rows import LIMIT_COLUMNS, limit_rows, stored_event, values
from sendflow.store.schema import cases, retractions, time_limits
from sendflow.store.schema import events as event_log

__all__ = ["Head", "head", "summary", "trail", "write_limits"]


# Built once: recording an event runs these every time, and building a statement costs
# more than SQLite takes to run it.
_HEAD = select(cases.c.process, cases.c.related_case, cases.c.version).where(
    cases.c.id == bindparam("case_id")
)
_HEAD_LOCKED = _HEAD.with_for_update()
_TRAIL = (
    select(event_log, retractions.c.retracted_by, retractions.c.reason, retractions.c.retracted_at)
    .outerjoin(
        retractions,
        and_(
            retractions.c.case_id == event_log.c.case_id,
            retractions.c.sequence == event_log.c.sequence,
        ),
    )
    .where(event_log.c.case_id == bindparam("case_id"))
    .order_by(event_log.c.sequence)
)
_LIMITS = select(time_limits).where(time_limits.c.case_id == bindparam("case_id")).with_for_update()
_LIMIT_UPDATE = update(time_limits).where(
    time_limits.c.case_id == bindparam("at_case"),
    time_limits.c.position == bindparam("at_position"),
)
_LIMIT_DELETE = delete(time_limits).where(
    time_limits.c.case_id == bindparam("case_id"),
    time_limits.c.position.in_(bindparam("positions", expanding=True)),
)
_LIMIT_INSERT = insert(time_limits)


class Head(NamedTuple):
    """What a write needs of a case's row: its process, related case and version."""

    process: str
    related_case: str | None
    version: int


def head(conn: Connection, case_id: str, *, lock: bool = False) -> Head:
    """The case's process, related case and version; with ``lock``, its row locked.

    Raises:
        CaseNotFoundError: No such case.
    """
    rows = run(conn, _HEAD_LOCKED if lock else _HEAD, {"case_id": case_id})
    if not rows:
        raise CaseNotFoundError(case_id)
    return Head(*rows[0])


def trail(conn: Connection, case_id: str) -> list[StoredEvent]:
    """Every event of the case in the order recorded, each with its retraction if any.

    Read on the driver's own cursor: every write reads its case's trail, and SQLAlchemy's
    result rows would cost more than the query itself.
    """
    values_of = _VALUES
    make = stored_event
    trail = []
    for row in run(conn, _TRAIL, {"case_id": case_id}):
        _, sequence, name, on, recorded_at, actor, data, retracted_by, reason, retracted_at = row
        retraction = None
        if retracted_by is not None:
            at = values_of.moment(retracted_at)
            assert at is not None
            retraction = Retraction(by=retracted_by, reason=reason, at=at)
        event = make(
            name,
            values_of.day(on),
            values_of.data_of(data),
            actor,
            values_of.moment(recorded_at),
        )
        trail.append(StoredEvent(sequence, event, retraction))
    return trail


_VALUES = Values()
"""Shared by every thread: its look-ups only ever gain values, each decoded the same."""


def write_limits(
    conn: Connection,
    case_id: str,
    process: Process,
    evaluation: Evaluation,
    *,
    replace: bool = False,
) -> None:
    """Write the case's ``time_limits`` rows; with ``replace``, only those that changed."""
    if not replace:
        rows = [values(LIMIT_COLUMNS, row) for row in limit_rows(case_id, process, evaluation)]
        if rows:
            conn.execute(_LIMIT_INSERT, rows)
        return
    # Locking the rows waits for a worker that is claiming them, so its claim is seen.
    old = _stored_limits(conn, case_id)
    held = {
        (r[_RULE], r[_KEY], r[_STARTED], r[_DUE]): (r[_CLAIMED_BY], r[_CLAIMED_AT])
        for r in old.values()
        if r[_CLAIMED_BY] is not None
    }
    built = limit_rows(case_id, process, evaluation, held)
    # An event changes few clocks: writing only those keeps the indexes (and the pages a
    # commit writes, and so the WAL checkpoints) small.
    changed = [r for r in built if r[_POSITION] in old and old[r[_POSITION]] != r]
    added = [values(LIMIT_COLUMNS, r) for r in built if r[_POSITION] not in old]
    gone = old.keys() - {r[_POSITION] for r in built}
    if gone:
        conn.execute(_LIMIT_DELETE, {"case_id": case_id, "positions": sorted(gone)})
    if changed:
        conn.execute(_LIMIT_UPDATE, [_update_values(values(LIMIT_COLUMNS, r)) for r in changed])
    if added:
        conn.execute(_LIMIT_INSERT, added)


def _stored_limits(conn: Connection, case_id: str) -> dict[int, tuple[Any, ...]]:
    """The case's ``time_limits`` rows by position, in the form :func:`limit_rows` builds."""
    decode = _VALUES
    found = {}
    for row in run(conn, _LIMITS, {"case_id": case_id}):
        given = list(row)
        for at in _DAYS_AT:
            if given[at] is not None:
                given[at] = decode.day(given[at])
        for at in _FLAGS_AT:
            given[at] = bool(given[at])  # SQLite keeps 0 and 1
        given[_CLAIMED_AT] = decode.moment(given[_CLAIMED_AT])
        found[given[_POSITION]] = tuple(given)
    return found


_POSITION, _RULE, _KEY, _STARTED, _DUE, _CLAIMED_BY, _CLAIMED_AT = map(
    LIMIT_COLUMNS.index,
    ("position", "rule", "key", "started_on", "due_on", "claimed_by", "claimed_at"),
)
_DAYS_AT = tuple(map(LIMIT_COLUMNS.index, ("started_on", "due_on", "met_on")))
_FLAGS_AT = tuple(map(LIMIT_COLUMNS.index, ("conditional", "excused", "is_open")))


def _update_values(row: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in row.items() if k not in ("case_id", "position")}
    values["at_case"] = row["case_id"]
    values["at_position"] = row["position"]
    return values


def summary(row: Row[Any, Any, Any]) -> CaseSummary:
    """The summary of a ``cases`` row."""
    return CaseSummary(
        case_id=row.id,
        process=row.process,
        process_version=row.process_version,
        state=row.state,
        final=row.final,
        version=row.version,
        opened_on=row.opened_on,
        closed_on=row.closed_on,
        last_event_on=row.last_event_on,
    )
