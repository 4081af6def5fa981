"""Checkpoints of a SQLite store's write-ahead log, on a thread the store owns.

In WAL mode each commit appends pages to the log, and SQLite copies them back into the
database file (a checkpoint) when the log passes ``wal_autocheckpoint`` pages: by
default 1,000, inside whichever commit crosses the line. That commit then pays for the
copy and its ``fsync``, several times a plain write's cost: about one write in 250 of
a busy store.

A store on a SQLite file therefore checkpoints from a thread of its own. A write wakes
the thread, which runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own connection
:data:`INTERVAL` later (so at most once per interval, for every write in it): a passive
checkpoint waits for no reader or writer and takes no write lock, and SQLite leaves
Python's interpreter lock while it works, so writers carry on. Writers' own checkpoints
are pushed back to :data:`AUTOCHECKPOINT_PAGES`, a backstop should the thread fall
behind. Closing the store stops the thread (it finishes the checkpoint it is running, if
any).

Durability is unchanged: a commit is in the log when it returns, checkpointed or not.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import Connection, Engine, event

__all__ = ["AUTOCHECKPOINT_PAGES", "INTERVAL", "Checkpointer", "start"]

INTERVAL = 0.5
"""Seconds between two background checkpoints, at the least."""

AUTOCHECKPOINT_PAGES = 20_000
"""Log pages (80 MiB of 4 KiB pages) past which a writer checkpoints after all."""

_JOIN_SECONDS = 30.0


class Checkpointer:
    """A thread checkpointing the write-ahead log of the SQLite file at ``path``."""

    def __init__(self, path: str, *, interval: float | None = None) -> None:
        self.path = path
        self.interval = INTERVAL if interval is None else interval
        self.checkpoints = 0
        """Checkpoints run so far (for tests and benchmarks)."""
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"sendflow-checkpoints {path}", daemon=True
        )
        self._thread.start()

    def written(self) -> None:
        """Note that a write has committed: the thread checkpoints soon."""
        self._wake.set()

    def close(self) -> None:
        """Stop the thread, once any checkpoint it is running has ended.

        SQLite copies what is left of the log back when its last connection closes.
        """
        self._stop.set()
        self._wake.set()
        if self._thread is not threading.current_thread():
            self._thread.join(_JOIN_SECONDS)

    @property
    def running(self) -> bool:
        """Whether the thread is still running."""
        return self._thread.is_alive()

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True)
        try:
            connection.execute("PRAGMA busy_timeout=0")
            while True:
                self._wake.wait()
                self._wake.clear()
                # Writes in the next interval share this checkpoint, and the commit that
                # woke the thread has landed by the time it runs.
                if self._stop.wait(self.interval):
                    return
                if not self._checkpoint(connection):
                    self._wake.set()  # a reader held some frames back: try again later
        finally:
            connection.close()

    def _checkpoint(self, connection: sqlite3.Connection) -> bool:
        """Checkpoint the log; whether every frame in it is now in the database file."""
        try:
            busy, log, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            # A file being replaced or removed: the next write wakes the thread again,
            # and writers keep SQLite's own checkpoints as a backstop.
            return True
        self.checkpoints += 1
        return not busy and log == copied


def start(engine: Engine) -> Checkpointer | None:
    """A checkpoint thread for ``engine``'s SQLite file, or ``None`` for other stores.

    Only a plain file path gets one: PostgreSQL has no write-ahead log of this kind, an
    in-memory store has none at all, and a ``file:`` URI is left to SQLite's own
    checkpoints.
    """
    url = engine.url
    database = url.database
    if url.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    assert database is not None
    if database.startswith("file:"):
        return None
    checkpointer = Checkpointer(database)

    def connected(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")

    def committed(connection: Connection) -> None:
        if connection.get_execution_options().get("sendflow_write", False):
            checkpointer.written()

    event.listen(engine, "connect", connected)
    event.listen(engine, "commit", committed)
    return checkpointer
