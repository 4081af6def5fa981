"""``sendflow simulate``, ``demo``, ``sen2-import`` and ``sen2-export``: caseloads in and out.

What they run is in ``caseload_running``, loaded only when a command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sendflow.cli.arguments import legal_day
from sendflow.cli.database import add_db
from sendflow.cli.deferred import deferred
from sendflow.cli.report_commands import add_period

__all__ = ["add_command"]


def add_command(parser: argparse.ArgumentParser, name: str) -> None:
    """Give ``name`` (``simulate``, ``demo``, ``sen2-import`` or ``sen2-export``) its options."""
    adders = {
        "simulate": _add_simulate,
        "demo": _add_demo,
        "sen2-import": _add_sen2_import,
        "sen2-export": _add_sen2_export,
    }
    adders[name](parser)


def _add_simulate(sim: argparse.ArgumentParser) -> None:
    sim.description = (
        "Write a seeded, realistic caseload through the store's normal import: N requests "
        "for an EHC needs assessment received from --from to --to, with their decisions, "
        "advice, exceptions, plans, annual reviews, phase transfers, appeals, orders and "
        "personal budgets, and the 2014-2018 transfer programme if the dates reach it. "
        "Rates follow England's published figures; --performance 1.2 makes the council "
        "20% more often on time. The same --seed gives the same cases."
    )
    sim.add_argument("--cases", type=int, required=True, metavar="N", help="requests to simulate")
    sim.add_argument(
        "--from",
        dest="first",
        type=legal_day,
        required=True,
        metavar="DATE",
        help="the first day of the simulation",
    )
    sim.add_argument(
        "--to",
        dest="last",
        type=legal_day,
        required=True,
        metavar="DATE",
        help="the last day: no event comes after it",
    )
    sim.add_argument("--seed", type=int, default=1, metavar="S", help="the seed (default 1)")
    sim.add_argument(
        "--performance",
        type=float,
        default=1.0,
        metavar="P",
        help="on-time chances relative to England's (default 1.0)",
    )
    sim.add_argument(
        "--statements",
        type=int,
        default=None,
        metavar="M",
        help="statements to transfer (default: a quarter of N)",
    )
    sim.add_argument("--prefix", default="", help="put before every case id")
    add_db(sim)
    sim.set_defaults(run=deferred("sendflow.cli.caseload_running", "run_simulate"))


def _add_demo(demo: argparse.ArgumentParser) -> None:
    demo.description = (
        "Simulate a mid-sized council (about 5,000 requests from September 2014 to "
        "2024, with the statement transfers) into the store, unless it is there "
        "already, and write the HTML report for 2024 with a transfer plan."
    )
    demo.add_argument("--output", type=Path, default=Path("sendflow-demo.html"), metavar="PATH")
    add_db(demo)
    demo.set_defaults(run=deferred("sendflow.cli.caseload_running", "run_demo"))


def _add_sen2_import(importer: argparse.ArgumentParser) -> None:
    importer.description = (
        "Import an SEN2-style extract, one row per request, with the columns "
        "sendflow sen2-export writes (listed in docs/compliance.md, under SEN2 extracts)."
    )
    importer.add_argument("path", type=Path, metavar="FILE", help="the CSV extract")
    importer.add_argument("--skip-bad", action="store_true", help="import the good rows")
    add_db(importer)
    importer.set_defaults(run=deferred("sendflow.cli.caseload_running", "run_sen2_import"))


def _add_sen2_export(exporter: argparse.ArgumentParser) -> None:
    exporter.description = (
        "One row per EHC needs assessment received by the as-of date (within --from and "
        "--to when given), as SEN2 codes them (the columns are listed in "
        "docs/compliance.md, under SEN2 extracts)."
    )
    add_period(exporter)
    exporter.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    add_db(exporter)
    exporter.set_defaults(run=deferred("sendflow.cli.caseload_running", "run_sen2_export"))
