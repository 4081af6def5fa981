"""sendflow's public testing kit: generated histories, ready-made properties, scenario files.

- :func:`histories` and :func:`invalid_events` generate case histories of any process
  definition with hypothesis; :func:`dates` gives dates biased to the edges.
- :func:`check_process` checks every property a definition must keep; each property is
  also a function of its own, for your own tests.
- :func:`case_machine` builds a hypothesis state machine that drives code wrapping
  sendflow and compares it with replay after every step.
- :func:`mutants` makes plausible wrong rules of a definition and
  :func:`sendflow.testing.mutation.mutate` scores scenario files by how many they catch.
- :func:`load_scenario_file` and :func:`run_scenario` read and run ``*.scenarios.yaml``
  files; the pytest plugin (installed with sendflow) collects them.

Importing this module needs hypothesis (``pip install sendflow[test]``).
"""

from sendflow.testing.invalid import InvalidHistory, invalid_events, invalid_next_events
from sendflow.testing.machine import CaseMachine, CaseSystem, InMemoryCases, case_machine
from sendflow.testing.mutants import OPERATORS, Mutant, mutants
from sendflow.testing.processes import ProcessLike, as_compiled, as_process
from sendflow.testing.properties import (
    HISTORY_PROPERTIES,
    due_dates_never_precede_their_start,
    every_clock_gets_one_verdict,
    exceptions_never_move_due_dates,
    exceptions_never_worsen_verdicts,
    meeting_later_never_improves_the_verdict,
    met_on_time_means_met,
    replay_is_deterministic,
    results_survive_json,
)
from sendflow.testing.scenario_checks import Mismatch, ScenarioMismatchError, run_scenario
from sendflow.testing.scenarios import (
    Scenario,
    ScenarioFile,
    ScenarioFileError,
    load_scenario_file,
)
from sendflow.testing.strategies import (
    dates,
    edge_dates,
    histories,
    next_events,
)
from sendflow.testing.structure import (
    DEFINITION_PROPERTIES,
    PropertyError,
    every_clock_can_stop,
    every_met_by_event_can_follow_its_start,
    every_state_is_reachable,
    every_state_reaches_a_final_state,
)
from sendflow.testing.whole_process import check_process

__all__ = [
    "DEFINITION_PROPERTIES",
    "HISTORY_PROPERTIES",
    "OPERATORS",
    "CaseMachine",
    "CaseSystem",
    "InMemoryCases",
    "InvalidHistory",
    "Mismatch",
    "Mutant",
    "ProcessLike",
    "PropertyError",
    "Scenario",
    "ScenarioFile",
    "ScenarioFileError",
    "ScenarioMismatchError",
    "as_compiled",
    "as_process",
    "case_machine",
    "check_process",
    "dates",
    "due_dates_never_precede_their_start",
    "edge_dates",
    "every_clock_can_stop",
    "every_clock_gets_one_verdict",
    "every_met_by_event_can_follow_its_start",
    "every_state_is_reachable",
    "every_state_reaches_a_final_state",
    "exceptions_never_move_due_dates",
    "exceptions_never_worsen_verdicts",
    "histories",
    "invalid_events",
    "invalid_next_events",
    "load_scenario_file",
    "meeting_later_never_improves_the_verdict",
    "met_on_time_means_met",
    "mutants",
    "next_events",
    "replay_is_deterministic",
    "results_survive_json",
    "run_scenario",
]
