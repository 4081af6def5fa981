"""Fixtures: a store on SQLite (a fresh WAL file per test) and on PostgreSQL.

PostgreSQL tests read the server's URL from ``SENDFLOW_TEST_POSTGRESQL_URL`` (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) and skip when it is unset.
Each test run creates its own database on that server, and drops it at the end, so runs
never see each other's cases; each test starts with empty tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sendflow.store import Store

PG_ENV = "SENDFLOW_TEST_POSTGRESQL_URL"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
]


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str | None]:
    """A fresh database for this test run on the PostgreSQL server, or ``None``."""
    server = os.environ.get(PG_ENV)
    if not server:
        yield None
        return
    url = make_url(server)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"sendflow_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path, postgresql_url: str | None) -> str:
    """The URL of an empty store on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.db'}"
    if postgresql_url is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} set to a server URL")
    with Store(postgresql_url) as store, store._writer.begin() as conn:
        conn.execute(
            text("TRUNCATE time_limits, retractions, events, cases, feed_changes, feed_commits")
        )
    return postgresql_url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store on each backend."""
    with Store(store_url) as opened:
        yield opened
