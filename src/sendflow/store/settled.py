"""Reading many cases with their stored time-limit rows and only the events asked for.

The ``time_limits`` rows hold every clock's result as of its case's latest event. A
reader that needs only those results and a few named events (the compliance indicators)
reads them here, streamed in keyset batches like :func:`sendflow.store.reading.iter_cases`
(each batch one short read transaction, memory flat in the number of cases), without
reading and decoding every event. A case the caller wants whole (``whole``) comes with
its full legal history instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, TextClause, bindparam, text

from sendflow.engine.events import Event
from sendflow.engine.machine import ordered
from sendflow.store.reading import driver_rows
from sendflow.store.records import StoredCase
from sendflow.store.rows import stored_event

__all__ = ["CaseHead", "CaseLimits", "LimitRow", "iter_case_limits"]


class CaseHead(NamedTuple):
    """A case's ``cases`` row: what it is and where it stood after its latest event."""

    case_id: str
    process: str
    process_version: str
    related_case: str | None
    state: str
    final: bool
    version: int
    opened_on: date
    last_event_on: date

    def with_events(self, events: tuple[Event, ...]) -> StoredCase:
        """The case with ``events`` (in legal order) as its history."""
        return StoredCase(
            self.case_id,
            self.process,
            self.process_version,
            self.state,
            self.version,
            self.related_case,
            events,
        )


class LimitRow(NamedTuple):
    """One ``time_limits`` row: a clock's result as of its case's latest event.

    ``excused`` says whether the clock had accepted exceptions (their reasons are not
    stored); ``is_open`` whether the clock was still running.
    """

    rule: str
    key: str | None
    kind: str
    started_on: date
    due_on: date | None
    met_on: date | None
    status: str
    conditional: bool
    excused: bool
    is_open: bool


class CaseLimits(NamedTuple):
    """A case's head, its limit rows in stored order, and the events read.

    ``whole`` says whether ``events`` is the full legal history; otherwise it holds, in
    legal order, the events with the names asked for and those dated on the day the case
    opened (so the first is the case's start event).
    """

    head: CaseHead
    limits: tuple[LimitRow, ...]
    events: tuple[Event, ...]
    whole: bool


_HEADS = """
SELECT id, process, process_version, related_case, state, final, version, opened_on,
       last_event_on
FROM cases WHERE id > :after ORDER BY id LIMIT :limit
"""
_LIMITS = """
SELECT case_id, rule, key, kind, started_on, due_on, met_on, status, conditional, excused,
       is_open
FROM time_limits WHERE case_id >= :first AND case_id <= :last
  AND (rule IN :rules OR rule LIKE :prefix OR (kind = 'minimum' AND status = 'pending'))
ORDER BY case_id, position
"""
_EVENTS = """
SELECT e.case_id, e."sequence", e.name, e.occurred_on, e.recorded_at, e.actor, e.data
FROM events e JOIN cases c ON c.id = e.case_id
WHERE e.case_id >= :first AND e.case_id <= :last
  AND (e.name IN :names OR e.occurred_on = c.opened_on OR e.case_id IN :whole)
  AND NOT EXISTS (SELECT 1 FROM retractions r
                  WHERE r.case_id = e.case_id AND r."sequence" = e."sequence")
ORDER BY e.case_id, e."sequence"
"""


def iter_case_limits(
    engine: Engine,
    *,
    rules: frozenset[str],
    rule_prefix: str,
    events: frozenset[str],
    whole: Callable[[CaseHead, Sequence[LimitRow]], bool],
    batch_size: int,
) -> Iterator[CaseLimits]:
    """Every case, by id, with its limit rows and the events named (or all, if ``whole``).

    Only the limit rows of the ``rules`` named or starting with ``rule_prefix`` are read,
    and those of any other clock that is not a deadline and still pending. ``whole`` is
    asked of each case with its head and those rows; the cases it answers true for come
    with their full legal history.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be 1 or more, not {batch_size}.")
    heads_sql = text(_HEADS)
    limits_sql = text(_LIMITS).bindparams(bindparam("rules", expanding=True))
    picked = {"rules": sorted(rules), "prefix": rule_prefix.replace("%", "") + "%"}
    events_sql = text(_EVENTS).bindparams(
        bindparam("names", expanding=True), bindparam("whole", expanding=True)
    )
    decode = _Decoder()
    after = ""
    while True:
        with engine.connect() as opened:
            conn = opened
            if conn.dialect.name == "postgresql":
                conn = opened.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                found = _batch(conn, (heads_sql, limits_sql), after, batch_size, picked)
                if found is None:
                    return
                heads, limit_rows = found
                bounds = {"first": heads[0].case_id, "last": heads[-1].case_id}
                whole_ids = [h.case_id for h in heads if whole(h, limit_rows[h.case_id])]
                # No case has the empty id, so [""] stands for "no case" in the IN list.
                rows = _fetch(
                    conn,
                    events_sql,
                    {**bounds, "names": sorted(events), "whole": whole_ids or [""]},
                )
        by_case = decode.events(heads, rows)
        wanted = set(whole_ids)
        for head in heads:
            case_id = head.case_id
            yield CaseLimits(
                head, limit_rows[case_id], tuple(ordered(by_case[case_id])), case_id in wanted
            )
        after = heads[-1].case_id


def _batch(
    conn: Connection,
    queries: tuple[TextClause, TextClause],
    after: str,
    limit: int,
    picked: dict[str, Any],
) -> tuple[list[CaseHead], dict[str, tuple[LimitRow, ...]]] | None:
    """The next batch's heads and limit rows, or ``None`` when no case is left."""
    heads_sql, limits_sql = queries
    day = _day
    days = _DAYS
    heads = [
        CaseHead(
            case_id,
            process,
            version_of,
            related,
            state,
            bool(final),
            version,
            day(opened_on),
            day(last_on),
        )
        for case_id, process, version_of, related, state, final, version, opened_on, last_on in (
            _fetch(conn, heads_sql, {"after": after, "limit": limit})
        )
    ]
    if not heads:
        return None
    limits: dict[str, list[LimitRow]] = {head.case_id: [] for head in heads}
    bounds = {"first": heads[0].case_id, "last": heads[-1].case_id}

    for row in _fetch(conn, limits_sql, {**bounds, **picked}):
        found = limits.get(row[0])
        if found is None:
            continue
        started, due, met = row[4:7]
        found.append(
            LimitRow(
                row[1],
                row[2],
                row[3],
                days.get(started) or day(started),
                None if due is None else days.get(due) or day(due),
                None if met is None else days.get(met) or day(met),
                row[7],
                bool(row[8]),
                bool(row[9]),
                bool(row[10]),
            )
        )
    return heads, {case_id: tuple(rows) for case_id, rows in limits.items()}


def _fetch(conn: Connection, query: TextClause, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every row of ``query`` as the driver's own tuples (no result objects built)."""
    bound = query.bindparams(**params)
    compiled = bound.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    names = compiled.positiontup
    given: Any = compiled.construct_params()
    if names is not None:
        given = [given[name] for name in names]
    return driver_rows(conn, compiled.string, given)


_DAYS: dict[Any, date] = {}


def _day(value: str | date) -> date:
    """A stored date (SQLite gives text, PostgreSQL a date), decoded once per value."""
    found = _DAYS.get(value)
    if found is None:
        found = value if isinstance(value, date) else date.fromisoformat(value)
        if len(_DAYS) < 100_000:  # every legal date fits: memory stays bounded
            _DAYS[value] = found
    return found


class _Decoder:
    """Event rows into events; each event gets its own data mapping."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}
        self.moments: dict[Any, datetime | None] = {None: None}

    def events(self, heads: Sequence[CaseHead], rows: Sequence[Any]) -> dict[str, list[Event]]:
        """The events of each case of a batch, in the order read (by sequence)."""
        by_case: dict[str, list[Event]] = {head.case_id: [] for head in heads}
        for case_id, _, name, on, recorded_at, actor, stored in rows:
            by_case[case_id].append(
                stored_event(name, _day(on), self._data(stored), actor, self._moment(recorded_at))
            )
        return by_case

    def _data(self, stored: Any) -> dict[str, Any]:
        if stored is None:
            return {}
        if not isinstance(stored, str):
            return dict(stored)  # PostgreSQL's driver decoded it
        known = self.data.get(stored)
        if known is not None:
            return known.copy()
        data = json.loads(stored)
        if not isinstance(data, dict):
            return {}  # JSON null
        # Only flat data is kept for reuse (each event gets its own copy of the mapping).
        if len(self.data) < 100_000 and all(type(v) in _FLAT for v in data.values()):
            self.data[stored] = data.copy()
        return data

    def _moment(self, value: str | datetime | None) -> datetime | None:
        """A stored recorded-at time, in UTC (SQLite gives naive UTC text)."""
        if value in self.moments:
            return self.moments[value]
        assert value is not None
        if isinstance(value, str):
            moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
        else:
            moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        if len(self.moments) < 100_000:
            self.moments[value] = moment
        return moment


_FLAT = frozenset({str, int, float, bool, type(None)})
