"""The ready-made properties: they hold for every packaged process and find planted faults."""

from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest

import sendflow
from sendflow.definitions.model import EventSpec, State
from sendflow.engine.events import Event
from sendflow.testing import (
    PropertyError,
    check_process,
    due_dates_never_precede_their_start,
    every_state_is_reachable,
    properties,
)

BROKEN = Path(__file__).parent / "broken"
EHC = "ehc-needs-assessment"


@pytest.mark.parametrize("process_id", sendflow.packaged_processes())
def test_every_packaged_process_keeps_every_property(process_id):
    """check_process passes on each packaged process."""
    check_process(process_id)


@pytest.mark.parametrize(
    ("file", "fault", "not_reported"),
    [
        ("trapped-loop.yaml", "every_state_reaches_a_final_state", "every_clock_can_stop"),
        ("clock-never-stops.yaml", "every_clock_can_stop", "every_state_is_reachable"),
        (
            "met-by-before-start.yaml",
            "every_met_by_event_can_follow_its_start",
            "every_clock_can_stop",
        ),
    ],
)
def test_check_process_finds_the_planted_fault(file, fault, not_reported):
    """Each broken definition fails the property for its fault, and names what is wrong."""
    process = sendflow.load_process(BROKEN / file)
    with pytest.raises(PropertyError) as caught:
        check_process(process, max_examples=5)
    assert fault in str(caught.value)
    assert not_reported not in str(caught.value)


def _with_unreachable_state(process_id: str) -> sendflow.load_process:
    """EHC with a panel state that no event leads into (the loader would reject it in YAML)."""
    process = sendflow.load_process(process_id)
    states = {**process.states, "panel_review": State("panel_review", "Panel review")}
    leave = EventSpec("panel_decided", "Panel decided", ("panel_review",), "plan_issued")
    return attrs.evolve(process, states=states, events={**process.events, leave.id: leave})


def test_check_process_finds_an_unreachable_state():
    """A state no event leads into is reported by name."""
    process = _with_unreachable_state(EHC)
    with pytest.raises(PropertyError, match=r"every_state_is_reachable.*panel_review"):
        check_process(process, max_examples=5)
    with pytest.raises(PropertyError, match="panel_review"):
        every_state_is_reachable(process)


def _history(*pairs, **data):
    """Events from (name, ISO date) pairs; data given by event name."""
    return [Event(name, date.fromisoformat(on), data=data.get(name, {})) for name, on in pairs]


PLAN_LATE_EXCUSED = _history(
    ("request_received", "2024-01-08"),
    ("decided_to_assess", "2024-02-12"),
    ("exception_recorded", "2024-03-01"),
    ("draft_plan_issued", "2024-04-01"),
    ("final_plan_issued", "2024-06-03"),
    exception_recorded={"reason": "absence-from-area"},
)


@pytest.mark.parametrize("prop", properties.HISTORY_PROPERTIES)
def test_each_history_property_holds_on_a_known_history(prop):
    """A hand-written history with a late but excused plan keeps every property."""
    prop(sendflow.load_process(EHC), PLAN_LATE_EXCUSED)


def _each_result(change):
    """A planted engine bug: ``change(result, events)`` applied to every result."""

    def bug(found, events):
        return attrs.evolve(found, time_limits=tuple(change(r, events) for r in found.time_limits))

    return bug


def _has_exception(events):
    return any(e.name == "exception_recorded" for e in events)


MET, LATE = sendflow.Status.MET, sendflow.Status.LATE

PLANTED_BUGS = {
    "exceptions_never_move_due_dates: .* with its exceptions": _each_result(
        lambda r, events: (
            r._replace(due_on=r.due_on + timedelta(days=7))
            if r.due_on and _has_exception(events)
            else r
        )
    ),
    "met_on_time_means_met.*final-plan": _each_result(
        lambda r, _: r._replace(status=MET, days_late=0) if r.met_on else r
    ),
    "meeting_later_never_improves_the_verdict": _each_result(
        lambda r, _: r._replace(status={MET: LATE, LATE: MET}.get(r.status, r.status))
    ),
    "exceptions_never_worsen_verdicts": _each_result(
        lambda r, events: r._replace(status=LATE) if _has_exception(events) else r
    ),
    "replay_is_deterministic.*order": lambda found, events: attrs.evolve(
        found, standing=attrs.evolve(found.standing, state=events[0].name)
    ),
    "due_dates_never_precede_their_start.*before it": _each_result(
        lambda r, _: r._replace(due_on=r.started_on - timedelta(days=1))
    ),
}


@pytest.mark.parametrize(("expected", "bug"), PLANTED_BUGS.items(), ids=list(PLANTED_BUGS))
def test_a_planted_engine_bug_breaks_its_property(monkeypatch, expected, bug):
    """Each history property fails, naming itself, when replay has the bug it guards against."""
    real = properties.evaluate

    def buggy(process, events, *, as_of=None, case_id=None):
        return bug(real(process, events, as_of=as_of, case_id=case_id), events)

    monkeypatch.setattr(properties, "evaluate", buggy)
    prop = getattr(properties, expected.split(":")[0].split(".")[0])
    history = PLAN_LATE_EXCUSED[:2] if "meeting_later" in expected else PLAN_LATE_EXCUSED
    with pytest.raises(PropertyError, match=expected):
        prop(sendflow.load_process(EHC), history)


def test_a_lead_time_is_due_before_the_meeting_it_leads_to():
    """A review-meeting notice is due two weeks before the meeting, and that passes."""
    process = sendflow.load_process("annual-review")
    history = _history(
        ("plan_issued", "2024-03-15"),
        ("review_meeting_notice_sent", "2025-01-20"),
        ("review_meeting_held", "2025-02-10"),
    )
    due_dates_never_precede_their_start(process, history)
    notice = sendflow.evaluate(process, history).result("review-meeting-notice")
    assert notice.due_on < date(2025, 2, 10)


def test_failure_message_lists_the_history():
    """A property failure names the property and lists the history as case-file events."""
    failure = PropertyError("a_property", "it broke.", PLAN_LATE_EXCUSED[:1])
    assert str(failure).splitlines() == [
        "a_property: it broke.",
        "History:",
        '  - {"event": "request_received", "on": "2024-01-08"}',
    ]
