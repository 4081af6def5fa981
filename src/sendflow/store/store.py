"""The case store: cases as append-only event histories in a SQL database.

Every write is one transaction: the case row is updated only if its ``version`` is still
the one the writer read (``UPDATE ... WHERE version = :expected``), so a writer that
loses a race gets :class:`~sendflow.errors.StaleCaseError` and writes nothing. The new
history is replayed in full before anything is written, so a rejected event (or a
retraction that would break the history) leaves the case exactly as it was.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

import attrs
from sqlalchemy import (
    Connection,
    insert,
)
from sqlalchemy.exc import IntegrityError

from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.engine.case import Case
from sendflow.engine.case_ids import check_case_id
from sendflow.engine.events import Event, to_event
from sendflow.engine.related import LinkedEvent, linked_events
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation
from sendflow.errors import (
    CaseFileError,
    EventDataError,
    EventNotAllowedError,
    StaleCaseError,
)
from sendflow.store import (
    BUSY_TIMEOUT_SECONDS,
    DEFAULT_URL,
    checkpoints,
    counting,
    feed,
    importing,
    queries,
    reading,
    writing,
)
from sendflow.store import claims as claiming
from sendflow.store.connect import WRITE, migrate, open_engine, snapshot_reader
from sendflow.store.counting import Counting, SettledCounts
from sendflow.store.errors import CaseExistsError
from sendflow.store.records import (
    DueItem,
    ImportReport,
    StoredCase,
    StoredEvent,
)
from sendflow.store.rows import CASE_COLUMNS, EVENT_COLUMNS, case_row, event_row, values
from sendflow.store.schema import cases, retractions
from sendflow.store.schema import events as event_log
from sendflow.store.store_reads import StoreReads

__all__ = ["DEFAULT_URL", "Store"]


class Store(StoreReads):
    """Cases kept in a database: SQLite by default, PostgreSQL for shared use.

    Opening a store creates or migrates its schema. Use it as a context manager, or call
    :meth:`close` when done.

    Example:
        >>> from datetime import date
        >>> with Store("sqlite://") as store:
        ...     store.open_case(
        ...         "ehc-needs-assessment",
        ...         case_id="A1",
        ...         events=[{"event": "request_received", "on": "2024-01-08"}],
        ...     )
        ...     store.record("A1", "decided_to_assess", on=date(2024, 2, 12))
        ...     store.load("A1").state
        1
        2
        'assessing'

    Args:
        url: A SQLAlchemy database URL: ``sqlite:///path.db`` or
            ``postgresql+psycopg://user@host/dbname``.
        processes: Process definitions that are not packaged, found by their id.
        process_dirs: Folders of process and overlay files, found by their id (default:
            those of :func:`sendflow.definitions.catalogue.process_dirs`).
        busy_timeout: Seconds a write waits for another writer's lock (SQLite's busy
            timeout, PostgreSQL's ``lock_timeout``) before :class:`StoreBusyError`, with
            nothing written.
        engine_options: Options for SQLAlchemy's ``create_engine``: the connection pool
            (``pool_size``, ``max_overflow``, ``pool_timeout``, ``pool_recycle``) and
            driver arguments (``connect_args``). ``isolation_level`` is the store's own.

    A store is safe to share between threads: open one per process and close it when the
    process ends (``docs/store.md``, "Concurrency"). Each worker process opens its own.

    Raises:
        StoreError: ``url`` is not a database URL sendflow can use, names a folder that
            does not exist or a file that is not a database, or its server cannot be
            reached.
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        processes: Iterable[Process] = (),
        process_dirs: Iterable[str | os.PathLike[str]] | None = None,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        engine_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.url = url
        self.busy_timeout = busy_timeout
        self._process_dirs = None if process_dirs is None else tuple(process_dirs)
        self._engine = open_engine(url, busy_timeout=busy_timeout, engine_options=engine_options)
        self._writer = self._engine.execution_options(**WRITE)
        self._snapshot = snapshot_reader(self._engine)
        self._processes: dict[str, Process] = {p.id: p for p in processes}
        self._loading = threading.Lock()
        # A SQLite file's log is checkpointed off the writing threads (see checkpoints).
        self._checkpoints = checkpoints.start(self._engine)
        if self._checkpoints is not None:
            weakref.finalize(self, self._checkpoints.close)
        try:
            migrate(self._engine)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the store's checkpoint thread, if any, and release the connections."""
        if self._checkpoints is not None:
            self._checkpoints.close()
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def process(self, process_id: str) -> Process:
        """The definition of a process by id: one given to the store, else a packaged one."""
        found = self._processes.get(process_id)
        if found is None:
            with self._loading:  # threads share one definition of each process
                found = self._processes.get(process_id)
                if found is None:
                    found = self._processes[process_id] = load_process(
                        process_id, process_dirs=self._process_dirs
                    )
        return found

    # Writing -----------------------------------------------------------------------------

    def open_case(
        self,
        process: Process | str,
        *,
        case_id: str,
        events: Iterable[Event | Mapping[str, Any]],
        related_case: str | None = None,
    ) -> int:
        """Store a new case with its first events; return its version.

        Raises:
            EventError: The events are not a valid start of the process (nothing is written):
                an ``EventDataError`` (malformed) or ``EventNotAllowedError`` (refused).
            CaseExistsError: A case with this id is already stored.
        """
        check_case_id(case_id)
        definition = self._resolve(process)
        history = [_stamped(to_event(e, index=i)) for i, e in enumerate(events)]
        evaluation = evaluate(definition, history, case_id=case_id)
        with self._writer.begin() as conn:
            try:
                conn.execute(
                    insert(cases),
                    values(
                        CASE_COLUMNS,
                        case_row(
                            case_id,
                            definition,
                            evaluation,
                            history,
                            related_case=related_case,
                            version=len(history),
                        ),
                    ),
                )
            except IntegrityError as exc:
                raise CaseExistsError(case_id) from exc
            conn.execute(
                insert(event_log),
                [values(EVENT_COLUMNS, event_row(case_id, i, e)) for i, e in enumerate(history, 1)],
            )
            queries.write_limits(conn, case_id, definition, evaluation)
            feed.note(conn, case_id, feed.EVENT, 1, len(history))
            feed.publish(conn)
        return len(history)

    def record(
        self,
        case_id: str,
        event: str,
        *,
        on: date,
        data: Mapping[str, Any] | None = None,
        actor: str | None = None,
        expected_version: int | None = None,
        apply_links: bool = False,
    ) -> int:
        """Append an event to a case; return the case's new version.

        The whole history is replayed with the event, so a back-dated event is accepted
        only if the history stays valid. Without ``expected_version`` the event is
        checked against the case as it stands when written (re-checked if another writer
        gets in first).

        With ``apply_links``, what the event means for the case's related case (an
        appeal's order to assess reverses the refusal in the assessment case; see
        :mod:`sendflow.engine.related`) is recorded there in the same transaction: both cases
        change, or neither does.

        Raises:
            EventDataError: The event is malformed (bad data, a data value of the wrong
                type, an actor that is not text); nothing is written.
            EventNotAllowedError: The event (or a linked event) is not allowed; nothing is
                written.
            StaleCaseError: The case is no longer at ``expected_version``.
            CaseNotFoundError: No such case (or no such related case).
            CaseFileError: A linked event is due but the case names no related case, or
                the related case is of another process.
        """
        new = _stamped(Event(event, on, data=dict(data or {}), actor=actor))

        def change(trail: list[StoredEvent]) -> tuple[list[Event], writing.Added]:
            legal = [s.event for s in trail if s.retraction is None]
            return [*legal, new], _appended(case_id, len(trail) + 1, new)

        then = None
        if apply_links:

            def then(conn: Connection, head: queries.Head, legal: list[Event]) -> None:
                definition = self.process(head.process)
                for item in linked_events(definition, legal, new, case_id=case_id):
                    if head.related_case is None:
                        raise CaseFileError(
                            f"case {case_id}: {item.title}, but the case names no related "
                            "case. Open it with related_case, or record the event without "
                            "applying links."
                        )
                    self._append_linked(conn, head.related_case, item)

        return writing.write(
            self._engine, case_id, expected_version, change, self.process, then=then
        )

    def _append_linked(self, conn: Connection, case_id: str, item: LinkedEvent) -> None:
        """Append a linked event to ``case_id`` inside the caller's transaction."""
        head = queries.head(conn, case_id, lock=True)
        if head.process != item.process:
            raise CaseFileError(
                f"{item.title}: it records {item.event.name} in a case of {item.process!r}, "
                f"but the related case {case_id} is of {head.process!r}."
            )
        trail = queries.trail(conn, case_id)
        event = _stamped(item.event)
        legal = [*(s.event for s in trail if s.retraction is None), event]
        statement = _appended(case_id, len(trail) + 1, event)
        written = writing.prepare(case_id, head, legal, statement, self.process(head.process))
        if not writing.apply(conn, written):
            raise StaleCaseError(case_id, head.version, None)

    def retract(
        self,
        case_id: str,
        sequence: int,
        *,
        by: str,
        reason: str,
        expected_version: int | None = None,
    ) -> int:
        """Take event number ``sequence`` out of the legal history; return the new version.

        The event stays in the audit trail (:meth:`history`) with who retracted it, when
        and why. The case is recomputed without it.

        Raises:
            EventDataError: No event ``sequence`` (nothing is written).
            EventNotAllowedError: It is already retracted, it is the only event, or the
                history without it is not valid (nothing is written).
            StaleCaseError: The case is no longer at ``expected_version``.
        """

        def change(trail: list[StoredEvent]) -> tuple[list[Event], writing.Added]:
            target = next((s for s in trail if s.sequence == sequence), None)
            if target is None or target.retraction is not None:
                state = "was already retracted" if target else "does not exist"
                kind = EventNotAllowedError if target else EventDataError
                raise kind(
                    f"event {sequence} {state}; the case's events are numbered 1 to "
                    f"{len(trail)}. `history` shows them and which are retracted.",
                    case_id=case_id,
                )
            legal = [s.event for s in trail if s.retraction is None and s is not target]
            if not legal:
                raise EventNotAllowedError(
                    "cannot retract the case's only event: a case needs its start event.",
                    case_id=case_id,
                )
            row = {
                "case_id": case_id,
                "sequence": sequence,
                "retracted_by": by,
                "reason": reason,
                "retracted_at": datetime.now(UTC),
            }
            return legal, (retractions, row)

        return writing.write(
            self._engine,
            case_id,
            expected_version,
            change,
            self.process,
            rejected=f"retracting event {sequence} would leave a history that is not valid",
        )

    # Reading -----------------------------------------------------------------------------

    def load(self, case_id: str) -> Case:
        """The case with its legal history (retracted events left out).

        Raises:
            CaseNotFoundError: No such case.
        """
        return self.load_with_version(case_id)[0]

    def load_with_version(self, case_id: str) -> tuple[Case, int]:
        """The case (as :meth:`load` gives it) and its version, read in one transaction.

        Raises:
            CaseNotFoundError: No such case.
        """
        with self._snapshot.begin() as conn:
            head = queries.head(conn, case_id)
            trail = queries.trail(conn, case_id)
        case = Case(
            self.process(head.process),
            case_id=case_id,
            related_case=head.related_case,
            events=[s.event for s in trail if s.retraction is None],
        )
        return case, int(head.version)

    def evaluate(self, case_id: str, *, as_of: date | None = None) -> Evaluation:
        """The case evaluated as of a date (default: its latest event's date).

        Its history and version are read in one transaction, so ``version`` is the
        version the evaluation shows: pass it as ``expected_version`` to record what the
        officer decided on seeing it.

        Raises:
            CaseNotFoundError: No such case.
            AsOfDateError: ``as_of`` is before the case began.
        """
        case, version = self.load_with_version(case_id)
        return attrs.evolve(case.evaluate(as_of=as_of), version=version)

    def count_settled(self, asked: Counting) -> SettledCounts:
        """Grouped rows counting the cases settled as of ``asked.as_of``, none read one by one.

        A case is settled when its latest event is on or before the as-of date, its
        time-limit rows were made with the version of its definition this store now
        loads, and no minimum period of it is still pending: its stored rows then give
        its verdicts as of that date. The rows (see
        :class:`sendflow.store.counting.SettledCounts`) come from grouped queries over
        the ``cases``, ``time_limits`` and ``events`` tables, read in one transaction;
        :func:`sendflow.compliance.measure_store` turns them into the indicators.
        :meth:`iter_unsettled` streams the other cases. On SQLite the page cache is held
        to 8 MiB while counting, so memory stays flat however large the store.
        """
        return counting.count_settled(self._engine, asked, self._versions())

    def iter_unsettled(
        self, asked: Counting, *, batch_size: int = reading.ITER_BATCH
    ) -> Iterator[StoredCase]:
        """Every case opened by ``asked.as_of`` but not settled then, whole, by id, streamed.

        The cases :meth:`count_settled` leaves out, with their legal histories, ready to
        evaluate (streamed like :meth:`iter_cases`).
        """
        return counting.iter_unsettled(self._engine, asked, self._versions(), batch_size=batch_size)

    def left_out_assessments(self, as_of: date, *, events: frozenset[str]) -> frozenset[str]:
        """The cases an ``appeal`` case names as its related case, with any of ``events``.

        Only events on or before ``as_of`` count (retracted ones do not).
        """
        return counting.left_out_assessments(self._engine, as_of, events)

    def _versions(self) -> dict[str, str]:
        """The version in force of the definition of each process the cases follow."""
        return {
            name: self.process(name).version for name in counting.processes_stored(self._engine)
        }

    def claim_due(
        self, *, as_of: date, within_days: int, worker: str, limit: int = 100
    ) -> list[DueItem]:
        """Claim up to ``limit`` unclaimed reminders due by ``as_of + within_days``.

        Two workers never claim the same reminder: PostgreSQL workers skip rows another
        worker has locked (``FOR UPDATE SKIP LOCKED``); SQLite has one writer at a time.
        """
        with self._writer.begin() as conn:
            return claiming.claim(
                conn, as_of=as_of, within_days=within_days, worker=worker, limit=limit
            )

    # Importing ---------------------------------------------------------------------------

    def import_cases(
        self,
        items: Iterable[Case | Mapping[str, Any] | importing.Sourced],
        *,
        skip_bad: bool = False,
        batch_size: int = importing.BATCH_SIZE,
        pipeline_after: int | None = None,
    ) -> ImportReport:
        """Import many cases fast; see :func:`sendflow.store.importing.import_cases`.

        Given ``pipeline_after`` (``sendflow import`` gives 2,000,
        ``importing.PIPELINE_AFTER``), once that many cases have been read the rest are
        prepared in a second process (a fresh interpreter) while this one writes them, if
        a core is spare; the outcome is the same. ``None``, the default, never starts one.
        """
        return importing.import_cases(
            self._writer,
            items,
            resolve=self.process,
            skip_bad=skip_bad,
            batch_size=batch_size,
            catalogue=importing.Catalogue(self._processes, self._process_dirs),
            pipeline_after=pipeline_after,
        )

    def _resolve(self, process: Process | str) -> Process:
        if isinstance(process, Process):
            self._processes.setdefault(process.id, process)
            return process
        return self.process(process)


def _appended(case_id: str, sequence: int, event: Event) -> writing.Added:
    return event_log, values(EVENT_COLUMNS, event_row(case_id, sequence, event))


def _stamped(event: Event) -> Event:
    if event.recorded_at is not None:
        return event
    return attrs.evolve(event, recorded_at=datetime.now(UTC))
