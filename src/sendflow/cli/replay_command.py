"""``sendflow replay OLD NEW HISTORIES...``: what changes when a definition changes.

Each case history is evaluated under both definitions (two versions of a process, or a
process and a council's overlay). Every history is listed with what happened to it under
each (accepted, in which state, or rejected, and why), including those both reject, then
every due date or verdict that differs, and a summary count. With --show-starts, each
clock's start date under each definition is listed too. HISTORIES are case files
(``.json``, ``.yaml``, ``.yml``), JSON Lines files (``.jsonl``, one case per line), or
folders of them.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sendflow.cli.arguments import legal_day
from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.engine.case import check_case_shape
from sendflow.engine.casefiles import case_files, read_case_sources
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation
from sendflow.errors import CaseFileError, SendflowError

__all__ = ["add_command", "compare_case", "describe_outcome", "read_histories"]

_NONE = "(none)"
_OUTCOMES = ("unchanged", "changed", "rejected by old", "rejected by new", "rejected by both")


def add_command(parser: argparse.ArgumentParser, name: str) -> None:
    """Give ``sendflow replay`` (the one command here, ``name``) its options and run."""
    parser.description = __doc__.split("\n\n")[1] if __doc__ else None
    parser.add_argument("old", metavar="OLD", help="the old process: a packaged id or a file")
    parser.add_argument("new", metavar="NEW", help="the new process: a packaged id or a file")
    parser.add_argument(
        "histories", metavar="HISTORIES", nargs="+", help="case files, .jsonl files or folders"
    )
    parser.add_argument(
        "--as-of",
        type=legal_day,
        default=None,
        help="evaluate as of this date (YYYY-MM-DD; default: each case's latest event)",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--show-starts",
        action="store_true",
        help="list each clock's start date under each definition",
    )
    parser.set_defaults(run=run)


def read_histories(paths: Sequence[str]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each case in ``paths`` as (where it came from, its case-file mapping).

    Raises:
        CaseFileError: A path does not exist, has an unknown suffix, cannot be read, or
            holds something that is not a case.
    """
    for source in read_case_sources(case_files(paths)):
        if source.problem is not None:
            raise CaseFileError(f"{source.where}: {source.problem}")
        yield source.where, check_case_shape(source.data, where=source.where, need_process=False)


def _outcome(
    process: Process, case: Mapping[str, Any], as_of: date | None
) -> Evaluation | SendflowError:
    """The case evaluated under ``process``, or the error saying why it rejects the history."""
    try:
        return evaluate(process, case["events"], as_of=as_of, case_id=_case_id(case))
    except SendflowError as exc:
        return exc


def _said(error: SendflowError) -> str:
    """An error as the report shows it: its class and its message."""
    return f"{type(error).__name__}: {error}"


def describe_outcome(
    outcome: Evaluation | SendflowError, *, starts: bool = False
) -> dict[str, Any]:
    """What happened to a history under one definition, as a JSON-ready mapping.

    Args:
        outcome: The evaluation, or the error the definition raised for the history (shown
            with its class and message, and its ``code``).
        starts: Whether to list each clock's rule, key and start date.
    """
    if isinstance(outcome, SendflowError):
        return {"accepted": False, "error": _said(outcome), "code": outcome.code}
    found: dict[str, Any] = {"accepted": True, "state": outcome.state, "final": outcome.final}
    if starts:
        found["starts"] = [
            {"rule": r.rule, "key": r.key, "started_on": _day(r.started_on)}
            for r in outcome.time_limits
        ]
    return found


def _day(day: date | None) -> str:
    return day.isoformat() if day else _NONE


def _verdict(old: Mapping[str, Any], new: Mapping[str, Any], changes: Sequence[Any]) -> str:
    """One phrase for what happened to a history under the two definitions."""
    if not old["accepted"] and not new["accepted"]:
        return "rejected by both"
    if not old["accepted"] or not new["accepted"]:
        return "rejected by old" if not old["accepted"] else "rejected by new"
    return "changed" if changes else "unchanged"


def _case_id(case: Mapping[str, Any]) -> str | None:
    found = case.get("case_id")
    return None if found is None else str(found)


def _clocks(evaluation: Evaluation) -> dict[tuple[str, str | None, int], dict[str, str]]:
    """Each clock by rule, key and how many of that rule and key came before it."""
    counts: Counter[tuple[str, str | None]] = Counter()
    found: dict[tuple[str, str | None, int], dict[str, str]] = {}
    for result in evaluation.time_limits:
        nth = counts[(result.rule, result.key)]
        counts[(result.rule, result.key)] += 1
        due = _day(result.due_on)
        found[(result.rule, result.key, nth)] = {"due_on": due, "status": result.status.value}
    return found


def compare_case(
    old: Evaluation | SendflowError, new: Evaluation | SendflowError
) -> list[dict[str, Any]]:
    """Every due date or verdict that differs between two evaluations of one case.

    An error in place of an evaluation is the one the definition raised for the history.
    """
    if isinstance(old, SendflowError) or isinstance(new, SendflowError):
        shown = [
            _said(o) if isinstance(o, SendflowError) else f"accepted (state {o.state})"
            for o in (old, new)
        ]
        if shown[0] == shown[1]:
            return []
        return [{"rule": None, "key": None, "field": "history", "old": shown[0], "new": shown[1]}]
    before, after = _clocks(old), _clocks(new)
    changes: list[dict[str, Any]] = []
    for clock in sorted({*before, *after}, key=lambda c: (c[0], c[1] or "", c[2])):
        was = before.get(clock, {"due_on": _NONE, "status": "(no clock)"})
        now = after.get(clock, {"due_on": _NONE, "status": "(no clock)"})
        changes.extend(
            {
                "rule": clock[0],
                "key": clock[1],
                "field": field,
                "old": was[field],
                "new": now[field],
            }
            for field in ("due_on", "status")
            if was[field] != now[field]
        )
    return changes


def run(args: argparse.Namespace) -> int:
    """Replay every history under both definitions and print what changed."""
    old = load_process(args.old)
    new = load_process(args.new)
    cases: list[dict[str, Any]] = []
    for where, case in read_histories(args.histories):
        before, after = _outcome(old, case, args.as_of), _outcome(new, case, args.as_of)
        changes = compare_case(before, after)
        shown = [describe_outcome(o, starts=args.show_starts) for o in (before, after)]
        cases.append(
            {
                "case_id": _case_id(case),
                "source": where,
                "outcome": _verdict(shown[0], shown[1], changes),
                "old": shown[0],
                "new": shown[1],
                "changes": changes,
            }
        )
    by_field = Counter(change["field"] for case in cases for change in case["changes"])
    outcomes = Counter(case["outcome"] for case in cases)
    summary: dict[str, Any] = {
        "cases": len(cases),
        "changed": sum(1 for case in cases if case["changes"]),
        "changes": sum(by_field.values()),
        "by_field": dict(sorted(by_field.items())),
        "by_outcome": {name: outcomes[name] for name in _OUTCOMES if outcomes[name]},
    }
    report: dict[str, Any] = {
        "old": _named(old, args.old),
        "new": _named(new, args.new),
        "cases": cases,
        "summary": summary,
    }
    print(json.dumps(report, indent=2) if args.format == "json" else _table(report))
    return 0


def _named(process: Process, given: str) -> dict[str, str]:
    return {"given": os.fspath(given), "process": process.id, "version": process.version}


def _table(report: Mapping[str, Any]) -> str:
    old, new = report["old"], report["new"]
    lines = [
        f"Replaying under {old['process']} {old['version']} ({old['given']}) and "
        f"{new['process']} {new['version']} ({new['given']})",
    ]
    for case in report["cases"]:
        name = case["case_id"] or "(no case id)"
        count = len(case["changes"])
        counted = f", {count} change{'s' if count != 1 else ''}" if count else ""
        lines.append(f"\ncase {name} ({case['source']}): {case['outcome']}{counted}")
        for version in ("old", "new"):
            lines.extend(_version_lines(version, case[version]))
        for change in case["changes"]:
            rule = _labelled(change["rule"] or "(whole history)", change["key"])
            lines.append(f"  {rule:<32} {change['field']:<8} {change['old']} -> {change['new']}")
    summary = report["summary"]
    fields = ", ".join(f"{k}: {v}" for k, v in summary["by_field"].items()) or "none"
    outcomes = ", ".join(f"{k}: {v}" for k, v in summary["by_outcome"].items()) or "none"
    lines.append(
        f"\n{summary['cases']} case(s) replayed ({outcomes}); {summary['changed']} changed; "
        f"{summary['changes']} change(s) ({fields})."
    )
    return "\n".join(lines)


def _version_lines(version: str, outcome: Mapping[str, Any]) -> list[str]:
    if not outcome["accepted"]:
        return [f"  {version}: rejected: {outcome['error']}"]
    closed = ", closed" if outcome["final"] else ""
    lines = [f"  {version}: accepted, state {outcome['state']}{closed}"]
    if "starts" in outcome:
        starts = ", ".join(
            f"{_labelled(s['rule'], s['key'])} {s['started_on']}" for s in outcome["starts"]
        )
        lines.append(f"    clocks started: {starts or 'none'}")
    return lines


def _labelled(rule: str, key: str | None) -> str:
    return rule if key is None else f"{rule}[{key}]"
