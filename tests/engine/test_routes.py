"""Routes: an event whose data chooses the state it leads to."""

from __future__ import annotations

from datetime import date

import pytest

import sendflow
from sendflow.definitions.loading import parse_definition
from sendflow.definitions.model import Process
from sendflow.engine.machine import compile_process
from sendflow.errors import DefinitionError

PROCESS = """
id: decisions
title: Decisions
version: "1"
start: opened
lists:
  outcomes: [granted, refused, deferred]
states:
  waiting: {title: Waiting}
  granted: {title: Granted}
  refused: {title: Refused, final: true}
  closed: {title: Closed, final: true}
events:
  opened: {to: waiting}
  decided:
    from: [waiting]
    to: granted
    routes:
      - {when: {outcome: refused}, to: refused}
      - {when: {outcome: [deferred]}, to: waiting}
    data:
      outcome: {required: true, one_of: outcomes}
  closed: {from: "*", to: closed}
"""


@pytest.fixture(scope="module")
def process() -> Process:
    """The small process with a routed event."""
    return parse_definition(PROCESS, file="decisions.yaml")


def state_after(process: Process, outcome: str) -> str:
    """The state a case is in after a decision with ``outcome``."""
    events = [
        {"event": "opened", "on": "2024-01-08"},
        {"event": "decided", "on": "2024-01-10", "data": {"outcome": outcome}},
    ]
    return sendflow.evaluate(process, events).state


def test_matching_route_chooses_its_state(process: Process) -> None:
    """An event whose data matches a route goes to the route's state."""
    assert state_after(process, "refused") == "refused"


def test_route_with_a_list_of_values(process: Process) -> None:
    """A route may list several values; any one of them selects it."""
    assert state_after(process, "deferred") == "waiting"


def test_no_matching_route_uses_the_usual_target(process: Process) -> None:
    """Data no route names leads to the event's usual 'to'."""
    assert state_after(process, "granted") == "granted"


def test_routed_final_state_closes_the_case(process: Process) -> None:
    """A route into a final state closes the case: nothing more is allowed."""
    result = sendflow.evaluate(
        process,
        [
            {"event": "opened", "on": "2024-01-08"},
            {"event": "decided", "on": "2024-01-10", "data": {"outcome": "refused"}},
        ],
        as_of=date(2024, 2, 1),
    )
    assert result.final is True
    assert result.allowed_events == ()


def test_machine_follows_routes_too(process: Process) -> None:
    """Firing on the transitions machine with the event's data takes the same route."""
    compiled = compile_process(process)
    assert compiled.fire("waiting", "decided", {"outcome": "refused"}) == "refused"
    assert compiled.fire("waiting", "decided", {"outcome": "granted"}) == "granted"
    assert compiled.table["waiting"]["decided"] == "granted"


def test_route_targets_count_for_reachability(process: Process) -> None:
    """A state reached only through a route is reachable (the loader accepted it)."""
    assert process.events["decided"].targets == ("granted", "refused", "waiting")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{when: {outcome: refused}, to: refused}",
            "{when: {result: refused}, to: refused}",
            "the route chooses by 'result', but 'decided' declares only: outcome",
        ),
        (
            "{when: {outcome: refused}, to: refused}",
            "{when: {outcome: refuse}, to: refused}",
            "'refuse' is not a value 'outcome' can take. Allowed: granted, refused, deferred."
            " Did you mean 'refused'?",
        ),
        (
            "{when: {outcome: refused}, to: refused}",
            "{when: {outcome: refused}, to: refusd}",
            "refusd",
        ),
        ("{when: {outcome: refused}, to: refused}", "{to: refused}", "when"),
        ("    to: granted\n    routes:", "    routes:", "has routes but no 'to'"),
    ],
)
def test_bad_routes_are_definition_errors(old: str, new: str, message: str) -> None:
    """A route on an unknown field, value or state, or without a default, is reported."""
    assert old in PROCESS
    with pytest.raises(DefinitionError) as raised:
        parse_definition(PROCESS.replace(old, new), file="decisions.yaml")
    assert message in str(raised.value)
    assert "decisions.yaml" in str(raised.value)
