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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime

import attrs
from sqlalchemy import JSON, Connection, Engine, Table, select

from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.engine.casefiles import CaseSource
from sendflow.store import feed, pipeline
from sendflow.store.errors import CaseExistsError, ImportRejectedError
from sendflow.store.preparing import (
    Catalogue,
    Item,
    Ready,
    Row,
    converted,
    json_text,
    sqlite_values,
)
from sendflow.store.records import BadCase, ImportReport
from sendflow.store.schema import cases, events, feed_changes, time_limits

__all__ = ["BATCH_SIZE", "PIPELINE_AFTER", "Catalogue", "Sourced", "import_cases", "insert_rows"]

BATCH_SIZE = 1000
"""Cases per batch: large enough to amortise a commit, small enough to keep memory low."""
PIPELINE_AFTER = pipeline.START_AFTER
"""Items read before the rest are prepared in a second process (see :mod:`.pipeline`)."""


Sourced = CaseSource
"""A case to import with where it came from (see :class:`sendflow.engine.casefiles.CaseSource`)."""


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
    items: Iterable[Item],
    *,
    resolve: Callable[[str], Process] = load_process,
    skip_bad: bool = False,
    batch_size: int = BATCH_SIZE,
    catalogue: Catalogue | None = None,
    pipeline_after: int | None = None,
) -> ImportReport:
    """Import cases; return what was imported and what was not.

    Items are case-file mappings, :class:`~sendflow.Case` objects, or :class:`Sourced`
    ones (which say where each came from, for the report). Memory stays flat in the
    number of cases: only one batch is held at a time, and a case id repeated in
    another batch is found in the store.

    Once ``pipeline_after`` items have been read, the rest are prepared (read, checked,
    replayed, their rows built) in a second process while this one writes them, if the
    machine has a core to spare (see :mod:`sendflow.store.pipeline`); ``None`` (the
    default, so that a program embedding sendflow never has a process started for it
    unasked) never starts it; ``sendflow import`` passes :data:`PIPELINE_AFTER`. The
    second process finds processes through ``catalogue`` (by default, when ``resolve`` is
    :func:`~sendflow.load_process`, the packaged ones); without one it is not started.
    The outcome is the same either way. Items are then read a chunk ahead of the ones
    being prepared, so an iterable must not change an item it has already given.

    Raises:
        ImportRejectedError: Without ``skip_bad``, some case was bad: nothing was written.
    """
    tally = _Tally()
    now = datetime.now(UTC)
    if catalogue is None and resolve is load_process:
        catalogue = Catalogue()
    after = None if catalogue is None else pipeline_after
    whole = engine.begin() if not skip_bad else nullcontext(None)
    prepared = pipeline.prepared(items, now, resolve, engine.dialect, catalogue, after)
    with _collector_paused() as between_batches, whole as shared, prepared as stream:
        batch: dict[str, Ready] = {}
        for index, ready in stream:
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


def _flush(
    engine: Engine, shared: Connection | None, batch: list[Ready], tally: _Tally, *, skip_bad: bool
) -> None:
    if not batch or (tally.bad and not skip_bad):
        # Once the import is doomed, keep reading only to report every bad case.
        return
    with _transaction(engine, shared) as conn:
        ids = [r.case_id for r in batch]
        stored = set(conn.execute(select(cases.c.id).where(cases.c.id.in_(ids))).scalars())
        if stored:
            tally.bad.extend(
                (r.position, BadCase(r.where, r.case_id, str(CaseExistsError(r.case_id))))
                for r in batch
                if r.case_id in stored
            )
            batch = [r for r in batch if r.case_id not in stored]
            if not skip_bad or not batch:
                return
        batch = [r for r in converted(conn.dialect, batch) if isinstance(r, Ready)]
        insert_rows(conn, cases, [r.case_row for r in batch], converted=True)
        insert_rows(conn, events, [row for r in batch for row in r.event_rows], converted=True)
        limits = [row for r in batch for row in r.limit_rows]
        insert_rows(conn, time_limits, limits, converted=True)
        changed = feed.event_rows(conn, ((r.case_id, len(r.event_rows)) for r in batch))
        insert_rows(conn, feed_changes, changed)
        if shared is None:
            feed.publish(conn)
    tally.cases += len(batch)
    tally.events += sum(len(r.event_rows) for r in batch)


def insert_rows(
    conn: Connection, table: Table, rows: list[Row], *, converted: bool = False
) -> None:
    """Insert ``rows`` (tuples in the table's column order) in one statement.

    SQLAlchemy's per-row parameter handling would cost more than the database's own work,
    so on SQLite the rows go to the driver's ``executemany`` directly, each value in the
    form SQLAlchemy stores it (``converted`` says they are in that form already, see
    :func:`sendflow.store.preparing.converted`), and on PostgreSQL they are streamed with
    ``COPY``.
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
    conn.exec_driver_sql(statement, rows if converted else sqlite_values(conn.dialect, table, rows))


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
                        values[i] = json_text(values[i])
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
