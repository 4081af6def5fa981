"""The case store: cases kept as append-only event histories in SQLite or PostgreSQL.

This package is the only part of sendflow that imports SQLAlchemy, and it does so only
when the store itself is used: the records and errors below load without it, and
``Store`` and ``Sourced`` load it on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sendflow.store.errors import (
    CaseExistsError,
    CaseNotFoundError,
    CursorError,
    ImportRejectedError,
    StoreBusyError,
    StoreError,
)
from sendflow.store.records import (
    BadCase,
    CaseSummary,
    Change,
    Changes,
    DueItem,
    ImportReport,
    Page,
    Retraction,
    StoredCase,
    StoredEvent,
)

if TYPE_CHECKING:
    from sendflow.store.importing import Sourced
    from sendflow.store.store import Store

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "DEFAULT_URL",
    "BadCase",
    "CaseExistsError",
    "CaseNotFoundError",
    "CaseSummary",
    "Change",
    "Changes",
    "CursorError",
    "DueItem",
    "ImportRejectedError",
    "ImportReport",
    "Page",
    "Retraction",
    "Sourced",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StoredCase",
    "StoredEvent",
]

DEFAULT_URL = "sqlite:///sendflow.db"
"""The store a command opens without ``--db`` or ``SENDFLOW_DB``."""

BUSY_TIMEOUT_SECONDS = 30.0
"""How long a write waits for another writer's lock before :class:`StoreBusyError`."""

_LAZY = {"Sourced": "sendflow.store.importing", "Store": "sendflow.store.store"}


def __getattr__(name: str) -> Any:
    """Load ``Store`` or ``Sourced``, and SQLAlchemy with them, on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sendflow.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
