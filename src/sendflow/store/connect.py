"""Opening a database: engine settings per backend, and bringing the schema up to date.

SQLite runs in WAL mode, so readers never wait for the writer, with a busy timeout so
that writers queue instead of failing. Python's ``sqlite3`` begins transactions lazily
and only before writes; the store takes that over and begins every transaction itself:
``BEGIN IMMEDIATE`` for writes (the write lock is taken up front, so a read-then-write
never fails half-way) and a plain ``BEGIN`` for reads (one consistent snapshot).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from sendflow.store.migrations import HEAD

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["WRITE", "migrate", "open_engine"]

WRITE = {"sendflow_write": True}
"""Execution options for a connection that will write (``BEGIN IMMEDIATE`` on SQLite)."""

BUSY_TIMEOUT_SECONDS = 30.0
_MIGRATION_LOCK = 7_301_562_019  # any constant; shared by every sendflow process


def open_engine(url: str) -> Engine:
    """An engine for ``url``, set up for the store's transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        in_memory = parsed.database in (None, "", ":memory:")
        event.listen(engine, "connect", _sqlite_connect(in_memory=in_memory))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_connect(*, in_memory: bool) -> Any:
    def connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level: the "begin" hook below starts transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL survives a killed process; only a power cut can lose
            # the last commits, and never leaves a case half-written.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return connect


def _sqlite_begin(connection: Connection) -> None:
    writing = connection.get_execution_options().get("sendflow_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


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
