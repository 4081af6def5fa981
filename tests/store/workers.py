"""Code run in separate OS processes by the reliability tests (spawned, so importable)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sendflow.errors import StaleCaseError
from sendflow.store import Store

PROCESS = "ehc-needs-assessment"


def record_parties(url: str, worker: int, case_ids: list[str], per_case: int) -> dict[str, int]:
    """Record ``per_case`` advice requests in each case, retrying after each lost race.

    Returns how many StaleCaseErrors this worker met.
    """
    stale = 0
    with Store(url) as store:
        for number in range(per_case):
            for case_id in case_ids:
                party = f"w{worker}-p{number}"
                while True:
                    version = store.version(case_id)
                    try:
                        store.record(
                            case_id,
                            "advice_requested",
                            on=date(2024, 2, 13) + timedelta(days=number),
                            data={"party": party},
                            expected_version=version,
                            actor=f"worker-{worker}",
                        )
                        break
                    except StaleCaseError:
                        stale += 1
    return {"stale": stale}


def slow_import(url: str, count: int, ready_file: str) -> None:
    """Import ``count`` cases in small batches, slowly, so the test can kill it part-way."""

    def cases() -> Iterator[dict[str, Any]]:
        for number in range(count):
            if number == 50:
                open(ready_file, "w").close()
            if number % 10 == 0:
                time.sleep(0.01)
            yield {
                "process": PROCESS,
                "case_id": f"K{number:05d}",
                "events": [
                    {"event": "request_received", "on": "2024-01-08"},
                    {"event": "decided_to_assess", "on": "2024-02-12"},
                    {"event": "advice_requested", "on": "2024-02-13", "data": {"party": "x"}},
                ],
            }

    with Store(url) as store:
        store.import_cases(cases(), skip_bad=True, batch_size=7)
    os._exit(0)


def record_unpinned(url: str, worker: int, case_id: str, count: int) -> int:
    """Record ``count`` advice requests without a pinned version; return how many went in."""
    done = 0
    with Store(url) as store:
        for number in range(count):
            store.record(
                case_id,
                "advice_requested",
                on=date(2024, 2, 13),
                data={"party": f"w{worker}-p{number}"},
            )
            done += 1
    return done


def write_for_the_feed(url: str, worker: int, shared: list[str], count: int) -> int:
    """Write ``count`` rounds of records for the change-feed test; return records written.

    Each round records an event in one of the ``shared`` cases (racing the other
    workers); every second round also records an event in the worker's own case and
    retracts it; worker 0 also imports two cases every third round.
    """
    written = 0
    own = f"F{worker}"
    with Store(url) as store:
        store.open_case(
            PROCESS,
            case_id=own,
            events=[
                {"event": "request_received", "on": "2024-01-08"},
                {"event": "decided_to_assess", "on": "2024-02-12"},
            ],
        )
        written += 2
        for number in range(count):
            party = f"w{worker}-p{number}"
            day = date(2024, 2, 13)
            store.record(
                shared[number % len(shared)], "advice_requested", on=day, data={"party": party}
            )
            written += 1
            if number % 2 == 0:
                store.record(own, "advice_requested", on=day, data={"party": party})
                store.retract(own, len(store.history(own)), by=party, reason="a mistake")
                written += 2
            if worker == 0 and number % 3 == 0:
                report = store.import_cases(
                    [
                        {
                            "process": PROCESS,
                            "case_id": f"W{number}-{k}",
                            "events": [{"event": "request_received", "on": "2024-01-08"}],
                        }
                        for k in range(2)
                    ],
                    skip_bad=number % 2 == 0,
                    batch_size=1,
                )
                written += report.events
    return written
