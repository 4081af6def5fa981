"""Start-up time: how long ``import sendflow`` and the quick commands take, from cold.

Each command runs in a fresh subprocess several times; the median wall time and CPU time
are reported beside a bare interpreter's and the target. The commands are those that never open a
store: ``import sendflow``, ``sendflow --help``, ``sendflow processes`` and ``sendflow
check`` on a case file. The store and its migrations (SQLAlchemy, Alembic) load only in
commands that need them.

Run: ``python benchmarks/startup.py --runs 15``. For where the time goes, one import at a
time: ``python -X importtime -c "import sendflow" 2> imports.txt``.
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
from pathlib import Path

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


def timings(argv: list[str], runs: int) -> tuple[float, float, float]:
    """The median wall time, median CPU time and least CPU time of ``runs`` runs of ``argv``.

    The CPU time (user and system, of the child process) leaves out time spent waiting
    for a core, so it stays steadier on a shared, busy machine; on an idle one the wall
    time is close to it. The least of them is the run least slowed by other work.
    One unmeasured run comes first.

    Bytecode is written and read, as for an installed package: the unmeasured first run
    compiles any module whose ``.pyc`` is missing (``PYTHONDONTWRITEBYTECODE`` is unset).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    walls, cpus = [], []
    for index in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if index:
            walls.append(wall)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus), min(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    args = parser.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        case_file = Path(folder) / "A123.json"
        case_file.write_text(json.dumps(CASE), encoding="utf-8")
        print(f"{args.runs} runs of each, each in a fresh process")
        heads = f"{'median wall':>12} {'median cpu':>11} {'least cpu':>10} {'target':>9}"
        print(f"{'command':<28} {heads}")
        for name, argv, target in commands(case_file):
            wall, cpu, least = timings(argv, args.runs)
            verdict = ""
            if target is not None:
                met = [
                    what
                    for what, t in (("wall", wall), ("cpu", cpu), ("least cpu", least))
                    if t < target
                ]
                verdict = f"under by {met[0]}" if met else "OVER"
                failed += not met
            shown = f"< {target * 1000:.0f} ms" if target is not None else ""
            print(
                f"{name:<28} {wall * 1000:>9.0f} ms {cpu * 1000:>8.0f} ms {least * 1000:>7.0f} ms"
                f" {shown:>9}  {verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
