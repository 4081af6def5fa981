"""``sendflow mutate PROCESS SCENARIO_FILES...``: how many wrong rules would the scenarios catch?

Makes every mutant of the process (each one plausible legal mistake in one rule: a period
a unit out, working and calendar days swapped, the wrong start event, a met-by or void-by
event added or dropped, an exception added or dropped, an effective date a day out,
roll-forward switched), runs the scenario files against each, and prints the mutation
score and every surviving mutant with a scenario that would kill it. Exit status: 0 when
the suite was scored (1 with --min-score when the score is lower); 2 for bad input.
"""

from __future__ import annotations

import argparse

from sendflow.cli.deferred import deferred

__all__ = ["add_command"]


def add_command(parser: argparse.ArgumentParser, name: str) -> None:
    """Give ``sendflow mutate`` (the one command here, ``name``) its options and run."""
    parser.description = __doc__.split("\n\n")[1] if __doc__ else None
    parser.add_argument("process", metavar="PROCESS", help="a process id or file")
    parser.add_argument(
        "scenario_files", metavar="SCENARIO_FILES", nargs="+", help="*.scenarios.yaml files"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--operator",
        action="append",
        metavar="NAME",
        help="make only this kind of mistake, such as unit-swapped (repeat for more; default: all)",
    )
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes (default: cores)"
    )
    parser.add_argument(
        "--min-score",
        type=float,
        default=None,
        metavar="PERCENT",
        help="exit 1 if fewer than this percentage of mutants are killed",
    )
    parser.add_argument(
        "--no-suggestions",
        action="store_true",
        help="do not look for a scenario that kills each survivor (faster)",
    )
    parser.set_defaults(run=deferred("sendflow.cli.mutate_running", "run"))
