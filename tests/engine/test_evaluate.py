"""``sendflow.evaluate`` and ``sendflow.Case`` at the level of the Python API."""

from __future__ import annotations

from datetime import date

import pytest

import sendflow
from sendflow import Case, CaseFileError, Event, EventError, Status, TimeLimitResult
from sendflow.definitions import Process
from sendflow.engine.machine import compile_process

EHC = "ehc-needs-assessment"

# A full case in legal order: every EHC rule starts a clock.
HISTORY = [
    Event("request_received", date(2024, 1, 8), data={"source": "parent"}),
    Event("decided_to_assess", date(2024, 2, 12)),
    Event("advice_requested", date(2024, 2, 13), data={"party": "health"}),
    Event("advice_received", date(2024, 3, 20), data={"party": "health"}),
    Event("draft_plan_issued", date(2024, 4, 2)),
    Event("institution_consulted", date(2024, 4, 3), data={"institution": "oak-primary"}),
    Event("institution_responded", date(2024, 4, 15), data={"institution": "oak-primary"}),
    Event("final_plan_issued", date(2024, 4, 22)),
]


def ehc() -> Process:
    """The packaged EHC needs assessment process."""
    return sendflow.load_process(EHC)


def as_mapping(event: Event) -> dict[str, object]:
    """The case-file form of ``event``, as a case file would give it."""
    return event.to_dict()


def test_evaluate_accepts_events_and_mappings_alike():
    """Event objects, case-file mappings and a mix of both give the same evaluation."""
    from_events = sendflow.evaluate(ehc(), HISTORY)
    from_mappings = sendflow.evaluate(ehc(), [as_mapping(e) for e in HISTORY])
    mixed = [e if i % 2 else as_mapping(e) for i, e in enumerate(HISTORY)]
    assert sendflow.evaluate(ehc(), mixed) == from_events
    assert from_mappings == from_events
    assert from_events.state == "plan_issued"
    assert from_events.final
    assert from_events.outcome == "plan"


def test_evaluate_accepts_a_compiled_process():
    """A compiled process evaluates exactly as its definition does."""
    assert sendflow.evaluate(compile_process(ehc()), HISTORY) == sendflow.evaluate(ehc(), HISTORY)


def test_as_of_defaults_to_the_latest_event_date():
    """Without as_of, verdicts are given as of the latest event's date."""
    evaluation = sendflow.evaluate(ehc(), HISTORY[:2])
    assert evaluation.as_of == date(2024, 2, 12)


def test_as_of_before_the_case_began_is_rejected():
    """An as-of date before the first event is refused, saying when the case began."""
    with pytest.raises(sendflow.errors.AsOfDateError) as caught:
        sendflow.evaluate(ehc(), HISTORY, as_of=date(2024, 1, 7))
    message = str(caught.value)
    assert "the as-of date 2024-01-07 is before the case began on 2024-01-08" in message
    assert "choose a date on or after it" in message
    assert not isinstance(caught.value, CaseFileError)
    assert (caught.value.as_of, caught.value.began) == (date(2024, 1, 7), date(2024, 1, 8))


def test_a_history_with_no_events_is_rejected():
    """Evaluating an empty history is refused, naming the case."""
    with pytest.raises(CaseFileError, match="case A1 has no events"):
        sendflow.evaluate(ehc(), [], case_id="A1")


def test_events_after_as_of_are_left_out():
    """The evaluation is the case as it stood on the as-of date."""
    evaluation = sendflow.evaluate(ehc(), HISTORY, as_of=date(2024, 4, 2))
    assert evaluation.as_of == date(2024, 4, 2)
    assert evaluation.state == "draft_issued"
    assert not evaluation.final
    assert "final_plan_issued" in evaluation.allowed_events
    assert [r.rule for r in evaluation.time_limits if r.rule.startswith("institution")] == []
    final_plan = evaluation.result("final-plan")
    assert (final_plan.status, final_plan.met_on) == (Status.PENDING, None)


def test_events_after_as_of_are_not_checked():
    """An event dated after as_of does not affect, or break, the evaluation as of that day."""
    broken = [*HISTORY[:2], Event("final_plan_issued", date(2024, 3, 1))]
    with pytest.raises(EventError):
        sendflow.evaluate(ehc(), broken)
    evaluation = sendflow.evaluate(ehc(), broken, as_of=date(2024, 2, 20))
    assert evaluation.state == "assessing"


def test_back_dated_events_sort_into_legal_order():
    """Events recorded out of date order are replayed by date, as if recorded in order."""
    recorded = [HISTORY[0], HISTORY[1], HISTORY[4], HISTORY[2], HISTORY[3], *HISTORY[5:]]
    assert sendflow.evaluate(ehc(), recorded) == sendflow.evaluate(ehc(), HISTORY)


def test_same_day_events_keep_recording_order():
    """Two events on one day replay in the order given; the reverse order is refused."""
    draft = Event("draft_plan_issued", date(2024, 3, 1))
    consulted = Event("institution_consulted", date(2024, 3, 1), data={"institution": "oak"})
    evaluation = sendflow.evaluate(ehc(), [*HISTORY[:2], draft, consulted])
    assert evaluation.result("institution-response", "oak").started_on == date(2024, 3, 1)
    with pytest.raises(EventError) as caught:
        sendflow.evaluate(ehc(), [*HISTORY[:2], consulted, draft])
    assert (caught.value.index, caught.value.state) == (2, "assessing")


def test_a_back_dated_event_that_breaks_the_history_is_named_as_recorded():
    """The error for a back-dated event gives its position in the history as recorded."""
    consulted = Event("institution_consulted", date(2024, 3, 1), data={"institution": "oak"})
    with pytest.raises(EventError) as caught:
        sendflow.evaluate(ehc(), [*HISTORY[:5], consulted])
    assert caught.value.index == 5
    assert str(caught.value).startswith("event 6: institution_consulted")


def test_case_record_rejects_an_invalid_event_and_changes_nothing():
    """A refused event leaves the case's history, state and verdicts as they were."""
    case = Case(EHC, case_id="C1")
    for event in HISTORY[:3]:
        case.record(event.name, on=event.on, data=event.data)
    before = (case.events, case.state, case.evaluate(), case.allowed_events)
    with pytest.raises(EventError) as caught:
        case.record("final_plan_issued", on=date(2024, 3, 1))
    assert caught.value.case_id == "C1"
    assert (case.events, case.state, case.evaluate(), case.allowed_events) == before
    with pytest.raises(EventError):
        case.record("advice_requested", on=date(2024, 3, 1))
    assert len(case.events) == 3


def test_case_record_accepts_a_valid_back_dated_event():
    """Case.record keeps a back-dated event when the history stays valid."""
    case = Case(EHC, events=HISTORY[:4])
    case.record("advice_requested", on=date(2024, 2, 14), data={"party": "educational-psychology"})
    assert case.events[-1].on == date(2024, 2, 14)
    late = case.evaluate(as_of=date(2024, 3, 28)).result("advice", "educational-psychology")
    assert (late.due_on, late.status, late.days_late) == (date(2024, 3, 27), Status.OVERDUE, 1)


def test_explanations_carry_the_citation_and_the_derivation():
    """Every result explains itself with its rule, its citation and how the date was found."""
    evaluation = sendflow.evaluate(ehc(), HISTORY)
    assert len(evaluation.time_limits) == 6
    for result in evaluation.time_limits:
        assert result.reference
        assert f"({result.rule}, {result.reference})" in result.explanation
        assert "=" in result.explanation or "window" in result.explanation.lower()
    final_plan = evaluation.result("final-plan").explanation
    assert "20 weeks after request received Mon 8 Jan 2024 = Mon 27 May 2024" in final_plan
    assert "SI 2014/1530 reg 13(2), 13(3)" in final_plan
    assert "Met: final plan issued on Mon 22 Apr 2024, on time." in final_plan
    draft = evaluation.result("draft-representations").explanation
    assert "15 days beginning with draft plan issued Tue 2 Apr 2024" in draft
    assert "ends Tue 16 Apr 2024" in draft


def test_results_round_trip_through_their_json_form():
    """A result written by to_dict reads back equal, explanation included."""
    for result in sendflow.evaluate(ehc(), HISTORY).time_limits:
        again = TimeLimitResult.from_dict(result.to_dict())
        assert again == result
        assert again.explanation == result.explanation
