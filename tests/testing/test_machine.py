"""The state machine for code wrapping sendflow: a faithful system passes, faulty ones fail."""

import contextlib
from datetime import timedelta

import attrs
import pytest
from hypothesis import Phase, settings
from hypothesis.errors import Flaky

import sendflow
from sendflow.testing import CaseMachine, InMemoryCases, case_machine

QUICK = settings(max_examples=15, stateful_step_count=15, deadline=None, database=None)


def _run(machine: type[CaseMachine], chosen: settings = QUICK) -> None:
    machine.TestCase.settings = chosen
    machine.TestCase().runTest()


@pytest.mark.parametrize("process_id", sendflow.packaged_processes())
def test_sendflow_cases_agree_with_replay(process_id):
    """sendflow's own Case, driven through the machine, agrees with replay for every process."""
    _run(case_machine(process_id))


class DueADayLate(InMemoryCases):
    """A system whose deadline code counts one day too many."""

    def evaluate(self, case_id, *, as_of):
        found = super().evaluate(case_id, as_of=as_of)
        moved = tuple(
            r._replace(due_on=r.due_on + timedelta(days=1)) if r.due_on else r
            for r in found.time_limits
        )
        return attrs.evolve(found, time_limits=moved)


class AcceptsEverything(InMemoryCases):
    """A system that stores whatever it is given, valid or not."""

    def record(self, case_id, event):
        with contextlib.suppress(sendflow.SendflowError):
            super().record(case_id, event)


@pytest.mark.parametrize(
    ("system", "message"),
    [(DueADayLate, "replaying its history gives"), (AcceptsEverything, "must be refused")],
)
def test_a_faulty_system_is_caught(system, message):
    """A system with wrong due dates, or one that accepts invalid events, fails the machine."""
    machine = case_machine("ehc-needs-assessment", wrapper_factory=system)
    with pytest.raises((AssertionError, Flaky), match=message):
        _run(machine, settings(QUICK, phases=[Phase.generate]))  # no need to shrink here


def test_the_machine_can_be_subclassed_with_hooks():
    """A subclass may build its own system and compare fewer fields."""
    compared = []

    class StateOnly(case_machine("ehc-needs-assessment", wrapper_factory=DueADayLate)):
        def compare(self, case_id, expected, actual):
            compared.append(case_id)
            assert expected.state == actual.state

    _run(StateOnly)
    assert compared
