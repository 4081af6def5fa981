"""Alembic migrations for the store's schema, run in code by :mod:`sendflow.store.connect`.

Opening a store compares the database's revision with :data:`HEAD` by a plain query and
imports Alembic only when they differ. A new revision in ``versions/`` must update
:data:`HEAD`; a test checks that it names Alembic's head.
"""

HEAD = "0003"
"""The newest revision in ``versions/``."""
