"""``sendflow history`` and ``sendflow retract``: a stored case's audit trail and corrections.

Corrections never edit history: ``retract`` takes one numbered event out of the legal
history (the trail keeps it, with who retracted it, when and why) and recomputes the case.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from sendflow.cli.database import add_db, open_store
from sendflow.cli.output import emit, table
from sendflow.store.records import StoredEvent

__all__ = ["add_command"]


def add_command(parser: argparse.ArgumentParser, name: str) -> None:
    """Give the command ``name`` (``history``, ``retract``) its options and its run."""
    adders = {"history": _add_history, "retract": _add_retract}
    adders[name](parser)


def _add_history(history: argparse.ArgumentParser) -> None:
    history.add_argument("case_id", metavar="CASE_ID", help="the stored case")
    history.add_argument("--format", choices=("json", "table"), default="table")
    add_db(history)
    history.set_defaults(run=run_history)


def _add_retract(retract: argparse.ArgumentParser) -> None:
    retract.description = (
        "Take event number SEQUENCE (as `sendflow history` numbers them) out of the "
        "case's legal history and recompute the case. The event stays in the audit "
        "trail with who retracted it, when and why. Refused, with nothing written, if "
        "the history without it is not valid."
    )
    retract.add_argument("case_id", metavar="CASE_ID", help="the stored case")
    retract.add_argument(
        "sequence", metavar="SEQUENCE", type=_sequence, help="the event's number in its history"
    )
    retract.add_argument("--by", required=True, help="who is retracting it")
    retract.add_argument("--reason", required=True, help="why (kept in the audit trail)")
    retract.add_argument(
        "--expected-version", type=int, help="fail if the case is no longer at this version"
    )
    add_db(retract)
    retract.set_defaults(run=run_retract)


def _sequence(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"SEQUENCE is an event's number in the case, 1 or more: {text!r}. "
            "`sendflow history CASE_ID` shows the numbers."
        )
    return int(text)


def run_history(args: argparse.Namespace) -> int:
    """Print the case's audit trail."""
    with open_store(args) as store:
        trail = store.history(args.case_id)
    from sendflow.contracts import converter  # noqa: PLC0415 (loads cattrs)

    rows: list[dict[str, Any]] = converter.unstructure(trail, tuple[StoredEvent, ...])
    if args.format == "json":
        emit(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    shown = [
        {
            **row,
            "data": json.dumps(row["data"], ensure_ascii=False) if "data" in row else "",
            "actor": row.get("actor", ""),
            "retracted": "" if row["retraction"] is None else _retracted(row["retraction"]),
        }
        for row in rows
    ]
    table(shown, ["sequence", "on", "event", "data", "actor", "retracted"])
    return 0


def _retracted(retraction: dict[str, Any]) -> str:
    return f"by {retraction['by']}: {retraction['reason']}"


def run_retract(args: argparse.Namespace) -> int:
    """Retract one event and say where the case now stands."""
    with open_store(args) as store:
        version = store.retract(
            args.case_id,
            args.sequence,
            by=args.by,
            reason=args.reason,
            expected_version=args.expected_version,
        )
        state = store.load(args.case_id).evaluate().state
    emit(f"case {args.case_id}: event {args.sequence} retracted; version {version}, state {state}")
    return 0
