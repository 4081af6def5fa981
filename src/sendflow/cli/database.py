"""The ``--db`` and ``--busy-timeout`` options the store commands share."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from sendflow.store import BUSY_TIMEOUT_SECONDS, DEFAULT_URL, StoreError

if TYPE_CHECKING:
    from sendflow.store import Store

__all__ = ["BUSY_ENV", "add_db", "busy_timeout", "database_url", "open_store"]

BUSY_ENV = "SENDFLOW_BUSY_TIMEOUT"
"""The environment variable giving the busy timeout when ``--busy-timeout`` is not."""


def database_url(given: str | None) -> str:
    """The store URL: ``--db``, else ``SENDFLOW_DB``, else ``sqlite:///sendflow.db``."""
    return given or os.environ.get("SENDFLOW_DB") or DEFAULT_URL


def busy_timeout(given: float | None) -> float:
    """Seconds a write waits for another writer: the option, else $SENDFLOW_BUSY_TIMEOUT.

    Without either it is 30 seconds.

    Raises:
        StoreError: The environment variable is not a number of seconds.
    """
    if given is not None:
        return given
    text = os.environ.get(BUSY_ENV, "").strip()
    if not text:
        return BUSY_TIMEOUT_SECONDS
    try:
        return _seconds(text)
    except argparse.ArgumentTypeError as exc:
        raise StoreError(f"${BUSY_ENV}: {exc}") from None


def open_store(args: argparse.Namespace) -> Store:
    """The store the command's ``--db`` and ``--busy-timeout`` name."""
    from sendflow.store import Store  # noqa: PLC0415 (loads SQLAlchemy)

    return Store(database_url(args.db), busy_timeout=busy_timeout(args.busy_timeout))


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise argparse.ArgumentTypeError(
            f"the busy timeout is a number of seconds from 0 to 86400, not {text!r}"
        )
    return seconds


def add_db(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` the ``--db URL`` and ``--busy-timeout SECONDS`` options."""
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help=f"database URL (default: $SENDFLOW_DB, else {DEFAULT_URL})",
    )
    parser.add_argument(
        "--busy-timeout",
        default=None,
        type=_seconds,
        metavar="SECONDS",
        help="how long a write waits for another writer before giving up, with nothing "
        f"written (default: ${BUSY_ENV}, else {BUSY_TIMEOUT_SECONDS:g})",
    )


def pipeline_after() -> int:
    """After how many cases a command-line import prepares the rest in a second process.

    Only when a core is spare; a program calling ``Store.import_cases`` chooses for itself.
    """
    from sendflow.store.importing import PIPELINE_AFTER  # noqa: PLC0415 (loads SQLAlchemy)

    return PIPELINE_AFTER
