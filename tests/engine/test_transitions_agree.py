"""The transition table the replay uses agrees with the ``transitions`` machine it came from.

For generated event sequences over every packaged process, firing each event on the
machine (``CompiledProcess.fire``) and looking it up in ``CompiledProcess.table`` (with the
data routes the replay applies) give the same next state, or both refuse it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sendflow
from sendflow.engine.machine import INITIAL, CompiledProcess, compile_process
from sendflow.errors import EventError

NOT_AN_EVENT = "no_such_event"
STEPS = 25


def table_step(
    compiled: CompiledProcess, state: str, event: str, data: Mapping[str, Any]
) -> str | None:
    """The next state by the table, as the replay computes it; ``None`` when refused."""
    target = compiled.table.get(state, {}).get(event)
    if target is None:
        return None
    routed = compiled.routes.get(event)
    if routed is not None:
        return routed.target_for(data) or target
    return target


def machine_step(
    compiled: CompiledProcess, state: str, event: str, data: Mapping[str, Any]
) -> str | EventError:
    """The next state by the machine, or the error it refuses the event with."""
    try:
        return compiled.fire(state, event, data)
    except EventError as error:
        return error


def route_values(compiled: CompiledProcess, event: str) -> dict[str, list[str]]:
    """The data values that select (or miss) each route of ``event``."""
    values: dict[str, list[str]] = {}
    routed = compiled.routes.get(event)
    for route in routed.routes if routed is not None else ():
        for field, chosen in route.when.items():
            values.setdefault(field, ["something-else"]).extend(chosen)
    return values


@pytest.mark.parametrize("process_id", sendflow.packaged_processes())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_table_and_machine_agree_on_every_step(process_id, data):
    """Every step of a generated history gets the same answer from the table and the machine."""
    compiled = compile_process(sendflow.load_process(process_id))
    every_event = [*compiled.process.events, NOT_AN_EVENT]
    state = INITIAL
    for _ in range(STEPS):
        allowed = compiled.allowed(state) or tuple(compiled.process.start)
        # Mostly events allowed now (so histories go deep), sometimes any event at all.
        event = data.draw(st.sampled_from(allowed) | st.sampled_from(every_event))
        fields = route_values(compiled, event)
        event_data = {field: data.draw(st.sampled_from(v)) for field, v in fields.items()}
        by_table = table_step(compiled, state, event, event_data)
        by_machine = machine_step(compiled, state, event, event_data)
        if isinstance(by_machine, EventError):
            assert by_table is None, (state, event, event_data, by_table)
            assert (by_machine.state, by_machine.event) == (state, event)
            assert by_machine.allowed == compiled.allowed(state)
            continue
        assert by_table == by_machine, (state, event, event_data)
        state = by_machine
        if compiled.final[state]:
            # A closed case allows only the events that reopen it.
            assert all(compiled.process.events[e].reopens for e in compiled.allowed(state))
            if not compiled.allowed(state):
                break


@pytest.mark.parametrize("process_id", sendflow.packaged_processes())
def test_table_covers_every_transition_of_the_definition(process_id):
    """Each event's declared sources appear in the table, leading to its declared target."""
    compiled = compile_process(sendflow.load_process(process_id))
    process = compiled.process
    for event in process.events.values():
        sources = [INITIAL] if event.id in process.start else list(event.sources)
        for source in sources:
            assert compiled.table[source][event.id] == (event.target or source)
