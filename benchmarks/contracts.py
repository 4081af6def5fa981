"""The public JSON shapes: the ``cattrs`` converter against hand-written dict building.

For each shape on a path that writes many of them (``due`` rows, exported events, the
time-limit results of ``check`` and replays), the same objects are turned into their JSON
form four ways:

- hand: the dict built field by field, as the hand-kept ``to_dict`` methods did
  (``Event.to_dict`` still is);
- converter: ``converter.unstructure(obj)`` (dispatch on the object's type each call);
- hook: the converter's hook for the type, looked up once and called directly, as a
  loop over many objects of one type can do;
- list: ``converter.unstructure(objects, list[T])``, the whole list at once, as the
  commands write it.

Each figure is the best of several runs, in microseconds of this process's CPU time per
object (on a shared machine, time spent waiting for a core is not counted); the ways take
turns within each run, so a busy machine slows them alike. ``+ json`` adds ``json.dumps`` of
the result, as the commands print it.

Run: ``python benchmarks/contracts.py --count 20000``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sendflow
from ehc_histories import ehc_histories
from sendflow.contracts import converter
from sendflow.engine.events import Event
from sendflow.engine.results import Status, TimeLimitResult
from sendflow.store.records import DueItem


def hand_due(item: DueItem) -> dict[str, Any]:
    return {
        "case_id": item.case_id,
        "process": item.process,
        "rule": item.rule,
        "key": item.key,
        "due_on": item.due_on.isoformat(),
        "status": item.status.value,
        "duty": item.duty,
        "kind": item.kind,
        "claimed_by": item.claimed_by,
    }


def hand_result(result: TimeLimitResult) -> dict[str, Any]:
    return {
        "rule": result.rule,
        "key": result.key,
        "kind": result.kind,
        "duty": result.duty,
        "started_on": result.started_on.isoformat(),
        "due_on": None if result.due_on is None else result.due_on.isoformat(),
        "met_on": None if result.met_on is None else result.met_on.isoformat(),
        "status": result.status.value,
        "days_late": result.days_late,
        "exceptions": list(result.exceptions),
        "reference": result.reference,
        "explanation": result.explanation,
        "local": result.local,
        "target_of": result.target_of,
    }


def due_items(count: int) -> list[DueItem]:
    start = date(2024, 1, 1)
    return [
        DueItem(
            case_id=f"C{n:07d}",
            process="ehc-needs-assessment",
            rule="final-plan",
            key=None if n % 3 else "health",
            due_on=start + timedelta(days=n % 400),
            status=Status.PENDING if n % 2 else Status.OVERDUE,
            duty="local-authority",
            kind="deadline",
        )
        for n in range(count)
    ]


def events(count: int) -> list[Event]:
    """Stored events as the export reads them back: actor and recorded-at set."""
    found: list[Event] = []
    stamp = datetime(2024, 6, 1, 12, tzinfo=UTC)
    for history in ehc_histories(count):
        for event in history:
            found.append(
                Event(event.name, event.on, data=event.data, actor="officer", recorded_at=stamp)
            )
            if len(found) == count:
                return found
    return found


def results(count: int) -> list[TimeLimitResult]:
    """The time-limit results of EHC histories, their explanations already in words."""
    process = sendflow.load_process("ehc-needs-assessment")
    found: list[TimeLimitResult] = []
    for history in ehc_histories(count):
        evaluation = sendflow.evaluate(process, history)
        # The words are made once, outside the timing: both ways write the same text.
        found.extend(r._replace(explain=r.explanation) for r in evaluation.time_limits)
        if len(found) >= count:
            return found[:count]
    return found


def best_times(ways: dict[str, Callable[[], object]], runs: int, count: int) -> dict[str, float]:
    """The fastest of ``runs`` turns of each way, in microseconds per object."""
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(runs):
        for label, work in ways.items():
            started = time.process_time()
            work()
            best[label] = min(best[label], time.process_time() - started)
    return {label: seconds / count * 1e6 for label, seconds in best.items()}


def compare(name: str, objects: Sequence[Any], hand: Callable[[Any], Any], runs: int) -> None:
    hook = converter.get_unstructure_hook(type(objects[0]))
    ways: dict[str, Callable[[Any], Any]] = {
        "hand": hand,
        "converter": converter.unstructure,
        "hook": hook,
    }
    assert all(way(objects[0]) == hand(objects[0]) for way in ways.values()), name
    listed = list[type(objects[0])]  # type: ignore[misc]
    every: dict[str, Callable[[], Any]] = {
        label: lambda way=way: [way(o) for o in objects] for label, way in ways.items()
    }
    every["list"] = lambda: converter.unstructure(objects, listed)
    alone = best_times(every, runs, len(objects))
    dumped = best_times(
        {label: lambda make=make: json.dumps(make()) for label, make in every.items()},
        runs,
        len(objects),
    )
    print(f"\n{name} ({len(objects):,} objects), microseconds per object")
    print(f"  {'way':<10} {'dict':>8} {'+ json':>8} {'vs hand':>8}")
    for label in every:
        ratio = alone[label] / alone["hand"]
        print(f"  {label:<10} {alone[label]:>8.2f} {dumped[label]:>8.2f} {ratio:>7.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000, help="objects of each shape")
    parser.add_argument("--runs", type=int, default=5, help="runs of each way; best is kept")
    args = parser.parse_args()
    compare("due rows (DueItem)", due_items(args.count), hand_due, args.runs)
    compare("exported events (Event)", events(args.count), Event.to_dict, args.runs)
    compare("time-limit results (check, replay)", results(args.count), hand_result, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
