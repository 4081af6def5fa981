"""Every kit function takes a process, its compiled form, a process id or a file path."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendflow.definitions.catalogue import use_process_dirs
from sendflow.definitions.registry import load_process
from sendflow.engine.events import Event
from sendflow.engine.machine import compile_process
from sendflow.errors import UnknownProcessError
from sendflow.testing import (
    DEFINITION_PROPERTIES,
    HISTORY_PROPERTIES,
    as_compiled,
    as_process,
    case_machine,
    dates,
    edge_dates,
    histories,
    invalid_events,
    load_scenario_file,
    next_events,
    run_scenario,
)

EHC = "ehc-needs-assessment"
ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ROOT / "examples" / "overlays"
OWN = "northshire-ehc-needs-assessment"
OWN_SCENARIO = f"""\
process: {OWN}
scenarios:
  - name: the panel sits between the request and the decision
    events:
      - {{event: request_received, on: 2024-01-08}}
      - {{event: panel_referred, on: 2024-01-10}}
    expect:
      state: panel_review
"""


@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_strategies_take_a_process_id(data):
    """histories, next_events, invalid_events and dates draw from a process named by id."""
    history = data.draw(histories(EHC, max_events=4))
    assert history[0].name in load_process(EHC).start
    data.draw(next_events(EHC, history))
    assert data.draw(invalid_events(EHC, max_events=3)).offending is not None
    assert date(1990, 1, 1) <= data.draw(dates(EHC)) <= date(2100, 12, 31)


def test_edge_dates_take_an_id_and_give_the_process_dates():
    """edge_dates by id adds the process's own dates, as with the loaded process."""
    assert edge_dates(EHC) == edge_dates(load_process(EHC))
    assert len(edge_dates(EHC)) > len(edge_dates())


@pytest.mark.parametrize("given_as", ["id", "path", "process", "compiled"])
def test_as_compiled_accepts_every_form(given_as):
    """as_compiled and as_process accept an id, a path, a process or its compiled form."""
    process = load_process(EHC)
    forms = {
        "id": EHC,
        "path": process.file,
        "process": process,
        "compiled": compile_process(process),
    }
    assert as_compiled(forms[given_as]).process.id == EHC
    assert as_process(forms[given_as]).id == EHC


def test_every_property_takes_an_id():
    """Each definition and history property runs on a process named by id."""
    events = [
        Event("request_received", date(2024, 1, 8)),
        Event("decided_to_assess", date(2024, 2, 12)),
    ]
    for prop in DEFINITION_PROPERTIES:
        prop(EHC)
    for history_prop in HISTORY_PROPERTIES:
        history_prop(EHC, events)


def test_run_scenario_and_case_machine_take_an_id():
    """run_scenario and case_machine accept an id in place of the loaded process."""
    loaded = load_scenario_file(
        ROOT / "tests" / "testing" / "examples" / "ehc-basic.scenarios.yaml"
    )
    assert all(run_scenario(s, EHC) == [] for s in loaded.scenarios)
    assert case_machine(EHC).process is load_process(EHC)


def test_an_unknown_id_is_a_plain_error():
    """An id that names no process is an UnknownProcessError, not a weakref TypeError."""
    with pytest.raises(UnknownProcessError, match="no-such-process"):
        as_compiled("no-such-process")


def test_a_scenario_file_finds_the_testers_own_process(tmp_path):
    """A scenario file naming a process of the tester's folder loads it with process_dirs."""
    path = tmp_path / "own.scenarios.yaml"
    path.write_text(OWN_SCENARIO, encoding="utf-8")
    loaded = load_scenario_file(path, process_dirs=[OVERLAYS])
    assert loaded.process.id == OWN
    assert run_scenario(loaded.scenarios[0], loaded.process) == []


def test_a_scenario_file_uses_the_chosen_process_folders(tmp_path):
    """Without process_dirs, the folders chosen (as --process-dir does) are used."""
    path = tmp_path / "own.scenarios.yaml"
    path.write_text(OWN_SCENARIO, encoding="utf-8")
    use_process_dirs([OVERLAYS])
    try:
        assert load_scenario_file(path).process.id == OWN
    finally:
        use_process_dirs(None)


def test_the_plugin_reads_the_process_folders_ini_option(pytester):
    """The pytest plugin looks a tester's own process up in sendflow_process_dirs."""
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "own.scenarios.yaml").write_text(OWN_SCENARIO, encoding="utf-8")
    pytester.makeini(f"[pytest]\nsendflow_process_dirs = {OVERLAYS}\n")
    pytester.runpytest("-p", "no:cacheprovider", "tests").assert_outcomes(passed=1)
