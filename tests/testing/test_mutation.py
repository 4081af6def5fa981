"""Mutation testing: mutants of a definition, the score of a suite, and scenarios that kill."""

import json
from pathlib import Path

import attrs
import pytest

from sendflow.cli import main
from sendflow.definitions.registry import load_process
from sendflow.testing import load_scenario_file, mutants
from sendflow.testing.mutation import SuiteFailsError, mutate, survives
from sendflow.time.periods import Period, Unit

HERE = Path(__file__).parent / "mutation"
COMPLAINT = str(HERE / "complaint.yaml")
WEAK = str(HERE / "weak.scenarios.yaml")
STRONG = str(HERE / "strong.scenarios.yaml")

WEAK_SURVIVORS = [
    "acknowledge/unit-swapped/period",
    "acknowledge/void-by-dropped/withdrawn",
    "acknowledge/roll-forward-switched/on",
    "answer/period-longer/period",
    "answer/period-shorter/period",
    "answer/unit-swapped/period",
    "answer/counting-switched/counting",
    "answer/start-replaced/acknowledged->complaint_received",
    "answer/met-by-dropped/answered",
    "answer/void-by-dropped/withdrawn",
    "answer/roll-forward-switched/on",
]
# A period of working days always ends on a working day: no history can tell these apart.
EQUIVALENT = [
    "acknowledge/roll-forward-switched/on",
    "answer/roll-forward-switched/on",
]


def pairs(path):
    """The (file, scenario) pairs of one scenario file."""
    loaded = load_scenario_file(path)
    return [(loaded.file, s) for s in loaded.scenarios]


@pytest.fixture(scope="module")
def weak():
    """The weak suite's report, suggestions included."""
    return mutate(COMPLAINT, [WEAK], jobs=1)


def test_events_that_can_only_follow_the_clock_stopping_are_not_added():
    """answered comes only after acknowledged has met its clock: adding it is no mutant."""
    ids = {m.id for m in mutants(COMPLAINT)}
    assert "acknowledge/met-by-added/answered" not in ids
    assert "acknowledge/void-by-added/answered" not in ids
    assert "answer/void-by-added/answered" not in ids


def test_mutants_are_plausible_mistakes_one_rule_at_a_time():
    """Each mutant changes one rule of a copy; the definition itself is left alone."""
    process = load_process(COMPLAINT)
    made = mutants(process)
    assert len(made) == 15
    assert len({m.id for m in made}) == 15
    for mutant in made:
        changed = [
            r
            for r in process.time_limits
            if mutant.process.time_limits[r] != process.time_limits[r]
        ]
        assert changed == [mutant.rule]
    swapped = next(m for m in made if m.id == "acknowledge/unit-swapped/period")
    assert swapped.change == "period 3 working days -> 3 days"
    assert swapped.process.time_limits["acknowledge"].versions[0].due.period == Period(3, Unit.DAYS)
    assert process.time_limits["acknowledge"].versions[0].due.period == Period(3, Unit.WORKING_DAYS)


def test_the_weak_suite_scores_exactly_and_names_its_survivors(weak):
    """The weak suite kills 4 of 15 mutants; the 11 survivors are listed in order."""
    assert (len(weak.results), weak.killed) == (15, 4)
    assert weak.score == pytest.approx(4 / 15)
    assert [r.mutant.id for r in weak.survivors] == WEAK_SURVIVORS


def test_equivalent_mutants_get_no_suggestion(weak):
    """Exactly the mutants no history can tell apart come without a suggested scenario."""
    assert [r.mutant.id for r in weak.survivors if r.suggestion is None] == EQUIVALENT


def test_each_suggested_scenario_kills_its_mutant(weak, tmp_path):
    """Each suggestion, pasted in a scenario file, passes on the definition and kills its mutant."""
    suggested = [r for r in weak.survivors if r.suggestion is not None]
    text = "process: {}\nscenarios:\n{}\n".format(
        COMPLAINT, "\n".join(r.suggestion.to_yaml() for r in suggested)
    )
    path = tmp_path / "suggested.scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = pairs(path)
    assert survives(COMPLAINT, loaded) is None
    for result, pair in zip(suggested, loaded, strict=True):
        assert survives(result.mutant.process, [pair]) is not None, result.mutant.id
    assert mutate(COMPLAINT, [WEAK, path], suggestions=False).survivors == tuple(
        r
        for r in mutate(COMPLAINT, [WEAK], suggestions=False).survivors
        if r.mutant.id in EQUIVALENT
    )


def test_a_suggestion_works_its_dates_out():
    """The unit swap's suggestion starts a clock where 3 days and 3 working days differ."""
    report = mutate(COMPLAINT, [WEAK], operators=("unit-swapped",), jobs=1)
    (first, _) = report.survivors
    gives = first.suggestion.expect["time_limits"]["acknowledge"]["due_on"]
    mutant_gives = first.suggestion.mutant_gives["time_limits"]["acknowledge"]["due_on"]
    assert gives != mutant_gives


def _wrong(limit_id, **changes):
    process = load_process(COMPLAINT)
    limit = attrs.evolve(process.time_limits[limit_id], **changes)
    return attrs.evolve(process, time_limits={**process.time_limits, limit_id: limit})


def _three_days(process):
    limit = process.time_limits["acknowledge"]
    version = limit.versions[0]
    due = attrs.evolve(version.due, period=Period(3, Unit.DAYS))
    return {"versions": (attrs.evolve(version, due=due),)}


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        (
            "a clock started by the wrong event",
            lambda: _wrong("answer", starts=("complaint_received",)),
        ),
        (
            "3 days for 3 working days",
            lambda: _wrong("acknowledge", **_three_days(load_process(COMPLAINT))),
        ),
        (
            "a clock cancelled by the wrong event",
            lambda: _wrong("acknowledge", void_by=("answered",)),
        ),
    ],
)
def test_each_wrong_rule_passes_the_weak_suite_and_fails_the_strong_one(name, wrong):
    """The weak suite misses each of the three wrong rules; the suite with its scenario kills it."""
    process = wrong()
    assert survives(process, pairs(WEAK)) is None, name
    assert survives(process, pairs(STRONG)) is not None, name


def test_the_strong_suite_kills_the_mutants_of_the_three_wrong_rules():
    """The mutants that make the three wrong rules are all killed by the strong suite."""
    report = mutate(COMPLAINT, [STRONG], suggestions=False)
    killed = {r.mutant.id for r in report.results if r.killed}
    assert {
        "answer/start-replaced/acknowledged->complaint_received",
        "acknowledge/unit-swapped/period",
        "acknowledge/void-by-dropped/withdrawn",
    } <= killed


def test_parallel_and_serial_runs_agree():
    """Mutants run in two worker processes give the same verdicts as in one."""
    serial = mutate("ehc-reassessment", _files("ehc-reassessment"), suggestions=False, jobs=1)
    parallel = mutate("ehc-reassessment", _files("ehc-reassessment"), suggestions=False, jobs=2)
    assert len(serial.results) >= 40
    assert [r.killed_by for r in serial.results] == [r.killed_by for r in parallel.results]


def _files(process):
    root = Path(__file__).resolve().parents[1] / "scenarios" / process
    return sorted(str(p) for p in root.glob("*.scenarios.yaml"))


def test_a_suite_that_fails_on_the_definition_is_refused(tmp_path):
    """Scenarios that fail on the definition itself cannot score it: SuiteFailsError says which."""
    wrong = Path(WEAK).read_text(encoding="utf-8").replace("2024-01-11", "2024-01-12")
    path = tmp_path / "wrong.scenarios.yaml"
    path.write_text(wrong.replace("complaint.yaml", COMPLAINT), encoding="utf-8")
    with pytest.raises(
        SuiteFailsError, match=r"acknowledged and answered: time_limits\.acknowledge\.due_on"
    ):
        mutate(COMPLAINT, [path])
    with pytest.raises(SuiteFailsError, match="are for 'complaint', not 'ehc-needs-assessment'"):
        mutate("ehc-needs-assessment", [WEAK])


def test_mutate_command_prints_the_score_and_survivors(capsys):
    """sendflow mutate prints the score, each survivor's rule and change, and a scenario."""
    assert main(["mutate", COMPLAINT, WEAK, "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "Score: 26.7% (4 killed, 11 survived)" in out
    assert "survived: answer/start-replaced/acknowledged->complaint_received" in out
    assert "  rule answer: starts on complaint_received, not acknowledged" in out
    assert "          answer: {started_on: 2024-01-09, due_on: 2024-02-06}" in out
    assert out.count("it may be equivalent") == len(EQUIVALENT)


def test_mutate_command_as_json_and_with_a_minimum_score(capsys):
    """--format json gives every mutant; --min-score exits 1 when the score is lower."""
    assert (
        main(
            ["mutate", COMPLAINT, WEAK, "--format", "json", "--no-suggestions", "--min-score", "90"]
        )
        == 1
    )
    report = json.loads(capsys.readouterr().out)
    assert (report["mutants"], report["killed"], report["survived"]) == (15, 4, 11)
    assert [r["id"] for r in report["results"] if not r["killed"]] == WEAK_SURVIVORS
    assert main(["mutate", COMPLAINT, STRONG, "--no-suggestions", "--min-score", "40"]) == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mutate", "no-such-process", WEAK], "no-such-process"),
        (["mutate", COMPLAINT, "missing.scenarios.yaml"], "cannot read the file"),
        (["mutate", "ehc-needs-assessment", WEAK], "not 'ehc-needs-assessment'"),
        (["mutate", COMPLAINT, WEAK, "--operator", "unit-swaped"], "unknown mutation operator"),
    ],
)
def test_mutate_command_bad_input_exits_2(capsys, argv, message):
    """An unknown process, a missing file or a suite of another process exit 2 with the reason."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
