"""Reading many cases: by an event in their history, as summaries, and streamed whole.

Retracted events are never part of a legal history, so none of them is found or read.

:func:`iter_cases` streams every case with its legal history in keyset batches (cases by
id after the last one read), each batch one short read transaction; memory stays flat in
the number of cases, and no transaction is held open while the caller works. Rows are
decoded cheaply: the store checked every event before writing it, so events are built
from the stored columns without checking them again, and each event's data is decoded
from JSON once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, TextClause, exists, select, text

from sendflow.engine.events import Event
from sendflow.engine.machine import ordered
from sendflow.store import queries
from sendflow.store.cursors import make_cursor, read_cursor
from sendflow.store.decoding import UNSEEN, Values, driver_rows
from sendflow.store.records import CaseSummary, Page, StoredCase
from sendflow.store.rows import stored_event
from sendflow.store.schema import cases, retractions
from sendflow.store.schema import events as event_log

__all__ = [
    "ITER_BATCH",
    "cases_with",
    "check_shard",
    "driver_rows",
    "iter_cases",
    "shard_range",
    "summaries",
    "summaries_page",
]

ITER_BATCH = 2000
"""Cases per read transaction of :func:`iter_cases`."""


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


def _summaries_query(process: str | None, state: str | None) -> Select[Any]:
    query = select(cases).order_by(cases.c.id)
    if process is not None:
        query = query.where(cases.c.process == process)
    if state is not None:
        query = query.where(cases.c.state == state)
    return query


def summaries(conn: Connection, *, process: str | None, state: str | None) -> list[CaseSummary]:
    """Every stored case (optionally of one process, or in one state), by id."""
    return [queries.summary(row) for row in conn.execute(_summaries_query(process, state))]


def summaries_page(
    conn: Connection, *, process: str | None, state: str | None, limit: int, cursor: str | None
) -> Page[CaseSummary]:
    """Up to ``limit`` cases of :func:`summaries` after the case ``cursor`` names, by id.

    Raises:
        CursorError: ``cursor`` was not made by this query.
    """
    query_id = {"process": process, "state": state}
    after = read_cursor(cursor, "cases", query_id, (str,))
    query = _summaries_query(process, state).limit(limit + 1)
    if after is not None:
        query = query.where(cases.c.id > after[0])
    rows = conn.execute(query).all()
    found = tuple(queries.summary(row) for row in rows[:limit])
    more = len(rows) > limit
    return Page(found, make_cursor("cases", query_id, (found[-1].case_id,)) if more else None)


_HEADS = """
SELECT id, process, process_version, state, version, related_case FROM cases
WHERE id > :after {process} {shard} ORDER BY id LIMIT :limit
"""
_BOUNDARY = """
SELECT id FROM cases WHERE 1 = 1 {process} ORDER BY id LIMIT 1 OFFSET :skip
"""
_COUNT = "SELECT count(*) FROM cases WHERE 1 = 1 {process}"
_EVENTS = """
SELECT e.case_id, e."sequence", e.name, e.occurred_on, e.recorded_at, e.actor, e.data
FROM events e {join} WHERE e.case_id >= :first AND e.case_id <= :last {process}
ORDER BY e.case_id, e."sequence"
"""
# Without who recorded each event and when: all an evaluation needs. The driver's cost
# is per column (a NULL costs half a value), so only four are read; a batch with a
# retracted event leaves it out here (looked for only then: it costs on every row).
_HISTORIES = """
SELECT e.case_id, e.name, e.occurred_on, e.data
FROM events e {join} WHERE e.case_id >= :first AND e.case_id <= :last {process} {legal}
ORDER BY e.case_id, e."sequence"
"""
_LEGAL = """AND NOT EXISTS (
SELECT 1 FROM retractions r WHERE r.case_id = e.case_id AND r."sequence" = e."sequence")"""
_RETRACTED = """
SELECT case_id, "sequence" FROM retractions WHERE case_id >= :first AND case_id <= :last
"""


def iter_cases(
    engine: Engine,
    *,
    process: str | None,
    batch_size: int,
    shard: tuple[int, int] | None = None,
    recorded: bool = True,
) -> Iterator[StoredCase]:
    """Every case (optionally of one process) with its legal history, by id, streamed.

    Each batch of cases is read in one transaction (``REPEATABLE READ`` on PostgreSQL),
    so every case comes whole and consistent with its version; cases written while the
    stream runs are seen if their id is still ahead of it. With ``shard=(i, n)`` only
    the ``i``-th of ``n`` consecutive ranges of case ids is read (see :func:`shard_range`).
    With ``recorded=False`` each event comes without its ``actor`` and ``recorded_at``
    (both ``None``), which are then not read.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be 1 or more, not {batch_size}.")
    only = "" if process is None else "AND process = :process"
    low = high = None
    if shard is not None:
        found = shard_range(engine, shard, process=process)
        if found is None:
            return
        low, high = found
    within = ("" if low is None else "AND id >= :low") + ("" if high is None else " AND id < :high")
    heads_sql = text(_HEADS.format(process=only, shard=within))
    join = "" if process is None else "JOIN cases c ON c.id = e.case_id"
    only_events = "" if process is None else "AND c.process = :process"
    events_sql = text(_EVENTS.format(join=join, process=only_events))
    histories_sql = text(_HISTORIES.format(join=join, process=only_events, legal=""))
    legal_sql = text(_HISTORIES.format(join=join, process=only_events, legal=_LEGAL))
    retracted_sql = text(_RETRACTED)
    decode = _Decoder()
    after = ""
    while True:
        params: dict[str, Any] = {
            "after": after,
            "limit": batch_size,
            "process": process,
            "low": low,
            "high": high,
        }
        with engine.connect() as opened:
            conn = opened
            if conn.dialect.name == "postgresql":
                conn = opened.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                heads = _fetch(conn, heads_sql, params)
                if not heads:
                    return
                params.update(first=heads[0][0], last=heads[-1][0])
                retracted = set(_fetch(conn, retracted_sql, params))
                if recorded:
                    rows = _fetch(conn, events_sql, params)
                else:
                    rows = _fetch(conn, legal_sql if retracted else histories_sql, params)
        if recorded:
            yield from decode.cases(heads, rows, retracted)
        else:
            yield from decode.histories(heads, rows)
        after = heads[-1][0]


def shard_range(
    engine: Engine, shard: tuple[int, int], *, process: str | None
) -> tuple[str | None, str | None] | None:
    """The range of case ids of shard ``(i, n)``, or ``None`` if the shard is empty.

    The range runs from its first id (``None``: the start) up to but not including its
    second (``None``: the end). The cases stored now (of ``process``, if given), in id
    order, are cut into ``n`` consecutive ranges of nearly equal numbers of cases; shard
    ``i`` (0 to ``n - 1``) is the ``i``-th. The ``n`` shards hold every case once. A case
    added later falls in the shard whose range holds its id.

    Raises:
        ValueError: ``shard`` is not two whole numbers with ``0 <= i < n``.
    """
    index, count = check_shard(shard)
    only = "" if process is None else "AND process = :process"
    with engine.connect() as conn, conn.begin():
        params = {"process": process}
        total = int(_fetch(conn, text(_COUNT.format(process=only)), params)[0][0])
        if total == 0:
            return None

        def boundary(part: int) -> str | None:
            if part in (0, count):
                return None
            skip = total * part // count
            return str(
                _fetch(conn, text(_BOUNDARY.format(process=only)), {**params, "skip": skip})[0][0]
            )

        low, high = boundary(index), boundary(index + 1)
    if low is not None and low == high:
        return None
    return low, high


def check_shard(shard: Any) -> tuple[int, int]:
    """``shard`` as ``(i, n)``, checked."""
    try:
        index, count = shard
    except (TypeError, ValueError):
        index = count = None
    if (
        not isinstance(index, int)
        or not isinstance(count, int)
        or isinstance(index, bool)
        or isinstance(count, bool)
        or not 0 <= index < count
    ):
        raise ValueError(
            f"shard must be (i, n): the i-th of n parts, with 0 <= i < n, not {shard!r}. "
            "For two worker processes, give one shard=(0, 2) and the other shard=(1, 2)."
        )
    return index, count


def _fetch(conn: Connection, query: TextClause, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every row of ``query`` as the driver's own tuples (no result objects built)."""
    compiled = query.compile(dialect=conn.dialect)
    names = compiled.positiontup
    given = [params[name] for name in names] if names is not None else params
    return driver_rows(conn, compiled.string, given)


class _Decoder(Values):
    """Turns stored rows into events; dates, times and data are decoded once per value."""

    def cases(self, heads: Any, rows: Any, retracted: set[tuple[Any, ...]]) -> Iterator[StoredCase]:
        """The cases of one batch: their heads, event rows and retracted events.

        Both come ordered by case id, so each case's events are built only when it is
        yielded: the batch's rows are plain tuples, and only the case the caller holds
        has its events alive, which keeps the cycle collector's work small.
        """
        days, moments, known = self.days, self.moments, self.data
        make = stored_event
        at, end = 0, len(rows)
        for case_id, process, version_of, state, version, related in heads:
            events: list[Event] = []
            while at < end and rows[at][0] == case_id:
                _, sequence, name, on, recorded_at, actor, stored = rows[at]
                at += 1
                if retracted and (case_id, sequence) in retracted:
                    continue
                day = days.get(on)
                if day is None:
                    day = self.day(on)
                moment = moments.get(recorded_at, UNSEEN)
                if moment is UNSEEN:
                    moment = self.new_moment(recorded_at)
                if stored is None:
                    data: dict[str, Any] = {}
                elif type(stored) is str:
                    found = known.get(stored)
                    data = self.new_data(stored) if found is None else found.copy()
                else:
                    data = stored  # PostgreSQL's driver decoded it
                events.append(make(name, day, data, actor, moment))
            yield StoredCase(
                case_id, process, version_of, state, version, related, tuple(ordered(events))
            )

    def histories(self, heads: Any, rows: Any) -> Iterator[StoredCase]:
        """The cases of one batch as :meth:`cases` gives them, from rows of ``_HISTORIES``.

        Each row is a case id, event, date and data (retracted events left out already);
        the events have no actor or time of recording.
        """
        days, data_of = self.days, self.data_of
        make = stored_event
        rows.append((None,))  # the last case's events end at this row
        at = 0
        for case_id, process, version_of, state, version, related in heads:
            events: list[Event] = []
            row = rows[at]
            while row[0] == case_id:
                _, name, on, stored = row
                at += 1
                row = rows[at]
                events.append(make(name, days.get(on) or self.day(on), data_of(stored), None, None))
            yield StoredCase(
                case_id, process, version_of, state, version, related, tuple(ordered(events))
            )
