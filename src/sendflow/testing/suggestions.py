"""A scenario that would kill a surviving mutant, with its dates worked out.

:func:`suggest` generates histories of the definition (the kit's :func:`histories`, dates
biased to the edges where counting goes wrong) until one gives different results under the
mutant, lets hypothesis shrink it, and writes it as a scenario whose expectations are what
the definition gives on the fields where the two differ.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample

from sendflow.definitions.model import Process
from sendflow.engine.events import Event
from sendflow.engine.machine import compile_process
from sendflow.engine.replay import evaluate
from sendflow.engine.results import Evaluation
from sendflow.errors import SendflowError
from sendflow.testing.mutants import Mutant
from sendflow.testing.strategies import histories

__all__ = ["Suggestion", "scenario_yaml", "suggest"]

_FIELDS = ("started_on", "due_on", "met_on", "status", "days_late")
Clock = tuple[str, str | None]


@attrs.frozen
class Suggestion:
    """A scenario on which a mutant and its definition disagree.

    Attributes:
        name: A name for the scenario.
        events: The history, in order.
        expect: What the definition gives where the mutant differs: ``state`` and/or
            ``time_limits`` (by label, as a scenario file writes them).
        mutant_gives: What the mutant gives instead, in the same form (or its error).
    """

    name: str
    events: tuple[Event, ...]
    expect: Mapping[str, Any]
    mutant_gives: Mapping[str, Any]
    as_of: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: a scenario as a scenario file holds it, and the mutant's results."""
        return {
            "name": self.name,
            "events": [e.to_dict() for e in self.events],
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "expect": dict(self.expect),
            "mutant_gives": dict(self.mutant_gives),
        }

    def to_yaml(self, indent: int = 2) -> str:
        """The scenario as YAML, ready to paste under ``scenarios:``."""
        return scenario_yaml(self.name, self.events, self.expect, as_of=self.as_of, indent=indent)


def scenario_yaml(
    name: str,
    events: Sequence[Event],
    expect: Mapping[str, Any],
    *,
    as_of: date | None = None,
    indent: int = 2,
) -> str:
    """A scenario as YAML, ready to paste under ``scenarios:`` of a scenario file.

    Args:
        name: The scenario's name.
        events: The history.
        expect: ``state``, ``final`` and/or ``time_limits`` (by label: a mapping of
            fields, a list of them, or ``absent``).
        as_of: The evaluation date, if not the latest event's.
        indent: Spaces before the ``- name:`` line.
    """
    pad = " " * indent
    lines = [f"{pad}- name: {json.dumps(name)}", f"{pad}  events:"]
    lines.extend(f"{pad}    - {_flow(e.to_dict())}" for e in events)
    if as_of is not None:
        lines.append(f"{pad}  as_of: {as_of.isoformat()}")
    lines.append(f"{pad}  expect:")
    lines.extend(f"{pad}    {f}: {_flow(expect[f])}" for f in ("state", "final") if f in expect)
    limits: Mapping[str, Any] = expect.get("time_limits", {})
    if limits:
        lines.append(f"{pad}    time_limits:")
    for label, wanted in limits.items():
        if isinstance(wanted, list):
            lines.append(f"{pad}      {label}:")
            lines.extend(f"{pad}        - {_flow(item)}" for item in wanted)
        else:
            lines.append(f"{pad}      {label}: {_flow(wanted)}")
    return "\n".join(lines)


def _flow(value: Any) -> str:
    """A value in YAML flow style: plain keys, dates and words; other text quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str) and (
        _is_day(value) or value.replace("-", "").replace("_", "").isalnum()
    ):
        return value if value not in ("true", "false", "null") else json.dumps(value)
    return json.dumps(value)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _observe(
    process: Process, events: Sequence[Event], as_of: date | None = None
) -> Evaluation | str:
    try:
        return evaluate(compile_process(process), list(events), as_of=as_of)
    except SendflowError as exc:
        return f"{type(exc).__name__}: {exc}"


def _clocks(found: Evaluation) -> dict[Clock, list[dict[str, Any]]]:
    clocks: dict[Clock, list[dict[str, Any]]] = {}
    for r in found.time_limits:
        shown = {
            "started_on": r.started_on.isoformat() if r.started_on else None,
            "due_on": r.due_on.isoformat() if r.due_on else None,
            "met_on": r.met_on.isoformat() if r.met_on else None,
            "status": r.status.value,
            "days_late": r.days_late,
        }
        clocks.setdefault((r.rule, r.key), []).append(shown)
    return clocks


def _differs(original: Evaluation | str, mutated: Evaluation | str) -> bool:
    if isinstance(original, str) or isinstance(mutated, str):
        return original != mutated
    return original.state != mutated.state or _clocks(original) != _clocks(mutated)


Seed = tuple[tuple[Event, ...], "date | None"]


def suggest(
    original: Process, mutant: Mutant, *, tries: int = 100, seeds: Sequence[Seed] = ()
) -> Suggestion | None:
    """A short history on which ``mutant`` and ``original`` disagree, as a scenario.

    The ``seeds`` (the suite's own histories, with their as-of dates) are tried first,
    and each shorter beginning of them: a mutant often survives a scenario that runs
    through the right history but does not check the field that differs. Then ``tries``
    generated histories. Returns ``None`` when none tells them apart (the mutant may be
    equivalent: no history can).
    """
    for events, as_of in seeds:
        for end in range(len(events), 0, -1):
            part = events[:end]
            day = as_of if end == len(events) else None
            if _differs(_observe(original, part, day), _observe(mutant.process, part, day)):
                return _scenario(original, mutant, part, day)
    try:
        found = find(
            histories(original, max_events=10),
            lambda h: _differs(_observe(original, h), _observe(mutant.process, h)),
            settings=settings(
                max_examples=tries,
                database=None,
                derandomize=True,
                deadline=None,
                phases=(Phase.generate, Phase.shrink),
                suppress_health_check=list(HealthCheck),
            ),
        )
    except NoSuchExample:
        return None
    return _scenario(original, mutant, tuple(found))


def _label(clock: Clock) -> str:
    return clock[0] if clock[1] is None else f"{clock[0]}[{clock[1]}]"


def _scenario(
    original: Process, mutant: Mutant, events: tuple[Event, ...], as_of: date | None = None
) -> Suggestion:
    name = f"kills {mutant.id}"
    good = _observe(original, events, as_of)
    bad = _observe(mutant.process, events, as_of)
    assert isinstance(good, Evaluation)  # generated from the definition, so it replays
    expect: dict[str, Any] = {"state": good.state}
    if isinstance(bad, str):
        return Suggestion(name, events, expect, {"error": bad}, as_of)
    gives: dict[str, Any] = {}
    if bad.state != good.state:
        gives["state"] = bad.state
    else:
        expect = {}
    before, after = _clocks(good), _clocks(bad)
    limits: dict[str, Any] = {}
    gave: dict[str, Any] = {}
    for clock in sorted({*before, *after}, key=lambda c: (c[0], c[1] or "")):
        ours, theirs = before.get(clock, []), after.get(clock, [])
        if ours == theirs:
            continue
        if not ours:
            limits[_label(clock)], gave[_label(clock)] = "absent", theirs
        elif len(ours) != len(theirs) or len(ours) > 1:
            limits[_label(clock)] = [_brief(c) for c in ours]
            gave[_label(clock)] = [_brief(c) for c in theirs]
        else:
            changed = [f for f in _FIELDS if ours[0][f] != theirs[0][f]]
            limits[_label(clock)] = {f: ours[0][f] for f in changed}
            gave[_label(clock)] = {f: theirs[0][f] for f in changed}
    if limits:
        expect["time_limits"] = limits
        gives["time_limits"] = gave
    return Suggestion(name, events, expect, gives, as_of)


def _brief(clock: Mapping[str, Any]) -> dict[str, Any]:
    return {f: clock[f] for f in ("started_on", "due_on", "status")}
