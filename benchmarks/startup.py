"""Start-up time: how long ``import sendflow`` and the quick commands take, from cold.

Each command runs in a fresh subprocess several times; the median wall time and CPU time
are reported beside a bare interpreter's and the target. The commands are those that never open a
store: ``import sendflow``, ``sendflow --help``, ``sendflow processes`` and ``sendflow
check`` on a case file. The store and its migrations (SQLAlchemy, Alembic) load only in
commands that need them.

Run: ``python benchmarks/startup.py --runs 15``. With ``--baseline SRC`` (the ``src``
folder of another checkout, such as ``git archive`` of an older commit), the same
commands also run against that source tree (on ``PYTHONPATH``), the runs of the two
interleaved so that both meet the same load, and the ratio of each figure is printed.
For where the time goes, one import at a time:
``python -X importtime -c "import sendflow" 2> imports.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

CASE = {
    "process": "ehc-needs-assessment",
    "case_id": "A123",
    "events": [
        {"event": "request_received", "on": "2024-01-08"},
        {"event": "decided_to_assess", "on": "2024-02-12"},
        {
            "event": "exception_recorded",
            "on": "2024-03-01",
            "data": {"reason": "absence-from-area"},
        },
    ],
}
RUN_CLI = "import sys; from sendflow.cli import main; sys.exit(main())"


def commands(case_file: Path) -> list[tuple[str, list[str], float | None]]:
    """Each command: its name, its argv, and its target in seconds (if it has one)."""
    python = sys.executable
    return [
        ("python (bare interpreter)", [python, "-c", "pass"], None),
        ("import sendflow", [python, "-c", "import sendflow"], 0.200),
        ("sendflow --help", [python, "-c", RUN_CLI, "--help"], 0.150),
        ("sendflow processes", [python, "-c", RUN_CLI, "processes"], 0.150),
        ("sendflow check CASE_FILE", [python, "-c", RUN_CLI, "check", str(case_file)], 0.300),
    ]


class Figures(NamedTuple):
    """One command's times, in seconds, over its runs."""

    median_wall: float
    median_cpu: float
    least_cpu: float


def timings(argv: list[str], runs: int, sources: Sequence[str | None]) -> list[Figures]:
    """The times of ``runs`` runs of ``argv`` against each source tree (``None``: this one).

    The CPU time (user and system, of the child process) leaves out time spent waiting
    for a core, so it stays steadier on a shared, busy machine; on an idle one the wall
    time is close to it. The least of them is the run least slowed by other work.
    One unmeasured run of each comes first, and the source trees take turns run by run.

    Bytecode is written and read, as for an installed package: the unmeasured first run
    compiles any module whose ``.pyc`` is missing (``PYTHONDONTWRITEBYTECODE`` is unset).
    """
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    envs = [base if src is None else {**base, "PYTHONPATH": src} for src in sources]
    walls: list[list[float]] = [[] for _ in envs]
    cpus: list[list[float]] = [[] for _ in envs]
    for index in range(runs + 1):
        for env, wall_times, cpu_times in zip(envs, walls, cpus, strict=True):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if index:
                wall_times.append(wall)
                cpu_times.append(
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                )
    return [
        Figures(statistics.median(w), statistics.median(c), min(c))
        for w, c in zip(walls, cpus, strict=True)
    ]


def _verdict(figures: Figures, target: float | None) -> str:
    """``under by wall`` (or cpu, or least cpu), ``OVER``, or nothing without a target."""
    if target is None:
        return ""
    measured = zip(("wall", "cpu", "least cpu"), figures, strict=True)
    met = [what for what, seconds in measured if seconds < target]
    return f"under by {met[0]}" if met else "OVER"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    parser.add_argument(
        "--baseline",
        metavar="SRC",
        help="also run the commands against this source tree (put on PYTHONPATH)",
    )
    args = parser.parse_args()
    if args.baseline is not None and not (Path(args.baseline) / "sendflow").is_dir():
        parser.error(f"--baseline {args.baseline}: no sendflow package in that folder")
    sources = [None] if args.baseline is None else [None, str(Path(args.baseline).resolve())]
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        case_file = Path(folder) / "A123.json"
        case_file.write_text(json.dumps(CASE), encoding="utf-8")
        print(f"{args.runs} runs of each, each in a fresh process")
        heads = f"{'median wall':>12} {'median cpu':>11} {'least cpu':>10} {'target':>9}"
        if args.baseline is not None:
            print(f"baseline: {sources[1]}; each figure as now / baseline = ratio")
            heads = "median wall; median cpu; least cpu; target"
        print(f"{'command':<28} {heads}")
        for name, argv, target in commands(case_file):
            found = timings(argv, args.runs, sources)
            now = found[0]
            verdict = _verdict(now, target)
            failed += verdict == "OVER"
            shown = f"< {target * 1000:.0f} ms" if target is not None else ""
            if len(found) == 1:
                cells = f"{_ms(now[0]):>12} {_ms(now[1]):>11} {_ms(now[2]):>10}"
            else:
                cells = "; ".join(
                    f"{_ms(mine)} / {_ms(theirs)} = {mine / theirs:.2f}"
                    for mine, theirs in zip(now, found[1], strict=True)
                )
            print(f"{name:<28} {cells} {shown:>9}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
