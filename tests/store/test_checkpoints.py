"""The write-ahead log of a SQLite store is checkpointed by a thread of the store's own."""

from __future__ import annotations

import shutil
import sqlite3
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from sendflow.store import Store, checkpoints

from .helpers import open_assessing

WAIT_SECONDS = 10.0


def _in_database_file(path: Path, copy: Path) -> dict[str, int]:
    """Case versions found in the database file alone, leaving its log aside."""
    shutil.copyfile(path, copy)
    try:
        with closing(sqlite3.connect(copy)) as raw:
            return dict(raw.execute("SELECT id, version FROM cases").fetchall())
    except sqlite3.DatabaseError:
        return {}  # copied while a checkpoint was writing it
    finally:
        for leftover in copy.parent.glob(f"{copy.name}*"):
            leftover.unlink()


def test_writes_are_checkpointed_off_the_writing_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After writes, the store's own thread copies the log back; writers only append."""
    monkeypatch.setattr(checkpoints, "INTERVAL", 0.05)
    path = tmp_path / "cases.db"
    with Store(f"sqlite:///{path}") as store:
        checkpointer = store._checkpoints
        assert checkpointer is not None
        assert checkpointer.running
        with store._engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert pages == checkpoints.AUTOCHECKPOINT_PAGES
        before = checkpointer.checkpoints
        for number in range(20):
            open_assessing(store, f"C{number}")
        deadline = time.monotonic() + WAIT_SECONDS
        while checkpointer.checkpoints <= before and time.monotonic() < deadline:
            time.sleep(0.01)
        assert checkpointer.checkpoints > before
        store.record(
            "C0", "exception_recorded", on=date(2024, 2, 13), data={"reason": "school-closure"}
        )
        copy = tmp_path / "copy.db"
        deadline = time.monotonic() + WAIT_SECONDS
        while _in_database_file(path, copy).get("C0") != 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _in_database_file(path, copy) == {f"C{n}": 2 for n in range(20)} | {"C0": 3}


def test_closing_the_store_stops_the_thread(tmp_path: Path) -> None:
    """Closing a file store ends its checkpoint thread; its cases are all there on reopening."""
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    store = Store(url)
    open_assessing(store)
    checkpointer = store._checkpoints
    assert checkpointer is not None
    store.close()
    assert not checkpointer.running
    with Store(url) as again:
        assert again.version("A1") == 2


def test_in_memory_stores_have_no_checkpoint_thread() -> None:
    """An in-memory store keeps no log on disk, so it runs no thread."""
    with Store("sqlite://") as store:
        assert store._checkpoints is None
