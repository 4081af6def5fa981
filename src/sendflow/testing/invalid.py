"""Hypothesis strategies for histories replay must reject.

``invalid_events(process)`` gives a valid history followed by one event replay must
reject, with a word for what is wrong with it: an event not allowed in the case's state
(or after it closed), an unknown event name, required data missing, a value outside
``one_of``, an impossible date in the data, an event dated before the case began, or an
exception no running clock accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import attrs
from hypothesis import strategies as st

from sendflow.definitions.model import DataField, EventSpec, FieldType, Process
from sendflow.engine.events import Event
from sendflow.engine.machine import CompiledProcess
from sendflow.engine.results import Evaluation
from sendflow.testing.processes import ProcessLike
from sendflow.testing.strategies import MIN_DATE, _accepts, _replay, _value, _walk, histories

__all__ = ["InvalidHistory", "invalid_events", "invalid_next_events"]

_ONE_DAY = timedelta(days=1)
_FAULTS = (
    "not allowed now",
    "unknown event",
    "missing data",
    "value not allowed",
    "bad date in data",
    "dated before the case began",
    "exception no clock accepts",
)


@attrs.frozen
class InvalidHistory:
    """A valid history followed by one event that replay must reject.

    Attributes:
        events: The whole history, in recording order; the offending event is last.
        fault: What is wrong with the last event (one of the fault names).
    """

    events: tuple[Event, ...]
    fault: str

    @property
    def offending(self) -> Event:
        """The event that must be rejected."""
        return self.events[-1]


def invalid_events(
    process: ProcessLike, *, max_events: int = 10
) -> st.SearchStrategy[InvalidHistory]:
    """Histories whose last event replay must reject with an :class:`EventError`.

    Faults: an event not allowed in the case's state (or after it closed), an unknown
    event name, required data missing, a value outside ``one_of``, an impossible date in
    the data, an event dated before the case began, and an exception no running clock
    accepts.
    """
    compiled = _walk(process, exceptions=True).compiled
    valid = histories(compiled, max_events=max_events)
    return valid.flatmap(lambda events: invalid_next_events(compiled, events))


def invalid_next_events(
    process: ProcessLike, history: Sequence[Event]
) -> st.SearchStrategy[InvalidHistory]:
    """``history`` (valid and non-empty) followed by one event replay must reject.

    Used by stateful tests to offer a case an event it must refuse.
    """
    compiled = _walk(process, exceptions=True).compiled
    events = list(history)
    options = _fault_options(compiled, events, _replay(compiled, events))
    return st.sampled_from(sorted(options, key=_FAULTS.index)).flatmap(
        lambda fault: options[fault].map(lambda bad: InvalidHistory((*events, bad), fault))
    )


def _fault_options(
    compiled: CompiledProcess, events: list[Event], current: Evaluation
) -> dict[str, st.SearchStrategy[Event]]:
    """The faults possible after ``events``, each with a strategy for the offending event."""
    process = compiled.process
    last = events[-1].on
    first = events[0].on
    allowed = compiled.allowed(current.state)
    later = st.integers(0, 30).map(lambda n: last + timedelta(days=n))
    options: dict[str, st.SearchStrategy[Event]] = {}
    refused = [n for n in process.events if n not in allowed]
    if refused:
        options["not allowed now"] = st.builds(Event, st.sampled_from(refused), later)
    names = [n for n in process.events if not process.events[n].exception]
    options["unknown event"] = st.builds(Event, st.sampled_from(names).map(_misspelt), later)
    if first > MIN_DATE:
        options["dated before the case began"] = st.builds(
            Event, st.sampled_from(list(process.events)), st.just(first - _ONE_DAY)
        )
    specs = [process.events[n] for n in allowed if not process.events[n].exception]
    choices = {
        "missing data": [(s, f) for s in specs for f in s.data.values() if f.required],
        "value not allowed": [(s, f) for s in specs for f in s.data.values() if f.one_of],
        "bad date in data": [
            (s, f) for s in specs for f in s.data.values() if f.type is FieldType.DATE
        ],
    }
    for fault, pairs in choices.items():
        if pairs:
            options[fault] = _bad_data(fault, pairs, last, events, process)
    exception_events = [n for n in allowed if process.events[n].exception]
    if exception_events:
        name = exception_events[0]
        refused_reasons = [
            r
            for r in sorted(process.exception_reasons)
            if not _accepts(compiled, events, Event(name, last, data={"reason": r}))
        ]
        if refused_reasons:
            options["exception no clock accepts"] = st.sampled_from(refused_reasons).map(
                lambda reason: Event(name, last, data={"reason": reason})
            )
    return options


def _misspelt(name: str) -> str:
    return f"{name}_typo"


@st.composite
def _bad_data(
    draw: st.DrawFn,
    fault: str,
    pairs: list[tuple[EventSpec, DataField]],
    on: date,
    events: list[Event],
    process: Process,
) -> Event:
    spec, field = draw(st.sampled_from(pairs))
    data = {
        f.name: draw(_value(f, on, events, year=False))
        for f in spec.data.values()
        if f.required and f.name != field.name
    }
    if fault == "value not allowed":
        data[field.name] = "not-one-of-them"
    elif fault == "bad date in data":
        data[field.name] = "2023-02-30"
    return Event(spec.id, on, data=data)
