"""Writing a change to one stored case: replayed in full, then written only if unchanged.

A change reads the case's audit trail and gives the new legal history and the row to add
(an event, or a retraction). The history is replayed before anything is written, and
the write lock is held only while the rows are written:

1. the case is read and its new history replayed outside any write transaction;
2. a short write transaction (``BEGIN IMMEDIATE`` on SQLite) updates the case row only
   if its ``version`` is still the one read (a compare-and-set), appends the row, and
   rewrites the time-limit rows that changed, and, last, takes its place in the change
   feed (:mod:`sendflow.store.feed`);
3. if another writer got in between, nothing was written: with a pinned version that is
   :class:`StaleCaseError`; without one the write is done again with the case read and
   replayed inside the write transaction (the case row locked on PostgreSQL), which no
   other writer can get in between.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from sqlalchemy import Connection, Engine, Table, bindparam, insert, select, update

from sendflow.definitions.model import Process
from sendflow.engine.events import Event
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation
from sendflow.errors import EventNotAllowedError, SendflowError, StaleCaseError
from sendflow.store import feed, queries
from sendflow.store.connect import WRITE
from sendflow.store.records import StoredEvent
from sendflow.store.rows import CASE_COLUMNS, case_row
from sendflow.store.schema import cases

__all__ = ["Added", "Change", "Then", "Written", "apply", "prepare", "write"]

# Built once: building a statement costs more than SQLite takes to run it.
_UPDATE_CASE = update(cases).where(
    cases.c.id == bindparam("at_id"), cases.c.version == bindparam("at_version")
)
_INSERTS: dict[str, Any] = {}

Added = tuple[Table, dict[str, Any]]
"""The row a write adds: an event, or a retraction."""
Change = Callable[[list[StoredEvent]], tuple[list[Event], Added]]
"""What a write does: from the audit trail, the new legal history and the row to add."""
Then = Callable[[Connection, queries.Head, list[Event]], None]
"""What else a write does in the same transaction, once the case itself is written."""


@attrs.frozen
class Written:
    """A change replayed and ready to write: the case as it was read, and its new rows."""

    case_id: str
    head: queries.Head
    legal: list[Event]
    added: Added
    definition: Process
    evaluation: Evaluation


def prepare(
    case_id: str,
    head: queries.Head,
    legal: list[Event],
    added: Added,
    definition: Process,
    *,
    rejected: str = "",
) -> Written:
    """Replay the case's new legal history; nothing is written.

    Raises:
        EventError: The new history is not valid; with ``rejected`` (saying what was
            tried) an :class:`~sendflow.errors.EventNotAllowedError`.
    """
    try:
        evaluation = evaluate(definition, legal, case_id=case_id)
    except SendflowError as exc:
        if not rejected:
            raise
        raise EventNotAllowedError(
            f"{rejected}: {exc} Nothing was written.", case_id=case_id
        ) from exc
    return Written(case_id, head, legal, added, definition, evaluation)


def apply(conn: Connection, written: Written) -> bool:
    """Write a prepared change in ``conn``; ``False`` (nothing written) if the case moved on."""
    head = written.head
    row = case_row(
        written.case_id,
        written.definition,
        written.evaluation,
        written.legal,
        related_case=head.related_case,
        version=head.version + 1,
    )
    values = dict(zip(CASE_COLUMNS[1:], row[1:], strict=True))
    values["at_id"] = written.case_id
    values["at_version"] = head.version
    if conn.execute(_UPDATE_CASE, values).rowcount != 1:
        return False
    table, added = written.added
    statement = _INSERTS.get(table.name)
    if statement is None:
        statement = _INSERTS[table.name] = insert(table)
    conn.execute(statement, added)
    queries.write_limits(
        conn, written.case_id, written.definition, written.evaluation, replace=True
    )
    kind = feed.EVENT if table.name == "events" else feed.RETRACTION
    feed.note(conn, written.case_id, kind, added["sequence"])
    return True


def write(
    reader: Engine,
    case_id: str,
    expected: int | None,
    change: Change,
    resolve: Callable[[str], Process],
    *,
    rejected: str = "",
    then: Then | None = None,
) -> int:
    """Apply ``change`` to the case, in one short write transaction; return its new version.

    Raises:
        StaleCaseError: The case is not at ``expected``.
    """

    def replayed(conn: Connection, *, lock: bool = False) -> Written:
        head = queries.head(conn, case_id, lock=lock)
        if expected is not None and head.version != expected:
            raise StaleCaseError(case_id, expected, head.version)
        legal, added = change(queries.trail(conn, case_id))
        definition = resolve(head.process)
        return prepare(case_id, head, legal, added, definition, rejected=rejected)

    # One connection for both transactions: one check-out from the pool, not two.
    with reader.connect() as conn:
        with conn.begin():
            written = replayed(conn)
        conn.execution_options(**WRITE)
        with conn.begin():
            if apply(conn, written):
                if then is not None:
                    then(conn, written.head, written.legal)
                feed.publish(conn)
                return int(written.head.version) + 1
        if expected is not None:
            with conn.begin():
                now = conn.execute(select(cases.c.version).where(cases.c.id == case_id)).scalar()
            raise StaleCaseError(case_id, expected, now)
        # Another writer got in between: read and replay again under the write lock.
        with conn.begin():
            written = replayed(conn, lock=True)
            if not apply(conn, written):  # pragma: no cover - the case row is locked
                raise StaleCaseError(case_id, written.head.version, None)
            if then is not None:
                then(conn, written.head, written.legal)
            feed.publish(conn)
            return int(written.head.version) + 1
