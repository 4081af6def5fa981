"""``sendflow check``: a case's state and every time limit, as JSON or a table."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import attrs

from sendflow.cli.arguments import legal_day
from sendflow.cli.output import emit
from sendflow.engine.case import Case, read_case_file
from sendflow.engine.results import Evaluation, TimeLimitResult
from sendflow.errors import CaseFileError
from sendflow.time.calendars import load_closures
from sendflow.time.periods import format_day

__all__ = ["add_command"]


def add_command(check: argparse.ArgumentParser, name: str) -> None:
    """Give ``sendflow check`` (the one command here, ``name``) its options and run."""
    check.description = (
        "Evaluate a case and print its state and every time limit. Exit status: 0 when "
        "the case was evaluated; 1 with --fail-on-breach when a limit is overdue, late "
        "or violated; 2 for bad input."
    )
    check.add_argument("case", metavar="CASE", help="a case file (.json/.yaml) or a stored case id")
    check.add_argument(
        "--as-of", metavar="DATE", type=legal_day, help="YYYY-MM-DD; default: the latest event"
    )
    check.add_argument("--format", choices=("json", "table"), default="json")
    check.add_argument(
        "--fail-on-breach", action="store_true", help="exit 1 if any limit is overdue/late/violated"
    )
    check.add_argument(
        "--closures",
        metavar="FILE",
        help="a council's closure dates (YAML list of dates or FROM..TO ranges)",
    )
    check.add_argument(
        "--db", metavar="URL", help="store URL for a case id (default: $SENDFLOW_DB or sqlite)"
    )
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    """Evaluate the case and print it."""
    as_of = args.as_of
    case, version = _load(args.case, args.db)
    if args.closures is not None:
        case = Case(
            case.process,
            case_id=case.case_id,
            events=case.events,
            related_case=case.related_case,
            closures=_closures(args.closures),
        )
    evaluation = case.evaluate(as_of=as_of)
    if version is not None:
        evaluation = attrs.evolve(evaluation, version=version)
    if args.format == "json":
        from sendflow.contracts import converter  # noqa: PLC0415 (loads cattrs)

        emit(json.dumps(converter.unstructure(evaluation, Evaluation), indent=2))
    else:
        emit(format_table(evaluation))
    if args.fail_on_breach and evaluation.breaches:
        return 1
    return 0


def _closures(path: str) -> frozenset[date]:
    try:
        return load_closures(path)
    except (OSError, ValueError) as exc:
        raise CaseFileError(f"--closures: {exc}") from exc


def _load(target: str, db: str | None) -> tuple[Case, int | None]:
    """The case from a case file (no version) or from the store (with its version)."""
    path = Path(target)
    if path.is_file() or path.suffix in (".json", ".yaml", ".yml"):
        if not path.is_file():
            raise CaseFileError(f"{target}: no such case file.")
        return read_case_file(path), None
    from sendflow.cli.database import database_url  # noqa: PLC0415 (loads the store package)

    url = database_url(db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise CaseFileError(
            f"{target!r} is not a case file, and there is no store at {url} to look it up in. "
            "Give a case file path, or --db URL for a stored case."
        )
    from sendflow.store import Store  # noqa: PLC0415 (loads SQLAlchemy)

    with Store(url) as store:
        return store.load_with_version(target)


def format_table(evaluation: Evaluation) -> str:
    """The evaluation as a readable table."""
    head = (
        f"{evaluation.case_id or '(case)'}  {evaluation.process} {evaluation.process_version}  "
        f"state: {evaluation.state}{' (closed)' if evaluation.final else ''}  "
        f"as of {format_day(evaluation.as_of)}"
    )
    lines = [head, "", *_rows(evaluation.statutory, "rule")]
    if evaluation.local:
        lines += ["", "Local targets (the council's own, beside the statutory rules above)", ""]
        lines += _rows(evaluation.local, "local rule", local=True)
    return "\n".join(lines)


def _rows(results: Sequence[TimeLimitResult], label: str, *, local: bool = False) -> list[str]:
    rows: list[tuple[str, ...]] = [(label, "key", "started", "due", "met", "status", "late")]
    if local:
        rows[0] += ("tightens",)
    rows += [
        (
            r.rule,
            r.key or "",
            _day(r.started_on),
            _day(r.due_on),
            _day(r.met_on),
            r.status.value + (f" ({', '.join(r.exceptions)})" if r.exceptions else ""),
            str(r.days_late) if r.days_late else "",
            *([r.target_of or "-"] if local else []),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _day(day: date | None) -> str:
    return day.isoformat() if day is not None else "-"
