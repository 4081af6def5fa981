"""Benchmark the case store: bulk import, recording one event, and the due-in-window query.

Usage::

    python benchmarks/store.py --db sqlite:////tmp/bench.db --cases 100000
    psql -h 127.0.0.1 -U postgres -c 'create database sendflow_bench'
    python benchmarks/store.py --db postgresql+psycopg://postgres@127.0.0.1:5432/sendflow_bench
    python benchmarks/store.py --db sqlite:////tmp/bench.db --existing --writers 8 --replay

With ``--writers N`` it also starts N writer processes recording events into the store
at once (each into open cases of its own, picked at random) and reports each write's
latency (p50, p99, max) and the throughput of all of them together. With ``--replay`` it
reads every case back with ``Store.iter_cases``, alone and evaluating each. With
``--feed`` it reads the whole change feed from the start. With
``--existing`` the store holds its cases already: nothing is imported and the window
query is not measured. Rates are given per second of wall clock and per second of the
benchmark's own processor time (``CPU``), which a busy shared machine affects less.

The database should be empty (a fresh file or database): the benchmark adds its cases.
Histories of the packaged ``ehc-needs-assessment`` process are generated here: cases
started more than a year before "today" are complete; recent ones stop part-way at random,
so open time limits gather near today, as in a council's live caseload.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, text

import sendflow
from sendflow.store import Store
from sendflow.store.claims import window
from sendflow.store.schema import time_limits

TODAY = date(2025, 6, 2)
PROCESS = "ehc-needs-assessment"
SOURCES = ["parent", "school", "early-years", "health", "young-person"]
PARTIES = ["health", "educational-psychology", "social-care", "school"]


def history(rng: random.Random, number: int) -> dict[str, Any]:
    """One valid EHC needs assessment case, as a case-file mapping."""
    start = TODAY - timedelta(days=rng.randrange(6 * 365))
    recent = (TODAY - start).days < 300
    day = start
    out: list[dict[str, Any]] = []

    def add(name: str, low: int, high: int, **data: Any) -> None:
        nonlocal day
        day = day + timedelta(days=rng.randint(low, high))
        event: dict[str, Any] = {"event": name, "on": day.isoformat()}
        if data:
            event["data"] = data
        out.append(event)

    def stop(chance: float) -> bool:
        # Only recent cases are still open; an event dated after "today" ends the case.
        return (recent and rng.random() < chance) or day > TODAY - timedelta(days=60)

    case = {"process": PROCESS, "case_id": f"C{number:07d}", "events": out}
    add("request_received", 0, 0, source=rng.choice(SOURCES))
    if stop(0.15):
        return case
    if rng.random() < 0.2:
        add("refused_to_assess", 20, 50)
        return case
    add("decided_to_assess", 20, 45)
    parties = rng.sample(PARTIES, k=rng.randint(1, 3))
    for party in parties:
        add("advice_requested", 0, 3, party=party)
    if rng.random() < 0.05:
        add("exception_recorded", 1, 10, reason="absence-from-area")
    for party in parties:
        if rng.random() < 0.9:
            add("advice_received", 5, 25, party=party)
    if stop(0.2):
        return case
    if rng.random() < 0.05:
        add("decided_not_to_issue", 5, 20)
        return case
    add("draft_plan_issued", 5, 20)
    add("institution_consulted", 0, 3, institution=f"school-{rng.randrange(400)}")
    if rng.random() < 0.8:
        add("institution_responded", 3, 12, institution=out[-1]["data"]["institution"])
    if stop(0.3):
        return case
    add("final_plan_issued", 15, 30)
    return case


def generate(count: int, *, first: int = 0, seed: int = 2024) -> Iterator[dict[str, Any]]:
    """``count`` cases numbered from ``first``."""
    rng = random.Random(seed + first)
    for number in range(first, first + count):
        yield history(rng, number)


def bench_import(store: Store, count: int, first: int = 0) -> tuple[int, int, float, float]:
    """Import ``count`` cases: cases, events, seconds, and processor seconds (the worker's too)."""
    cases = list(generate(count, first=first))
    started = time.perf_counter()
    cpu = time.process_time() + _children_cpu()
    report = store.import_cases(cases, skip_bad=True)
    took = time.perf_counter() - started
    assert not report.bad, report.bad[:3]
    return report.cases, report.events, took, time.process_time() + _children_cpu() - cpu


def _children_cpu() -> float:
    """Processor seconds of the child processes that have ended (the import's worker)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def bench_replay(store: Store) -> str:
    """Every case read back with ``iter_cases``: alone, then evaluated as of one day."""
    lines = []
    for evaluating in (False, True):
        started = time.perf_counter()
        cpu = time.process_time()
        events = 0
        for case in store.iter_cases():
            if evaluating:
                sendflow.evaluate(
                    store.process(case.process), case.events, as_of=TODAY, case_id=case.case_id
                )
            events += len(case.events)
        took = time.perf_counter() - started
        spent = time.process_time() - cpu
        lines.append(
            f"{'read and evaluate' if evaluating else 'read only'}: {events:,} events in "
            f"{took:.1f} s = {events / took:,.0f} events/s ({events / spent:,.0f} per CPU s)"
        )
    return "\n".join(lines)


def bench_feed(store: Store) -> str:
    """The whole change feed read from the start, a page of 1,000 records at a time."""
    started = time.perf_counter()
    cpu = time.process_time()
    records = 0
    cursor = None
    while True:
        page = store.changes(after=cursor, limit=1000)
        if not page.items:
            break
        records += len(page.items)
        cursor = page.cursor
    took = time.perf_counter() - started
    spent = time.process_time() - cpu
    return (
        f"change feed from the start: {records:,} records in {took:.1f} s = "
        f"{records / took:,.0f} records/s ({records / spent:,.0f} per CPU s)"
    )


def bench_record(store: Store, samples: int) -> str:
    """Recording one event in random open cases: wall clock and processor milliseconds.

    The processor time is given twice: the writing thread's own (``time.thread_time``),
    and the whole process's, which also counts the store's checkpoint thread copying the
    write-ahead log back into the database file (``sendflow.store.checkpoints``). On a
    busy machine the slowest wall-clock writes are those that wait for a core.
    """
    open_cases = [c for c in store.cases() if not c.final]
    rng = random.Random(7)
    chosen = [rng.choice(open_cases) for _ in range(samples)]
    walls, threads, processes = [], [], []
    load = os.getloadavg()[0]
    for summary in chosen:
        started = time.perf_counter()
        thread = time.thread_time()
        cpu = time.process_time()
        store.record(
            summary.case_id,
            "exception_recorded",
            on=summary.last_event_on,
            data={"reason": "exceptional-personal-circumstances"},
        )
        processes.append(time.process_time() - cpu)
        threads.append(time.thread_time() - thread)
        walls.append(time.perf_counter() - started)

    def spread(timings: list[float]) -> str:
        timings = sorted(timings)
        p99 = timings[int(len(timings) * 0.99) - 1]
        p999 = timings[int(len(timings) * 0.999) - 1]
        return (
            f"p50 {statistics.median(timings) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, "
            f"p99.9 {p999 * 1000:.2f} ms, mean {statistics.mean(timings) * 1000:.2f} ms"
        )

    return (
        f"wall clock {spread(walls)}; writing thread's processor time {spread(threads)}; "
        f"whole process's processor time {spread(processes)} (load average {load:.1f} "
        f"to {os.getloadavg()[0]:.1f})"
    )


def _writer(url: str, case_ids: list[str], days: list[date], seed: int) -> list[float]:
    """Record one event in each case, in a random order; the latency of each write."""
    rng = random.Random(seed)
    order = list(range(len(case_ids)))
    rng.shuffle(order)
    timings = []
    with Store(url) as store:
        for i in order:
            started = time.perf_counter()
            store.record(
                case_ids[i],
                "exception_recorded",
                on=days[i],
                data={"reason": "exceptional-personal-circumstances"},
            )
            timings.append(time.perf_counter() - started)
    return timings


def bench_writers(store: Store, writers: int, each: int) -> str:
    """``writers`` processes recording ``each`` events at once; latencies and throughput."""
    open_cases = [c for c in store.cases() if not c.final]
    random.Random(11).shuffle(open_cases)
    shares = [open_cases[w * each : (w + 1) * each] for w in range(writers)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(writers) as pool:
        pool.apply(time.sleep, (0,))  # the workers have started and imported sendflow
        started = time.perf_counter()
        results = pool.starmap(
            _writer,
            [
                (store.url, [c.case_id for c in share], [c.last_event_on for c in share], w)
                for w, share in enumerate(shares)
            ],
        )
        took = time.perf_counter() - started
    timings = sorted(t for result in results for t in result)
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99) - 1] * 1000
    return (
        f"{writers} writer processes, {len(timings):,} writes in {took:.1f} s = "
        f"{len(timings) / took:,.0f} writes/s; p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {timings[-1] * 1000:.0f} ms"
    )


def bench_window(store: Store, runs: int) -> tuple[float, float, int, int]:
    """Median milliseconds of the 7-day window query, with and without overdue rows."""
    engine = store._engine
    rows = 0
    timings: dict[bool, list[float]] = {False: [], True: []}
    with engine.connect() as conn:
        for _ in range(runs):
            for overdue in (False, True):
                query = window(TODAY, 7, include_overdue=overdue)
                started = time.perf_counter()
                found = conn.execute(query).all()
                timings[overdue].append(time.perf_counter() - started)
                rows = len(found) if not overdue else rows
        overdue_rows = len(conn.execute(window(TODAY, 7)).all())
        conn.rollback()
    return (
        statistics.median(timings[False]) * 1000,
        statistics.median(timings[True]) * 1000,
        rows,
        overdue_rows,
    )


def bench_due(store: Store, runs: int) -> float:
    """Median milliseconds of ``Store.due`` for the next 7 days, items built."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        store.due(as_of=TODAY, within_days=7, include_overdue=False)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def count_limits(store: Store) -> int:
    with store._engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(time_limits)).scalar_one())


def drop_indexes(store: Store, names: list[str]) -> None:
    with store._engine.begin() as conn:
        for name in names:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        analyse(conn)


def analyse(conn: Any) -> None:
    conn.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///bench.db", help="database URL (empty)")
    parser.add_argument("--cases", type=int, default=100_000, help="cases to import")
    parser.add_argument("--limit-rows", type=int, default=1_000_000, help="time-limit rows")
    parser.add_argument("--samples", type=int, default=2000, help="events to record")
    parser.add_argument("--writers", type=int, default=0, help="writer processes at once")
    parser.add_argument("--writes", type=int, default=250, help="events each writer records")
    parser.add_argument("--existing", action="store_true", help="the store holds its cases already")
    parser.add_argument("--replay", action="store_true", help="read every case back")
    parser.add_argument("--feed", action="store_true", help="read the change feed")
    args = parser.parse_args()

    store = Store(args.db)
    print(f"database: {store._engine.url.render_as_string(hide_password=True)}")
    if not args.existing:
        cases, events, took, cpu = bench_import(store, args.cases)
        print(
            f"import: {cases:,} cases, {events:,} events in {took:.1f} s = "
            f"{events / took:,.0f} events/s ({events / cpu:,.0f} per CPU s, the worker's included)"
        )

    stored = len(store.cases())
    print(f"record one event ({stored:,} cases stored): {bench_record(store, args.samples)}")
    if args.writers:
        print(bench_writers(store, args.writers, args.writes))
    if args.replay:
        print(bench_replay(store))
    if args.feed:
        print(bench_feed(store))
    if args.existing:
        return

    total = count_limits(store)
    first = args.cases
    while total < args.limit_rows:
        extra = max(10_000, int((args.limit_rows - total) / (total / first) * 1.05))
        bench_import(store, extra, first=first)
        first += extra
        total = count_limits(store)
    with store._engine.begin() as conn:
        analyse(conn)
    print(f"time_limits rows: {total:,} ({first:,} cases)")
    window_ms, overdue_ms, rows, with_overdue = bench_window(store, 25)
    print(
        f"due in next 7 days, partial covering index: {window_ms:.2f} ms ({rows} rows); "
        f"with overdue: {overdue_ms:.2f} ms ({with_overdue} rows)"
    )
    print(f"Store.due, next 7 days (query and DueItems): {bench_due(store, 25):.2f} ms")
    drop_indexes(store, ["ix_time_limits_open_due"])
    window_ms, overdue_ms, rows, _ = bench_window(store, 5)
    print(f"due in next 7 days, no index: {window_ms:.2f} ms; with overdue: {overdue_ms:.2f} ms")
    store.close()


if __name__ == "__main__":
    main()
