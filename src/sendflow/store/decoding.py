"""Rows read on the driver's own cursor, and their stored values decoded once each.

Bulk readers and the write path's read of a case skip SQLAlchemy's result objects, about
a third of a plain read's cost: a statement is compiled once per database dialect and run
on the driver's cursor, and the stored dates, times and data are decoded here. The same
texts come back again and again (legal dates, an import's one recorded-at time, data
such as ``{"party": "health"}``), so each is decoded once and looked up after that; the
look-ups are bounded, so memory stays flat.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

__all__ = ["REMEMBERED", "UNSEEN", "Values", "compiled", "driver_rows", "run"]

REMEMBERED = 100_000  # every legal date fits: 1900 to 2199
"""Values of each kind remembered by :class:`Values`."""
UNSEEN: Any = object()
"""What a look-up of :attr:`Values.moments` gives for a value not decoded before."""
_FLAT = frozenset({str, int, float, bool, type(None)})
# Keyed by the statement itself (hashed by identity), which the entry keeps alive.
_COMPILED: dict[tuple[ClauseElement, str], tuple[str, tuple[str, ...] | None]] = {}


def driver_rows(conn: Connection, sql: str, given: Any) -> list[tuple[Any, ...]]:
    """Every row of compiled ``sql`` run on the driver's own cursor, as its own tuples.

    ``given`` is in the driver's parameter style.
    """
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, given)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    finally:
        cursor.close()
    return rows


def compiled(conn: Connection, statement: ClauseElement) -> tuple[str, tuple[str, ...] | None]:
    """``statement`` compiled for ``conn``'s database: its SQL and its parameters' order.

    The order is ``None`` where the driver takes parameters by name. Each statement is
    compiled once per dialect (statements are built once, at import, and kept).
    """
    key = (statement, conn.dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        done = statement.compile(dialect=conn.dialect)
        assert isinstance(done, SQLCompiler)
        names = done.positiontup
        found = _COMPILED[key] = (done.string, None if names is None else tuple(names))
    return found


def run(conn: Connection, statement: ClauseElement, params: dict[str, Any]) -> list[Any]:
    """Every row of a kept ``statement`` with ``params``, as the driver's own tuples."""
    sql, names = compiled(conn, statement)
    given = params if names is None else [params[name] for name in names]
    return driver_rows(conn, sql, given)


class Values:
    """Decoders of stored dates, times and data, each remembering what it decoded."""

    def __init__(self) -> None:
        self.days: dict[Any, date] = {}
        self.moments: dict[Any, datetime | None] = {None: None}
        self.data: dict[str, dict[str, Any]] = {}

    def day(self, value: str | date) -> date:
        """A stored date (SQLite gives ISO text)."""
        found = self.days.get(value)
        if found is not None:
            return found
        day = value if isinstance(value, date) else date.fromisoformat(value)
        if len(self.days) < REMEMBERED:
            self.days[value] = day
        return day

    def moment(self, value: str | datetime | None) -> datetime | None:
        """A stored time, in UTC (SQLite gives naive UTC text, PostgreSQL its zone's)."""
        found = self.moments.get(value, UNSEEN)
        if found is not UNSEEN:
            return found  # type: ignore[no-any-return]
        assert value is not None
        return self.new_moment(value)

    def new_moment(self, value: str | datetime) -> datetime:
        """A stored time not looked up before, in UTC; remembered."""
        if isinstance(value, str):
            moment = datetime.fromisoformat(value).replace(tzinfo=UTC)  # SQLite: naive UTC
        elif value.tzinfo is None:
            moment = value.replace(tzinfo=UTC)
        else:
            # PostgreSQL: in the session's zone (even UTC is a ZoneInfo); always UTC here.
            moment = value if value.tzinfo is UTC else value.astimezone(UTC)
        if len(self.moments) < REMEMBERED:
            self.moments[value] = moment
        return moment

    def data_of(self, stored: Any) -> dict[str, Any]:
        """An event's stored data as a mapping of its own (``{}`` for none)."""
        if stored is None:
            return {}
        if type(stored) is not str:
            return dict(stored)  # PostgreSQL's driver decoded it
        found = self.data.get(stored)
        return self.new_data(stored) if found is None else found.copy()

    def new_data(self, text: str) -> dict[str, Any]:
        """Stored JSON data not looked up before; flat data is remembered."""
        data = json.loads(text)
        if not isinstance(data, dict):
            return {}  # JSON null
        # Only flat data is kept for reuse (each event gets its own copy of the mapping).
        if len(self.data) < REMEMBERED and all(type(v) in _FLAT for v in data.values()):
            self.data[text] = data.copy()
        return data
