"""The change feed: every record written to the store, across cases, in commit order.

A follower (a case-management system, a data warehouse) reads the records written since
a cursor, and the cursor to resume from, without reading the store again.

Writing. Each write transaction notes what it wrote with :func:`note` (one
``feed_changes`` row per case: a run of event or retraction sequence numbers), tagged
with the transaction's **token**, and as its last statement calls :func:`publish`, which
gives the transaction its **position** in a ``feed_commits`` row. The feed's order is
the position, then within one transaction (case id, kind, sequence).

Positions must be granted in commit order, or a follower could read position 8, move
its cursor past it, and never see position 7 committed a moment later:

- On SQLite one writer holds the write lock (``BEGIN IMMEDIATE``) from its first write to
  its commit, so the next position (the largest so far, plus one) read inside the write
  transaction is granted in commit order. The position is also the token.
- On PostgreSQL writers commit in parallel, and a sequence value taken inside one
  transaction can commit after a larger one. :func:`publish` therefore first takes a
  transaction-level advisory lock, held until the transaction ends, and only then takes
  the next value of the ``feed_position`` sequence (not cached, so values are handed out
  in the order asked for). The transaction holding the lock is visible to every new
  snapshot before the lock is released (PostgreSQL releases a transaction's locks after
  marking it committed), so a transaction granted a larger position commits after every
  smaller one is visible: once a reader sees position *n*, every position below *n* is
  either visible or was rolled back and never will be. A follower can move past gaps. The
  token is the transaction id (``pg_current_xact_id()``), so the rows a transaction
  notes can be written at any time before it publishes, and an import's batches need no
  lock while they are written. The lock is held only for the one ``INSERT`` and the
  commit, and the same statement sends ``NOTIFY sendflow_changes`` (delivered on
  commit), which :func:`wait` listens for.

Reading. :func:`read` finds the runs after the cursor (the rest of the cursor's own
transaction, then windows of following positions, each found through an index in feed
order), expands them into records, and fetches those records' rows, all in one read
transaction.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import Connection, Engine, Table, bindparam, select, text, tuple_

from sendflow.store.errors import CursorError
from sendflow.store.records import Change, Retraction, StoredEvent
from sendflow.store.rows import event_from_row, utc
from sendflow.store.schema import cases, feed_changes, feed_commits, retractions
from sendflow.store.schema import events as event_log

__all__ = [
    "CHANNEL",
    "EVENT",
    "MAX_LIMIT",
    "RETRACTION",
    "START",
    "Cursor",
    "event_rows",
    "has_after",
    "note",
    "publish",
    "read",
    "spans",
    "token",
    "wait",
]

CHANNEL = "sendflow_changes"
"""The PostgreSQL ``NOTIFY`` channel every publishing transaction signals."""
EVENT = "event"
RETRACTION = "retraction"
MAX_LIMIT = 10_000
"""The most records one page of the feed holds."""

_POLL_SECONDS = 0.05
_KINDS = frozenset({EVENT, RETRACTION})
# The transaction's token, as SQL: PostgreSQL's transaction id; on SQLite, where the
# writer holds the write lock until it commits, the position it will be granted.
_TOKEN = {
    "postgresql": "pg_current_xact_id()::text::bigint",
    "sqlite": "(SELECT coalesce(max(position), 0) + 1 FROM feed_commits)",
}
_NOTE = {
    "postgresql": text(
        "INSERT INTO feed_changes (txn, case_id, kind, first_sequence, last_sequence) "
        "VALUES (pg_current_xact_id()::text::bigint, :case_id, :kind, :first, :last)"
    ),
    "sqlite": text(
        "INSERT INTO feed_changes (txn, case_id, kind, first_sequence, last_sequence) "
        "VALUES ((SELECT coalesce(max(position), 0) + 1 FROM feed_commits), "
        ":case_id, :kind, :first, :last)"
    ),
}
_PUBLISH = {
    # One statement: the feed's advisory lock (any constant every process shares), then,
    # once it is held, the position; and the wake-up, sent when the transaction commits.
    "postgresql": text(
        "WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(7301562020), "
        "pg_notify('sendflow_changes', '')) "
        "INSERT INTO feed_commits (position, txn) "
        "SELECT nextval('feed_position'), pg_current_xact_id()::text::bigint FROM locked"
    ),
    "sqlite": text(
        "INSERT INTO feed_commits (position, txn) SELECT t, t FROM "
        "(SELECT coalesce(max(position), 0) + 1 AS t FROM feed_commits)"
    ),
}
_TOKEN_NOW = {name: text("SELECT " + token) for name, token in _TOKEN.items()}


# Writing -------------------------------------------------------------------------------


def note(conn: Connection, case_id: str, kind: str, first: int, last: int | None = None) -> None:
    """Note in the feed that this transaction wrote records ``first`` to ``last`` of a case."""
    last = first if last is None else last
    conn.execute(
        _NOTE[conn.dialect.name], {"case_id": case_id, "kind": kind, "first": first, "last": last}
    )


def token(conn: Connection) -> int:
    """This transaction's token, for rows written in bulk (``feed_changes.txn``)."""
    return int(conn.execute(_TOKEN_NOW[conn.dialect.name]).scalar_one())


def event_rows(conn: Connection, counts: Iterable[tuple[str, int]]) -> list[tuple[Any, ...]]:
    """The ``feed_changes`` rows noting new cases, each with its ``count`` events, in bulk."""
    txn = token(conn)
    return [(txn, case_id, EVENT, 1, count) for case_id, count in counts]


def publish(conn: Connection) -> None:
    """Grant this transaction its position in the feed: the last statement before commit.

    On PostgreSQL it takes the feed's lock, which every other publishing transaction then
    waits for until this one has committed: nothing slow may follow it.
    """
    conn.execute(_PUBLISH[conn.dialect.name])


# Cursors -------------------------------------------------------------------------------


@attrs.frozen
class Cursor:
    """A place in the feed: just after one record.

    The record ``sequence`` of ``kind`` in ``case_id``, written by the transaction at
    ``position``; position 0 is before everything.
    """

    position: int = 0
    case_id: str = ""
    kind: str = ""
    sequence: int = 0
    given: str | None = attrs.field(default=None, eq=False, repr=False)
    """The text it was read from, for messages."""

    def encode(self) -> str:
        """The opaque text form handed to followers."""
        data = json.dumps([1, self.position, self.case_id, self.kind, self.sequence])
        return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, given: object) -> Cursor:
        """The cursor ``given`` encodes.

        Raises:
            CursorError: It is not a cursor's text form.
        """
        if given is None:
            return START
        if not isinstance(given, str):
            raise _bad_cursor(given, f"is a {type(given).__name__}, not text")
        try:
            raw = base64.urlsafe_b64decode(given + "=" * (-len(given) % 4))
            data = json.loads(raw)
        except (binascii.Error, ValueError):
            raise _bad_cursor(given, "is not a change-feed cursor") from None
        if not (
            isinstance(data, list)
            and len(data) == 5
            and data[0] == 1
            and all(type(data[i]) is int and data[i] >= 0 for i in (1, 4))
            and all(isinstance(data[i], str) for i in (2, 3))
            and (data[1:] == [0, "", "", 0] or (data[1] > 0 and data[3] in _KINDS))
        ):
            raise _bad_cursor(given, "is not a change-feed cursor")
        return cls(data[1], data[2], data[3], data[4], given)


START = Cursor()
"""Before the first record."""


# Reading -------------------------------------------------------------------------------

Span = tuple[int, str, str, int, int]
"""Records ``first`` to ``last`` of one kind in a case, at a position: (position,
case_id, kind, first, last)."""

_HERE = (
    select(feed_commits.c.txn)
    .join(feed_changes, feed_changes.c.txn == feed_commits.c.txn)
    .where(
        feed_commits.c.position == bindparam("position"),
        feed_changes.c.case_id == bindparam("case_id"),
        feed_changes.c.kind == bindparam("kind"),
        feed_changes.c.first_sequence <= bindparam("sequence"),
        feed_changes.c.last_sequence >= bindparam("sequence"),
    )
)
_REST = (
    select(
        feed_changes.c.case_id,
        feed_changes.c.kind,
        feed_changes.c.first_sequence,
        feed_changes.c.last_sequence,
    )
    .where(
        feed_changes.c.txn == bindparam("txn"),
        tuple_(feed_changes.c.case_id, feed_changes.c.kind, feed_changes.c.last_sequence)
        > tuple_(bindparam("case_id"), bindparam("kind"), bindparam("sequence")),
    )
    .order_by(feed_changes.c.case_id, feed_changes.c.kind, feed_changes.c.first_sequence)
    .limit(bindparam("limit"))
)
_NEXT = (
    select(feed_commits.c.position)
    .where(feed_commits.c.position > bindparam("after"))
    .order_by(feed_commits.c.position)
    .limit(bindparam("limit"))
)
_WINDOW = (
    select(
        feed_commits.c.position,
        feed_changes.c.case_id,
        feed_changes.c.kind,
        feed_changes.c.first_sequence,
        feed_changes.c.last_sequence,
    )
    .join(feed_changes, feed_changes.c.txn == feed_commits.c.txn)
    .where(
        feed_commits.c.position > bindparam("after"),
        feed_commits.c.position <= bindparam("upto"),
    )
    .order_by(
        feed_commits.c.position,
        feed_changes.c.case_id,
        feed_changes.c.kind,
        feed_changes.c.first_sequence,
    )
    .limit(bindparam("limit"))
)
# The rows of runs of records: the runs joined to the table through its primary key. (A
# row-value ``IN`` list would make SQLite scan the table, and a long ``OR`` is too deep.)
_RUN_ROWS = (
    "WITH runs (c, f, l) AS (VALUES {runs}) SELECT t.* FROM runs "
    'JOIN {table} t ON t.case_id = runs.c AND t."sequence" BETWEEN runs.f AND runs.l'
)
_PROCESSES = select(cases.c.id, cases.c.process).where(
    cases.c.id.in_(bindparam("ids", expanding=True))
)


def spans(conn: Connection, after: Cursor, limit: int) -> list[Span]:
    """The runs of records after ``after``, in feed order.

    They hold at least ``limit`` records when there are that many; the first run is cut
    to start after the cursor.

    Raises:
        CursorError: ``after`` is not a record of this store's feed.
    """
    found: list[Span] = []
    count = 0
    if after.position:
        where = {
            "position": after.position,
            "case_id": after.case_id,
            "kind": after.kind,
            "sequence": after.sequence,
        }
        here = conn.execute(_HERE, where).first()
        if here is None:
            raise _bad_cursor(
                after.given or after.encode(),
                "points at no record of this store's change feed (it came from another "
                "store, or this store was replaced)",
            )
        rest = conn.execute(_REST, {**where, "txn": here.txn, "limit": limit})
        for case_id, kind, first, last in rest:
            start = first
            if (case_id, kind) == (after.case_id, after.kind):
                start = max(first, after.sequence + 1)
            found.append((after.position, case_id, kind, start, last))
            count += last - start + 1
    position = after.position
    while count < limit:
        wanted = limit - count
        positions = conn.execute(_NEXT, {"after": position, "limit": wanted}).scalars().all()
        if not positions:
            break
        rows = conn.execute(
            _WINDOW, {"after": position, "upto": positions[-1], "limit": wanted}
        ).all()
        for at, case_id, kind, first, last in rows:
            found.append((at, case_id, kind, first, last))
            count += last - first + 1
        position = positions[-1]
    return found


def read(conn: Connection, after: Cursor, limit: int) -> tuple[list[Change], Cursor]:
    """Up to ``limit`` records after ``after``, in feed order, and the cursor after them.

    Raises:
        CursorError: ``after`` is not a record of this store's feed.
    """
    keys: list[tuple[int, str, str, int]] = []
    runs: dict[str, list[tuple[str, int, int]]] = {EVENT: [], RETRACTION: []}
    for position, case_id, kind, first, last in spans(conn, after, limit):
        upto = min(last, first + limit - len(keys) - 1)
        keys.extend((position, case_id, kind, sequence) for sequence in range(first, upto + 1))
        runs[kind].append((case_id, first, upto))
        if len(keys) >= limit:
            break
    if not keys:
        return [], after
    stored = _run_rows(conn, event_log, runs[EVENT])
    taken = _run_rows(conn, retractions, runs[RETRACTION])
    ids = sorted({k[1] for k in keys})
    processes = {row.id: row.process for row in conn.execute(_PROCESSES, {"ids": ids})}
    items = [
        _change(case_id, processes[case_id], kind, sequence, (stored if kind == EVENT else taken))
        for _, case_id, kind, sequence in keys
    ]
    return items, Cursor(*keys[-1])


def _run_rows(
    conn: Connection, table: Table, runs: list[tuple[str, int, int]]
) -> dict[tuple[str, int], Any]:
    """The rows of ``table`` (events or retractions) in the runs, by case and number."""
    if not runs:
        return {}
    marks = ", ".join(f"(:c{i}, :f{i}, :l{i})" for i in range(len(runs)))
    values: dict[str, Any] = {}
    for i, (case_id, first, last) in enumerate(runs):
        values.update({f"c{i}": case_id, f"f{i}": first, f"l{i}": last})
    query = text(_RUN_ROWS.format(runs=marks, table=table.name)).columns(*table.c)
    return {(row.case_id, row.sequence): row for row in conn.execute(query, values)}


def _change(
    case_id: str, process: str, kind: str, sequence: int, rows: dict[tuple[str, int], Any]
) -> Change:
    row = rows[case_id, sequence]
    if kind == EVENT:
        event = event_from_row(row)
        at = event.recorded_at
        assert at is not None
        return Change(case_id, process, kind, sequence, StoredEvent(sequence, event), None, at)
    moment: datetime | None = utc(row.retracted_at)
    assert moment is not None
    retraction = Retraction(by=row.retracted_by, reason=row.reason, at=moment)
    return Change(case_id, process, kind, sequence, None, retraction, moment)


def has_after(engine: Engine, after: Cursor) -> bool:
    """Whether the feed holds a record after ``after``."""
    with engine.connect() as conn, conn.begin():
        return bool(spans(conn, after, 1))


def wait(engine: Engine, after: Cursor, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for a record after ``after``; whether there is one.

    On PostgreSQL the wait listens on :data:`CHANNEL` (the feed is checked once listening,
    so a commit between the check and the wait still wakes it); on SQLite it polls.
    """
    deadline = time.monotonic() + timeout
    if engine.dialect.name != "postgresql":
        while not has_after(engine, after):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(_POLL_SECONDS, left))
        return True
    pooled = engine.raw_connection()
    try:
        driver: Any = pooled.driver_connection
        autocommit = driver.autocommit
        driver.autocommit = True
        driver.execute(f"LISTEN {CHANNEL}")
        try:
            while not has_after(engine, after):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                for _ in driver.notifies(timeout=left, stop_after=1):
                    break
            return True
        finally:
            driver.execute(f"UNLISTEN {CHANNEL}")
            driver.autocommit = autocommit
    finally:
        pooled.close()


_SHOWN = 60


def _bad_cursor(given: object, problem: str) -> CursorError:
    """The error for a feed cursor this store did not give, showing the cursor briefly."""
    shown = repr(given)
    if len(shown) > _SHOWN:
        shown = shown[:_SHOWN] + "..."
    return CursorError(
        f"the cursor {shown} {problem}. Pass a cursor exactly as a page of the change "
        "feed returned it (Changes.cursor), or none to read from the start.",
        cursor=given,
    )
