"""Alembic environment: migrate the connection the store hands over, never a URL from a file."""

from __future__ import annotations

from alembic import context

from sendflow.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
