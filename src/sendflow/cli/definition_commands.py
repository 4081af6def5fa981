"""``sendflow diagram``, ``docs`` and ``schema``: drawing and documenting definitions."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sendflow.cli.deferred import deferred
from sendflow.cli.output import emit, warn
from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.definitions.schema import definition_schema
from sendflow.errors import CaseFileError
from sendflow.pages.diagram import DIAGRAM_FORMATS, diagram
from sendflow.pages.generated import stale_pages, write_pages
from sendflow.pages.process_page import PAGE_FORMATS, process_page

__all__ = ["add_command", "local_marks"]


def add_command(parser: argparse.ArgumentParser, name: str) -> None:
    """Give the command ``name`` (``diagram``, ``docs``, ``schema``) its options and its run."""
    adders = {"diagram": _add_diagram, "docs": _add_docs, "schema": _add_schema}
    adders[name](parser)


def _add_diagram(drawing: argparse.ArgumentParser) -> None:
    drawing.add_argument("process", help="a process id (packaged or registered) or a file")
    drawing.add_argument(
        "--format",
        choices=DIAGRAM_FORMATS,
        default="mermaid",
        help="mermaid (default), svg (drawn here, no Graphviz needed) or dot (for Graphviz)",
    )
    drawing.set_defaults(run=run_diagram)


def _add_docs(docs: argparse.ArgumentParser) -> None:
    docs.description = (
        "Print the page of one process (or overlay). With --write DIR, write the page "
        "of every packaged process into DIR; with --check DIR, exit 1 if a generated "
        "page there no longer matches its definition. With --cli, print the "
        "command-line reference (docs/cli.md) instead."
    )
    docs.add_argument("process", nargs="?", help="a process id (packaged or registered) or a file")
    docs.add_argument("--format", choices=PAGE_FORMATS, default="md")
    pages = docs.add_mutually_exclusive_group()
    pages.add_argument("--write", metavar="DIR", help="write every packaged process's page")
    pages.add_argument("--check", metavar="DIR", help="check the generated pages are current")
    pages.add_argument(
        "--cli", action="store_true", help="print the command-line reference (docs/cli.md)"
    )
    docs.set_defaults(run=run_docs)


def _add_schema(schema: argparse.ArgumentParser) -> None:
    schema.set_defaults(run=run_schema)


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


def run_docs(args: argparse.Namespace) -> int:
    """Print one page, or write or check the packaged processes' pages, or the CLI's."""
    if args.cli:
        if args.process is not None:
            raise CaseFileError("give a process, or --cli, not both.")
        return deferred("sendflow.cli.reference", "run_reference")(args)
    if args.write is not None or args.check is not None:
        if args.process is not None:
            raise CaseFileError("give a process, or --write/--check DIR, not both.")
        if args.write is not None:
            changed = write_pages(Path(args.write))
            emit(f"wrote {len(changed)} page(s): {', '.join(changed) or 'none changed'}")
            return 0
        stale = stale_pages(Path(args.check))
        if stale:
            warn(
                f"out of date: {', '.join(stale)}. Run: sendflow docs --write {args.check} "
                "(and delete a page that belongs to no packaged process). Put what a page "
                "should say in the process definition, not in the page."
            )
            return 1
        emit("the generated pages are up to date")
        return 0
    if args.process is None:
        raise CaseFileError("give a process id or file, or --write DIR, or --check DIR.")
    emit(process_page(load_process(args.process), args.format))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of process and overlay files."""
    emit(json.dumps(definition_schema(), indent=2))
    return 0
