"""What an overlay costs: loading it against the packaged process, and evaluating under it.

Loading (CPU time): ``load_process`` of the packaged EHC needs assessment with nothing
read before (its file read, its YAML parsed, built and checked), against the example
overlay (a) with nothing read before, its base's file included (cold, both sides), and
(b) after ``load_process`` of the packaged base, as in a council's program that loads
both: the base is shared, so this is the overlay's own work. Evaluation: the same seeded
caseload evaluated under the packaged process and under the overlay (its statutory rules
plus the local targets and notification); every result of every evaluation is made, on
both sides (``time_limits`` is read). The overlay's own work is then shown by part, each
part run alone. Targets: an overlay adds no more than 20% to
loading, and evaluation under it stays within 10% of the packaged process.

    python -m benchmarks.overlays [--repeat 30] [--cases 20000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml
from benchmarks.ehc_histories import ehc_history
from benchmarks.engine_build import engine_build

import sendflow
from sendflow.definitions import catalogue
from sendflow.definitions.catalogue import load_file
from sendflow.definitions.checks import check_process
from sendflow.definitions.floor import floor_problems
from sendflow.definitions.layers import LayeredSource
from sendflow.definitions.overlays import build_overlay
from sendflow.definitions.packaged import packaged_file
from sendflow.definitions.source import read_yaml
from sendflow.definitions.target_floor import target_problems

ROOT = Path(__file__).resolve().parents[1]
OVERLAY = ROOT / "examples" / "overlays" / "northshire-ehc-needs-assessment.yaml"


def _medians_ms(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median CPU milliseconds of each run (``time.process_time``: time spent waiting for a
    core on a shared machine is left out), the runs taken in turn so that what load there
    is falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.process_time()
            run()
            times[name].append(time.process_time() - start)
    return {name: statistics.median(found) * 1000 for name, found in times.items()}


def loading(repeat: int) -> dict[str, float]:
    """Median milliseconds to load the packaged process and the overlay.

    Cold is nothing read before, on both sides: the packaged process's file read and
    built, against the overlay's file and its base's. The overlay after the packaged
    process is what a council's program pays on top of ``load_process`` of the base.
    """
    overlay_key = (str(OVERLAY.resolve()), OVERLAY.read_text(encoding="utf-8"), ())

    def packaged_cold() -> None:
        catalogue.packaged_layer.cache_clear()
        sendflow.load_process("ehc-needs-assessment")

    def overlay_cold() -> None:
        catalogue.packaged_layer.cache_clear()
        catalogue._layers.clear()
        load_file(OVERLAY, ())

    def overlay_after_packaged() -> None:
        sendflow.load_process("ehc-needs-assessment")
        catalogue._layers.pop(overlay_key, None)
        load_file(OVERLAY, ())

    base_file = packaged_file("ehc-needs-assessment")
    assert base_file is not None
    text = base_file.read_text(encoding="utf-8")
    runs = {
        "packaged, cold": packaged_cold,
        "overlay, cold": overlay_cold,
        "overlay, packaged loaded before": overlay_after_packaged,
        "yaml of the packaged file alone": lambda: read_yaml(text, "x"),
    }
    return _medians_ms(runs, repeat)


def overlay_parts(repeat: int) -> dict[str, float]:
    """Median milliseconds of each part of the overlay's own work, each run alone.

    Run alone and again and again, each part finds what it reads already in the
    processor's caches, so the parts add up to less than the overlay's load above.
    """
    text = OVERLAY.read_text(encoding="utf-8")
    base = catalogue.packaged_layer("ehc-needs-assessment")
    source, _ = read_yaml(text, str(OVERLAY))
    layer = build_overlay(source, [], base)
    layered = LayeredSource(layer.data, source.file, origins=layer.origins)
    process = layer.process
    runs: dict[str, Callable[[], object]] = {
        "its YAML read": lambda: read_yaml(text, str(OVERLAY)),
        "laid over its base, built, checked": lambda: build_overlay(source, [], base),
        "  of which the statutory floor": lambda: floor_problems(process, layered),
        "  of which its targets' floor": lambda: target_problems(process, layered),
        "  of which the checks": lambda: check_process(process, layered, base=base.process),
    }
    return _medians_ms(runs, repeat)


def _steps_only(folder: Path) -> Path:
    """The example overlay without its targets and notification: its steps alone."""
    text = OVERLAY.read_text(encoding="utf-8")
    kept = text.split("\ntargets:")[0] + "\n" + text.split("\nclosures:")[1].join(["closures:", ""])
    path = folder / "steps-only.yaml"
    path.write_text(kept.replace("id: northshire-", "id: steps-only-"), encoding="utf-8")
    return path


def _written_out(folder: Path) -> Path:
    """The example overlay laid over its base and written out as one plain process file.

    The same states, events and rules (its targets and notification as time limits of
    its own), read and built as any process file is: what evaluating under the overlay is
    compared with to tell the cost of its five extra rules from the cost of being an
    overlay.
    """
    source, _ = read_yaml(OVERLAY.read_text(encoding="utf-8"), str(OVERLAY))
    layer = build_overlay(source, [], catalogue.packaged_layer("ehc-needs-assessment"))
    data = {**layer.data, "id": "written-out-northshire"}
    path = folder / "written-out.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def evaluation(cases: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Median seconds to evaluate a seeded caseload under each process, and clocks per case."""
    rng = random.Random(14)
    histories = [ehc_history(rng) for _ in range(cases)]
    as_of = date(2030, 1, 1)
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        processes = (
            ("packaged", sendflow.load_process("ehc-needs-assessment")),
            ("overlay, steps only", load_file(_steps_only(Path(folder)))),
            ("overlay, with its local rules", load_file(OVERLAY)),
            ("the same, written out as one file", load_file(_written_out(Path(folder)))),
        )
    runs = {}
    for name, process in processes:
        clocks = sum(len(sendflow.evaluate(process, h, as_of=as_of).time_limits) for h in histories)
        found[name] = clocks / cases

        def run(process: sendflow.Process = process) -> None:
            for history in histories:
                sendflow.evaluate(process, history, as_of=as_of).time_limits  # noqa: B018

        runs[name] = run
    medians = _medians_ms(runs, repeat)
    return {name: (medians[name] / 1000, found[name]) for name in runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="runs of each measurement")
    parser.add_argument("--cases", type=int, default=20_000, help="histories to evaluate")
    args = parser.parse_args()
    loads = loading(args.repeat)
    base = loads["packaged, cold"]
    print(f"engine {engine_build()}")
    print("load_process, median CPU time of", args.repeat, "runs")
    for name, ms in loads.items():
        # Loaded after the packaged process, the overlay's time is what it adds to it.
        compared = (
            f"adds {ms / base:.0%} to packaged"
            if name == "overlay, packaged loaded before"
            else f"{ms / base - 1:+.0%} against packaged"
        )
        print(f"  {name:<34} {ms:7.2f} ms  ({compared})")
    print("the overlay's own work by part, each part run alone (median CPU time)")
    for name, ms in overlay_parts(args.repeat).items():
        print(f"  {name:<34} {ms:7.2f} ms")
    evaluations = evaluation(args.cases, max(3, args.repeat // 10))
    plain, _ = evaluations["packaged"]
    print(f"evaluate {args.cases} histories (as of 2030-01-01), median CPU time")
    for name, (seconds, clocks) in evaluations.items():
        per_clock = seconds / (clocks * args.cases) * 1e6
        print(
            f"  {name:<34} {seconds:7.3f} s   ({seconds / plain - 1:+.0%} against packaged)"
            f"  {clocks:4.1f} clocks a case, {per_clock:.2f} us a clock"
        )


if __name__ == "__main__":
    main()
