"""Replay speed: ``sendflow.evaluate`` against a bare ``transitions`` machine.

Generates valid histories lazily (in chunks, so memory stays flat), then times, over the
same event sequences:

- sendflow: ``sendflow.evaluate(process, events)``, computing every time limit's due date
  and verdict;
- baseline: one shared ``transitions`` machine with no time limits, one model reset per
  case, each event fired with ``machine.events[name].trigger(model)`` (the fastest plain
  use of ``transitions`` measured here).

Run: ``python benchmarks/replay.py --cases 100000``
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import transitions

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sendflow
from ehc_histories import ehc_histories
from sendflow.engine import INITIAL

CHUNK = 5_000


def bare_machine(process: sendflow.definitions.Process) -> tuple[transitions.Machine, object]:
    """One ``transitions`` machine for the process and one model to reuse."""

    class Model:
        state = INITIAL

    model = Model()
    triggers = [
        {"trigger": e.id, "source": source, "dest": e.target}
        for e in process.events.values()
        for source in ([INITIAL] if e.id in process.start else e.sources)
    ]
    machine = transitions.Machine(
        model=model,
        states=[INITIAL, *process.states],
        transitions=triggers,
        initial=INITIAL,
        auto_transitions=False,
    )
    return machine, model


def chunks(total: int, source: Iterator[list[sendflow.Event]]) -> Iterator[list]:
    done = 0
    while done < total:
        size = min(CHUNK, total - done)
        yield [next(source) for _ in range(size)]
        done += size


def run(label: str, total: int, body: Callable[[list], None]) -> tuple[float, int]:
    """Time ``body`` over every chunk; return (seconds, events)."""
    elapsed = 0.0
    events = 0
    gc.collect()
    for chunk in chunks(total, ehc_histories(total)):
        events += sum(len(h) for h in chunk)
        start = time.perf_counter()
        body(chunk)
        elapsed += time.perf_counter() - start
    print(
        f"  {label:<9} {total:>8,} cases {events:>10,} events {elapsed:7.2f} s "
        f"{events / elapsed:>11,.0f} events/s"
    )
    return elapsed, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    process = sendflow.load_process("ehc-needs-assessment")
    machine, model = bare_machine(process)
    machine_events = machine.events
    evaluate = sendflow.evaluate
    results = 0

    def with_sendflow(chunk: list) -> None:
        nonlocal results
        for history in chunk:
            results += len(evaluate(process, history).time_limits)

    def with_transitions(chunk: list) -> None:
        for history in chunk:
            model.state = INITIAL
            for event in history:
                machine_events[event.name].trigger(model)

    print(f"EHC needs assessment histories, {args.cases:,} cases (Python {sys.version.split()[0]})")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    base_s, base_n = run("baseline", args.cases, with_transitions)
    ours_s, ours_n = run("sendflow", args.cases, with_sendflow)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ratio = (ours_n / ours_s) / (base_n / base_s)
    print(f"  time-limit results computed: {results:,}")
    print(f"  sendflow / bare transitions: {ratio:.1f}x (target >= 5x)")
    print(
        f"  peak RSS {rss_before / 1024:.0f} MiB before, {rss_after / 1024:.0f} MiB after "
        f"(histories streamed in chunks of {CHUNK:,})"
    )


if __name__ == "__main__":
    main()
