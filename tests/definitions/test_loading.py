"""Loading process definitions: valid files, every problem at once, safe YAML only."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import sendflow
from sendflow.definitions import Process, load_definition, parse_definition
from sendflow.definitions.model import DueMode, Evidence, Kind
from sendflow.errors import DefinitionError, UnknownProcessError
from sendflow.time.periods import Counting, Period

VALID = """\
id: small-assessment
title: A small assessment process
version: "1"
references:
  send-regs-2014: {title: SEND Regulations 2014, citation: SI 2014/1530}
start: request_received
exception_reasons:
  absence-from-area: {title: Away from the area for at least 4 weeks}
states:
  deciding: {title: Deciding whether to assess}
  assessing: {title: Assessing}
  plan_issued: {title: Plan issued, final: true, outcome: plan}
  withdrawn: {title: Withdrawn, final: true, outcome: withdrawn}
events:
  request_received: {to: deciding}
  decided_to_assess: {from: [deciding], to: assessing}
  final_plan_issued: {from: [assessing], to: plan_issued}
  request_withdrawn: {from: "*", to: withdrawn}
  exception_recorded:
    from: "*"
    exception: true
    data:
      reason: {required: true, one_of: exception-reasons}
time_limits:
  final-plan:
    title: Issue the final plan
    starts: request_received
    period: 20 weeks
    met_by: [final_plan_issued]
    void_by: [request_withdrawn]
    excusable: [absence-from-area]
    reference: {source: send-regs-2014, provision: reg 13(2), evidence: primary}
"""

# Three unrelated mistakes, on lines 16, 28 and 29.
THREE_PROBLEMS = (
    VALID.replace(
        "decided_to_assess: {from: [deciding], to: assessing}",
        "decided_to_assess: {from: [decidng], to: assessing}",
    )
    .replace("period: 20 weeks", "period: 20 wekes")
    .replace("met_by: [final_plan_issued]", "met_by: [final_plan_isued]")
)


def write(tmp_path: Path, text: str, name: str = "process.yaml") -> Path:
    """Write ``text`` to a process file under ``tmp_path``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_loads_into_the_model(tmp_path):
    """A valid process file loads into a Process with its states, events and time limits."""
    process = load_definition(write(tmp_path, VALID))
    assert isinstance(process, Process)
    assert process.id == "small-assessment"
    assert process.version == "1"
    assert process.start == ("request_received",)
    assert process.final_states == ("plan_issued", "withdrawn")
    assert process.events["decided_to_assess"].sources == ("deciding",)
    assert process.events["request_withdrawn"].sources == ("deciding", "assessing")
    limit = process.time_limits["final-plan"]
    assert limit.kind is Kind.DEADLINE
    assert limit.versions[0].due.period == Period.parse("20 weeks")
    assert limit.versions[0].due.counting is Counting.AFTER
    assert str(limit.reference) == "SI 2014/1530 reg 13(2)"
    assert limit.excusable == ("absence-from-area",)
    assert process.file == str(tmp_path / "process.yaml")


def test_loaded_model_is_frozen(tmp_path):
    """The loaded model cannot be changed after loading."""
    process = load_definition(write(tmp_path, VALID))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        process.time_limits["final-plan"].title = "changed"  # type: ignore[misc]


def test_parse_definition_names_the_given_file():
    """Text parsed without a file is reported under the name it is given."""
    with pytest.raises(DefinitionError) as caught:
        parse_definition(THREE_PROBLEMS, file="council.yaml")
    assert {p.file for p in caught.value.problems} == {"council.yaml"}


def test_all_problems_are_reported_at_once(tmp_path):
    """Every problem in a file is listed in one error, in file order, each located."""
    path = write(tmp_path, THREE_PROBLEMS)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    error = caught.value
    located = [(p.line, p.path) for p in error.problems]
    assert located == [
        (16, "events.decided_to_assess.from[0]"),
        (28, "time_limits.final-plan.period"),
        (29, "time_limits.final-plan.met_by[0]"),
    ]
    message = str(error)
    assert message.startswith("3 problems in the process definition:")
    assert "Did you mean 'deciding'?" in message
    assert "did you mean '20 weeks'?" in message
    assert "Did you mean 'final_plan_issued'?" in message
    assert all(p.file == str(path) for p in error.problems)


def test_a_file_that_cannot_be_read_is_a_definition_error(tmp_path):
    """A missing process file gives a DefinitionError that names it."""
    missing = tmp_path / "missing.yaml"
    with pytest.raises(DefinitionError, match="cannot read the file") as caught:
        load_definition(missing)
    assert caught.value.problems[0].file == str(missing)


def test_an_empty_file_is_a_definition_error(tmp_path):
    """An empty process file is refused with a message saying so."""
    with pytest.raises(DefinitionError, match="the file is empty"):
        load_definition(write(tmp_path, "# nothing here\n"))


@pytest.mark.parametrize(
    ("replacement", "tag"),
    [
        ("title: !!python/object:os.system {}", "python/object:os.system"),
        ("title: !!python/object/apply:os.system [echo unsafe]", "python/object/apply:os.system"),
        ("title: !!python/object/new:str x", "python/object/new:str"),
        ('title: !!python/name:os.system ""', "python/name:os.system"),
        ("title: !custom A small assessment process", "!custom"),
    ],
)
def test_object_building_tags_are_refused(tmp_path, replacement, tag):
    """A tag that would build a Python object (or any unknown tag) is refused, with its line."""
    text = VALID.replace("title: A small assessment process", replacement, 1)
    with pytest.raises(DefinitionError) as caught:
        load_definition(write(tmp_path, text))
    [problem] = caught.value.problems
    assert (problem.line, problem.path) == (2, "title")
    assert tag in problem.message
    assert "not allowed" in problem.message


def test_a_refused_tag_runs_nothing(tmp_path):
    """Loading a file with an apply tag never runs the command it names."""
    marker = tmp_path / "ran"
    text = VALID.replace(
        "title: A small assessment process",
        f"title: !!python/object/apply:os.system ['touch {marker}']",
        1,
    )
    with pytest.raises(DefinitionError):
        load_definition(write(tmp_path, text))
    assert not marker.exists()


def test_plain_standard_tags_are_accepted(tmp_path):
    """Standard YAML tags such as !!str are plain data and load."""
    text = VALID.replace('version: "1"', "version: !!str 1")
    assert load_definition(write(tmp_path, text)).version == "1"


@pytest.mark.parametrize("process_id", sendflow.packaged_processes())
def test_every_packaged_process_loads(process_id):
    """Each process shipped with sendflow loads by id and passes its structural checks."""
    process = sendflow.load_process(process_id)
    assert process.id == process_id
    assert process.final_states


def test_packaged_processes_include_ehc_needs_assessment():
    """The EHC needs assessment process is shipped."""
    assert "ehc-needs-assessment" in sendflow.packaged_processes()


def test_packaged_ehc_process_matches_the_rule_catalogue():
    """The packaged EHC process has the states, events and rules of RULES.md section 3.

    It also opens on the day the LA became responsible for the child (regs 5(1)(b), 10(1)).
    """
    process = sendflow.load_process("ehc-needs-assessment")
    assert process.start == ("request_received", "became_responsible")
    assert set(process.states) == {
        "awaiting_decision_to_assess",
        "assessing",
        "draft_issued",
        "plan_issued",
        "not_assessed",
        "plan_not_issued",
        "withdrawn",
    }
    outcomes = {s.id: s.outcome for s in process.states.values() if s.final}
    assert outcomes == {
        "plan_issued": "plan",
        "not_assessed": "refused-to-assess",
        "plan_not_issued": "no-plan",
        "withdrawn": "withdrawn",
    }
    moves = {e.id: (set(e.sources), e.target) for e in process.events.values()}
    open_states = {"awaiting_decision_to_assess", "assessing", "draft_issued"}
    assert moves == {
        "request_received": (set(), "awaiting_decision_to_assess"),
        "became_responsible": (set(), "awaiting_decision_to_assess"),
        "decided_to_assess": ({"awaiting_decision_to_assess"}, "assessing"),
        "refused_to_assess": ({"awaiting_decision_to_assess"}, "not_assessed"),
        "advice_requested": ({"assessing"}, None),
        "advice_received": ({"assessing", "draft_issued"}, None),
        "decided_not_to_issue": ({"assessing"}, "plan_not_issued"),
        "draft_plan_issued": ({"assessing"}, "draft_issued"),
        "institution_consulted": ({"draft_issued"}, None),
        "institution_responded": ({"draft_issued"}, None),
        "final_plan_issued": ({"draft_issued"}, "plan_issued"),
        "request_withdrawn": (open_states, "withdrawn"),
        "exception_recorded": (open_states, None),
        "refusal_reversed": ({"not_assessed"}, "assessing"),
    }
    assert [e.id for e in process.events.values() if e.reopens] == ["refusal_reversed"]
    required = {
        e.id: {f.name for f in e.data.values() if f.required} for e in process.events.values()
    }
    assert required["advice_requested"] == {"party"}
    assert required["advice_received"] == {"party"}
    assert required["institution_consulted"] == {"institution"}
    assert required["institution_responded"] == {"institution"}
    assert required["exception_recorded"] == {"reason"}
    assert required["refusal_reversed"] == {"route"}


@pytest.mark.parametrize(
    ("rule", "period", "met_by", "void_by"),
    [
        (
            "decide-whether-to-assess",
            "6 weeks",
            {"decided_to_assess", "refused_to_assess"},
            {"request_withdrawn"},
        ),
        ("advice", "6 weeks", {"advice_received"}, {"request_withdrawn"}),
        (
            "no-plan-notice",
            "16 weeks",
            {"decided_not_to_issue"},
            {"refused_to_assess", "draft_plan_issued", "request_withdrawn"},
        ),
        ("institution-response", "15 days", {"institution_responded"}, set()),
        (
            "final-plan",
            "20 weeks",
            {"final_plan_issued"},
            {"refused_to_assess", "decided_not_to_issue", "request_withdrawn"},
        ),
    ],
)
def test_packaged_ehc_deadlines_match_the_rule_catalogue(rule, period, met_by, void_by):
    """Each EHC deadline has the period, meeting and voiding events of RULES.md section 3."""
    limit = sendflow.load_process("ehc-needs-assessment").time_limits[rule]
    assert limit.kind is Kind.DEADLINE
    [version] = limit.versions
    assert version.due.mode is DueMode.PERIOD
    assert version.due.period == Period.parse(period)
    assert version.due.counting is Counting.AFTER
    assert set(limit.met_by) == met_by
    assert set(limit.void_by) == void_by
    assert limit.reference is not None
    assert limit.reference.evidence in set(Evidence)


def test_packaged_ehc_special_rules_match_the_rule_catalogue():
    """Per-party and per-institution clocks, the conditional notice and the 15-day minimum."""
    limits = sendflow.load_process("ehc-needs-assessment").time_limits
    assert limits["advice"].per == "party"
    assert limits["institution-response"].per == "institution"
    assert limits["no-plan-notice"].conditional
    assert not limits["final-plan"].conditional
    draft = limits["draft-representations"]
    assert draft.kind is Kind.MINIMUM
    assert draft.guards == ("final_plan_issued",)
    assert draft.versions[0].due.period == Period.parse("15 days")
    assert draft.versions[0].due.counting is Counting.BEGINNING_WITH
    statutory = {"school-closure", "early-years-closure", "exceptional-personal-circumstances"}
    statutory |= {"absence-from-area", "coronavirus"}
    for rule in ("decide-whether-to-assess", "no-plan-notice", "final-plan"):
        assert set(limits[rule].excusable) == statutory
        assert limits[rule].starts == ("request_received", "became_responsible")
    assert set(limits["advice"].excusable) == {
        "exceptional-personal-circumstances",
        "absence-from-area",
        "missed-appointment",
        "coronavirus",
    }
    assert limits["institution-response"].excusable == ()


def test_unknown_process_id_suggests_a_close_one():
    """An unknown process id is refused with the packaged ids and a suggestion."""
    with pytest.raises(UnknownProcessError) as caught:
        sendflow.load_process("ehc-needs-assesment")
    message = str(caught.value)
    assert "ehc-needs-assessment" in message
    assert "Did you mean 'ehc-needs-assessment'?" in message
