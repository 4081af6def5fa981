"""The Alembic migrations build exactly the schema the store's code uses."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from sendflow.store import Store
from sendflow.store.connect import _config, head_revision
from sendflow.store.migrations import HEAD
from sendflow.store.schema import metadata


def test_migrated_schema_matches_the_tables(store: Store) -> None:
    """After migrating, the database has no difference from the schema module."""
    with store._engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        version = context.get_current_revision()
    assert version == head_revision() == "0002"


def test_partial_index_covers_open_limits_only(store: Store) -> None:
    """The window query's index holds open time limits, keyed by due date first."""
    with store._engine.connect() as conn:
        indexes = {i["name"]: i for i in inspect(conn).get_indexes("time_limits")}
    partial = indexes["ix_time_limits_open_due"]
    assert partial["column_names"][0] == "due_on"
    options = partial["dialect_options"]
    where = options.get("sqlite_where", options.get("postgresql_where"))
    assert "is_open" in str(where)
    assert indexes["ix_time_limits_status_due"]["column_names"] == ["status", "due_on"]


def test_downgrade_and_upgrade_again(store: Store) -> None:
    """The first revision can be undone and redone."""
    store.close()
    config = _config()
    with store._engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    with store._engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    with Store(store.url) as again:
        assert again.cases() == []


def test_head_names_the_newest_revision() -> None:
    """``HEAD``, which opening a store compares without Alembic, is Alembic's head."""
    assert head_revision() == HEAD
