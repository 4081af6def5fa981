"""A million cases through the store: import, replay from the store, and what falls due.

Usage::

    python benchmarks/million.py --db sqlite:////tmp/million.db               # 1,000,000
    python benchmarks/million.py --db sqlite:////tmp/small.db --cases 50000

The database should be empty (a fresh file): the benchmark adds its cases. The caseload
mixes all six packaged processes in turn: realistic EHC needs assessments
(``ehc_histories.py``) and seeded random walks through the other five definitions
(``walks.py``), imported as case-file mappings (what ``sendflow import`` reads from JSON
Lines). Cases are generated in chunks, outside the timings, so that memory stays flat.

Each step reports its time and the peak resident memory it reached (the peak is reset
between steps through ``/proc/self/clear_refs``), and the replay reports the resident
memory as it goes, to show it flat in the number of cases:

1. import: ``Store.import_cases`` (batches of 1,000 cases), events per second, with the
   processor time of this process and of the worker that prepares cases beside it
   (``--pipeline on``: started however busy the machine is; ``off``: never);
2. replay: every case read back with ``Store.iter_cases(recorded=False)`` (as reports
   and indicators read them: each event without who recorded it and when) and evaluated
   with ``sendflow.evaluate`` as of one date, events per second end to end, in one process;
3. the same replay in ``--workers`` processes at once (default 2, one per core), each
   streaming its own shard of the cases (``Store.iter_cases(shard=(i, n), recorded=False)``);
   then every case read without evaluating it, with and without who recorded each event;
4. due: ``Store.due`` for the next 28 days, with and without overdue limits.

``--skip-import`` runs the later steps on a store the benchmark filled before;
``--import-only`` stops after the import.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import itertools
import multiprocessing
import resource
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sendflow
from ehc_histories import ehc_histories
from engine_build import engine_build
from sendflow.store import Store
from sendflow.store.importing import PIPELINE_AFTER
from walks import walks

CHUNK = 50_000
AS_OF = date(2027, 1, 1)  # after every generated event
DUE_AS_OF = date(2024, 6, 3)


def mixed(count: int) -> Iterator[dict[str, Any]]:
    """``count`` case-file mappings, every packaged process in turn."""
    processes = [sendflow.load_process(p) for p in sendflow.packaged_processes()]
    share = -(-count // len(processes))
    streams = [
        ehc_histories(share) if p.id == "ehc-needs-assessment" else walks(p, share, seed=i)
        for i, p in enumerate(processes)
    ]
    number = 0
    for histories in zip(*streams, strict=False):
        for process, history in zip(processes, histories, strict=True):
            if number == count:
                return
            yield {
                "process": process.id,
                "case_id": f"M{number:07d}",
                "events": [event.to_dict() for event in history],
            }
            number += 1


def _status(field: str) -> float:
    """A ``/proc/self/status`` memory figure in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


def _children_cpu() -> float:
    """Processor seconds of the child processes that have ended (the import's worker)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _reset_peak() -> None:
    # Not on Linux, or not allowed: the peaks then include the earlier steps.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def step(name: str, run: Callable[[], str]) -> None:
    """Run one step and print its time and peak memory."""
    _reset_peak()
    started = time.perf_counter()
    cpu = time.process_time()
    said = run()
    took = time.perf_counter() - started
    print(
        f"{name}: {said}; {took:,.1f} s ({time.process_time() - cpu:,.1f} s CPU), "
        f"peak RSS {_status('VmHWM'):,.0f} MiB",
        flush=True,
    )


def replay_shard(url: str, shard: tuple[int, int]) -> tuple[int, int, float, float]:
    """One worker's part of the replay: its cases, events, processor seconds, peak MiB."""
    cpu = time.process_time()
    cases = events = 0
    with Store(url) as store:
        process = store.process
        for case in store.iter_cases(shard=shard, recorded=False):
            sendflow.evaluate(process(case.process), case.events, as_of=AS_OF, case_id=case.case_id)
            events += len(case.events)
            cases += 1
    return cases, events, time.process_time() - cpu, _status("VmHWM")


def parallel_replay(url: str, workers: int) -> str:
    """The replay in ``workers`` processes, each streaming one shard of the cases."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        pool.apply(time.sleep, (0,))  # the workers have started
        started = time.perf_counter()
        parts = pool.starmap(replay_shard, [(url, (i, workers)) for i in range(workers)])
        took = time.perf_counter() - started
    cases = sum(p[0] for p in parts)
    events = sum(p[1] for p in parts)
    cpu = ", ".join(f"{p[2]:,.1f}" for p in parts)
    peaks = ", ".join(f"{p[3]:,.0f}" for p in parts)
    return (
        f"{workers} workers: {cases:,} cases, {events:,} events in {took:,.1f} s = "
        f"{events / took:,.0f} events/s; each worker's CPU {cpu} s, peak RSS {peaks} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///million.db", help="database URL (empty)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="processes for the replay")
    parser.add_argument("--skip-import", action="store_true", help="the store is filled")
    parser.add_argument("--import-only", action="store_true", help="stop after the import")
    parser.add_argument(
        "--pipeline",
        choices=("auto", "on", "off"),
        default="auto",
        help="the import's worker: as the store decides (when a core is spare), always, never",
    )
    args = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}, engine {engine_build()}; {args.cases:,} cases; "
        f"{args.db}",
        flush=True,
    )
    store = Store(args.db)

    def run_import() -> str:
        cases = events = 0
        seconds = generating = cpu = worker = 0.0
        source = mixed(args.cases)
        options: dict[str, Any] = {
            "pipeline_after": None if args.pipeline == "off" else PIPELINE_AFTER
        }
        if args.pipeline == "on":  # started however busy the machine is
            pipeline = importlib.import_module("sendflow.store.pipeline")
            pipeline.IDLE = pipeline.SPARE = -float("inf")
        while True:
            started = time.perf_counter()
            chunk = list(itertools.islice(source, CHUNK))
            generating += time.perf_counter() - started
            if not chunk:
                break
            started = time.perf_counter()
            spent = time.process_time()
            children = _children_cpu()
            report = store.import_cases(chunk, skip_bad=True, **options)
            seconds += time.perf_counter() - started
            cpu += time.process_time() - spent
            worker += _children_cpu() - children
            assert not report.bad, report.bad[:3]
            cases += report.cases
            events += report.events
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        both = (
            f", {events / (cpu + worker):,.0f} per CPU s of both; worker's peak RSS {peak:,.0f} MiB"
            if worker
            else ""
        )
        return (
            f"{cases:,} cases, {events:,} events in {seconds:,.1f} s = "
            f"{events / seconds:,.0f} events/s; CPU {cpu:,.1f} s here ({events / cpu:,.0f} "
            f"events per CPU s), {worker:,.1f} s in the worker{both}; generating them, "
            f"untimed: {generating:,.0f} s"
        )

    def run_replay() -> str:
        events = cases = 0
        evaluate = sendflow.evaluate
        process = store.process
        checkpoints = {args.cases // 10, args.cases // 2}
        memory = []
        started, cpu = time.perf_counter(), time.process_time()
        for case in store.iter_cases(recorded=False):
            evaluate(process(case.process), case.events, as_of=AS_OF, case_id=case.case_id)
            events += len(case.events)
            cases += 1
            if cases in checkpoints:
                memory.append(f"{_status('VmRSS'):,.0f} MiB after {cases:,}")
        memory.append(f"{_status('VmRSS'):,.0f} MiB after {cases:,}")
        took = time.perf_counter() - started
        return (
            f"{cases:,} cases, {events:,} events = {events / took:,.0f} events/s "
            f"({events / (time.process_time() - cpu):,.0f} per CPU s); RSS {', '.join(memory)}"
        )

    def run_read(recorded: bool) -> Callable[[], str]:
        def read() -> str:
            events = sum(len(case.events) for case in store.iter_cases(recorded=recorded))
            return f"{events:,} events read and decoded"

        return read

    def run_due() -> str:
        timings = []
        for overdue in (False, True):
            started = time.perf_counter()
            items = store.due(as_of=DUE_AS_OF, within_days=28, include_overdue=overdue)
            timings.append(f"{len(items):,} items in {time.perf_counter() - started:.2f} s")
        return f"next 28 days {timings[0]}; with overdue {timings[1]}"

    if not args.skip_import:
        step("import", run_import)
    if args.import_only:
        store.close()
        return
    step("replay (iter_cases + evaluate)", run_replay)
    print(f"replay in parallel: {parallel_replay(args.db, args.workers)}", flush=True)
    step("read only (iter_cases)", run_read(True))
    step("read only (iter_cases(recorded=False))", run_read(False))
    step("due", run_due)
    store.close()


if __name__ == "__main__":
    main()
