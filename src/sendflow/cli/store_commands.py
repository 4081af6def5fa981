"""``sendflow import``, ``record``, ``due``, ``export`` and ``cases``: the case store.

Every command takes ``--db URL``; without it the ``SENDFLOW_DB`` environment variable,
else ``sqlite:///sendflow.db``. ``history`` and ``retract`` are in ``audit_commands``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sendflow.cli.arguments import day_count, legal_day
from sendflow.cli.database import add_db, open_store, pipeline_after
from sendflow.cli.definition_commands import local_marks
from sendflow.cli.output import Progress, emit, table, warn
from sendflow.engine.casefiles import case_files, read_case_sources
from sendflow.errors import CaseFileError
from sendflow.store.records import CaseSummary, DueItem

__all__ = ["add_command"]


def add_command(parser: argparse.ArgumentParser, name: str) -> None:
    """Give ``name`` (``import``, ``record``, ``due``, ``export`` or ``cases``) its options."""
    adders = {
        "import": _add_import,
        "record": _add_record,
        "due": _add_due,
        "export": _add_export,
        "cases": _add_cases,
    }
    adders[name](parser)


def _add_import(importer: argparse.ArgumentParser) -> None:
    importer.description = (
        "Import cases: .json/.yaml case files (one case, or a list of cases), folders "
        "of them, or .jsonl files with one case per line. All or nothing: if any case "
        "is bad, none is imported; with --skip-bad the others are. Exit status 0 when "
        "all were imported (or --skip-bad skipped some), 2 when nothing was."
    )
    importer.add_argument(
        "paths", nargs="+", metavar="PATH", type=Path, help="case files, folders or .jsonl files"
    )
    importer.add_argument("--skip-bad", action="store_true", help="import the good cases")
    add_db(importer)
    importer.set_defaults(run=run_import)


def _add_record(record: argparse.ArgumentParser) -> None:
    record.add_argument("case_id", metavar="CASE_ID", help="the stored case (or a new one)")
    record.add_argument("event", metavar="EVENT", help="the event, as the process names it")
    record.add_argument("--on", required=True, type=legal_day, help="the date it happened")
    record.add_argument(
        "--data", action="append", default=[], metavar="KEY=VALUE", help="an event data field"
    )
    record.add_argument("--actor", help="who recorded it")
    record.add_argument(
        "--process", help="open a new case of this process (EVENT must be its start event)"
    )
    record.add_argument(
        "--expected-version", type=int, help="fail if the case is no longer at this version"
    )
    record.add_argument(
        "--related-case", metavar="ID", help="with --process: the case this one is about"
    )
    record.add_argument(
        "--apply-to-related",
        action="store_true",
        help="also record what the event means for the related case (an order to assess "
        "reverses the refusal there), in the same transaction",
    )
    add_db(record)
    record.set_defaults(run=run_record)


def _add_due(due: argparse.ArgumentParser) -> None:
    due.description = (
        "List running time limits due from --as-of to --within days later, and those "
        "already overdue. Status: pending (not yet due, or a conditional rule waiting "
        "for the case to resolve), overdue, or excused (overdue with an exception)."
    )
    due.add_argument("--as-of", required=True, type=legal_day, help="the date to look from")
    due.add_argument(
        "--within", required=True, type=day_count, metavar="DAYS", help="how many days ahead"
    )
    due.add_argument("--process", help="only this process")
    due.add_argument("--rule", help="only this rule")
    due.add_argument("--duty", help="only limits this party bears")
    due.add_argument("--format", choices=("json", "table"), default="json")
    due.add_argument(
        "--limit",
        type=_page_size,
        metavar="N",
        help="one page of at most N rows (1 to 10000), with the cursor of the next page",
    )
    due.add_argument(
        "--cursor", help="the page after this cursor (the next_cursor of the page before)"
    )
    add_db(due)
    due.set_defaults(run=run_due)


def _add_export(export: argparse.ArgumentParser) -> None:
    add_db(export)
    export.set_defaults(run=run_export)


def _add_cases(listing: argparse.ArgumentParser) -> None:
    listing.add_argument("--process", help="only this process")
    listing.add_argument("--state", help="only cases in this state")
    listing.add_argument(
        "--with-event", metavar="EVENT", help="only cases whose history has this event"
    )
    listing.add_argument(
        "--event-data",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="with --with-event: the event's data must have this value (repeatable)",
    )
    listing.add_argument("--format", choices=("json", "table"), default="table")
    add_db(listing)
    listing.set_defaults(run=run_cases)


def run_import(args: argparse.Namespace) -> int:
    """Import every case the paths hold."""
    files = list(case_files(args.paths))
    progress = Progress(sum(f.stat().st_size for f in files), sys.stderr)
    with open_store(args) as store:
        try:
            sources = read_case_sources(files, advance=progress.advance)
            report = store.import_cases(
                sources, skip_bad=args.skip_bad, pipeline_after=pipeline_after()
            )
        finally:
            progress.close()
    for bad in report.bad:
        warn(f"sendflow import: skipped {bad}")
    skipped = f"; skipped {len(report.bad)} bad case(s)" if report.bad else ""
    emit(f"imported {report.cases} case(s), {report.events} event(s){skipped}")
    return 0


def run_record(args: argparse.Namespace) -> int:
    """Record one event (opening the case with --process)."""
    data = dict(_field(item) for item in args.data)
    with open_store(args) as store:
        if args.process is not None:
            event = {"event": args.event, "on": args.on, "data": data, "actor": args.actor}
            version = store.open_case(
                args.process, case_id=args.case_id, events=[event], related_case=args.related_case
            )
        else:
            version = store.record(
                args.case_id,
                args.event,
                on=args.on,
                data=data,
                actor=args.actor,
                expected_version=args.expected_version,
                apply_links=args.apply_to_related,
            )
        case = store.load(args.case_id)
        lines = [
            f"case {args.case_id}: {args.event} recorded; version {version}, "
            f"state {case.evaluate().state}"
        ]
        if args.apply_to_related and case.related_case is not None:
            related = store.load(case.related_case)
            latest = related.events[-1]
            if latest.on == args.on and latest.data.get("related_case") == args.case_id:
                lines.append(
                    f"case {related.case_id}: {latest.name} recorded as well; "
                    f"state {related.evaluate().state}"
                )
    emit("\n".join(lines))
    return 0


def _field(item: str) -> tuple[str, Any]:
    name, sep, value = item.partition("=")
    if not sep or not name:
        raise CaseFileError(
            f"--data {item!r}: write each field as KEY=VALUE, for example --data party=health."
        )
    if value[:1] in "[{":
        try:
            return name, json.loads(value)
        except ValueError:
            pass
    return name, value


def _page_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = 0
    if not 1 <= size <= _MAX_PAGE:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a page size: give a whole number from 1 to {_MAX_PAGE}"
        )
    return size


_MAX_PAGE = 10_000


def run_due(args: argparse.Namespace) -> int:
    """Print the time limits due in the window, and overdue ones (a page of them if asked)."""
    paged = args.limit is not None or args.cursor is not None
    query = {
        "as_of": args.as_of,
        "within_days": args.within,
        "process": args.process,
        "rule": args.rule,
        "duty": args.duty,
    }
    with open_store(args) as store:
        next_cursor = None
        if paged:
            page = store.due_page(**query, limit=args.limit or 100, cursor=args.cursor)
            items, next_cursor = list(page.items), page.next_cursor
        else:
            items = store.due(**query)
        from sendflow.contracts import converter  # noqa: PLC0415 (loads cattrs)

        rows = [
            converter.unstructure(item, DueItem)
            | local_marks(store.process(item.process), item.rule)
            for item in items
        ]
    if args.format == "json":
        shown: Any = {"items": rows, "next_cursor": next_cursor} if paged else rows
        emit(json.dumps(shown, indent=2))
    else:
        table(rows, ["due_on", "status", "case_id", "rule", "key", "duty", "process", "local"])
        if next_cursor is not None:
            emit(f"more: --cursor {next_cursor}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write every case as one JSON line."""
    with open_store(args) as store:
        for case in store.export():
            emit(json.dumps(case, ensure_ascii=False))
    return 0


def run_cases(args: argparse.Namespace) -> int:
    """List the stored cases."""
    with open_store(args) as store:
        found = store.cases(process=args.process, state=args.state)
        if args.with_event is not None:
            wanted = dict(_field(item) for item in args.event_data)
            keep = set(store.cases_with(args.with_event, data=wanted, process=args.process))
            found = [c for c in found if c.case_id in keep]
        elif args.event_data:
            raise CaseFileError("--event-data needs --with-event: the event whose data to match.")
        from sendflow.contracts import converter  # noqa: PLC0415 (loads cattrs)

        rows = converter.unstructure(found, list[CaseSummary])
    if args.format == "json":
        emit(json.dumps(rows, indent=2))
    else:
        table(rows, ["case_id", "process", "state", "version", "opened_on", "last_event_on"])
    return 0
