"""Bulk import: many cases validated once each and written with batched inserts.

Each case is replayed once (not once per event) and its rows go in with ``executemany``.
A case is never split across transactions, so whatever stops an import, even a killed
process, leaves every case whole or absent.

- Without ``skip_bad`` the import is all or nothing: it runs in one transaction, and if
  any case is bad it is rolled back and :class:`ImportRejectedError` lists every bad
  case. (On SQLite it holds the write lock until it ends.)
- With ``skip_bad`` bad cases are reported and skipped, and good cases are committed in
  batches; an import stopped part-way can be run again with ``skip_bad``, which skips the
  cases already stored.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

import attrs
from sqlalchemy import JSON, Connection, Engine, Table, insert, select

from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.engine.case import CASE_FILE_KEYS, Case
from sendflow.engine.case_ids import case_id_problem
from sendflow.engine.casefiles import CaseSource
from sendflow.errors import SendflowError
from sendflow.store.errors import CaseExistsError, ImportRejectedError
from sendflow.store.records import BadCase, ImportReport
from sendflow.store.rows import case_values, event_values, limit_values
from sendflow.store.schema import cases, events, time_limits

__all__ = ["BATCH_SIZE", "Sourced", "import_cases", "insert_many"]

BATCH_SIZE = 1000
"""Cases per batch: large enough to amortise a commit, small enough to keep memory low."""


Sourced = CaseSource
"""A case to import with where it came from (see :class:`sendflow.engine.casefiles.CaseSource`)."""


_KEYS = frozenset(CASE_FILE_KEYS)


@attrs.frozen
class _Ready:
    where: str
    case_id: str
    case_row: dict[str, Any]
    event_rows: list[dict[str, Any]]
    limit_rows: list[dict[str, Any]]


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
    ones (which say where each came from, for the report).

    Raises:
        ImportRejectedError: Without ``skip_bad``, some case was bad: nothing was written.
    """
    bad: list[BadCase] = []
    seen: set[str] = set()
    imported = [0, 0]
    now = datetime.now(UTC)
    whole = engine.begin() if not skip_bad else nullcontext(None)
    with whole as shared:
        batch: list[_Ready] = []
        for index, item in enumerate(items):
            ready = _prepare(index, item, now, resolve)
            if isinstance(ready, BadCase):
                bad.append(ready)
            elif ready.case_id in seen:
                bad.append(
                    BadCase(
                        ready.where,
                        ready.case_id,
                        "the same case id comes earlier in this import; case ids are unique.",
                    )
                )
            else:
                seen.add(ready.case_id)
                batch.append(ready)
            if len(batch) >= batch_size:
                _flush(engine, shared, batch, bad, imported, skip_bad=skip_bad)
                batch = []
        _flush(engine, shared, batch, bad, imported, skip_bad=skip_bad)
        if bad and not skip_bad:
            raise ImportRejectedError(ImportReport(0, 0, tuple(bad)))
    return ImportReport(imported[0], imported[1], tuple(bad))


def _prepare(
    index: int,
    item: Case | Mapping[str, Any] | Sourced,
    now: datetime,
    resolve: Callable[[str], Process],
) -> _Ready | BadCase:
    where = f"index {index}"
    if isinstance(item, Sourced):
        where = item.where
        if item.problem is not None or item.data is None:
            return BadCase(where, None, item.problem or "no case was read")
        given: Any = item.data
    else:
        given = item
    case_id = given.case_id if isinstance(given, Case) else _given_id(given)
    try:
        case = given if isinstance(given, Case) else _read(given, resolve)
        evaluation = case.evaluate()
    except SendflowError as exc:
        return BadCase(where, case_id, str(exc))
    if case_id is None:
        return BadCase(
            where, None, "the case has no 'case_id'; the store needs one to find it again."
        )
    history = case.events
    event_rows = []
    for sequence, event in enumerate(history, 1):
        row = event_values(case_id, sequence, event)
        if row["recorded_at"] is None:
            row["recorded_at"] = now
        event_rows.append(row)
    return _Ready(
        where,
        case_id,
        case_values(
            case_id,
            case.process,
            evaluation,
            history,
            related_case=case.related_case,
            version=len(history),
        ),
        event_rows,
        limit_values(case_id, case.process, evaluation),
    )


def _read(data: Any, resolve: Callable[[str], Process]) -> Case:
    """The case a case-file mapping holds, its process found through ``resolve``."""
    process = data.get("process") if isinstance(data, Mapping) else None
    events = data.get("events") if isinstance(data, Mapping) else None
    if isinstance(process, str) and events and isinstance(events, list) and data.keys() <= _KEYS:
        # The usual shape: skip looking the process up by name for every case.
        case_id, related = data.get("case_id"), data.get("related_case")
        return Case(
            resolve(process),
            case_id=None if case_id is None else str(case_id),
            related_case=None if related is None else str(related),
            events=events,
        )
    # Anything unusual gets the case file's own checks and messages.
    return Case.from_dict(data, where="the case")


def _given_id(data: Any) -> str | None:
    found = data.get("case_id") if isinstance(data, Mapping) else None
    return None if found is None or case_id_problem(str(found)) else str(found)


def _flush(
    engine: Engine,
    shared: Connection | None,
    batch: list[_Ready],
    bad: list[BadCase],
    imported: list[int],
    *,
    skip_bad: bool,
) -> None:
    if not batch or (bad and not skip_bad):
        # Once the import is doomed, keep reading only to report every bad case.
        return
    with _transaction(engine, shared) as conn:
        ids = [r.case_id for r in batch]
        stored = set(conn.execute(select(cases.c.id).where(cases.c.id.in_(ids))).scalars())
        if stored:
            bad.extend(
                BadCase(r.where, r.case_id, str(CaseExistsError(r.case_id)))
                for r in batch
                if r.case_id in stored
            )
            batch = [r for r in batch if r.case_id not in stored]
            if not skip_bad or not batch:
                return
        insert_many(conn, cases, [r.case_row for r in batch])
        insert_many(conn, events, [row for r in batch for row in r.event_rows])
        insert_many(conn, time_limits, [row for r in batch for row in r.limit_rows])
    imported[0] += len(batch)
    imported[1] += sum(len(r.event_rows) for r in batch)


def insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in one statement: ``COPY`` on PostgreSQL, else ``executemany``.

    SQLAlchemy's per-row parameter handling would cost more than the database's own work,
    so on SQLite the rows go to the driver directly, converted by the dialect's own bind
    processors, and on PostgreSQL they are streamed with ``COPY ... FROM STDIN``.
    """
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name == "postgresql":
        _copy(conn, table, rows)
        return
    if dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    statement = insert(table).compile(dialect=dialect)
    names = statement.positiontup or ()
    pick = operator.itemgetter(*names)
    convert: list[tuple[int, Callable[[Any], Any], dict[Any, Any] | None]] = []
    for i, name in enumerate(names):
        column_type = table.c[name].type
        bind = column_type.dialect_impl(dialect).bind_processor(dialect)
        if bind is not None:
            # Dates repeat across cases: convert each distinct one once (not JSON data).
            convert.append((i, bind, None if isinstance(column_type, JSON) else {}))
    values = []
    for row in rows:
        found = list(pick(row))
        for i, bind_value, seen in convert:
            value = found[i]
            if value is None:
                continue
            if seen is None:
                found[i] = bind_value(value)
            else:
                done = seen.get(value)
                if done is None:
                    done = seen[value] = bind_value(value)
                found[i] = done
        values.append(tuple(found))
    conn.exec_driver_sql(statement.string, values)


def _copy(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    quote = conn.dialect.identifier_preparer.quote
    names = [column.name for column in table.c]
    json_columns = {column.name for column in table.c if isinstance(column.type, JSON)}
    statement = f"COPY {quote(table.name)} ({', '.join(map(quote, names))}) FROM STDIN"
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[name])
                    if name in json_columns and row[name] is not None
                    else row[name]
                    for name in names
                ]
            )


@contextmanager
def _transaction(engine: Engine, shared: Connection | None) -> Iterator[Connection]:
    if shared is not None:
        yield shared
        return
    with engine.begin() as conn:
        yield conn
