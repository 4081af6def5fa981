"""The change feed: every record once, in commit order, resumable from a cursor."""

from __future__ import annotations

import base64
import contextlib
import json
import multiprocessing
import threading
import time
from datetime import UTC, date

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sendflow
from sendflow.errors import EventError, SendflowError
from sendflow.store import Change, CursorError, Store, StoredEvent
from sendflow.store.connect import _config
from sendflow.testing.strategies import histories

from . import workers
from .helpers import PROCESS, open_assessing, request_on

EHC = sendflow.load_process(PROCESS)


def follow(store: Store, *, after: str | None = None, limit: int = 1000) -> list[Change]:
    """Every record after ``after``, read page by page."""
    found: list[Change] = []
    while True:
        page = store.changes(after=after, limit=limit)
        found.extend(page.items)
        if not page.items:
            assert page.cursor == (after or store.changes().cursor)
            return found
        after = page.cursor


def keys(changes: list[Change]) -> list[tuple[str, str, int]]:
    return [(c.case_id, c.kind, c.sequence) for c in changes]


def rebuilt(changes: list[Change]) -> dict[str, list[StoredEvent]]:
    """Each case's audit trail, as a follower rebuilds it from the feed alone."""
    trails: dict[str, list[StoredEvent]] = {}
    for change in changes:
        trail = trails.setdefault(change.case_id, [])
        if change.kind == "event":
            assert change.event is not None
            assert change.retraction is None
            assert change.sequence == len(trail) + 1 == change.event.sequence
            assert change.event.retraction is None
            trail.append(change.event)
        else:
            assert change.kind == "retraction"
            assert change.event is None
            assert change.retraction is not None
            target = trail[change.sequence - 1]
            assert target.retraction is None
            trail[change.sequence - 1] = StoredEvent(
                target.sequence, target.event, change.retraction
            )
    return trails


def test_every_record_in_commit_order(store: Store) -> None:
    """Opening, recording, retracting and linked writes, in the order they were written."""
    open_assessing(store, "A1")
    store.open_case(PROCESS, case_id="A0", events=request_on("2024-03-01"))
    store.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    store.retract("A1", 3, by="officer-3", reason="asked the wrong service")
    changes = follow(store)
    assert keys(changes) == [
        ("A1", "event", 1),
        ("A1", "event", 2),
        ("A0", "event", 1),
        ("A1", "event", 3),
        ("A1", "retraction", 3),
    ]
    assert {c.process for c in changes} == {PROCESS}
    for change in changes:
        assert change.recorded_at.utcoffset() == UTC.utcoffset(None)
    assert changes[-1].retraction is not None
    assert changes[-1].recorded_at == changes[-1].retraction.at
    assert changes[3].event is not None
    assert changes[3].recorded_at == changes[3].event.event.recorded_at
    assert changes[3].event.event.data == {"party": "health"}
    assert rebuilt(changes) == {"A1": list(store.history("A1")), "A0": list(store.history("A0"))}


def test_pages_resume_where_they_stopped(store: Store) -> None:
    """Any page size reads the same records; the last cursor reads nothing new until a write."""
    for n in range(3):
        open_assessing(store, f"P{n}")
    whole = store.changes()
    assert len(whole.items) == 6
    for limit in (1, 2, 4, 5):
        assert keys(follow(store, limit=limit)) == keys(list(whole.items))
    empty = store.changes(after=whole.cursor)
    assert empty.items == ()
    assert empty.cursor == whole.cursor
    store.record("P1", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    page = store.changes(after=whole.cursor)
    assert keys(list(page.items)) == [("P1", "event", 3)]
    assert page.cursor != whole.cursor


def test_an_empty_store_has_a_start_cursor(store: Store) -> None:
    """With nothing written the feed is empty, and its cursor reads from the start later."""
    start = store.changes()
    assert start.items == ()
    assert store.changes(after=start.cursor) == start
    open_assessing(store)
    assert len(store.changes(after=start.cursor).items) == 2


def test_imports_appear_as_their_events(store: Store) -> None:
    """Both kinds of import, in batches or whole, show every event of every case."""
    cases = [{"process": PROCESS, "case_id": f"I{n:02d}", "events": request_on()} for n in range(7)]
    for case in cases[::2]:
        case["events"] = [*request_on(), {"event": "decided_to_assess", "on": "2024-02-12"}]
    before = store.changes().cursor
    store.import_cases(cases[:4], batch_size=2)
    middle = store.changes(after=before).cursor
    store.import_cases(cases[4:], skip_bad=True, batch_size=2)
    expected = [(c["case_id"], "event", n) for c in cases for n in range(1, len(c["events"]) + 1)]
    assert keys(follow(store, after=before, limit=3)) == expected
    assert keys(follow(store, after=middle))[0] == ("I04", "event", 1)


def test_a_refused_write_or_import_leaves_the_feed_alone(store: Store) -> None:
    """Nothing written, nothing in the feed: a refused event, retraction or import."""
    open_assessing(store)
    cursor = store.changes().cursor
    with pytest.raises(EventError):
        store.record("A1", "final_plan_issued", on=date(2024, 3, 1))
    with pytest.raises(EventError):
        store.retract("A1", 1, by="x", reason="y")
    with pytest.raises(sendflow.CaseFileError):
        store.import_cases([{"process": PROCESS, "case_id": "A1", "events": request_on()}])
    assert store.changes(after=cursor).items == ()


BAD_CURSORS = [
    ("", "is not a change-feed cursor"),
    ("not a cursor!", "is not a change-feed cursor"),
    ("WzEsIDNd", "is not a change-feed cursor"),  # [1, 3]
    (base64.urlsafe_b64encode(b'[2, 1, "A1", "event", 1]').decode(), "not a change-feed"),
    (base64.urlsafe_b64encode(b'[1, -1, "", "", 0]').decode(), "not a change-feed"),
    (base64.urlsafe_b64encode(b'[1, 1, "A1", "other", 1]').decode(), "not a change-feed"),
    (base64.urlsafe_b64encode(b'[1, 0, "A1", "event", 1]').decode(), "not a change-feed"),
    (base64.urlsafe_b64encode(b'[1, 99, "A1", "event", 1]').decode(), "another store"),
    (base64.urlsafe_b64encode(b'[1, 1, "A1", "event", 7]').decode(), "another store"),
    (42, "is a int, not text"),
]


@pytest.mark.parametrize(("cursor", "says"), BAD_CURSORS)
def test_a_bad_cursor_is_refused_clearly(store: Store, cursor: object, says: str) -> None:
    """A cursor the store did not give raises CursorError (a ValueError), saying what to pass."""
    open_assessing(store)
    for call in (
        lambda: store.changes(after=cursor),  # type: ignore[arg-type]
        lambda: store.wait_for_changes(cursor, 0),  # type: ignore[arg-type]
    ):
        with pytest.raises(CursorError, match=says) as caught:
            call()
        error = caught.value
        assert isinstance(error, SendflowError)
        assert isinstance(error, ValueError)
        assert error.code == "cursor_invalid"
        assert error.cursor == cursor
        assert "Pass a cursor exactly as a page of the change feed returned it" in str(error)


@pytest.mark.parametrize("limit", [0, -1, 10_001, 2.5, True, "10"])
def test_a_bad_limit_is_refused(store: Store, limit: object) -> None:
    """The page size is a whole number from 1 to 10,000."""
    with pytest.raises(ValueError, match="limit must be a whole number from 1 to 10,000"):
        store.changes(limit=limit)  # type: ignore[arg-type]


@pytest.mark.parametrize("timeout", [-1, 3601, "1", None])
def test_a_bad_timeout_is_refused(store: Store, timeout: object) -> None:
    """The wait is a number of seconds from 0 to an hour."""
    with pytest.raises(ValueError, match="timeout must be from 0 to 3600 seconds"):
        store.wait_for_changes(None, timeout)  # type: ignore[arg-type]


def test_a_waiting_follower_wakes_when_a_record_is_written(store: Store) -> None:
    """``wait_for_changes`` returns as soon as a writer commits (NOTIFY on PostgreSQL)."""
    open_assessing(store)
    cursor = store.changes().cursor
    started = time.monotonic()
    assert store.wait_for_changes(cursor, 0.2) is False
    assert time.monotonic() - started >= 0.2
    assert store.wait_for_changes(None, 30) is True  # something is there already
    woke: list[tuple[bool, float]] = []

    def waiter() -> None:
        began = time.monotonic()
        woke.append((store.wait_for_changes(cursor, 60), time.monotonic() - began))

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.5)
    assert not woke, "the follower returned before anything was written"
    store.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    thread.join(timeout=30)
    assert woke
    assert woke[0][0] is True
    assert woke[0][1] < 10  # woken, not timed out after 60 s
    assert keys(list(store.changes(after=cursor).items)) == [("A1", "event", 3)]


@pytest.mark.postgresql
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_postgresql_wakes_the_follower_by_notify(store_url: str) -> None:
    """On PostgreSQL another store's commit notifies the channel the follower listens on."""
    with Store(store_url) as store, Store(store_url) as writer:
        open_assessing(writer)
        cursor = store.changes().cursor
        result: list[bool] = []
        listening = threading.Event()

        def waiter() -> None:
            listening.set()
            result.append(store.wait_for_changes(cursor, 60))

        thread = threading.Thread(target=waiter)
        thread.start()
        listening.wait()
        time.sleep(0.3)
        began = time.monotonic()
        writer.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": "x"})
        thread.join(timeout=30)
        # Woken by the other store's commit, long before the 60 s are up.
        assert result == [True]
        assert time.monotonic() - began < 5


def test_a_store_from_before_the_feed_gets_every_record_in_time_order(store: Store) -> None:
    """Migrating to the feed numbers the records already stored by when they were written."""
    open_assessing(store, "M2")
    open_assessing(store, "M1")
    store.record("M2", "advice_requested", on=date(2024, 2, 13), data={"party": "health"})
    store.retract("M2", 3, by="officer", reason="wrong service")
    expected = keys(follow(store))
    moments = [c.recorded_at for c in follow(store)]
    assert moments == sorted(moments)
    config = _config()
    with store._engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with Store(store.url) as again:
        backfilled = follow(again)
        assert keys(backfilled) == expected
        assert rebuilt(backfilled) == {
            case_id: list(again.history(case_id)) for case_id in ("M1", "M2")
        }
        again.record("M1", "advice_requested", on=date(2024, 2, 13), data={"party": "x"})
        assert keys(follow(again))[-1] == ("M1", "event", 3)


def test_the_cursor_is_opaque_text(store: Store) -> None:
    """A cursor is URL-safe text a follower keeps as it is."""
    open_assessing(store)
    cursor = store.changes(limit=1).cursor
    assert cursor.isascii()
    assert all(ch.isalnum() or ch in "-_" for ch in cursor)
    json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


# A property: following the feed from the start rebuilds the store's histories ----------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["open", "record", "retract", "import"]),
        st.integers(0, 3),
        st.integers(1, 12),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), OPERATIONS, st.integers(1, 7))
def test_following_the_feed_rebuilds_every_history(data: st.DataObject, operations, limit) -> None:
    """Random opens, records, retractions and imports: the feed rebuilds ``history`` exactly."""
    with Store("sqlite://") as store:
        planned: dict[str, list[sendflow.Event]] = {}
        written: dict[str, int] = {}
        imported = 0
        for action, which, number in operations:
            case_id = f"C{which}"
            if action == "import":
                history = data.draw(histories(EHC, max_events=4))
                store.import_cases(
                    [{"process": PROCESS, "case_id": f"I{imported}", "events": history}]
                )
                imported += 1
            elif case_id not in planned:
                if action == "open":
                    planned[case_id] = data.draw(histories(EHC, max_events=8))
                    store.open_case(PROCESS, case_id=case_id, events=planned[case_id][:1])
                    written[case_id] = 1
            elif action == "record" and written[case_id] < len(planned[case_id]):
                event = planned[case_id][written[case_id]]
                written[case_id] += 1
                with contextlib.suppress(EventError):  # refused after a retraction
                    store.record(case_id, event.name, on=event.on, data=event.data)
            elif action == "retract":
                with contextlib.suppress(EventError):  # refused: nothing was written
                    store.retract(case_id, number, by="officer", reason="a mistake")
        changes = follow(store, limit=limit)
        ids = [summary.case_id for summary in store.cases()]
        assert rebuilt(changes) == {case_id: list(store.history(case_id)) for case_id in ids}
        assert len(changes) == len(set(keys(changes)))


# Concurrent writers -----------------------------------------------------------------------

WRITERS = 4
ROUNDS = 12


def _decoded(cursor: str) -> tuple[int, str, str, int]:
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return data[1], data[2], data[3], data[4]


@pytest.mark.slow
def test_a_follower_sees_every_record_once_while_processes_write(store_url: str) -> None:
    """4 processes write (each its own Store) while a follower reads: each record once, in order."""
    shared = ["S0", "S1", "S2"]
    with Store(store_url) as store:
        for case_id in shared:
            open_assessing(store, case_id)
        cursor = store.changes().cursor
        seen: list[Change] = []
        cursors = [_decoded(cursor)]
        context = multiprocessing.get_context("spawn")
        with context.Pool(WRITERS) as pool:
            running = pool.starmap_async(
                workers.write_for_the_feed,
                [(store_url, w, shared, ROUNDS) for w in range(WRITERS)],
            )
            pages = 0
            while True:
                done = running.ready()
                page = store.changes(after=cursor, limit=1 + pages % 7)
                pages += 1
                seen.extend(page.items)
                assert _decoded(page.cursor) >= cursors[-1], "the cursor went backward"
                if page.items:
                    assert _decoded(page.cursor) > cursors[-1]
                cursors.append(_decoded(page.cursor))
                cursor = page.cursor
                if done and not page.items:
                    break
            written = running.get()
        assert pages > 10  # the follower read while the writers wrote
        # Nothing was skipped and nothing repeated.
        found = keys(seen)
        assert len(found) == len(set(found)) == sum(written)
        expected = {
            (summary.case_id, "event", stored.sequence)
            for summary in store.cases()
            for stored in store.history(summary.case_id)
        } | {
            (summary.case_id, "retraction", stored.sequence)
            for summary in store.cases()
            for stored in store.history(summary.case_id)
            if stored.retraction is not None
        }
        opened = {(case_id, "event", n) for case_id in shared for n in (1, 2)}
        assert set(found) == expected - opened
        # Per case, in sequence order, each retraction after its event.
        assert rebuilt(follow(store)) == {
            summary.case_id: list(store.history(summary.case_id)) for summary in store.cases()
        }
        for case_id in shared:
            numbers = [c.sequence for c in seen if c.case_id == case_id]
            assert numbers == list(range(3, 3 + WRITERS * ROUNDS // len(shared)))
