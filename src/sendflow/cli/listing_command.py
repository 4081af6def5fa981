"""``sendflow processes``: the id, version and title of every process, packaged and local.

The packaged processes are listed from their index (see
:mod:`sendflow.definitions.headings`), so the command reads no YAML unless a packaged
file has changed or process folders are in use.
"""

from __future__ import annotations

import argparse

from sendflow.cli.output import emit
from sendflow.definitions.headings import packaged_heading, registered_headings
from sendflow.definitions.packaged import packaged_processes

__all__ = ["add_command", "run_processes"]


def add_command(parser: argparse.ArgumentParser, name: str) -> None:
    """Give ``sendflow processes`` (the one command here, ``name``) its run."""
    parser.set_defaults(run=run_processes)


def run_processes(args: argparse.Namespace) -> int:
    """Print one line per process, packaged then in the process folders: id, version, title."""
    rows = [*(packaged_heading(pid) for pid in packaged_processes()), *registered_headings()]
    width = max((len(p.id) for p in rows), default=0)
    emit("\n".join(f"{p.id:<{width}}  {p.version:<8}  {p.title}" for p in rows))
    return 0
