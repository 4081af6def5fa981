"""Compliance indicators over a simulated council streamed from a SQLite store.

Three phases, each reported as a rate:

1. simulate: generating the caseload (``sendflow.simulation.simulate_cases``) alone;
2. import: the same caseload written through ``Store.import_cases`` (generation included,
   then subtracted);
3. indicators: every indicator for a calendar year (``measure_store``: the cases settled
   by the as-of date counted by grouped SQL queries, ``Store.count_settled``, the others
   read whole and evaluated), and the same with every case read and evaluated
   (``stored_results=False``). Reading alone (whole cases, and the rows the
   indicators read) and reading with evaluation are timed too, to show where the time
   goes, and evaluating and tallying alone, over cases read first in chunks of 10,000.
   Each runs in a fresh child process, so its peak resident memory is its own; rates
   are given per wall-clock second and per CPU second (steadier on a shared machine).

``--requests`` sets the council's size: each request for an assessment brings its
annual-review case, and some an appeal or a personal budget, so the store holds about
2.3 cases per request. Run the indicators phase at two sizes to see that peak memory does
not grow with the number of cases.

Run: ``python benchmarks/indicators.py --requests 100000 --db /tmp/indicators.db``;
``--phases counting,evaluated`` measures only those phases (of ``reading``, ``rows``,
``evaluating``, ``counting``, ``evaluated``, ``tallying``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import sendflow
from sendflow.compliance import Tally, calendar_year, measure_store
from sendflow.compliance.indicators import EVENTS_READ, ORDERS, RULES_READ
from sendflow.simulation import Council, simulate, simulate_cases

AS_OF = date(2024, 12, 31)
CHUNK = 10_000


def council(requests: int) -> Council:
    return Council(requests=requests, first=date(2019, 1, 1), last=AS_OF, seed=11)


def build(path: Path, requests: int) -> None:
    if path.exists():
        path.unlink()
    started = time.perf_counter()
    generated = events = 0
    for case in simulate_cases(council(requests)):
        generated += 1
        events += len(case["events"])
    generating = time.perf_counter() - started
    print(
        f"simulate: {generated:,} cases, {events:,} events in {generating:.1f} s: "
        f"{generated / generating:,.0f} cases/s"
    )
    with sendflow.Store(f"sqlite:///{path}") as store:
        started = time.perf_counter()
        report = simulate(store, council(requests))
        total = time.perf_counter() - started
    importing = max(total - generating, 1e-9)
    print(
        f"import:   {report.cases:,} cases, {report.events:,} events in {importing:.1f} s "
        f"(after generation): {report.cases / importing:,.0f} cases/s, "
        f"{report.events / importing:,.0f} events/s"
    )


def measure(path: Path, phase: str) -> dict[str, float]:
    """Run one phase in this (child) process; return its times and peak memory."""
    with sendflow.Store(f"sqlite:///{path}") as store:
        wall, cpu = time.perf_counter(), time.process_time()
        cases = 0
        headline = 0.0
        if phase == "reading":
            cases = sum(1 for _ in store.iter_cases())
        elif phase == "rows":
            cases = sum(
                1
                for _ in store.iter_case_limits(
                    rules=RULES_READ, rule_prefix=ORDERS, events=EVENTS_READ, whole=_never
                )
            )
        elif phase == "evaluating":
            for case in store.iter_cases():
                sendflow.evaluate(store.process(case.process), case.events, as_of=AS_OF)
                cases += 1
        elif phase in ("counting", "evaluated"):
            read = [0]

            def advance(n: int) -> None:
                read[0] += n

            counted = measure_store(
                store,
                calendar_year(2024),
                as_of=AS_OF,
                progress=advance,
                stored_results=phase == "counting",
            )
            cases = read[0]
            headline = counted.indicators.plans_within_20_weeks_excluding_exceptions.percent or 0.0
        else:
            cases, wall, cpu = _tally_only(store)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"cases": cases, "wall": wall, "cpu": cpu, "peak_mib": peak, "headline": headline}


def _never(*_: object) -> bool:
    return False


def _tally_only(store: sendflow.Store) -> tuple[int, float, float]:
    """Cases, and the start times to subtract so that only evaluating and tallying count."""
    tally = Tally(calendar_year(2024), AS_OF)
    spent_wall = spent_cpu = 0.0
    cases = store.iter_cases()
    count = 0
    while chunk := list(itertools.islice(cases, CHUNK)):
        wall, cpu = time.perf_counter(), time.process_time()
        for case in chunk:
            process = store.process(case.process)
            tally.add(case, sendflow.evaluate(process, case.events, as_of=AS_OF))
        spent_wall += time.perf_counter() - wall
        spent_cpu += time.process_time() - cpu
        count += len(chunk)
    # The caller subtracts these from "now", leaving only the time spent tallying.
    return count, time.perf_counter() - spent_wall, time.process_time() - spent_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/sendflow-indicators.db"))
    parser.add_argument("--reuse", action="store_true", help="measure the store already built")
    parser.add_argument("--phases", default=None, help="comma-separated phases to measure")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.db, args.child)))
        return
    if not args.reuse:
        build(args.db, args.requests)
    labels = {
        "reading": "read only",
        "rows": "read rows and named events only",
        "evaluating": "read + evaluate",
        "counting": "every indicator (measure_store)",
        "evaluated": "every indicator, every case evaluated",
        "tallying": "every indicator, cases already read",
    }
    chosen = args.phases.split(",") if args.phases else list(labels)
    for phase in chosen:
        label = labels[phase]
        child = subprocess.run(
            [sys.executable, __file__, "--child", phase, "--db", str(args.db)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(child.stdout)
        cases = result["cases"]
        print(
            f"{label:36s} {cases:,} cases in {result['wall']:.1f} s: "
            f"{cases / result['wall']:,.0f} cases/s ({cases / result['cpu']:,.0f} per CPU "
            f"second); peak memory {result['peak_mib']:.0f} MiB"
        )
        if phase in ("counting", "evaluated"):
            print(f"  plans within 20 weeks, excl. exceptions: {result['headline']:.1f}%")


if __name__ == "__main__":
    main()
