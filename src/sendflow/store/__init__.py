"""The case store: cases kept as append-only event histories in SQLite or PostgreSQL.

This package is the only part of sendflow that imports SQLAlchemy.
"""

from sendflow.store.errors import (
    CaseExistsError,
    CaseNotFoundError,
    ImportRejectedError,
    StoreBusyError,
    StoreError,
)
from sendflow.store.importing import Sourced
from sendflow.store.records import (
    BadCase,
    CaseSummary,
    DueItem,
    ImportReport,
    Retraction,
    StoredCase,
    StoredEvent,
)
from sendflow.store.store import DEFAULT_URL, Store

__all__ = [
    "DEFAULT_URL",
    "BadCase",
    "CaseExistsError",
    "CaseNotFoundError",
    "CaseSummary",
    "DueItem",
    "ImportRejectedError",
    "ImportReport",
    "Retraction",
    "Sourced",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StoredCase",
    "StoredEvent",
]
