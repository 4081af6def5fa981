"""The pytest plugin: scenario files become tests whose failures read as file, scenario, field."""

import shutil
from pathlib import Path

import pytest

from sendflow.testing import ScenarioFileError, load_scenario_file, run_scenario

GOOD = """\
process: ehc-needs-assessment
scenarios:
  - name: a plan issued in week 19 is met
    events:
      - {event: request_received, on: 2024-01-08}
      - {event: decided_to_assess, on: 2024-02-12}
      - {event: draft_plan_issued, on: 2024-04-01}
      - {event: final_plan_issued, on: 2024-05-20}
    expect:
      state: plan_issued
      final: true
      time_limits:
        final-plan: {due_on: 2024-05-27, met_on: 2024-05-20, status: met, days_late: 0}
        draft-representations: {status: respected}
        advice: absent
"""

BROKEN = Path(__file__).parent / "broken"

WRONG = GOOD.replace("status: met, days_late: 0", "status: late, days_late: 3").replace(
    "state: plan_issued", "state: assessing"
)


@pytest.fixture
def run_scenarios(pytester):
    """Write scenario files under a tests/ folder and run pytest on them in-process."""

    def run(**files):
        for name, text in files.items():
            path = pytester.path / "tests" / "nested" / f"{name}.scenarios.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return pytester.runpytest("-p", "no:cacheprovider", "tests")

    return run


def test_a_correct_scenario_passes(run_scenarios):
    """A scenario whose expectations hold is collected anywhere under tests/ and passes."""
    result = run_scenarios(good=GOOD)
    result.assert_outcomes(passed=1)


def test_a_wrong_expectation_fails_with_a_readable_report(run_scenarios):
    """A wrong expectation names file, scenario, field, expected and actual; no traceback."""
    result = run_scenarios(wrong=WRONG)
    result.assert_outcomes(failed=1)
    where = "tests/nested/wrong.scenarios.yaml :: a plan issued in week 19 is met"
    result.stdout.fnmatch_lines(
        [
            f"{where}: state: expected 'assessing', got 'plan_issued'",
            f"{where}: time_limits.final-plan.status: expected 'late', got 'met'",
            f"{where}: time_limits.final-plan.days_late: expected 3, got 0",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert "def runtest" not in result.stdout.str()


def test_a_malformed_file_is_a_collection_error_naming_line_and_field(run_scenarios):
    """An unknown key, a bad date and an unknown rule are all reported with their lines."""
    bad = (
        GOOD.replace("    expect:\n", "    expected_state: x\n    expect:\n")
        .replace("final-plan: {due_on: 2024-05-27", "final-plna: {due_on: 2024-05-27")
        .replace(
            "draft-representations: {status: respected}",
            "draft-representations: {due_on: 2024-02-30}",
        )
    )
    result = run_scenarios(bad=bad)
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "3 problems in the scenario file" in output
    assert "tests/nested/bad.scenarios.yaml, line 9, at scenarios[0].expected_state" in output
    assert "unexpected field 'expected_state'" in output
    assert "no rule 'final-plna'. Did you mean 'final-plan'?" in output
    assert "line 14" in output
    assert "2024-02-30" in output
    assert "Traceback" not in output


def test_error_expectations_are_checked(tmp_path):
    """An expected error is matched by type, event position and message text."""
    path = tmp_path / "errors.scenarios.yaml"
    path.write_text(
        """\
process: ehc-needs-assessment
scenarios:
  - name: right
    events:
      - {event: request_received, on: 2024-01-08}
      - {event: final_plan_issued, on: 2024-02-01}
    expect:
      error: {type: SendflowError, event: 2, contains: [not allowed]}
  - name: wrong
    events:
      - {event: request_received, on: 2024-01-08}
      - {event: final_plan_issued, on: 2024-02-01}
    expect:
      error: {type: DefinitionError, event: 1, contains: nothing like this}
  - name: no error comes
    events:
      - {event: request_received, on: 2024-01-08}
    expect:
      error: {type: EventError}
""",
        encoding="utf-8",
    )
    loaded = load_scenario_file(path)
    right, wrong, none = (run_scenario(s, loaded.process) for s in loaded.scenarios)
    assert right == []
    assert [m.path for m in wrong] == ["error.type", "error.event", "error.contains"]
    assert [str(m) for m in none] == [
        "error: expected an error, got none (the case is in state 'awaiting_decision_to_assess')"
    ]


def test_a_list_checks_every_clock_in_start_order(tmp_path):
    """A list expectation reports a wrong count and each differing clock by position."""
    path = tmp_path / "list.scenarios.yaml"
    path.write_text(
        """\
process: ehc-needs-assessment
scenarios:
  - name: two parties
    events:
      - {event: request_received, on: 2024-01-08}
      - {event: decided_to_assess, on: 2024-02-12}
      - {event: advice_requested, on: 2024-02-13, data: {party: health}}
      - {event: advice_requested, on: 2024-02-14, data: {party: social-care}}
    as_of: 2024-03-01
    expect:
      time_limits:
        advice:
          - {key: health, due_on: 2024-03-26}
          - {key: education, status: pending}
          - {status: pending}
        advice[social-care]: {explanation_contains: [6 weeks, not in it]}
""",
        encoding="utf-8",
    )
    loaded = load_scenario_file(path)
    shown = [str(m) for m in run_scenario(loaded.scenarios[0], loaded.process)]
    assert shown[0].startswith("time_limits.advice: expected 3 clock(s), got 2")
    assert shown[1] == "time_limits.advice[1].key: expected 'education', got 'social-care'"
    assert shown[2].startswith(
        "time_limits.advice[social-care].explanation: expected text containing 'not in it'"
    )
    assert len(shown) == 3


def test_a_missing_process_is_reported_at_its_line(tmp_path):
    """A scenario file naming an unknown process fails to load, naming the line."""
    path = tmp_path / "x.scenarios.yaml"
    path.write_text("process: ehc-needs-asessment\nscenarios: []\n", encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_file(path)
    message = str(caught.value)
    assert "line 1, at process" in message
    assert "Did you mean 'ehc-needs-assessment'?" in message
    assert "line 2, at scenarios" in message


def test_a_process_file_is_found_beside_the_scenario_file(tmp_path):
    """A process given as a relative .yaml path is read from the scenario file's folder."""
    shutil.copy(BROKEN / "met-by-before-start.yaml", tmp_path / "mine.yaml")
    path = tmp_path / "mine.scenarios.yaml"
    path.write_text(
        """\
process: mine.yaml
scenarios:
  - name: the plan clock starts with the draft
    events:
      - {event: request_received, on: 2024-01-08}
      - {event: decided_to_assess, on: 2024-01-09}
      - {event: draft_plan_issued, on: 2024-01-10}
    expect:
      state: draft_issued
      time_limits:
        final-plan: {due_on: 2024-02-21, status: pending}
""",
        encoding="utf-8",
    )
    loaded = load_scenario_file(path)
    assert loaded.process.id == "met-by-before-start"
    assert run_scenario(loaded.scenarios[0], loaded.process) == []


def test_the_kit_exports_exactly_its_public_names():
    """sendflow.testing's __all__ lists every public name it imports, and only those."""
    import types

    import sendflow.testing as kit

    public = {
        name
        for name, value in vars(kit).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(kit.__all__) == public
