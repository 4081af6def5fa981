"""``sendflow show`` and ``sendflow validate``: one process described, process files checked."""

from __future__ import annotations

import argparse
import json
import textwrap

from sendflow.cli.output import emit
from sendflow.definitions.catalogue import load_file
from sendflow.definitions.findings import file_findings
from sendflow.definitions.loading import read_definition
from sendflow.definitions.model import Due, DueMode, Kind, LimitVersion, Process, TimeLimit
from sendflow.definitions.registry import load_process
from sendflow.errors import DefinitionError

__all__ = ["add_command"]

_WIDTH = 88


def add_command(parser: argparse.ArgumentParser, name: str) -> None:
    """Give the command ``name`` (``show``, ``validate``) its options and its run."""
    adders = {"show": _add_show, "validate": _add_validate}
    adders[name](parser)


def _add_show(show: argparse.ArgumentParser) -> None:
    show.add_argument("process", help="a packaged process id or a process file")
    show.set_defaults(run=run_show)


def _add_validate(validate: argparse.ArgumentParser) -> None:
    validate.description = (
        "Check process files and list every problem with its file, line and field. "
        "Exit status: 0 when every file is valid; 1 when a file is invalid (its "
        "problems are listed on stdout); 2 when a file cannot be read at all (it does "
        "not exist, is a folder, or is not readable), with the reason on stderr and "
        "nothing on stdout."
    )
    validate.add_argument(
        "files", nargs="+", metavar="FILE", help="process or overlay files (.yaml)"
    )
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(run=run_validate)


def run_show(args: argparse.Namespace) -> int:
    """Print a readable description of one process."""
    emit(describe_process(load_process(args.process)))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Check each file; print ``ok`` or every problem; exit 1 if any file has problems.

    Every file is opened before any is checked, so a file that cannot be read stops the
    command (exit 2) before anything is printed.
    """
    texts = {file: _readable(file) for file in args.files}
    failed = False
    lines: list[str] = []
    findings: list[dict[str, object]] = []
    for file, text in texts.items():
        try:
            if isinstance(text, DefinitionError):
                raise text
            process = load_file(file)
        except DefinitionError as exc:
            failed = True
            lines.append(f"{file}: {len(exc.problems)} problem(s)")
            lines.extend(f"  - {problem}" for problem in exc.problems)
            findings.append(file_findings(file, None, exc.problems))
            continue
        lines.append(
            f"{file}: ok ({process.id} {process.version}: {len(process.states)} states, "
            f"{len(process.events)} events, {len(process.time_limits)} time limits)"
        )
        findings.append(file_findings(file, process, ()))
    emit(json.dumps(findings, indent=2) if args.format == "json" else "\n".join(lines))
    return 1 if failed else 0


def _readable(file: str) -> str | DefinitionError:
    """The text of a process file, or why it is not a valid one (too big, not UTF-8).

    Raises:
        FileAccessError: It cannot be read at all: a failure of the command, not of the file.
    """
    try:
        return read_definition(file)
    except DefinitionError as exc:
        return exc


def describe_process(process: Process) -> str:
    """A plain-text description of a process for a terminal."""
    out = [f"{process.title}", f"{process.id}  version {process.version}", ""]
    if process.description:
        out += [*textwrap.wrap(process.description, _WIDTH), ""]
    out.append("States")
    for state in process.states.values():
        tag = f"  [final: {state.outcome or 'closed'}]" if state.final else ""
        out.append(f"  {state.id:<30} {state.title}{tag}")
    out += ["", "Events"]
    for event in process.events.values():
        if event.id in process.start:
            move = "opens the case"
        else:
            sources = (
                "any open state" if _all_open(process, event.sources) else ", ".join(event.sources)
            )
            move = f"from {sources}" + (f" -> {event.target}" if event.target else " (stays)")
        if event.reopens:
            move += " (reopens a closed case)"
        out.append(f"  {event.id}: {move}")
        for route in event.routes:
            when = "; ".join(f"{k} is {' or '.join(v)}" for k, v in route.when.items())
            out.append(f"      when {when} -> {route.target}")
        for field in event.data.values():
            need = "required" if field.required else "optional"
            allowed = f"; one of {', '.join(field.one_of)}" if field.one_of else ""
            kind = "" if field.type.value == "text" else f" {field.type.value}"
            out += _wrapped(f"data {field.name} ({need}{kind}{allowed})", 6)
    out += ["", "Time limits"]
    for limit in process.time_limits.values():
        out += _describe_limit(limit)
    if process.exception_reasons:
        out += ["", "Exception reasons"]
        for reason in process.exception_reasons.values():
            ref = f"  ({reason.reference})" if reason.reference else ""
            out.append(f"  {reason.id}: {reason.title}{ref}")
    return "\n".join(out)


def _wrapped(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(
        text, _WIDTH, initial_indent=pad, subsequent_indent=pad + "  ", break_on_hyphens=False
    )


def _all_open(process: Process, sources: tuple[str, ...]) -> bool:
    open_states = {s.id for s in process.states.values() if not s.final}
    return len(sources) > 1 and set(sources) == open_states


def _describe_limit(limit: TimeLimit) -> list[str]:
    kind = "" if limit.kind is Kind.DEADLINE else f" [{limit.kind.value.replace('_', ' ')}]"
    out = [f"  {limit.id}{kind}: {limit.title}"]
    clock = f"starts on {' / '.join(limit.starts)}"
    if limit.restart:
        clock += ", restarting at each"
    if limit.per:
        clock += f", one clock per {limit.per}"
    if limit.when:
        clock += ", when " + "; ".join(f"{k} is {' or '.join(v)}" for k, v in limit.when.items())
    if limit.when_given:
        clock += f", when {' and '.join(limit.when_given)} given"
    out.append(f"      {clock}; duty: {limit.duty}")
    for version in limit.versions:
        out.extend(_describe_version(limit, version))
    for label, names in (
        ("met by", limit.met_by),
        ("must not come early", limit.guards),
        ("void by", limit.void_by),
        ("excusable", limit.excusable),
    ):
        if names:
            out += _wrapped(f"{label}: {', '.join(names)}", 6)
    if limit.conditional:
        out.append("      conditional: matters only if the case ends through its met-by event")
    if limit.description:
        out += textwrap.wrap(limit.description, _WIDTH, initial_indent="      ",
                             subsequent_indent="      ")  # fmt: skip
    return out


def _describe_version(limit: TimeLimit, version: LimitVersion) -> list[str]:
    when = ""
    if version.effective_from or version.effective_to:
        low = version.effective_from.isoformat() if version.effective_from else "..."
        high = version.effective_to.isoformat() if version.effective_to else "..."
        when = f" (clocks starting {low} to {high})"
    if version.when:
        when += " when " + "; ".join(f"{k} is {' or '.join(v)}" for k, v in version.when.items())
    calendar = f", {limit.calendar} calendar" if limit.calendar != "england" else ""
    if limit.tribunal_act == "starting-proceedings":
        calendar += ", Christmas and August rules for starting proceedings"
    if limit.next_working_day:
        calendar += ", moves to the next working day"
    out = [f"      period: {_period_words(version.due)}{calendar}{when}"]
    if limit.period_from is not None:
        out.append(f"      or the period in the start event's {limit.period_from!r}, when given")
    ref = version.reference
    if ref is not None:
        out.append(f"      reference: {ref}  [evidence: {ref.evidence.value}]")
        if ref.note:
            out += textwrap.wrap(f"note: {ref.note}", _WIDTH, initial_indent="      ",
                                 subsequent_indent="        ")  # fmt: skip
    return out


def _period_words(due: Due) -> str:
    if due.mode is DueMode.PERIOD:
        counting = (
            "beginning with the start"
            if due.counting.value == "beginning_with"
            else ("after the start")
        )
        return f"{due.period} {counting}"
    if due.mode is DueMode.FIXED:
        return f"fixed date {due.fixed}"
    if due.mode is DueMode.FROM_DATA:
        before = f"{due.period} before " if due.period is not None else ""
        return f"{before}the date in the event's {due.field!r}"
    if due.mode is DueMode.BEFORE:
        return f"before {due.day}/{due.month} of the year in {due.field!r}"
    which = "later" if due.mode is DueMode.LATER_OF else "earlier"
    counted = "beginning with" if due.counting.value == "beginning_with" else "after"
    pieces = [f"{p} {counted} {e}" for e, p in due.parts]
    pieces += [f"the date in the event's {field!r}" for field in due.dates_from]
    return f"the {which} of " + "; ".join(pieces)
