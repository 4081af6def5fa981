"""The state machine for code wrapping sendflow: a faithful system passes, faulty ones fail."""

import contextlib
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import Phase, settings
from hypothesis.errors import Flaky

import sendflow
from sendflow.testing import (
    CaseMachine,
    InMemoryCases,
    case_machine,
    load_scenario_file,
    run_scenario,
)
from sendflow.testing.machine import SystemUnderTestError, differences

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
    [(DueADayLate, "the system differs from replay"), (AcceptsEverything, "must be refused")],
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


class Crashes(InMemoryCases):
    """A system whose status code fails on every case."""

    def evaluate(self, case_id, *, as_of):
        raise KeyError(f"no row for {case_id}")


def _failure(system):
    """The failure the machine reports for ``system`` with its default settings."""
    machine = case_machine("ehc-needs-assessment", wrapper_factory=system)
    with pytest.raises(AssertionError) as caught:
        machine.TestCase().runTest()
    return caught.value


def test_a_broken_wrapper_reports_each_field_and_a_ready_scenario(tmp_path):
    """A wrong due date fails with per-field lines and the shrunk history as a scenario."""
    failure = _failure(DueADayLate)
    assert isinstance(failure, SystemUnderTestError)
    message = str(failure)
    assert "the system differs from replay:" in message
    line = next(x for x in message.splitlines() if ".due_on: expected " in x)
    assert line.startswith("  time_limits.")
    _pasted_scenario_passes(message.split("(with what replay gives):\n")[1], tmp_path)


def _pasted_scenario_passes(scenario, folder):
    """The scenario text of a failure, pasted into a file, loads and passes under replay."""
    path = folder / "pasted.scenarios.yaml"
    path.write_text(f"process: ehc-needs-assessment\nscenarios:\n{scenario}\n", encoding="utf-8")
    loaded = load_scenario_file(path)
    assert [run_scenario(s, loaded.process) for s in loaded.scenarios] == [[]]


def test_an_error_in_the_system_is_reported_once_plainly(tmp_path):
    """An exception raised by the system under test is one plain failure, not a group."""
    failure = _failure(Crashes)
    assert isinstance(failure, SystemUnderTestError)
    assert not isinstance(failure, BaseExceptionGroup)
    message = str(failure)
    assert "the system raised KeyError: 'no row for case-1'" in message
    assert message.count("the system raised") == 1
    assert "Traceback" not in message
    assert '- name: "case case-1"' in message


def test_differences_lists_fields_as_the_scenario_runner_does():
    """differences names each field that differs in the scenario runner's form."""
    process = sendflow.load_process("ehc-needs-assessment")
    events = [sendflow.Event("request_received", date(2024, 1, 8))]
    right = sendflow.evaluate(process, events)
    wrong = DueADayLate(process)
    wrong.record("c", events[0])
    found = [str(m) for m in differences(right, wrong.evaluate("c", as_of=date(2024, 1, 8)))]
    assert "time_limits.final-plan.due_on: expected '2024-05-27', got '2024-05-28'" in found
    assert all(".due_on: expected" in m for m in found)
