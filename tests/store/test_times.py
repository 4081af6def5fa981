"""Every time the store hands back is an aware UTC datetime, whatever the session's zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from sendflow.engine.events import Event
from sendflow.store import Store

from .helpers import PROCESS, open_assessing

NEW_YORK = "America/New_York"


def _times(store: Store, case_id: str) -> list[datetime]:
    """Every recorded-at and retracted-at time the store's reads give for a case."""
    found = []
    for stored in store.history(case_id):
        assert stored.event.recorded_at is not None
        found.append(stored.event.recorded_at)
        if stored.retraction is not None:
            found.append(stored.retraction.at)
    found.extend(e.recorded_at for e in store.load(case_id).events if e.recorded_at)
    for case in store.iter_cases():
        if case.case_id == case_id:
            found.extend(e.recorded_at for e in case.events if e.recorded_at)
    return found


def _check_utc(moments: list[datetime], *, near: datetime) -> None:
    assert moments
    for moment in moments:
        assert moment.tzinfo is UTC, moment
        assert abs(moment - near) < timedelta(minutes=5), moment


def _write_and_retract(store: Store, case_id: str) -> None:
    open_assessing(store, case_id)
    store.record(case_id, "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    store.retract(case_id, 3, by="officer-1", reason="entered twice")


def test_recorded_and_retracted_times_are_utc(store: Store) -> None:
    """On either database, every time read back is aware, in UTC, and about now."""
    _write_and_retract(store, "U1")
    _check_utc(_times(store, "U1"), near=datetime.now(UTC))


def test_a_recorded_at_given_in_another_zone_is_kept_as_the_same_instant(store: Store) -> None:
    """A case file's recorded_at at 09:00 in New York reads back as 14:00 UTC on both."""
    given = datetime(2024, 1, 8, 9, 0, tzinfo=ZoneInfo(NEW_YORK))
    store.open_case(
        PROCESS,
        case_id="Z1",
        events=[Event("request_received", date(2024, 1, 8), recorded_at=given)],
    )
    (stored,) = store.history("Z1")
    assert stored.event.recorded_at == datetime(2024, 1, 8, 14, 0, tzinfo=UTC)
    assert stored.event.recorded_at.tzinfo is UTC  # type: ignore[union-attr]


@pytest.fixture(params=["connect_args", "PGTZ"])
def new_york_store(
    request: pytest.FixtureRequest, postgresql_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """A PostgreSQL store whose sessions run in New York time (by option, or by PGTZ)."""
    if postgresql_url is None:
        pytest.skip("needs SENDFLOW_TEST_POSTGRESQL_URL")
    options = None
    if request.param == "PGTZ":
        monkeypatch.setenv("PGTZ", NEW_YORK)
    else:
        options = {"connect_args": {"options": f"-c timezone={NEW_YORK}"}}
    with Store(postgresql_url, engine_options=options) as store:
        with store._writer.begin() as conn:
            conn.execute(text("TRUNCATE time_limits, retractions, events, cases"))
        yield store


@pytest.mark.postgresql
def test_times_are_utc_in_a_new_york_session(new_york_store: Store) -> None:
    """With the session in New York (-05:00), the store still hands back UTC times."""
    store = new_york_store
    with store._engine.connect() as conn:
        assert conn.execute(text("SHOW timezone")).scalar() == NEW_YORK
        # The driver itself hands back New York times: the store must turn them to UTC.
        raw = conn.execute(text("SELECT now()")).scalar()
        assert raw.utcoffset() == timedelta(hours=-5)
    _write_and_retract(store, "N1")
    _check_utc(_times(store, "N1"), near=datetime.now(UTC))
    exported = next(store.export())
    stamp = datetime.fromisoformat(exported["events"][0]["recorded_at"])
    assert stamp.utcoffset() == timedelta(0)
