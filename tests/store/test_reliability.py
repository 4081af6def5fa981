"""Reliability: concurrent writers in separate processes, and an import killed part-way."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sendflow.store import Store
from sendflow.store.schema import cases, events, time_limits

from . import workers
from .helpers import open_assessing

pytestmark = pytest.mark.slow

WORKERS = 4
CASES = 3
PER_CASE = 5


def test_concurrent_writers_lose_nothing(store_url: str) -> None:
    """Processes racing on the same cases: each event lands once; losers retry and succeed."""
    case_ids = [f"R{n}" for n in range(CASES)]
    with Store(store_url) as store:
        for case_id in case_ids:
            open_assessing(store, case_id)
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        pool.starmap(
            workers.record_parties,
            [(store_url, w, case_ids, PER_CASE) for w in range(WORKERS)],
        )
    with Store(store_url) as store:
        for case_id in case_ids:
            trail = store.history(case_id)
            parties = Counter(s.event.data.get("party") for s in trail[2:])
            assert len(trail) == 2 + WORKERS * PER_CASE
            assert set(parties.values()) == {1}
            assert [s.sequence for s in trail] == list(range(1, len(trail) + 1))
            assert store.version(case_id) == len(trail)
            # The materialised limits match a full replay of the history.
            stored = store.due(as_of=date(2024, 2, 14), within_days=400)
            advice = [i for i in stored if i.case_id == case_id and i.rule == "advice"]
            assert len(advice) == WORKERS * PER_CASE


def test_unpinned_writers_on_one_case_never_see_a_stale_case(store_url: str) -> None:
    """Without expected_version, writers racing on one case all succeed: none is refused."""
    with Store(store_url) as store:
        open_assessing(store, "U1")
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        done = pool.starmap(
            workers.record_unpinned, [(store_url, w, "U1", PER_CASE * 2) for w in range(WORKERS)]
        )
    assert done == [PER_CASE * 2] * WORKERS
    with Store(store_url) as store:
        trail = store.history("U1")
        assert len(trail) == 2 + WORKERS * PER_CASE * 2
        assert len({s.event.data.get("party") for s in trail[2:]}) == WORKERS * PER_CASE * 2
        assert store.version("U1") == len(trail)


def test_killed_import_leaves_cases_whole_or_absent(store_url: str, tmp_path: Path) -> None:
    """An import killed with SIGKILL part-way leaves each case with all its rows or none."""
    ready = tmp_path / "ready"
    context = multiprocessing.get_context("spawn")
    with Store(store_url):
        pass  # migrate before the child starts, so the kill lands in the import
    child = context.Process(target=workers.slow_import, args=(store_url, 5000, str(ready)))
    child.start()
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    assert child.exitcode == -signal.SIGKILL
    with Store(store_url) as store, store._engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(cases)).scalar_one()
        per_case_events: dict[str, int] = dict(
            conn.execute(select(events.c.case_id, func.count()).group_by(events.c.case_id)).all()
        )
        per_case_limits: dict[str, int] = dict(
            conn.execute(
                select(time_limits.c.case_id, func.count()).group_by(time_limits.c.case_id)
            ).all()
        )
        assert 0 < stored < 5000
        assert set(per_case_events) == set(per_case_limits)
        assert len(per_case_events) == stored
        assert set(per_case_events.values()) == {3}
        assert set(per_case_limits.values()) == {4}
        # Every case that made it in replays cleanly.
        for summary in store.cases()[:20]:
            assert store.load(summary.case_id).state == "assessing"
