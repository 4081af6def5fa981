"""The Alembic migrations build exactly the schema the store's code uses."""

from __future__ import annotations

from datetime import date

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
    assert version == head_revision() == HEAD


def test_partial_index_covers_open_limits_only(store: Store) -> None:
    """The window query's index holds open time limits, keyed by due date first."""
    with store._engine.connect() as conn:
        indexes = {i["name"]: i for i in inspect(conn).get_indexes("time_limits")}
    partial = indexes["ix_time_limits_open_due"]
    assert partial["column_names"][0] == "due_on"
    options = partial["dialect_options"]
    where = options.get("sqlite_where", options.get("postgresql_where"))
    assert "is_open" in str(where)
    assert "ix_time_limits_status_due" not in indexes  # no query reads it; writes paid


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


def test_a_store_of_the_first_revision_is_upgraded_with_its_cases(store: Store) -> None:
    """A store made by revision 0001 (with the status index) opens, keeps its cases, and
    loses only the unused index; downgrading to 0001 brings the index back."""
    store.open_case(
        "ehc-needs-assessment",
        case_id="A1",
        events=[{"event": "request_received", "on": "2024-01-08"}],
    )
    store.close()
    config = _config()
    with store._engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with store._engine.connect() as conn:
        indexes = {i["name"] for i in inspect(conn).get_indexes("time_limits")}
    assert "ix_time_limits_status_due" in indexes
    with Store(store.url) as again:
        assert [c.case_id for c in again.cases()] == ["A1"]
        again.record("A1", "decided_to_assess", on=date(2024, 2, 12))
        with again._engine.connect() as conn:
            indexes = {i["name"] for i in inspect(conn).get_indexes("time_limits")}
            revision = MigrationContext.configure(conn).get_current_revision()
        assert "ix_time_limits_status_due" not in indexes
        assert revision == HEAD
        assert again.load("A1").state == "assessing"


def test_head_names_the_newest_revision() -> None:
    """``HEAD``, which opening a store compares without Alembic, is Alembic's head."""
    assert head_revision() == HEAD
