"""A store that cannot be opened, or whose lock another writer holds, gives clear errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sendflow.cli import main
from sendflow.errors import SendflowError
from sendflow.store import Store, StoreBusyError, StoreError

from .helpers import PROCESS, request_on


def _not_a_database(tmp_path: Path) -> str:
    path = tmp_path / "notes.txt"
    path.write_text("these are not cases\n" * 50, encoding="utf-8")
    return f"sqlite:///{path}"


BAD_URLS = {
    "not a URL": (lambda tmp: "cases.db", "is not a database URL"),
    "empty": (lambda tmp: "   ", "must be a database URL"),
    "missing folder": (
        lambda tmp: f"sqlite:///{tmp / 'no' / 'such' / 'cases.db'}",
        "does not exist. Create the folder",
    ),
    "a folder": (lambda tmp: f"sqlite:///{tmp}", "it is a folder"),
    "not a database": (_not_a_database, "is not a SQLite database"),
    "another kind of database": (lambda tmp: "mysql://u@localhost/cases", "SQLite or PostgreSQL"),
    "unknown driver": (lambda tmp: "sqlite+nosuch:///x.db", "driver that is not installed"),
    "no server": (
        lambda tmp: "postgresql+psycopg://u@127.0.0.1:1/cases",
        "cannot connect to the store",
    ),
}


@pytest.mark.parametrize("kind", BAD_URLS)
def test_a_bad_store_url_is_refused_through_the_api(kind: str, tmp_path: Path) -> None:
    """Store(url) with a URL it cannot use raises StoreError saying what and how to fix it."""
    make, expected = BAD_URLS[kind]
    with pytest.raises(StoreError, match=expected) as raised:
        Store(make(tmp_path))
    assert isinstance(raised.value, SendflowError)
    assert "Traceback" not in str(raised.value)


@pytest.mark.parametrize("kind", BAD_URLS)
def test_a_bad_store_url_is_refused_through_the_cli(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--db` with a URL the store cannot use: exit 2, the reason on stderr, nothing on stdout."""
    make, expected = BAD_URLS[kind]
    status = main(["due", "--as-of", "2024-03-01", "--within", "7", "--db", make(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.startswith("sendflow due: ")
    assert expected in err


def test_the_file_that_is_not_a_database_is_left_as_it_was(tmp_path: Path) -> None:
    """Refusing a file that is not a database leaves its bytes untouched."""
    url = _not_a_database(tmp_path)
    before = (tmp_path / "notes.txt").read_bytes()
    with pytest.raises(StoreError):
        Store(url)
    assert (tmp_path / "notes.txt").read_bytes() == before


@pytest.mark.parametrize("seconds", [-1, float("nan"), "30", True, 10**6])
def test_a_bad_busy_timeout_is_refused(seconds: object, tmp_path: Path) -> None:
    """busy_timeout must be a number of seconds from 0 to a day."""
    with pytest.raises(StoreError, match="busy_timeout must be"):
        Store(f"sqlite:///{tmp_path / 'cases.db'}", busy_timeout=seconds)  # type: ignore[arg-type]


@pytest.mark.parametrize("given", ["soon", "-3"])
def test_a_bad_busy_timeout_option_or_variable_is_refused(
    given: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--busy-timeout and $SENDFLOW_BUSY_TIMEOUT take seconds; anything else exits 2."""
    db = f"sqlite:///{tmp_path / 'cases.db'}"
    args = ["due", "--as-of", "2024-03-01", "--within", "7", "--db", db]
    assert main([*args, "--busy-timeout", given]) == 2
    assert "busy timeout is a number of seconds" in capsys.readouterr().err
    monkeypatch.setenv("SENDFLOW_BUSY_TIMEOUT", given)
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "$SENDFLOW_BUSY_TIMEOUT" in err


@contextmanager
def lock_held(url: str) -> Iterator[None]:
    """Another connection holding the store's write lock (SQLite) or the cases table."""
    if url.startswith("sqlite"):
        other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("LOCK TABLE cases IN EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()


def test_a_held_lock_gives_store_busy_and_writes_nothing(store_url: str) -> None:
    """A write waiting past busy_timeout raises StoreBusyError, and nothing is written."""
    with Store(store_url, busy_timeout=0.2) as store:
        store.open_case(PROCESS, case_id="A1", events=request_on())
        with lock_held(store_url), pytest.raises(StoreBusyError) as raised:
            store.record("A1", "decided_to_assess", on=date(2024, 2, 12))
        assert "is busy" in str(raised.value)
        assert "try the write again" in str(raised.value)
        assert raised.value.timeout == 0.2
        assert store.version("A1") == 1
        assert len(store.history("A1")) == 1
        # Once the lock is released the same write goes through.
        assert store.record("A1", "decided_to_assess", on=date(2024, 2, 12)) == 2


def test_a_held_lock_gives_exit_2_from_the_cli(
    store_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`record` against a locked store exits 2 saying it is busy; stdout stays empty."""
    with Store(store_url) as store:
        store.open_case(PROCESS, case_id="A1", events=request_on())
    record = ["record", "A1", "decided_to_assess", "--on", "2024-02-12", "--db", store_url]
    with lock_held(store_url):
        assert main([*record, "--busy-timeout", "0.1"]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith("sendflow record: the store ")
        assert "busy timeout of 0.1 s" in err
        monkeypatch.setenv("SENDFLOW_BUSY_TIMEOUT", "0.05")
        assert main(record) == 2
        assert "busy timeout of 0.05 s" in capsys.readouterr().err
    with Store(store_url) as store:
        assert store.version("A1") == 1
