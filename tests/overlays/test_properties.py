"""Overlays that only add steps and tighten targets never change a statutory verdict."""

from __future__ import annotations

import itertools
import tempfile
from datetime import date, timedelta
from pathlib import Path

import attrs
from hypothesis import given
from hypothesis import strategies as st

import sendflow
from sendflow.definitions.catalogue import load_file
from sendflow.definitions.model import Kind, Process
from sendflow.engine.events import Event
from sendflow.testing.strategies import histories
from tests.overlays.helpers import load_reading_every_rule

BASE = sendflow.load_process("ehc-needs-assessment")
OPEN = [s.id for s in BASE.states.values() if not s.final]
_names = itertools.count()


@st.composite
def _targets(draw: st.DrawFn) -> list[str]:
    lines: list[str] = []
    for rule in BASE.time_limits.values():
        periods = {v.due.period for v in rule.versions}
        period = periods.pop() if len(periods) == 1 else None
        if period is None or not draw(st.booleans(), label=f"target {rule.id}"):
            continue
        days = period.amount * (7 if period.unit.value == "weeks" else 1)
        if rule.kind is Kind.MINIMUM:
            written = f"{draw(st.integers(days, days + 20))} days"
        elif draw(st.booleans()) and period.unit.value == "weeks":
            written = f"{draw(st.integers(1, period.amount))} weeks"
        else:
            written = f"{draw(st.integers(1, days))} days"
        lines += [
            f"  {rule.id}-local:",
            f"    title: Local target for {rule.id}",
            f"    target_of: {rule.id}",
            f"    period: {written}",
        ]
    return ["targets:", *lines] if lines else []


@st.composite
def overlays(draw: st.DrawFn) -> str:
    """Overlay text that adds local steps (and perhaps a panel) and tightens some targets."""
    events = ["events:"]
    steps = draw(st.integers(0, 3), label="local steps")
    for index in range(steps):
        sources = draw(st.lists(st.sampled_from(OPEN), min_size=1, unique=True))
        events += [f"  local_step_{index}:", f"    from: [{', '.join(sources)}]"]
    states: list[str] = []
    if draw(st.booleans(), label="panel"):
        states = ["states:", "  panel_review: {title: Panel considering the request}"]
        events += [
            "  panel_referred: {from: [awaiting_decision_to_assess], to: panel_review}",
            "  panel_returned: {from: [panel_review], to: awaiting_decision_to_assess}",
            "  decided_to_assess: {from: [awaiting_decision_to_assess, panel_review]}",
            "  refused_to_assess: {from: [awaiting_decision_to_assess, panel_review]}",
        ]
    notes: list[str] = []
    if steps and draw(st.booleans(), label="notification"):
        notes = [
            "notifications:",
            "  local-update:",
            "    title: Tell the family how it is going",
            "    starts: request_received",
            f"    period: {draw(st.integers(1, 10))} weeks",
            "    met_by: [local_step_0]",
        ]
    head = ["extends: ehc-needs-assessment", "id: generated", "title: Generated", "version: '1'"]
    body = [*head, *states, *(events if len(events) > 1 else []), *draw(_targets()), *notes]
    return "\n".join(body) + "\n"


def _load(text: str) -> Process:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"overlay-{next(_names)}.yaml"
        path.write_text(text, encoding="utf-8")
        return load_file(path)


def _statutory(event: Event) -> Event | None:
    """The event as the packaged process sees it: an exception keeps only statutory rules."""
    rules = event.data.get("rules")
    if event.name != "exception_recorded" or rules is None:
        return event
    kept = [r for r in rules if r in BASE.time_limits]
    return attrs.evolve(event, data={**event.data, "rules": kept}) if kept else None


@given(overlays(), st.data())
def test_statutory_verdicts_are_unchanged(text: str, data: st.DataObject) -> None:
    """Every statutory verdict and due date of a history is the same with and without it."""
    overlay = _load(text)
    history = data.draw(histories(overlay, max_events=14), label="history")
    last = history[-1].on
    as_of = min(last + timedelta(days=data.draw(st.integers(0, 800))), date(2199, 12, 31))
    ours = sendflow.evaluate(overlay, history, as_of=as_of)
    statutory = [s for e in history if e.name in BASE.events and (s := _statutory(e)) is not None]
    theirs = sendflow.evaluate(BASE, statutory, as_of=as_of)
    assert ours.statutory == theirs.time_limits
    assert [r.due_on for r in ours.statutory] == [r.due_on for r in theirs.time_limits]
    for local in ours.local:
        assert local.local


def _read_again(text: str) -> Process:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"overlay-{next(_names)}.yaml"
        path.write_text(text, encoding="utf-8")
        return load_reading_every_rule(path)


@given(overlays(), st.data())
def test_rules_taken_from_the_base_give_the_same_results(text: str, data: st.DataObject) -> None:
    """Local and statutory results are the same whether the base's rules are reused or read."""
    overlay, again = _load(text), _read_again(text)
    assert overlay.time_limits == again.time_limits
    history = data.draw(histories(overlay, max_events=14), label="history")
    last = history[-1].on
    as_of = min(last + timedelta(days=data.draw(st.integers(0, 800))), date(2199, 12, 31))
    ours = sendflow.evaluate(overlay, history, as_of=as_of)
    theirs = sendflow.evaluate(again, history, as_of=as_of)
    assert ours.time_limits == theirs.time_limits
    assert [r.explanation for r in ours.local] == [r.explanation for r in theirs.local]
