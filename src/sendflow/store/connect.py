"""Opening a database: engine settings per backend, and bringing the schema up to date.

SQLite runs in WAL mode, so readers never wait for the writer, with a busy timeout so
that writers queue instead of failing. Python's ``sqlite3`` begins transactions lazily
and only before writes; the store takes that over and begins every transaction itself:
``BEGIN IMMEDIATE`` for writes (the write lock is taken up front, so a read-then-write
never fails half-way) and a plain ``BEGIN`` for reads (one consistent snapshot).

PostgreSQL gets the same busy timeout as its ``lock_timeout``. A write that waits longer
for a lock, on either database, raises :class:`StoreBusyError` having written nothing;
a URL, file or server the store cannot use raises :class:`StoreError` (see
:func:`translate`).
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from sendflow.store import BUSY_TIMEOUT_SECONDS
from sendflow.store.errors import StoreBusyError, StoreError
from sendflow.store.migrations import HEAD

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["BUSY_TIMEOUT_SECONDS", "WRITE", "migrate", "open_engine", "snapshot_reader", "where"]

WRITE = {"sendflow_write": True}
"""Execution options for a connection that will write (``BEGIN IMMEDIATE`` on SQLite)."""


_MIGRATION_LOCK = 7_301_562_019  # any constant; shared by every sendflow process
_URL_HELP = (
    "Write sqlite:///cases.db for a file in the current folder (sqlite:////srv/cases.db "
    "for an absolute path), or postgresql+psycopg://user@host/dbname for a server."
)
_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_PG_LOCK_NOT_AVAILABLE = "55P03"
_CACHE_KIB = 65_536


def open_engine(
    url: str,
    *,
    busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    engine_options: Mapping[str, Any] | None = None,
) -> Engine:
    """An engine for ``url``, set up for the store's transactions.

    ``engine_options`` go to SQLAlchemy's ``create_engine`` (``pool_size``,
    ``max_overflow``, ``pool_recycle``, ``connect_args``...) over the store's own; a
    PostgreSQL ``connect_args["options"]`` is kept beside the store's ``lock_timeout``.

    Raises:
        StoreError: ``url`` is not a database URL sendflow can use, or names a SQLite
            file in a folder that does not exist; ``busy_timeout`` is negative; or an
            engine option is not one the store can take.
    """
    given = _engine_options(engine_options)
    if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, int | float):
        raise StoreError(f"busy_timeout must be a number of seconds, not {busy_timeout!r}.")
    if not 0 <= busy_timeout <= 86_400:
        raise StoreError(
            f"busy_timeout must be from 0 to 86400 seconds (a day), not {busy_timeout!r}."
        )
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _check_sqlite_file(parsed)
        engine = _create(parsed, given, connect_args={"timeout": busy_timeout})
        in_memory = parsed.database in (None, "", ":memory:")
        owner = threading.get_ident() if in_memory else None
        event.listen(engine, "connect", _sqlite_connect(owner=owner, busy=busy_timeout))
        gate = _WriteGate(where(parsed), busy_timeout)
        event.listen(engine, "begin", _sqlite_begin(gate))
        event.listen(engine, "commit", gate.leave)
        event.listen(engine, "rollback", gate.leave)
    elif backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # lock_timeout 0 would mean "wait for ever": the shortest wait is 1 ms.
        lock = f"-c lock_timeout={max(1, round(busy_timeout * 1000))}"
        # lock_timeout last, so that it wins over one in the URL or the engine options.
        options = " ".join(
            o
            for o in (parsed.query.get("options"), given.get("connect_args", {}).get("options"))
            if isinstance(o, str)
        )
        options = f"{options} {lock}".strip()
        engine = _create(parsed, given, pool_pre_ping=True, connect_args={"options": options})
    else:
        raise StoreError(
            f"the store URL {_shown(parsed)!r} names a {backend} database; sendflow keeps "
            f"cases in SQLite or PostgreSQL. {_URL_HELP}"
        )
    event.listen(engine, "handle_error", _translator(where(parsed), busy_timeout))
    return engine


def snapshot_reader(engine: Engine) -> Engine:
    """``engine`` for reads of several statements that must agree (one snapshot).

    SQLite's ``BEGIN`` already reads one snapshot; PostgreSQL's default, ``READ
    COMMITTED``, takes a new one per statement, so its reads run ``REPEATABLE READ``.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ")
    return engine


def where(url: URL) -> str:
    """How messages name the store: its file for SQLite, else its URL without a password."""
    if url.get_backend_name() == "sqlite":
        return url.database or "(in memory)"
    return _shown(url)


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _parse(url: str) -> URL:
    if not isinstance(url, str) or not url.strip():
        raise StoreError(f"the store URL must be a database URL, not {url!r}. {_URL_HELP}")
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise StoreError(f"{url!r} is not a database URL. {_URL_HELP}") from None


def _check_sqlite_file(url: URL) -> None:
    database = url.database
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        raise StoreError(
            f"cannot open the store {database}: the folder {path.parent} does not exist. "
            "Create the folder first, or give a path in an existing one."
        )
    if path.is_dir():
        raise StoreError(
            f"cannot open the store {database}: it is a folder. Name a file inside it, "
            f"such as {path / 'cases.db'}."
        )


_STORE_OWNED = {
    "isolation_level": "the store begins every transaction itself (BEGIN IMMEDIATE to "
    "write on SQLite, REPEATABLE READ for a case read whole on PostgreSQL)",
    "execution_options": "the store sets its own per transaction",
}


def _engine_options(given: Mapping[str, Any] | None) -> dict[str, Any]:
    """``engine_options`` checked: a mapping of names, none that the store manages itself."""
    if given is None:
        return {}
    if not isinstance(given, Mapping) or not all(isinstance(k, str) for k in given):
        raise StoreError(
            f"engine_options must be a mapping of create_engine options by name (such as "
            f"{{'pool_size': 10}}), not {given!r}."
        )
    for name, why in _STORE_OWNED.items():
        if name in given:
            raise StoreError(
                f"engine_options: {name!r} cannot be set, because {why}. Leave it out."
            )
    connect_args = given.get("connect_args", {})
    if not isinstance(connect_args, Mapping):
        raise StoreError(
            f"engine_options: connect_args must be a mapping of driver arguments, not "
            f"{connect_args!r}."
        )
    return dict(given)


def _create(url: URL, given: Mapping[str, Any], **options: Any) -> Engine:
    """``create_engine`` with the store's ``options`` and the caller's ``given`` over them."""
    merged = {**options, **given}
    merged["connect_args"] = {**options.get("connect_args", {}), **given.get("connect_args", {})}
    if "options" in options.get("connect_args", {}):
        merged["connect_args"]["options"] = options["connect_args"]["options"]
    try:
        return create_engine(url, **merged)
    except TypeError as exc:
        raise StoreError(
            f"engine_options for {_shown(url)!r}: {exc}. Give only options SQLAlchemy's "
            "create_engine takes for this database and its pool (pool_size, max_overflow, "
            "pool_timeout, pool_recycle, pool_pre_ping, connect_args, echo)."
        ) from None
    except NoSuchModuleError:
        raise StoreError(
            f"the store URL {_shown(url)!r} names a database driver that is not installed "
            f"or not known ({url.drivername}). {_URL_HELP}"
        ) from None
    except ImportError as exc:
        raise StoreError(
            f"the store URL {_shown(url)!r} needs the {exc.name or 'database'} driver, which "
            "is not installed: pip install 'sendflow[postgresql]'."
        ) from None


def _translator(where: str, busy_timeout: float) -> Any:
    """An ``handle_error`` hook raising the store's own errors in place of the driver's."""

    def translate(context: ExceptionContext) -> None:
        original = context.original_exception
        code = getattr(original, "sqlite_errorcode", None)
        primary = None if code is None else code & 0xFF
        if primary in _SQLITE_BUSY or getattr(original, "sqlstate", None) == (
            _PG_LOCK_NOT_AVAILABLE
        ):
            raise StoreBusyError(where, busy_timeout) from original
        if primary in _SQLITE_NOTADB:
            raise StoreError(
                f"the store {where} is not a SQLite database (or is damaged). Point the "
                "store at a sendflow database, or at a new file to start one."
            ) from original
        if primary == _SQLITE_CANTOPEN:
            raise StoreError(
                f"cannot open the store {where}: {original}. Check that the file and its "
                "folder can be written by this user."
            ) from original
        if context.connection is None:
            first = str(original).strip().splitlines()[0] if str(original).strip() else ""
            raise StoreError(
                f"cannot connect to the store {where}: {first or type(original).__name__}. "
                "Check that the server is running and that the URL's host, port, user and "
                "database name are right."
            ) from original

    return translate


def _sqlite_connect(*, owner: int | None, busy: float) -> Any:
    """The ``connect`` hook; ``owner`` is the thread that opened an in-memory store."""

    def connect(dbapi_connection: Any, _record: Any) -> None:
        if owner is not None and threading.get_ident() != owner:
            # SQLAlchemy gives each thread its own in-memory database: another thread
            # would see an empty one.
            dbapi_connection.close()
            raise StoreError(
                "an in-memory store (sqlite://) can be used only by the thread that "
                "opened it: each connection to it is a separate, empty database. Share a "
                "file store (sqlite:///cases.db) or a PostgreSQL store between threads."
            )
        # Autocommit at the driver level: the "begin" hook below starts transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if owner is None:
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL survives a killed process; only a power cut can lose
            # the last commits, and never leaves a case half-written.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={round(busy * 1000)}")
        # 64 MiB of page cache (the default is 2 MiB): the time-limit indexes of a large
        # store are written in due-date order, and a bigger cache keeps an import's
        # inserts from reading the same pages again and again.
        cursor.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return connect


class _WriteGate:
    """One writer at a time among the threads of one SQLite store.

    SQLite lets one writer in at a time anyway. Threads of one process that all asked
    for the file's write lock would poll for it together, and the thread holding it
    would wait its turn for Python's interpreter lock among them, holding the write lock
    all the while; so a thread first waits here, asleep, and only the thread let through
    asks SQLite for the lock (against other processes' writers). The gate is held from
    ``BEGIN IMMEDIATE`` to the commit or rollback, and never for longer than the busy
    timeout is waited for.
    """

    def __init__(self, where: str, busy: float) -> None:
        self.where = where
        self.busy = busy
        self._lock = threading.Lock()
        self._holder: Connection | None = None

    def enter(self, connection: Connection) -> None:
        """Wait for the gate (at most the busy timeout); ``connection`` then holds it."""
        if not self._lock.acquire(timeout=self.busy):
            raise StoreBusyError(self.where, self.busy)
        self._holder = connection

    def leave(self, connection: Connection) -> None:
        """The ``commit`` and ``rollback`` hook: open the gate if ``connection`` holds it."""
        if self._holder is connection:
            self._holder = None
            self._lock.release()


def _sqlite_begin(gate: _WriteGate) -> Any:
    """The ``begin`` hook: ``BEGIN`` to read, ``BEGIN IMMEDIATE`` (the write lock) to write.

    SQLite's own busy handler waits longer and longer between tries (up to 100 ms), so
    under several writers one of them can lose the lock again and again for seconds.
    The write lock is therefore asked for here, every 0.2 to 2 ms at random, until the
    busy timeout: whoever asks first after the lock is released gets it, and the writers
    all stand the same chance each time. Threads of one store pass the write gate first.
    """
    busy = gate.busy
    full = f"PRAGMA busy_timeout={round(busy * 1000)}"

    def begin(connection: Connection) -> None:
        if not connection.get_execution_options().get("sendflow_write", False):
            connection.exec_driver_sql("BEGIN")
            return
        driver = connection.connection.driver_connection
        assert driver is not None
        gate.enter(connection)
        driver.execute("PRAGMA busy_timeout=0")
        try:
            _take_write_lock(driver, gate.where, busy)
        except BaseException:
            gate.leave(connection)
            raise
        finally:
            driver.execute(full)

    return begin


def _take_write_lock(driver: Any, where: str, busy: float) -> None:
    deadline = None
    while True:
        try:
            driver.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _SQLITE_BUSY:
                raise
        now = time.monotonic()
        if deadline is None:
            deadline = now + busy
        if now >= deadline:
            raise StoreBusyError(where, busy)
        time.sleep(min(deadline - now, random.uniform(0.0002, 0.002)))  # noqa: S311


def _migrations_folder() -> Path:
    return Path(str(resources.files("sendflow.store") / "migrations"))


def _config() -> Config:
    from alembic.config import Config  # noqa: PLC0415 (only to migrate)

    config = Config()
    config.set_main_option("script_location", str(_migrations_folder()))
    return config


def head_revision() -> str | None:
    """The newest migration's revision id, as Alembic reads it from ``versions/``."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415 (only to migrate)

    return ScriptDirectory.from_config(_config()).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest revision; a no-op when it is already there.

    Concurrent openers are serialised (an advisory lock on PostgreSQL, the write lock on
    SQLite), so only one of them migrates.
    """
    with engine.connect() as connection:
        if _current_revision(connection) == HEAD:
            return
    from alembic import command  # noqa: PLC0415 (only to migrate)

    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _current_revision(connection: Connection) -> str | None:
    if not connection.dialect.has_table(connection, "alembic_version"):
        connection.rollback()
        return None
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    connection.rollback()
    return None if found is None else str(found)
