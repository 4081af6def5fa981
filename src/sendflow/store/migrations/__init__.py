"""Alembic migrations for the store's schema, run in code by :mod:`sendflow.store.connect`."""
