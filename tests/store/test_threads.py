"""One store shared by many threads: nothing lost, duplicated or refused; the pool options."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from sendflow.errors import StaleCaseError
from sendflow.store import CaseExistsError, Store, StoreBusyError, StoreError, writing

from .helpers import open_assessing

THREADS = 24
CASES = 4
PER_THREAD = 6


def _run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(n)`` in ``count`` threads started at once; their results, or their errors."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(number: int) -> None:
        start.wait()
        try:
            results[number] = work(number)
        except BaseException as exc:
            results[number] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def test_threads_sharing_one_store_lose_and_duplicate_nothing(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """24 threads record into 4 cases through one store, without expected_version.

    Every event acknowledged is stored exactly once (0 lost, 0 duplicated), none is
    refused as stale though writers lose races (and retry under the lock), and each
    case's acknowledged versions are 3, 4, 5 ... with no gap.
    """
    lost_races = []
    apply = writing.apply

    def counted(conn: Any, written: writing.Written) -> bool:
        done = apply(conn, written)
        if not done:
            lost_races.append(written.case_id)
        return done

    monkeypatch.setattr(writing, "apply", counted)
    case_ids = [f"T{n}" for n in range(CASES)]
    with Store(store_url, engine_options={"pool_size": 8, "max_overflow": 20}) as store:
        for case_id in case_ids:
            open_assessing(store, case_id)

        def work(thread: int) -> list[tuple[str, str, int]]:
            acknowledged = []
            for number in range(PER_THREAD):
                case_id = case_ids[(thread + number) % CASES]
                party = f"t{thread}-n{number}"
                version = store.record(
                    case_id,
                    "advice_requested",
                    on=date(2024, 2, 13) + timedelta(days=number),
                    data={"party": party},
                    actor=f"thread-{thread}",
                )
                acknowledged.append((case_id, party, version))
            return acknowledged

        results = _run_together(THREADS, work)
        errors = [r for r in results if isinstance(r, BaseException)]
        stale = [e for e in errors if isinstance(e, StaleCaseError)]
        assert (len(stale), errors) == (0, [])
        assert lost_races, "no writer lost a race: the test did not test the retry"
        acknowledged = [item for found in results for item in found]
        stored = [
            (case_id, s.event.data["party"])
            for case_id in case_ids
            for s in store.history(case_id)[2:]
        ]
        counts = Counter(stored)
        lost = {(c, p) for c, p, _ in acknowledged} - set(counts)
        duplicated = [key for key, seen in counts.items() if seen > 1]
        assert len(acknowledged) == THREADS * PER_THREAD
        assert (len(stored), lost, duplicated) == (THREADS * PER_THREAD, set(), [])
        for case_id in case_ids:
            versions = sorted(v for c, _, v in acknowledged if c == case_id)
            assert versions == list(range(3, 3 + len(versions)))
            assert store.version(case_id) == 2 + len(versions)
            trail = store.history(case_id)
            assert [s.sequence for s in trail] == list(range(1, len(trail) + 1))


def test_threads_reading_while_others_write_see_whole_cases(store_url: str) -> None:
    """Readers racing writers always get an evaluation whose version matches its history."""
    with Store(store_url) as store:
        open_assessing(store, "R1")
        stop = threading.Event()

        def write(_: int) -> int:
            for number in range(30):
                store.record(
                    "R1", "advice_requested", on=date(2024, 2, 13), data={"party": f"p{number}"}
                )
            stop.set()
            return 30

        def read(_: int) -> int:
            reads = 0
            while not stop.is_set() or reads == 0:
                evaluation = store.evaluate("R1")
                advice = [r for r in evaluation.time_limits if r.rule == "advice"]
                # Version 2 holds two events; each later version one more advice request.
                assert evaluation.version == 2 + len(advice)
                reads += 1
            return reads

        results = _run_together(4, lambda n: write(n) if n == 0 else read(n))
        assert [r for r in results if isinstance(r, BaseException)] == []


def test_an_in_memory_store_refuses_other_threads() -> None:
    """Each thread would get its own empty in-memory database: that is a StoreError."""
    with Store("sqlite://") as store:
        open_assessing(store, "M1")
        (result,) = _run_together(1, lambda _: store.version("M1"))
        assert isinstance(result, StoreError)
        assert "only by the thread that opened it" in str(result)
        assert store.version("M1") == 2  # the opening thread goes on as before


def test_engine_options_reach_the_pool(store_url: str) -> None:
    """pool_size and max_overflow go to create_engine."""
    with Store(store_url, engine_options={"pool_size": 3, "max_overflow": 1}) as store:
        pool = store._engine.pool
        assert (pool.size(), pool._max_overflow) == (3, 1)  # type: ignore[attr-defined]
        open_assessing(store, "E1")
        assert store.version("E1") == 2


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"isolation_level": "SERIALIZABLE"}, "'isolation_level' cannot be set"),
        ({"execution_options": {}}, "'execution_options' cannot be set"),
        ({"connect_args": "timeout=1"}, "connect_args must be a mapping"),
        ({"pool_sise": 3}, "Give only options SQLAlchemy's create_engine takes"),
        (["pool_size"], "engine_options must be a mapping"),
    ],
)
def test_bad_engine_options_are_refused(
    store_url: str, options: Any, said: str, tmp_path: Any
) -> None:
    """An engine option the store cannot take is a StoreError saying which and why."""
    with pytest.raises(StoreError, match=said):
        Store(store_url, engine_options=options)


@pytest.mark.postgresql
def test_postgresql_keeps_both_the_callers_options_and_the_lock_timeout(
    postgresql_url: str | None,
) -> None:
    """connect_args options (a session time zone) sit beside the store's lock_timeout."""
    if postgresql_url is None:
        pytest.skip("needs SENDFLOW_TEST_POSTGRESQL_URL")
    options = {"connect_args": {"options": "-c timezone=America/New_York"}}
    with (
        Store(postgresql_url, busy_timeout=7, engine_options=options) as store,
        store._engine.connect() as conn,
    ):
        assert conn.execute(text("SHOW timezone")).scalar() == "America/New_York"
        assert conn.execute(text("SHOW lock_timeout")).scalar() == "7s"


def test_a_long_lived_store_serves_threads_after_a_quiet_spell(store_url: str) -> None:
    """One store opened once serves many short requests from a pool of threads."""
    with Store(store_url, engine_options={"pool_size": 2, "max_overflow": 0}) as store:
        open_assessing(store, "L1")
        # More threads than connections: each waits for a free one, none fails.
        results = _run_together(12, lambda _: store.evaluate("L1").version)
        assert results == [2] * 12
        later = datetime.now(UTC)
        assert all(s.event.recorded_at <= later for s in store.history("L1"))  # type: ignore[operator]


def test_sqlite_writer_threads_queue_at_the_gate_and_time_out_busy(tmp_path: Any) -> None:
    """A thread waits for another's write transaction, at most the busy timeout."""
    with Store(f"sqlite:///{tmp_path / 'gate.db'}", busy_timeout=0.3) as store:
        open_assessing(store, "G1")
        holding = threading.Event()
        release = threading.Event()

        def hold(_: int) -> None:
            with store._writer.begin():
                holding.set()
                release.wait(10)

        holder = threading.Thread(target=hold, args=(0,))
        holder.start()
        holding.wait(10)
        started = time.monotonic()
        with pytest.raises(StoreBusyError):
            store.record("G1", "advice_requested", on=date(2024, 2, 13), data={"party": "x"})
        assert 0.25 <= time.monotonic() - started < 5
        release.set()
        holder.join(10)
        assert store.record("G1", "advice_requested", on=date(2024, 2, 13), data={"party": "x"})


def test_a_failed_write_lets_the_next_writer_in(store_url: str) -> None:
    """A write refused inside its transaction (a case that exists) leaves nothing held."""
    with Store(store_url, busy_timeout=0.5) as store:
        open_assessing(store, "F1")
        for _ in range(3):
            with pytest.raises(CaseExistsError):
                store.open_case(
                    "ehc-needs-assessment",
                    case_id="F1",
                    events=[{"event": "request_received", "on": "2024-01-08"}],
                )
        (version,) = _run_together(
            1,
            lambda _: store.record(
                "F1", "advice_requested", on=date(2024, 2, 13), data={"party": "x"}
            ),
        )
        assert version == 3
