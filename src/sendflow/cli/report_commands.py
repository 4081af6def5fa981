"""``sendflow report``: the compliance figures for a period, as HTML, Markdown, JSON or CSV.

``simulate``, ``demo`` and the SEN2 extract commands are in ``caseload_commands``; what
the commands run is in ``report_running`` and ``caseload_running``, loaded when they run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sendflow.cli.arguments import legal_day
from sendflow.cli.database import add_db
from sendflow.cli.deferred import deferred

__all__ = ["add_command", "add_period"]


def add_command(report: argparse.ArgumentParser, name: str) -> None:
    """Give ``sendflow report`` (the one command here, ``name``) its options and run."""
    report.description = (
        "Count every indicator (requests, decisions within 6 weeks, plans within 20 "
        "weeks as DfE counts them, open assessments, advice, reviews, transfers, appeals, "
        "orders, personal budgets) over the stored cases. The period defaults to the 12 "
        "months up to --to (or --as-of); --as-of defaults to --to, else the latest event "
        "stored. HTML is one self-contained file (default sendflow-report.html); csv "
        "writes a folder with every figure and one file per figure listing its cases; "
        "md and json go to standard output unless --output is given."
    )
    add_period(report)
    report.add_argument(
        "--transfer-plan",
        type=Path,
        metavar="FILE",
        help="CSV of date,planned (cumulative transfers planned by each date)",
    )
    report.add_argument("--format", choices=("html", "md", "json", "csv"), default="html")
    report.add_argument("--output", type=Path, metavar="PATH", help="file (or folder for csv)")
    add_db(report)
    report.set_defaults(run=deferred("sendflow.cli.report_running", "run_report"))


def add_period(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` the ``--from``, ``--to`` and ``--as-of`` options."""
    parser.add_argument(
        "--from", dest="first", type=legal_day, metavar="DATE", help="first day of the period"
    )
    parser.add_argument(
        "--to", dest="last", type=legal_day, metavar="DATE", help="last day of the period"
    )
    parser.add_argument(
        "--as-of", type=legal_day, metavar="DATE", help="the date the verdicts are for"
    )
