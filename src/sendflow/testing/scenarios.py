"""Scenario files: named histories with the state and time-limit results they must give.

A scenario file (``*.scenarios.yaml``) names a process and lists scenarios, each with
events, an optional as-of date and what to expect::

    process: ehc-needs-assessment
    scenarios:
      - name: a plan issued in week 19 is met
        events:
          - {event: request_received, on: 2024-01-08}
        as_of: 2024-02-01
        expect:
          state: awaiting_decision_to_assess
          time_limits:
            final-plan: {due_on: 2024-05-27, status: pending}

:func:`load_scenario_file` reads and checks a file, reporting every problem with its
line; :func:`sendflow.testing.scenario_checks.run_scenario` replays one scenario and
lists each field that differs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import attrs

from sendflow.definitions.model import Process
from sendflow.definitions.reader import Reader, did_you_mean
from sendflow.definitions.registry import load_process
from sendflow.definitions.source import Path as YamlPath
from sendflow.definitions.source import read_yaml
from sendflow.engine.results import Status
from sendflow.errors import InvalidInputError, Problem, SendflowError
from sendflow.files import DEFINITION_FILE, FileAccessError, FileContentError, read_text

__all__ = [
    "SUFFIX",
    "ErrorExpectation",
    "LimitExpectation",
    "Scenario",
    "ScenarioFile",
    "ScenarioFileError",
    "load_scenario_file",
]

SUFFIX = ".scenarios.yaml"
"""The file name ending the pytest plugin collects."""

_TOP = ("process", "scenarios")
_SCENARIO = ("name", "description", "events", "as_of", "expect")
_EXPECT = ("state", "final", "time_limits", "error")
_ERROR = ("type", "event", "contains")
_DATES = ("due_on", "met_on", "started_on")
_TEXTS = ("key", "kind", "duty", "reference")
_FIELDS = (*_DATES, *_TEXTS, "status", "days_late", "exceptions", "explanation_contains")
_ABSENT = "absent"


class ScenarioFileError(InvalidInputError):
    """A scenario file cannot be used; every problem found is listed with its line."""

    code: ClassVar[str] = "scenario_file_invalid"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        lines = [f"{heading} in the scenario file:", *(f"  - {p}" for p in self.problems)]
        super().__init__("\n".join(lines))


@attrs.frozen
class ErrorExpectation:
    """The error a scenario's history must raise.

    Attributes:
        type: The class name of the error (or of a class it derives from), if checked.
        event: The 1-based position, as given, of the event that must be named.
        contains: Text the message must contain.
    """

    type: str | None = None
    event: int | None = None
    contains: tuple[str, ...] = ()


@attrs.frozen
class LimitExpectation:
    """What one ``time_limits`` entry expects of the clocks of a rule (and key).

    Attributes:
        label: The entry as written (``advice[health]``).
        rule: The rule id.
        key: The ``per`` key, or ``None`` for any key.
        absent: Whether the rule must have no clock at all.
        clocks: For a list, the fields of every clock in start order; otherwise one
            mapping checked against the latest clock.
        every: Whether ``clocks`` lists every clock (a list was written).
    """

    label: str
    rule: str
    key: str | None
    absent: bool = False
    clocks: tuple[Mapping[str, Any], ...] = ()
    every: bool = False


@attrs.frozen
class Scenario:
    """One named history with what it must give."""

    name: str
    events: tuple[Any, ...]
    line: int
    as_of: date | None = None
    description: str | None = None
    state: str | None = None
    final: bool | None = None
    time_limits: tuple[LimitExpectation, ...] = ()
    error: ErrorExpectation | None = None


@attrs.frozen
class ScenarioFile:
    """A loaded scenario file: its process and its scenarios."""

    file: str
    process: Process
    scenarios: tuple[Scenario, ...]


def load_scenario_file(
    path: str | os.PathLike[str],
    *,
    file: str | None = None,
    process_dirs: Iterable[str | os.PathLike[str]] | None = None,
) -> ScenarioFile:
    """Read and check a scenario file.

    Args:
        path: The file to read.
        file: The name to use in messages (default ``path``).
        process_dirs: Folders of the tester's own processes, where the file's ``process``
            id is looked up when it is not packaged (default: those chosen with
            ``--process-dir`` or named by ``SENDFLOW_PROCESSES``).

    Raises:
        ScenarioFileError: The file cannot be read, or has problems (all are listed).
    """
    name = file or os.fspath(path)
    try:
        text = read_text(path, DEFINITION_FILE)
    except FileAccessError as exc:
        raise ScenarioFileError(
            [Problem(f"cannot read the file: {exc.reason}", file=name)]
        ) from exc
    except FileContentError as exc:
        raise ScenarioFileError([attrs.evolve(exc.problem, file=name)]) from None
    source, problems = read_yaml(text, name)
    if source.data is None:
        raise ScenarioFileError(problems)
    reader = Reader(source)
    reader.problems.extend(problems)
    top = reader.mapping((), source.data, allowed=_TOP, required=_TOP, what="a scenario file")
    process = _process(reader, top.get("process"), Path(path).parent, process_dirs)
    scenarios: list[Scenario] = []
    items = top.get("scenarios")
    if "scenarios" in top and not (isinstance(items, list) and items):
        reader.report(("scenarios",), "'scenarios' must be a non-empty list of scenarios.")
    seen: dict[str, int] = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        scenario = _scenario(reader, ("scenarios", index), item, process)
        if scenario is None:
            continue
        if scenario.name in seen:
            reader.report(
                ("scenarios", index, "name"),
                f"the scenario name {scenario.name!r} is already used on line "
                f"{seen[scenario.name]}; each scenario needs its own name.",
            )
        seen[scenario.name] = scenario.line
        scenarios.append(scenario)
    if reader.problems or process is None:
        raise ScenarioFileError(reader.problems)
    return ScenarioFile(name, process, tuple(scenarios))


def _process(
    reader: Reader,
    value: Any,
    folder: Path,
    process_dirs: Iterable[str | os.PathLike[str]] | None,
) -> Process | None:
    name = reader.text(("process",), value, what="process")
    if name is None:
        return None
    target = folder / name if name.endswith((".yaml", ".yml")) else name
    try:
        return load_process(target, process_dirs=process_dirs)
    except SendflowError as exc:
        reader.report(("process",), f"cannot load the process {name!r}: {exc}")
        return None


def _scenario(
    reader: Reader, path: YamlPath, value: Any, process: Process | None
) -> Scenario | None:
    fields = reader.mapping(
        path, value, allowed=_SCENARIO, required=("name", "events", "expect"), what="a scenario"
    )
    name = reader.text((*path, "name"), fields.get("name"), what="the scenario name")
    events = fields.get("events")
    if "events" in fields and not (isinstance(events, list) and events):
        reader.report((*path, "events"), "'events' must be a non-empty list of events.")
    expect = reader.mapping((*path, "expect"), fields.get("expect"), allowed=_EXPECT, what="expect")
    if "expect" in fields and not expect:
        reader.report(
            (*path, "expect"), "expect must say what to check (state, final, time_limits or error)."
        )
    if name is None:
        return None
    error = _error(reader, (*path, "expect", "error"), expect)
    state = reader.text((*path, "expect", "state"), expect.get("state"), what="state")
    if state is not None and process is not None and state not in process.states:
        reader.report(
            (*path, "expect", "state"),
            f"{process.id!r} has no state {state!r}.{did_you_mean(state, process.states)} "
            f"Its states are: {', '.join(process.states)}.",
        )
    final = expect.get("final")
    if final is not None:
        final = reader.flag((*path, "expect", "final"), final, what="final")
    return Scenario(
        name=name,
        events=tuple(events) if isinstance(events, list) else (),
        line=reader.source.line(path) or 0,
        as_of=reader.day((*path, "as_of"), fields.get("as_of"), what="as_of"),
        description=reader.text(
            (*path, "description"), fields.get("description"), what="description"
        ),
        state=state,
        final=final,
        time_limits=_limits(
            reader, (*path, "expect", "time_limits"), expect.get("time_limits"), process
        ),
        error=error,
    )


def _error(reader: Reader, path: YamlPath, expect: Mapping[str, Any]) -> ErrorExpectation | None:
    if "error" not in expect:
        return None
    others = [k for k in ("state", "final", "time_limits") if k in expect]
    if others:
        reader.report(
            path,
            f"expect has 'error' and {', '.join(others)}: a history that raises an error "
            "has no results. Keep one.",
        )
    fields = reader.mapping(path, expect["error"], allowed=_ERROR, what="error")
    contains = fields.get("contains")
    texts = contains if isinstance(contains, list) else [] if contains is None else [contains]
    if not all(isinstance(t, str) for t in texts):
        reader.report((*path, "contains"), "contains must be text or a list of texts.")
    event = fields.get("event")
    if event is not None and (isinstance(event, bool) or not isinstance(event, int) or event < 1):
        reader.report(
            (*path, "event"), f"event must be the 1-based position of an event, not {event!r}."
        )
        event = None
    return ErrorExpectation(
        type=reader.text((*path, "type"), fields.get("type"), what="type"),
        event=event,
        contains=tuple(str(t) for t in texts),
    )


def _split_label(label: str) -> tuple[str, str | None]:
    if label.endswith("]") and "[" in label:
        rule, _, key = label[:-1].partition("[")
        return rule, key
    return label, None


def _limits(
    reader: Reader, path: YamlPath, value: Any, process: Process | None
) -> tuple[LimitExpectation, ...]:
    found: list[LimitExpectation] = []
    for label, entry in reader.table(path, value, what="time_limits").items():
        where = (*path, label)
        rule, key = _split_label(label)
        if process is not None and rule not in process.time_limits:
            reader.report(
                where,
                f"{process.id!r} has no rule {rule!r}.{did_you_mean(rule, process.time_limits)} "
                f"Its rules are: {', '.join(process.time_limits)}.",
            )
            continue
        if entry == _ABSENT:
            found.append(LimitExpectation(label, rule, key, absent=True))
        elif isinstance(entry, list):
            clocks = tuple(_clock(reader, (*where, i), item) for i, item in enumerate(entry))
            found.append(LimitExpectation(label, rule, key, clocks=clocks, every=True))
        elif isinstance(entry, Mapping):
            found.append(LimitExpectation(label, rule, key, clocks=(_clock(reader, where, entry),)))
        else:
            reader.report(
                where, f"expected a mapping of fields, a list of them, or 'absent'; not {entry!r}."
            )
    return tuple(found)


def _clock(reader: Reader, path: YamlPath, value: Any) -> dict[str, Any]:
    fields = reader.mapping(path, value, allowed=_FIELDS, what="a time-limit expectation")
    for name in _DATES:
        if fields.get(name) is not None:
            fields[name] = reader.day((*path, name), fields[name], what=name)
    status = fields.get("status")
    if status is not None and status not in {s.value for s in Status}:
        reader.report(
            (*path, "status"),
            f"unknown status {status!r}. Statuses are: {', '.join(s.value for s in Status)}."
            f"{did_you_mean(str(status), [s.value for s in Status])}",
        )
    days = fields.get("days_late")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
        reader.report((*path, "days_late"), f"days_late must be a whole number, not {days!r}.")
    said = fields.get("explanation_contains")
    if said is not None and not (
        isinstance(said, str) or (isinstance(said, list) and all(isinstance(t, str) for t in said))
    ):
        reader.report(
            (*path, "explanation_contains"), "explanation_contains must be text or a list of texts."
        )
    if "exceptions" in fields and not isinstance(fields["exceptions"], list):
        reader.report((*path, "exceptions"), "exceptions must be a list of reasons.")
    return fields
