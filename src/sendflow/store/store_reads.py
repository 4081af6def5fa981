"""What a store reads: case lists, histories, every case streamed, changes, what is due.

:class:`StoreReads` gives :class:`~sendflow.store.store.Store` these methods. None of
them writes (``claim_due``, which marks reminders claimed, is the store's own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine

from sendflow.errors import InvalidInputError
from sendflow.store import claims as claiming
from sendflow.store import feed, queries, reading, settled
from sendflow.store.cursors import check_limit
from sendflow.store.records import CaseSummary, Changes, DueItem, Page, StoredCase, StoredEvent
from sendflow.store.settled import CaseHead, CaseLimits, LimitRow

__all__ = ["StoreReads"]


class StoreReads:
    """The reading methods of :class:`~sendflow.store.store.Store` (see its docs).

    Attributes:
        _engine: The store's engine.
        _snapshot: The same engine reading in one consistent snapshot per transaction.
    """

    _engine: Engine
    _snapshot: Engine

    def history(self, case_id: str) -> tuple[StoredEvent, ...]:
        """The audit trail: every event ever recorded, numbered, with its retraction if any."""
        with self._snapshot.begin() as conn:
            queries.head(conn, case_id)
            return tuple(queries.trail(conn, case_id))

    def version(self, case_id: str) -> int:
        """The case's version: the number of records (events and retractions) it holds."""
        with self._engine.begin() as conn:
            version: int = queries.head(conn, case_id).version
            return version

    def cases_with(
        self, event: str, *, data: Mapping[str, Any] | None = None, process: str | None = None
    ) -> list[str]:
        """The ids of cases whose legal history has ``event`` with ``data`` (a subset).

        ``store.cases_with("refusal_reversed", data={"route": "tribunal"})`` finds the
        assessments reversed on appeal, which DfE's 20-week measure leaves out.
        """
        with self._engine.begin() as conn:
            return reading.cases_with(conn, event, data=data or {}, process=process)

    def cases(self, *, process: str | None = None, state: str | None = None) -> list[CaseSummary]:
        """Every stored case (optionally of one process, or in one state), by id."""
        with self._engine.begin() as conn:
            return reading.summaries(conn, process=process, state=state)

    def cases_page(
        self,
        *,
        process: str | None = None,
        state: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[CaseSummary]:
        """One page of :meth:`cases`: up to ``limit`` cases by id after ``cursor``.

        Pass the page's ``next_cursor`` as ``cursor`` (with the same filters) for the
        next page; it is ``None`` on the last page. Every case there when paging began is
        seen exactly once, unless a filtered-on state changes meanwhile.

        Raises:
            CursorError: ``cursor`` was not made by a page of this same query.
            ValueError: ``limit`` is not from 1 to 10,000.
        """
        check_limit(limit)
        with self._engine.begin() as conn:
            return reading.summaries_page(
                conn, process=process, state=state, limit=limit, cursor=cursor
            )

    def iter_cases(
        self,
        *,
        process: str | None = None,
        batch_size: int = reading.ITER_BATCH,
        shard: tuple[int, int] | None = None,
        recorded: bool = True,
    ) -> Iterator[StoredCase]:
        """Every stored case (optionally of one process) with its legal history, by id.

        Streamed in batches of ``batch_size`` cases, each read in one short transaction:
        memory stays flat however many cases the store holds. Each case's ``events`` are
        ready for :func:`sendflow.evaluate` (retracted ones left out, in legal order)::

            for case in store.iter_cases():
                result = sendflow.evaluate(
                    store.process(case.process), case.events, as_of=day, case_id=case.case_id
                )

        With ``shard=(i, n)`` only the ``i``-th of ``n`` consecutive ranges of case ids is
        streamed, the ranges holding nearly equal numbers of cases: ``n`` worker
        processes, each with its own store and shard, read every case once between them.

        With ``recorded=False`` each event comes without who recorded it and when
        (``actor`` and ``recorded_at`` are ``None``): all that evaluating a case needs,
        in about an eighth less time. Reports and indicators read cases this way.

        Raises:
            ValueError: ``batch_size`` is below 1, or ``shard`` is not ``(i, n)`` with
                ``0 <= i < n``.
        """
        if shard is not None:
            reading.check_shard(shard)
        return reading.iter_cases(
            self._engine, process=process, batch_size=batch_size, shard=shard, recorded=recorded
        )

    def iter_case_limits(
        self,
        *,
        rules: frozenset[str],
        rule_prefix: str,
        events: frozenset[str],
        whole: Callable[[CaseHead, Sequence[LimitRow]], bool],
        batch_size: int = reading.ITER_BATCH,
    ) -> Iterator[CaseLimits]:
        """Every stored case, by id, with some of its time-limit rows and events.

        Streamed like :meth:`iter_cases`. Each case comes with its ``cases`` row, the
        ``time_limits`` rows (each clock as of its latest event) of the ``rules`` named or
        starting with ``rule_prefix`` and of any other clock that is not a deadline and
        still pending, and, in legal order, the events named in ``events`` and those on
        the day it opened. A case ``whole`` answers true for (given its row and those
        limit rows) comes with its full legal history.
        """
        return settled.iter_case_limits(
            self._engine,
            rules=rules,
            rule_prefix=rule_prefix,
            events=events,
            whole=whole,
            batch_size=batch_size,
        )

    def export(self) -> Iterator[dict[str, Any]]:
        """Every case in case-file form, by id; ``Store.import_cases`` reads them back.

        Retracted events are left out: the export is the legal history, in legal order.
        """
        for case in self.iter_cases():
            yield case.to_dict()

    # Change feed -------------------------------------------------------------------------

    def changes(self, *, after: str | None = None, limit: int = 1000) -> Changes:
        """Every record written after the cursor ``after`` (from the start without one).

        Events and retractions, across cases, in the order their transactions committed
        (within one transaction by case id, then sequence): each exactly once, whatever
        writers run at once. Opening or importing a case appears as its events. Pass the
        page's ``cursor`` as ``after`` to read on; it is ``after`` itself when nothing
        new was written. See :mod:`sendflow.store.feed`.

        Raises:
            CursorError: ``after`` is not a cursor this store's feed gave.
            InvalidInputError: ``limit`` is not a whole number from 1 to 10,000.
        """
        cursor = feed.Cursor.decode(after)
        _check_limit(limit)
        with self._engine.connect() as opened:
            conn = opened
            if conn.dialect.name == "postgresql":
                conn = opened.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                items, last = feed.read(conn, cursor, limit)
        return Changes(tuple(items), last.encode() if items else after or feed.START.encode())

    def wait_for_changes(self, after: str | None, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a record after ``after``; whether there is one.

        On PostgreSQL the wait is woken by ``LISTEN``/``NOTIFY`` as soon as a writer
        commits; on SQLite the feed is polled every 50 ms.

        Raises:
            CursorError: ``after`` is not a cursor this store's feed gave.
            InvalidInputError: ``timeout`` is not a number of seconds from 0 to 3600.
        """
        cursor = feed.Cursor.decode(after)
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not 0 <= timeout <= _MAX_WAIT
        ):
            raise InvalidInputError(
                f"timeout must be from 0 to {_MAX_WAIT} seconds, not {timeout!r}."
            )
        if cursor.position:
            with self._engine.connect() as conn, conn.begin():
                feed.spans(conn, cursor, 1)  # a bad cursor is refused before any wait
        return feed.wait(self._engine, cursor, float(timeout))

    # Time limits -------------------------------------------------------------------------

    def due(
        self,
        *,
        as_of: date,
        within_days: int,
        process: str | None = None,
        rule: str | None = None,
        duty: str | None = None,
        include_overdue: bool = True,
    ) -> list[DueItem]:
        """Running time limits due from ``as_of`` to ``within_days`` later, and overdue ones.

        See :func:`sendflow.store.claims.due` for what each status means.
        """
        with self._engine.begin() as conn:
            return claiming.due(
                conn,
                as_of=as_of,
                within_days=within_days,
                filters={"process": process, "rule": rule, "duty": duty},
                include_overdue=include_overdue,
            )

    def due_page(
        self,
        *,
        as_of: date,
        within_days: int,
        process: str | None = None,
        rule: str | None = None,
        duty: str | None = None,
        include_overdue: bool = True,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[DueItem]:
        """One page of :meth:`due`: up to ``limit`` items after ``cursor``, in its order.

        Pass the page's ``next_cursor`` as ``cursor`` (with the same other arguments) for
        the next page; it is ``None`` on the last page. The cursor is a key, not an
        offset: every item there when paging began is seen exactly once, whatever is
        written meanwhile, unless its own due date changes.

        Raises:
            CursorError: ``cursor`` was not made by a page of this same query.
            ValueError: ``limit`` is not from 1 to 10,000, or ``within_days`` is negative.
        """
        check_limit(limit)
        with self._snapshot.begin() as conn:
            return claiming.due_page(
                conn,
                as_of=as_of,
                within_days=within_days,
                filters={"process": process, "rule": rule, "duty": duty},
                include_overdue=include_overdue,
                limit=limit,
                cursor=cursor,
            )


_MAX_WAIT = 3600


def _check_limit(limit: object) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= feed.MAX_LIMIT:
        raise InvalidInputError(
            f"limit must be a whole number from 1 to {feed.MAX_LIMIT:,}, not {limit!r}."
        )
