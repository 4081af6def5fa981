"""Alembic environment: migrate the connection the store hands over, never a URL from a file."""

from __future__ import annotations

from alembic import context

from sendflow.store.schema import metadata


def run_migrations() -> None:
    """Run the pending revisions on the connection in ``config.attributes``."""
    connection = context.config.attributes["connection"]
    # Batch mode lets later revisions alter tables on SQLite, which has little ALTER TABLE.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


# Alembic fills in ``context.config`` only while it runs this file; a tool that merely
# imports every module (doctest collection) must find nothing to do.
if hasattr(context, "config"):
    run_migrations()
