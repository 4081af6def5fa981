"""Time limits falling due: the window query, and workers claiming reminders.

The ``time_limits`` rows hold each clock as of its case's latest event. A clock open
then is still open now unless an event recorded since ended it, and recording an event
rewrites the rows, so the window query reads open rows by due date (from the partial
index alone) and only works out each one's status for the query's date:

- ``pending``: not yet due on ``as_of``, or past due on a conditional rule that matters
  only if the case ends through its meeting event (it waits for the case to resolve);
- ``overdue``: past due on ``as_of`` and not met;
- ``excused``: past due, but an exception the rule accepts was recorded while it ran.

A minimum period (the 15 days to comment on a draft plan) is listed while its window is
open and dropped once it has passed, when it is respected.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, or_, select, true, tuple_, update

from sendflow.engine.results import Status
from sendflow.store.cursors import make_cursor, read_cursor
from sendflow.store.records import DueItem, Page
from sendflow.store.schema import time_limits

__all__ = ["claim", "due", "due_page", "status_on"]

_t = time_limits.c
_COLUMNS = (
    _t.case_id,
    _t.process,
    _t.rule,
    _t.key,
    _t.due_on,
    _t.duty,
    _t.kind,
    _t.conditional,
    _t.excused,
    _t.claimed_by,
)


def status_on(as_of: date, due_on: date, *, kind: str, conditional: bool, excused: bool) -> Status:
    """The status, on ``as_of``, of a clock still running: pending, overdue or excused.

    A minimum period past its end is ``respected``: nothing is due any more.
    """
    if kind == "minimum":
        return Status.PENDING if as_of < due_on else Status.RESPECTED
    if as_of <= due_on or conditional:
        return Status.PENDING
    return Status.EXCUSED if excused else Status.OVERDUE


def window(as_of: date, within_days: int, *, include_overdue: bool = True) -> Select[Any]:
    """The query for open time limits due by ``as_of + within_days``.

    Overdue ones are included unless ``include_overdue`` is false.
    """
    if within_days < 0:
        raise ValueError(f"within_days must be 0 or more, not {within_days}.")
    query = select(*_COLUMNS).where(
        _t.is_open == true(), _t.due_on <= as_of + timedelta(days=within_days)
    )
    if not include_overdue:
        query = query.where(_t.due_on >= as_of)
    return query


def due(
    conn: Connection,
    *,
    as_of: date,
    within_days: int,
    filters: dict[str, str | None],
    include_overdue: bool = True,
) -> list[DueItem]:
    """Open time limits due in ``[as_of, as_of + within_days]``, plus overdue ones.

    ``filters`` keep the rows whose ``process``, ``rule`` or ``duty`` is the one given
    (``None``: any). Ordered by due date, then case, rule and key.
    """
    query = _filtered(window(as_of, within_days, include_overdue=include_overdue), filters)
    items = _items(conn.execute(query).all(), as_of)
    items.sort(key=lambda i: (i.due_on, i.case_id, i.rule, i.key or ""))
    return items


def _filtered(query: Select[Any], filters: dict[str, str | None]) -> Select[Any]:
    for name, wanted in filters.items():
        if wanted is not None:
            query = query.where(_t[name] == wanted)
    return query


# The page order: by due date, case, rule and key (as ``due``), the row's position last
# so that the order is total.
_PAGE_ORDER = (_t.due_on, _t.case_id, _t.rule, func.coalesce(_t.key, ""), _t.position)
_PAGE_KEY = (str, str, str, str, int)


def due_page(
    conn: Connection,
    *,
    as_of: date,
    within_days: int,
    filters: dict[str, str | None],
    include_overdue: bool,
    limit: int,
    cursor: str | None,
) -> Page[DueItem]:
    """One page of :func:`due`, in its order, after the item ``cursor`` names.

    Raises:
        CursorError: ``cursor`` was not made by this query.
    """
    query_id = {
        "as_of": as_of.isoformat(),
        "within_days": within_days,
        "include_overdue": include_overdue,
        **filters,
    }
    after = read_cursor(cursor, "due", query_id, _PAGE_KEY)
    query = (
        _filtered(window(as_of, within_days, include_overdue=include_overdue), filters)
        # A minimum period past its end is respected: nothing is due (see status_on).
        .where(or_(_t.kind != "minimum", _t.due_on > as_of))
        .add_columns(_t.position)
        .order_by(*_PAGE_ORDER)
        .limit(limit + 1)
    )
    if after is not None:
        day = date.fromisoformat(after[0])
        # The due date alone as well: the index seeks to it (the row comparison is not
        # in the index's column order, so alone it would scan from the window's start).
        query = query.where(_t.due_on >= day, tuple_(*_PAGE_ORDER) > tuple_(day, *after[1:]))
    rows = conn.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        key = (last.due_on.isoformat(), last.case_id, last.rule, last.key or "", last.position)
        next_cursor = make_cursor("due", query_id, key)
    return Page(tuple(_items(rows, as_of)), next_cursor)


def claim(
    conn: Connection, *, as_of: date, within_days: int, worker: str, limit: int
) -> list[DueItem]:
    """Claim, for ``worker``, up to ``limit`` unclaimed reminders due by the window's end.

    On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``, so concurrent
    workers each take different rows instead of waiting; SQLite runs this under its
    single write lock (``BEGIN IMMEDIATE``), which gives the same guarantee.
    """
    query = (
        window(as_of, within_days)
        .add_columns(_t.position)
        .where(_t.claimed_by.is_(None), or_(_t.kind != "minimum", _t.due_on > as_of))
        .order_by(_t.due_on, _t.case_id, _t.position)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = conn.execute(query).all()
    if not rows:
        return []
    now = datetime.now(UTC)
    conn.execute(
        update(time_limits)
        .where(_t.case_id == bindparam("c"), _t.position == bindparam("p"))
        .values(claimed_by=worker, claimed_at=now),
        [{"c": row.case_id, "p": row.position} for row in rows],
    )
    return _items(rows, as_of, worker=worker)


def _items(rows: Any, as_of: date, *, worker: str | None = None) -> list[DueItem]:
    items = []
    # Unpacking by position: reading ten columns by name costs more than the query.
    for case_id, process, rule, key, due_on, duty, kind, conditional, excused, claimed, *_ in rows:
        status = status_on(as_of, due_on, kind=kind, conditional=conditional, excused=excused)
        if status is not Status.RESPECTED:
            items.append(
                DueItem(case_id, process, rule, key, due_on, status, duty, kind, worker or claimed)
            )
    return items
