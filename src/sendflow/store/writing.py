"""Writing a change to one stored case: replayed in full, then written only if unchanged.

A change reads the case's audit trail and gives the new legal history and the row to add
(an event, or a retraction). The history is replayed before anything is written; the
case row is updated only if its ``version`` is still the one read, so a writer that
loses a race writes nothing and tries again (or, with a pinned version, fails).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, Executable, Row, select, update

from sendflow.definitions.model import Process
from sendflow.engine.events import Event
from sendflow.engine.replay import evaluate
from sendflow.errors import EventError, SendflowError, StaleCaseError
from sendflow.store import queries
from sendflow.store.records import StoredEvent
from sendflow.store.rows import case_values
from sendflow.store.schema import cases

__all__ = ["Change", "Then", "commit", "write"]

RETRIES = 5  # attempts when the caller did not pin a version

Change = Callable[[list[StoredEvent]], tuple[list[Event], Executable]]
"""What a write does: from the audit trail, the new legal history and the row to add."""
Then = Callable[[Connection, "Row[Any, Any, Any]", list[Event]], None]
"""What else a write does in the same transaction, once the case itself is written."""


def commit(
    conn: Connection,
    case_id: str,
    head: Row[Any, Any, Any],
    legal: list[Event],
    statement: Executable,
    definition: Process,
    *,
    rejected: str = "",
) -> bool:
    """Write the case's new legal history in ``conn``; ``False`` if another writer won.

    Raises:
        EventError: The new history is not valid (with ``rejected`` saying what was tried).
    """
    try:
        evaluation = evaluate(definition, legal, case_id=case_id)
    except SendflowError as exc:
        if not rejected:
            raise
        raise EventError(f"{rejected}: {exc} Nothing was written.", case_id=case_id) from exc
    values = case_values(
        case_id,
        definition,
        evaluation,
        legal,
        related_case=head.related_case,
        version=head.version + 1,
    )
    del values["id"]
    done = conn.execute(
        update(cases).where(cases.c.id == case_id, cases.c.version == head.version).values(values)
    )
    if done.rowcount != 1:
        return False
    conn.execute(statement)
    queries.write_limits(conn, case_id, definition, evaluation, replace=True)
    return True


def write(
    writer: Engine,
    reader: Engine,
    case_id: str,
    expected: int | None,
    change: Change,
    resolve: Callable[[str], Process],
    *,
    rejected: str = "",
    then: Then | None = None,
) -> int:
    """Apply ``change`` to the case in one transaction; return its new version.

    Raises:
        StaleCaseError: The case is not at ``expected``, or other writers kept winning.
    """
    attempts = 1 if expected is not None else RETRIES
    for attempt in range(attempts):
        with writer.begin() as conn:
            head = queries.head(conn, case_id)
            if expected is not None and head.version != expected:
                raise StaleCaseError(case_id, expected, head.version)
            trail = queries.trail(conn, case_id)
            legal, statement = change(trail)
            definition = resolve(head.process)
            if commit(conn, case_id, head, legal, statement, definition, rejected=rejected):
                if then is not None:
                    then(conn, head, legal)
                written: int = head.version + 1
                return written
        if attempt + 1 == attempts:
            with reader.connect() as conn:
                now = conn.execute(select(cases.c.version).where(cases.c.id == case_id))
                lost = expected if expected is not None else head.version
                raise StaleCaseError(case_id, lost, now.scalar())
    raise AssertionError("unreachable")  # pragma: no cover
