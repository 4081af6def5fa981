"""Replay speed: ``sendflow.evaluate`` against a bare ``transitions`` machine.

Histories are generated lazily in chunks (memory stays flat in the number of cases) and
each chunk is timed five ways, in CPU time (``time.process_time``), over the same event
sequences:

- baseline: one shared ``transitions`` machine per process with no time limits, one model
  reset per case, each event fired with ``machine.events[name].trigger(model, data)``
  (the fastest plain use of ``transitions`` measured here);
- evaluate: ``sendflow.evaluate(process, events)``, which validates every event and works
  out every time limit's due date and verdict;
- + results: the same, then reading every ``TimeLimitResult`` (result objects are made on
  first read);
- mappings, mappings + results: the same two, given each history as case-file mappings
  (``{"event": ..., "on": "YYYY-MM-DD", "data": {...}}``, what a JSON or YAML reader gives),
  made from the events before timing.

A history whose shape (``sendflow.engine.programs``) has been folded twice is replayed by a
recorded program; the run reports how many were.

Three caseloads: realistic EHC needs assessments (``ehc_histories``); all six packaged
processes as random walks through each definition (``walks``), most of whose shapes occur
once, so it mostly measures the full fold; and all six as a realistic caseload
(``caseload``), cases following each process's usual course with branches, whose shapes
repeat as a council's do.

Run: ``python benchmarks/replay.py --cases 100000``
"""

from __future__ import annotations

import argparse
import gc
import itertools
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sendflow
from caseload import caseload
from ehc_histories import ehc_histories
from engine_build import engine_build
from sendflow.definitions.model import Process
from sendflow.engine.machine import INITIAL, CompiledProcess, compile_process
from walks import walks

CHUNK = 5_000
Case = tuple[Process, list[sendflow.Event]]


class Model:
    """The object a bare ``transitions`` machine moves."""

    state = INITIAL


def ehc_cases(count: int) -> Iterator[Case]:
    process = sendflow.load_process("ehc-needs-assessment")
    for history in ehc_histories(count):
        yield process, history


def mixed_cases(count: int) -> Iterator[Case]:
    processes = [sendflow.load_process(pid) for pid in sendflow.packaged_processes()]
    share = -(-count // len(processes))
    streams = [zip(itertools.repeat(p), walks(p, share, seed=i)) for i, p in enumerate(processes)]
    yield from itertools.islice(itertools.chain.from_iterable(zip(*streams, strict=False)), count)


def realistic_cases(count: int) -> Iterator[Case]:
    yield from caseload(count)


def baseline(chunk: list[Case]) -> int:
    model = Model()
    for process, history in chunk:
        events = compile_process(process).machine.events
        model.state = INITIAL
        for event in history:
            events[event.name].trigger(model, event.data)
    return 0


# Each way replays through compiled processes of its own, so neither finds replay
# programs the other recorded: each meets every history for the first time.
_OWN: dict[tuple[str, str], CompiledProcess] = {}


def own(way: str, process: Process) -> CompiledProcess:
    found = _OWN.get((way, process.id))
    if found is None:
        found = _OWN[(way, process.id)] = CompiledProcess(process)
    return found


def with_evaluate(way: str, chunk: list[Case]) -> int:
    evaluate = sendflow.evaluate
    for process, history in chunk:
        evaluate(own(way, process), history)
    return 0


def with_results(way: str, chunk: list[Case]) -> int:
    evaluate = sendflow.evaluate
    return sum(len(evaluate(own(way, process), history).time_limits) for process, history in chunk)


def as_mappings(chunk: list[Case]) -> list[Case]:
    """The same histories as case-file mappings (``{"event", "on": "YYYY-MM-DD", "data"}``)."""
    return [(process, [event.to_dict() for event in history]) for process, history in chunk]  # type: ignore[misc]


# Each way: how it evaluates a chunk, and whether it is given the histories as mappings.
WAYS: dict[str, tuple[Callable[[str, list[Case]], int], bool]] = {
    "evaluate": (with_evaluate, False),
    "+ results": (with_results, False),
    "mappings": (with_evaluate, True),
    "mappings + results": (with_results, True),
}


def measure(cases: Callable[[int], Iterator[Case]], total: int) -> dict[str, float]:
    """Events per second for each way, over the same chunks."""
    seconds = dict.fromkeys(["baseline", *WAYS], 0.0)
    events = results = 0
    source = cases(total)
    while chunk := list(itertools.islice(source, CHUNK)):
        events += sum(len(h) for _, h in chunk)
        mapped = as_mappings(chunk)  # made before timing: what a JSON or YAML reader gives
        gc.collect()
        start = time.process_time()
        baseline(chunk)
        seconds["baseline"] += time.process_time() - start
        for name, (way, given_mappings) in WAYS.items():
            gc.collect()
            start = time.process_time()
            results += way(name, mapped if given_mappings else chunk)
            seconds[name] += time.process_time() - start
    rates = {name: events / s for name, s in seconds.items()}
    for name, rate in rates.items():
        ratio = rate / rates["baseline"]
        print(
            f"  {name:<18} {seconds[name]:7.2f} s {rate:>11,.0f} events/s  {ratio:4.1f}x baseline"
        )
    print(f"  {events:,} events; {results:,} time-limit results read")
    for way in ("evaluate", "mappings"):
        caches = [c.programs for (w, _), c in _OWN.items() if w == way and c.programs]
        replayed = sum(c.replayed for c in caches)
        folded = sum(c.folded for c in caches)
        print(
            f"  {way}: {replayed:,} histories replayed by a program, {folded:,} "
            f"({folded / (replayed + folded):.0%}) folded in full"
        )
    _OWN.clear()
    return rates


def memory(total: int) -> None:
    """Peak memory as the number of cases grows: bounded when nothing is held.

    The compiled process keeps bounded caches (replay programs, period ends) and legal
    days are remembered by their text up to a bound, so memory grows while they fill and
    then stays put however many cases follow.
    """
    checkpoints = sorted({1_000, total // 8, total // 4, total // 2, total} - {0})
    rss = {}
    for count, (process, history) in enumerate(ehc_cases(total), 1):
        sendflow.evaluate(process, history).time_limits  # noqa: B018 - results made
        mapped = [event.to_dict() for event in history]  # and as case-file mappings
        sendflow.evaluate(process, mapped).time_limits  # noqa: B018 - results made
        if count in checkpoints:
            rss[count] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shown = ", ".join(f"{rss[n]:.1f} MiB after {n:,}" for n in checkpoints)
    print(f"EHC cases streamed through evaluate, as Events and mappings, peak RSS: {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--memory", action="store_true", help="only measure memory against the number of cases"
    )
    args = parser.parse_args()
    if args.memory:
        memory(args.cases)
        return
    print(
        f"Python {sys.version.split()[0]}, engine {engine_build()}; "
        f"{args.cases:,} cases per caseload"
    )
    print("EHC needs assessments:")
    measure(ehc_cases, args.cases)
    print("Every packaged process, random walks:")
    measure(mixed_cases, args.cases)
    print("Every packaged process, a realistic caseload:")
    measure(realistic_cases, args.cases)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:.0f} MiB (histories generated and timed in chunks of {CHUNK:,})")


if __name__ == "__main__":
    main()
