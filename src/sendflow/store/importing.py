"""Bulk import: many cases validated once each and written with batched inserts.

Each case's events are read once into :class:`~sendflow.Event` objects and replayed once
(not once per event); the replay that checks the case also gives its state and time-limit
rows. Rows are built as tuples and go in with ``executemany`` (``COPY`` on PostgreSQL),
a batch of cases at a time. A case is never split across transactions, so whatever stops
an import, even a killed process, leaves every case whole or absent. Each transaction
notes its cases in the change feed (one row per case) and takes its feed position last.

- Without ``skip_bad`` the import is all or nothing: it runs in one transaction, and if
  any case is bad it is rolled back and :class:`ImportRejectedError` lists every bad
  case. (On SQLite it holds the write lock until it ends.)
- With ``skip_bad`` bad cases are reported and skipped, and good cases are committed in
  batches; an import stopped part-way can be run again with ``skip_bad``, which skips the
  cases already stored.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import UTC, date, datetime
from typing import Any

import attrs
from sqlalchemy import JSON, Connection, Date, DateTime, Engine, Table, select

from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.engine.case import CASE_FILE_KEYS, Case
from sendflow.engine.case_ids import case_id_problem, check_case_id
from sendflow.engine.casefiles import CaseSource
from sendflow.engine.events import Event, read_events
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation
from sendflow.errors import SendflowError
from sendflow.store import feed
from sendflow.store.errors import CaseExistsError, ImportRejectedError
from sendflow.store.records import BadCase, ImportReport
from sendflow.store.rows import case_row, event_row, limit_rows
from sendflow.store.schema import cases, events, feed_changes, time_limits

__all__ = ["BATCH_SIZE", "Sourced", "import_cases", "insert_rows"]

BATCH_SIZE = 1000
"""Cases per batch: large enough to amortise a commit, small enough to keep memory low."""


Sourced = CaseSource
"""A case to import with where it came from (see :class:`sendflow.engine.casefiles.CaseSource`)."""


_KEYS = frozenset(CASE_FILE_KEYS)
Row = tuple[Any, ...]


@attrs.frozen
class _Ready:
    index: int
    where: str
    case_id: str
    case_row: Row
    event_rows: list[Row]
    limit_rows: list[Row]


@attrs.define
class _Tally:
    """What an import has done so far: bad cases (with their input index) and counts."""

    bad: list[tuple[int, BadCase]] = attrs.Factory(list)
    cases: int = 0
    events: int = 0

    def report(self) -> ImportReport:
        self.bad.sort(key=lambda found: found[0])
        return ImportReport(self.cases, self.events, tuple(b for _, b in self.bad))


def import_cases(
    engine: Engine,
    items: Iterable[Case | Mapping[str, Any] | Sourced],
    *,
    resolve: Callable[[str], Process] = load_process,
    skip_bad: bool = False,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import cases; return what was imported and what was not.

    Items are case-file mappings, :class:`~sendflow.Case` objects, or :class:`Sourced`
    ones (which say where each came from, for the report). Memory stays flat in the
    number of cases: only one batch is held at a time, and a case id repeated in
    another batch is found in the store.

    Raises:
        ImportRejectedError: Without ``skip_bad``, some case was bad: nothing was written.
    """
    tally = _Tally()
    now = datetime.now(UTC)
    whole = engine.begin() if not skip_bad else nullcontext(None)
    with _collector_paused() as between_batches, whole as shared:
        batch: dict[str, _Ready] = {}
        for index, item in enumerate(items):
            ready = _prepare(index, item, now, resolve)
            if isinstance(ready, BadCase):
                tally.bad.append((index, ready))
            elif ready.case_id in batch:
                reason = "the same case id comes earlier in this import; case ids are unique."
                tally.bad.append((index, BadCase(ready.where, ready.case_id, reason)))
            else:
                batch[ready.case_id] = ready
            if len(batch) >= batch_size:
                _flush(engine, shared, list(batch.values()), tally, skip_bad=skip_bad)
                batch = {}
                between_batches()
        _flush(engine, shared, list(batch.values()), tally, skip_bad=skip_bad)
        if tally.bad and not skip_bad:
            raise ImportRejectedError(attrs.evolve(tally.report(), cases=0, events=0))
        if shared is not None and tally.cases:
            feed.publish(shared)  # the whole import takes one place in the feed, last
    return tally.report()


@contextmanager
def _collector_paused() -> Iterator[Callable[[], None]]:
    """Keep Python's cycle collector out of the import; give a call to run between batches.

    An import makes objects fast, and each batch's survive until it is written, so the
    collector would run again and again, its full collections going over every object in
    the process: the caller's own (the cases still to import, when given as a list) as
    well. During the import the collector is off and the objects made before it are set
    aside (:func:`gc.freeze`); after each batch is written the call collects the young
    generations (whatever the import made and still holds), so memory stays flat. Both
    are undone when the import ends, even by an error. Left as it is when the collector
    is off or something else froze objects.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield _nothing
        return
    gc.freeze()
    gc.disable()
    try:
        yield _collect_young
    finally:
        gc.enable()
        gc.unfreeze()


def _collect_young() -> None:
    gc.collect(1)


def _nothing() -> None:
    return None


def _prepare(
    index: int,
    item: Case | Mapping[str, Any] | Sourced,
    now: datetime,
    resolve: Callable[[str], Process],
) -> _Ready | BadCase:
    """Read, check and replay one case, once, and build its rows."""
    where = f"index {index}"
    if isinstance(item, Sourced):
        where = item.where
        if item.problem is not None or item.data is None:
            return BadCase(where, None, item.problem or "no case was read")
        given: Any = item.data
    else:
        given = item
    try:
        case_id = given.case_id if isinstance(given, Case) else _given_id(given)
    except SendflowError as exc:
        return BadCase(where, None, str(exc))
    try:
        process, related, history, evaluation = _checked(given, case_id, resolve)
    except SendflowError as exc:
        return BadCase(where, case_id, str(exc))
    if related is not None and not isinstance(given, Case):
        problem = case_id_problem(related)
        if problem is not None:
            return BadCase(where, case_id, f"related_case: {problem}.")
    if case_id is None:
        return BadCase(
            where, None, "the case has no 'case_id'; the store needs one to find it again."
        )
    return _Ready(
        index,
        where,
        case_id,
        case_row(case_id, process, evaluation, history, related_case=related, version=len(history)),
        [event_row(case_id, n, event, now) for n, event in enumerate(history, 1)],
        limit_rows(case_id, process, evaluation),
    )


def _checked(
    given: Any, case_id: str | None, resolve: Callable[[str], Process]
) -> tuple[Process, str | None, list[Event], Evaluation]:
    """The case's process, related case, events and evaluation, each worked out once."""
    if isinstance(given, Case):
        return given.process, given.related_case, list(given.events), given.evaluate()
    process = given.get("process") if isinstance(given, Mapping) else None
    found = given.get("events") if isinstance(given, Mapping) else None
    if isinstance(process, str) and found and isinstance(found, list) and given.keys() <= _KEYS:
        # The usual shape: events read once, replayed once, the process found by id.
        definition = resolve(process)
        history = read_events(found)
        evaluation = evaluate(definition, history, case_id=case_id)
        related = given.get("related_case")
        return definition, None if related is None else str(related), history, evaluation
    # Anything unusual gets the case file's own checks and messages.
    case = Case.from_dict(given, where="the case")
    return case.process, case.related_case, list(case.events), case.evaluate()


def _given_id(data: Any) -> str | None:
    """The case id a mapping gives, checked (ids are text; a number is read as its digits).

    Raises:
        CaseFileError: The id is empty, too long or holds characters an id cannot.
    """
    found = data.get("case_id") if isinstance(data, Mapping) else None
    return None if found is None else check_case_id(str(found))


def _flush(
    engine: Engine, shared: Connection | None, batch: list[_Ready], tally: _Tally, *, skip_bad: bool
) -> None:
    if not batch or (tally.bad and not skip_bad):
        # Once the import is doomed, keep reading only to report every bad case.
        return
    with _transaction(engine, shared) as conn:
        ids = [r.case_id for r in batch]
        stored = set(conn.execute(select(cases.c.id).where(cases.c.id.in_(ids))).scalars())
        if stored:
            tally.bad.extend(
                (r.index, BadCase(r.where, r.case_id, str(CaseExistsError(r.case_id))))
                for r in batch
                if r.case_id in stored
            )
            batch = [r for r in batch if r.case_id not in stored]
            if not skip_bad or not batch:
                return
        insert_rows(conn, cases, [r.case_row for r in batch])
        insert_rows(conn, events, [row for r in batch for row in r.event_rows])
        insert_rows(conn, time_limits, [row for r in batch for row in r.limit_rows])
        changed = feed.event_rows(conn, ((r.case_id, len(r.event_rows)) for r in batch))
        insert_rows(conn, feed_changes, changed)
        if shared is None:
            feed.publish(conn)
    tally.cases += len(batch)
    tally.events += sum(len(r.event_rows) for r in batch)


def insert_rows(conn: Connection, table: Table, rows: list[Row]) -> None:
    """Insert ``rows`` (tuples in the table's column order) in one statement.

    SQLAlchemy's per-row parameter handling would cost more than the database's own work,
    so on SQLite the rows go to the driver's ``executemany`` directly, each value in the
    form SQLAlchemy stores it, and on PostgreSQL they are streamed with ``COPY``.
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy(conn, table, rows)
        return
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c.name) for c in table.c)
    marks = ", ".join("?" * len(table.c))
    statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"  # noqa: S608
    conn.exec_driver_sql(statement, _sqlite_values(conn, table, rows))


def _sqlite_values(conn: Connection, table: Table, rows: list[Row]) -> list[Row]:
    """``rows`` with each date, time and JSON value as SQLAlchemy writes it to SQLite.

    The rows are converted a column at a time, each distinct value once: a column is
    mapped through a dictionary of the values already converted (``map`` and the look-ups
    run in C), which costs a fraction of converting them value by value.
    """
    dialect = conn.dialect
    columns: list[Any] = list(zip(*rows, strict=True))
    for i, column in enumerate(table.c):
        kind = column.type
        if isinstance(kind, DateTime):
            bind = kind.dialect_impl(dialect).bind_processor(dialect)
            assert bind is not None
            columns[i] = list(map(_Converted(bind).__getitem__, columns[i]))
        elif isinstance(kind, Date):
            # SQLAlchemy's own form for years 1 to 9999; legal days repeat across cases.
            if len(_DAYS) > _REMEMBERED:
                _DAYS.clear()
                _DAYS[None] = None
            columns[i] = list(map(_DAYS.__getitem__, columns[i]))
        elif isinstance(kind, JSON):
            columns[i] = [None if v is None else _json(v) for v in columns[i]]
    return list(zip(*columns, strict=True))


class _Converted(dict[Any, Any]):
    """Values already converted by ``convert``; a miss converts the value and keeps it."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        done = self[value] = self.convert(value)
        return done


def _json(data: dict[str, Any]) -> str:
    """``data`` as JSON text, encoded once per distinct content when it is flat.

    Flat data holds text, whole numbers, booleans and nulls; contents are told apart by
    each value's type too (``1`` is not ``True``).
    """
    values = data.values()
    if not _FLAT.issuperset(map(type, values)):
        return json.dumps(data)
    key = (tuple(data.items()), tuple(map(type, values)))
    found = _JSON.get(key)
    if found is None:
        if len(_JSON) > _REMEMBERED:
            _JSON.clear()
        found = _JSON[key] = json.dumps(data)
    return found


_REMEMBERED = 50_000
_DAYS = _Converted(date.isoformat)
_JSON: dict[tuple[tuple[tuple[str, Any], ...], tuple[type, ...]], str] = {}
_FLAT = frozenset({str, int, bool, type(None)})


def _copy(conn: Connection, table: Table, rows: list[Row]) -> None:
    quote = conn.dialect.identifier_preparer.quote
    names = [column.name for column in table.c]
    json_at = [i for i, column in enumerate(table.c) if isinstance(column.type, JSON)]
    statement = f"COPY {quote(table.name)} ({', '.join(map(quote, names))}) FROM STDIN"
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            if json_at:
                values = list(row)
                for i in json_at:
                    if values[i] is not None:
                        values[i] = _json(values[i])
                copy.write_row(values)
            else:
                copy.write_row(row)


@contextmanager
def _transaction(engine: Engine, shared: Connection | None) -> Iterator[Connection]:
    if shared is not None:
        yield shared
        return
    with engine.begin() as conn:
        yield conn
