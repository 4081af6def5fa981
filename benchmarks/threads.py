"""Benchmark one store shared by many threads: the latency of ``record`` under contention.

Usage::

    python benchmarks/threads.py --db sqlite:////tmp/threads.db --threads 20
    psql -h 127.0.0.1 -U postgres -c 'create database sendflow_threads'
    python benchmarks/threads.py --db postgresql+psycopg://postgres@127.0.0.1/sendflow_threads

As a threaded web service does: one ``Store`` opened once, ``--threads`` threads each
recording ``--writes`` events through it, all at once, without ``expected_version``.
Each thread writes into cases of its own (``--shared``: every thread into the same few
cases, so writers race on each case and the losers replay it again under the lock).

It reports each write's latency (wall clock, from the call to its return: p50, p99,
max), the throughput of all threads together, the benchmark's processor time (``CPU``,
all threads, which a busy shared machine affects less than wall time), and how many
writes lost a race and were replayed again under the write lock. The database should be
empty: the benchmark opens ``--cases`` cases first (a fresh file or database).
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time
from datetime import date, timedelta
from typing import Any

from sendflow.store import Store, writing

PROCESS = "ehc-needs-assessment"
START = date(2024, 1, 8)


def open_cases(store: Store, count: int) -> list[str]:
    """``count`` cases in assessment, imported at once; their ids."""
    cases = []
    for number in range(count):
        day = START + timedelta(days=number % 200)
        cases.append(
            {
                "process": PROCESS,
                "case_id": f"W{number:06d}",
                "events": [
                    {"event": "request_received", "on": day.isoformat()},
                    {"event": "decided_to_assess", "on": (day + timedelta(days=30)).isoformat()},
                ],
            }
        )
    report = store.import_cases(cases)
    assert report.cases == count, report.bad[:3]
    return [c["case_id"] for c in cases]


def count_lost_races() -> list[int]:
    """Count the writes that lost a race (and were replayed again under the lock)."""
    lost = [0]
    apply = writing.apply

    def counted(conn: Any, written: writing.Written) -> bool:
        done = apply(conn, written)
        if not done:
            lost[0] += 1
        return done

    writing.apply = counted  # type: ignore[assignment]
    return lost


def run(store: Store, shares: list[list[str]], writes: int) -> tuple[list[float], float, float]:
    """Every thread records ``writes`` events into its share; latencies, wall and CPU time."""
    barrier = threading.Barrier(len(shares) + 1)
    timings: list[list[float]] = [[] for _ in shares]
    errors: list[BaseException] = []

    def work(number: int) -> None:
        rng = random.Random(number)
        share = shares[number]
        barrier.wait()
        try:
            for write in range(writes):
                case_id = rng.choice(share)
                day = START + timedelta(days=300 + write % 50)
                started = time.perf_counter()
                store.record(
                    case_id,
                    "advice_requested",
                    on=day,
                    data={"party": f"t{number}-w{write}"},
                    actor=f"thread-{number}",
                )
                timings[number].append(time.perf_counter() - started)
        except BaseException as exc:
            errors.append(exc)
            raise

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(shares))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    took, spent = time.perf_counter() - started, time.process_time() - cpu
    if errors:
        raise errors[0]
    return sorted(t for each in timings for t in each), took, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///threads.db", help="database URL (empty)")
    parser.add_argument("--threads", type=int, default=20, help="writer threads at once")
    parser.add_argument("--writes", type=int, default=100, help="events each thread records")
    parser.add_argument("--cases", type=int, default=2000, help="cases to open first")
    parser.add_argument("--shared", action="store_true", help="all threads write 8 cases")
    parser.add_argument("--pool-size", type=int, default=None, help="engine pool_size")
    args = parser.parse_args()
    options = None
    if args.pool_size is not None:
        options = {"pool_size": args.pool_size, "max_overflow": 0}
    with Store(args.db, engine_options=options) as store:
        case_ids = open_cases(store, args.cases)
        if args.shared:
            shares = [case_ids[:8]] * args.threads
        else:
            size = len(case_ids) // args.threads
            shares = [case_ids[n * size : (n + 1) * size] for n in range(args.threads)]
        lost = count_lost_races()
        timings, took, spent = run(store, shares, args.writes)
    count = len(timings)
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(count * 0.99) - 1] * 1000
    print(
        f"{args.db.split(':')[0]}: {args.threads} threads on one store"
        f"{' (shared cases)' if args.shared else ''}, {count:,} writes in {took:.1f} s = "
        f"{count / took:,.0f} writes/s ({count / spent:,.0f} per CPU s, {spent:.1f} CPU s); "
        f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {timings[-1] * 1000:.0f} ms; "
        f"{lost[0]} lost a race and were replayed under the lock"
    )


if __name__ == "__main__":
    main()
