"""The ``--db`` option the store commands share, and the URL it resolves to."""

from __future__ import annotations

import argparse
import os

from sendflow.store import DEFAULT_URL

__all__ = ["add_db", "database_url"]


def database_url(given: str | None) -> str:
    """The store URL: ``--db``, else ``SENDFLOW_DB``, else ``sqlite:///sendflow.db``."""
    return given or os.environ.get("SENDFLOW_DB") or DEFAULT_URL


def add_db(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` the ``--db URL`` option."""
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help=f"database URL (default: $SENDFLOW_DB, else {DEFAULT_URL})",
    )
