"""Preparing cases to import: each read, checked and replayed once, and its rows built.

This is the part of an import that needs no database, so it can run in another process
(:mod:`sendflow.store.pipeline`): :func:`prepare` turns one given case into a
:class:`Ready` one (its ``cases``, ``events`` and ``time_limits`` rows as tuples) or a
:class:`~sendflow.store.records.BadCase`, and :func:`converted` turns ready cases' rows
into the values SQLite's driver is handed, a column at a time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import JSON, Date, DateTime, Table
from sqlalchemy.engine import Dialect

from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.engine.case import CASE_FILE_KEYS, Case
from sendflow.engine.case_ids import case_id_problem, check_case_id
from sendflow.engine.casefiles import CaseSource
from sendflow.engine.events import Event, read_events
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation
from sendflow.errors import SendflowError
from sendflow.store.records import BadCase
from sendflow.store.rows import case_row, event_row, limit_rows
from sendflow.store.schema import cases, events, time_limits

__all__ = ["Catalogue", "Item", "Ready", "Row", "converted", "prepare", "prepare_all"]

Row = tuple[Any, ...]
Item = Case | Mapping[str, Any] | CaseSource
"""A case to import: a case-file mapping, a :class:`~sendflow.Case`, or a sourced one."""

_KEYS = frozenset(CASE_FILE_KEYS)


class Ready(NamedTuple):
    """A good case and its rows, ready to insert (``sqlite`` rows already converted)."""

    position: int
    where: str
    case_id: str
    case_row: Row
    event_rows: list[Row]
    limit_rows: list[Row]
    converted: bool = False


class Catalogue:
    """Process definitions by id, as a store finds them: given ones, else by their files.

    Unlike a store's own look-up it can be sent to another process (pickled).
    """

    def __init__(
        self,
        given: Mapping[str, Process] | None = None,
        process_dirs: tuple[str | os.PathLike[str], ...] | None = None,
    ) -> None:
        self.given = dict(given or {})
        self.process_dirs = process_dirs

    def __call__(self, process_id: str) -> Process:
        """The definition of ``process_id`` (loaded once)."""
        found = self.given.get(process_id)
        if found is None:
            found = self.given[process_id] = load_process(
                process_id, process_dirs=self.process_dirs
            )
        return found


def prepare_all(
    first: int,
    items: Iterable[Item],
    now: datetime,
    resolve: Callable[[str], Process],
    dialect: Dialect | None,
) -> list[Ready | BadCase]:
    """:func:`prepare` each of ``items`` (numbered from ``first``), rows converted together."""
    done = [prepare(index, item, now, resolve) for index, item in enumerate(items, first)]
    return converted(dialect, done) if dialect is not None else done


def prepare(
    index: int,
    item: Item,
    now: datetime,
    resolve: Callable[[str], Process],
) -> Ready | BadCase:
    """Read, check and replay one case, once, and build its rows."""
    where = f"index {index}"
    if isinstance(item, CaseSource):
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
    return Ready(
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


# Converting rows for SQLite -------------------------------------------------------------


def converted(dialect: Dialect, prepared: Sequence[Ready | BadCase]) -> list[Ready | BadCase]:
    """``prepared`` with every ready case's rows in the form SQLite's driver is handed.

    Only SQLite's rows are converted (PostgreSQL's ``COPY`` takes the values as they are);
    cases converted already are left as they are.
    """
    if dialect.name != "sqlite":
        return list(prepared)
    todo = [p for p in prepared if isinstance(p, Ready) and not p.converted]
    if not todo:
        return list(prepared)
    case_rows = sqlite_values(dialect, cases, [r.case_row for r in todo])
    event_rows = sqlite_values(dialect, events, [e for r in todo for e in r.event_rows])
    limits = sqlite_values(dialect, time_limits, [t for r in todo for t in r.limit_rows])
    out: list[Ready | BadCase] = []
    number = at_event = at_limit = 0
    for given in prepared:
        if isinstance(given, Ready) and not given.converted:
            to_event = at_event + len(given.event_rows)
            to_limit = at_limit + len(given.limit_rows)
            given = Ready(  # noqa: PLW2901 - the case, converted
                given.position,
                given.where,
                given.case_id,
                case_rows[number],
                event_rows[at_event:to_event],
                limits[at_limit:to_limit],
                converted=True,
            )
            number, at_event, at_limit = number + 1, to_event, to_limit
        out.append(given)
    return out


def sqlite_values(dialect: Dialect, table: Table, rows: list[Row]) -> list[Row]:
    """``rows`` with each date, time and JSON value as SQLAlchemy writes it to SQLite.

    The rows are converted a column at a time, each distinct value once: a column is
    mapped through a dictionary of the values already converted (``map`` and the look-ups
    run in C), which costs a fraction of converting them value by value.
    """
    if not rows:
        return rows
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
            columns[i] = [None if v is None else json_text(v) for v in columns[i]]
    return list(zip(*columns, strict=True))


class _Converted(dict[Any, Any]):
    """Values already converted by ``convert``; a miss converts the value and keeps it."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        done = self[value] = self.convert(value)
        return done


def json_text(data: dict[str, Any]) -> str:
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
