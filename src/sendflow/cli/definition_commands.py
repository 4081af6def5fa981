"""Process folders on every command, and the commands that draw and document definitions.

Registered last: it gives every command ``--process-dir DIR`` (repeatable), so a
council's overlays are found by id wherever a packaged process is, and adds
``sendflow diagram``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from sendflow.cli.output import emit
from sendflow.definitions.catalogue import process_dirs, use_process_dirs
from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.pages.diagram import DIAGRAM_FORMATS, diagram

__all__ = ["local_marks", "register"]

Run = Callable[[argparse.Namespace], int]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the drawing commands, then ``--process-dir`` to every command."""
    drawing = subparsers.add_parser(
        "diagram", help="draw a process: states, events and time limits, local steps marked"
    )
    drawing.add_argument("process", help="a process id (packaged or registered) or a file")
    drawing.add_argument(
        "--format",
        choices=DIAGRAM_FORMATS,
        default="mermaid",
        help="mermaid (default), svg (drawn here, no Graphviz needed) or dot (for Graphviz)",
    )
    drawing.set_defaults(run=run_diagram)

    for parser in subparsers.choices.values():
        parser.add_argument(
            "--process-dir",
            action="append",
            default=[],
            metavar="DIR",
            help="a folder of overlays and local process files, found by their id "
            "(repeatable; also $SENDFLOW_PROCESSES)",
        )
        parser.set_defaults(run=_with_process_dirs(parser.get_default("run")))


def _with_process_dirs(run: Run) -> Run:
    def wrapped(args: argparse.Namespace) -> int:
        given = getattr(args, "process_dir", [])
        if not given:
            return run(args)
        use_process_dirs([*given, *process_dirs()])
        try:
            return run(args)
        finally:
            use_process_dirs(None)

    return wrapped


def local_marks(process: Process, rule: str) -> dict[str, Any]:
    """Whether ``rule`` of ``process`` is a council's own, and the rule it tightens."""
    limit = process.time_limits.get(rule)
    return {
        "local": bool(limit is not None and limit.local),
        "target_of": limit.target_of if limit is not None else None,
    }


def run_diagram(args: argparse.Namespace) -> int:
    """Print the process as a Mermaid, SVG or Graphviz diagram."""
    emit(diagram(load_process(args.process), args.format))
    return 0
