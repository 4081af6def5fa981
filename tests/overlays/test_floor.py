"""Each way of breaking the statutory floor is refused, naming file, line, rule and fix."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from sendflow.time.periods import Period, format_day, period_end
from tests.overlays.helpers import load, problems, the_problem

DECIDE = "decide-whether-to-assess (SI 2014/1530 reg 4(1), 5(1), 5(4))"
FINAL = "final-plan (SI 2014/1530 reg 13(2), 13(3))"


def test_removing_a_statutory_rule(tmp_path: Path) -> None:
    """A rule listed under remove is refused, with its reference and a target as the fix."""
    path, found = problems(tmp_path, "remove:\n  time_limits: [final-plan]\n")
    problem = the_problem(path, found, "time_limits: [final-plan]")
    assert f"statutory rule {FINAL}" in problem.message
    assert "add a local target instead" in problem.message


def test_removing_a_statutory_event(tmp_path: Path) -> None:
    """A statutory event under remove is refused, naming the rules it meets."""
    path, found = problems(tmp_path, "remove:\n  events: [decided_to_assess]\n")
    problem = the_problem(path, found, "events: [decided_to_assess]")
    assert "'decided_to_assess' is a statutory event" in problem.message
    assert DECIDE in problem.message
    assert "Delete this line" in problem.message


def test_removing_a_statutory_state(tmp_path: Path) -> None:
    """A statutory state under remove is refused, naming the rules of the events into it."""
    path, found = problems(tmp_path, "remove:\n  states: [plan_issued]\n")
    problem = the_problem(path, found, "states: [plan_issued]")
    assert "'plan_issued' is a statutory state" in problem.message
    assert FINAL in problem.message
    assert "Delete this line" in problem.message


def test_lengthening_a_statutory_period(tmp_path: Path) -> None:
    """A longer period for a statutory rule is refused, with the law's period and a fix."""
    body = "time_limits:\n  final-plan:\n    period: 22 weeks\n"
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "period: 22 weeks")
    assert problem.path == "time_limits.final-plan.period"
    assert FINAL in problem.message
    assert "20 weeks" in problem.message
    assert "22 weeks" in problem.message
    assert "targets:" in problem.message


def test_shortening_a_statutory_period(tmp_path: Path) -> None:
    """Even a shorter period may not replace the law's: a local target says that instead."""
    body = "time_limits:\n  final-plan:\n    period: 18 weeks\n"
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "period: 18 weeks")
    assert FINAL in problem.message
    assert "add a local target" in problem.message


def test_moving_what_starts_the_clock(tmp_path: Path) -> None:
    """A statutory rule's clock may not start on another event."""
    body = "time_limits:\n  final-plan:\n    starts: decided_to_assess\n"
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "starts: decided_to_assess")
    assert "the event that starts its clock" in problem.message
    assert FINAL in problem.message
    assert "Delete 'starts' from time_limits.final-plan here" in problem.message


def test_letting_a_local_event_meet_a_statutory_rule(tmp_path: Path) -> None:
    """Adding to met_by would let a local step meet the law's deadline."""
    body = """\
    events:
      panel_agreed: {title: Panel agreed, from: [awaiting_decision_to_assess]}
    time_limits:
      decide-whether-to-assess:
        met_by: [decided_to_assess, refused_to_assess, panel_agreed]
    """
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "met_by: [decided_to_assess")
    assert "the events that meet it" in problem.message
    assert DECIDE in problem.message
    assert "Delete 'met_by'" in problem.message


def test_adding_an_exception(tmp_path: Path) -> None:
    """A statutory rule may not accept exceptions the law does not give it."""
    body = """\
    time_limits:
      final-plan:
        excusable: [school-closure, missed-appointment]
    """
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "excusable:")
    assert "the exceptions that may excuse it" in problem.message
    assert FINAL in problem.message
    assert "Delete 'excusable'" in problem.message


def test_changing_effective_dates(tmp_path: Path) -> None:
    """A statutory rule's effective dates are the law's."""
    body = "time_limits:\n  final-plan:\n    effective: {from: 2020-01-01}\n"
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "effective:")
    assert "effective dates" in problem.message
    assert "for clocks starting 2020-01-01" in problem.message
    assert FINAL in problem.message
    assert "Delete 'effective'" in problem.message


def test_a_local_event_that_skips_a_statutory_event(tmp_path: Path) -> None:
    """A local step from deciding straight to assessing skips the decision the law requires."""
    body = """\
    events:
      fast_tracked:
        title: Fast-tracked to assessment
        from: [awaiting_decision_to_assess]
        to: assessing
    """
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "to: assessing")
    assert "without the statutory event that does so" in problem.message
    assert "decided_to_assess" in problem.message
    assert DECIDE in problem.message
    assert "leave out 'to'" in problem.message


def test_a_statutory_event_from_a_state_that_skips_a_step(tmp_path: Path) -> None:
    """Issuing the final plan while assessing would skip the draft plan."""
    body = "events:\n  final_plan_issued:\n    from: [draft_issued, assessing]\n"
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "from: [draft_issued, assessing]")
    assert "adds 'assessing'" in problem.message
    assert FINAL in problem.message
    assert "Only add local states entered from draft_issued" in problem.message


def test_a_local_detour_that_skips_a_step(tmp_path: Path) -> None:
    """A local state entered while assessing cannot lead to the final plan."""
    body = """\
    states:
      quality_check: {title: Plan quality check}
    events:
      sent_for_quality_check: {from: [assessing], to: quality_check}
      final_plan_issued:
        from: [draft_issued, quality_check]
    """
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "from: [draft_issued, quality_check]")
    assert "a case in assessing could then reach it" in problem.message
    assert FINAL in problem.message
    assert "Only add local states entered from draft_issued" in problem.message


def test_dropping_a_state_an_event_may_come_from(tmp_path: Path) -> None:
    """A statutory event that could no longer be recorded where the law allows it."""
    body = "events:\n  refused_to_assess:\n    from: []\n"
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "from: []")
    assert "could no longer be recorded in awaiting_decision_to_assess" in problem.message
    assert DECIDE in problem.message
    assert "write from: [awaiting_decision_to_assess]" in problem.message


def test_making_a_statutory_final_state_unreachable(tmp_path: Path) -> None:
    """Sending the decision not to issue elsewhere leaves 'plan_not_issued' unreachable."""
    body = "events:\n  decided_not_to_issue:\n    to: assessing\n"
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "decided_not_to_issue:")
    messages = " ".join(p.message for p in found if p.line == problem.line)
    assert "the statutory final state 'plan_not_issued' can no longer be reached" in messages
    assert "no-plan-notice (SI 2014/1530 reg 10(1), 10(4))" in messages
    assert "Undo the change" in messages


def test_a_local_final_state(tmp_path: Path) -> None:
    """A case may close only in the law's final states."""
    body = """\
    states:
      closed_by_panel: {title: Closed by the panel, final: true}
    events:
      panel_closed: {from: [awaiting_decision_to_assess], to: closed_by_panel}
    """
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "closed_by_panel: {title")
    assert "a case may close only in a statutory final state" in problem.message
    assert FINAL in problem.message
    assert "Remove 'final: true'" in problem.message


def test_changing_a_statutory_state(tmp_path: Path) -> None:
    """A statutory state may be retitled but not made final or given another outcome."""
    body = "states:\n  draft_issued: {title: Draft sent, final: true}\n"
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "draft_issued: {title")
    assert "changes 'final' of the statutory state 'draft_issued'" in problem.message
    assert "draft-representations (SI 2014/1530 reg 13(1))" in problem.message
    assert "only 'title' and 'description' may change" in problem.message


def test_a_target_longer_than_its_rule(tmp_path: Path) -> None:
    """A 7-week target of the 6-week decision is longer for every start date."""
    body = """\
    targets:
      decide-local:
        title: Decide within 7 weeks
        target_of: decide-whether-to-assess
        period: 7 weeks
    """
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "period: 7 weeks")
    assert problem.path == "targets.decide-local.period"
    assert DECIDE in problem.message
    assert "Sat 1 Jan 2000" in problem.message
    assert "no longer than '6 weeks'" in problem.message


def test_a_minimum_period_target_shorter_than_the_law(tmp_path: Path) -> None:
    """A local target may not give the family fewer than the 15 days the law gives."""
    body = """\
    targets:
      comments-local:
        title: Ten days to comment
        target_of: draft-representations
        period: 10 days
    """
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "period: 10 days")
    assert "draft-representations (SI 2014/1530 reg 13(1))" in problem.message
    assert "earlier than the law's" in problem.message
    assert "Write the target in the rule's own units" in problem.message


def test_a_target_of_an_unknown_rule(tmp_path: Path) -> None:
    """target_of must name a statutory rule, with a "did you mean"."""
    body = """\
    targets:
      final-local:
        title: Final plan by week 18
        target_of: final-plan-issued
        period: 18 weeks
    """
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "target_of: final-plan-issued")
    assert "Did you mean 'final-plan'?" in problem.message


def test_working_days_against_weeks_names_a_failing_date(tmp_path: Path) -> None:
    """'30 working days' is not '6 weeks': the message names a start date where it is longer."""
    body = """\
    targets:
      decide-local:
        title: Decide within 30 working days
        target_of: decide-whether-to-assess
        period: 30 working days
    """
    path, found = problems(tmp_path, body)
    problem = the_problem(path, found, "period: 30 working days")
    match = re.search(r"for a clock starting (\w{3} \d+ \w{3} \d{4})", problem.message)
    assert match is not None, problem.message
    start = datetime.strptime(match.group(1), "%a %d %b %Y").date()
    ours = period_end(start, Period.parse("30 working days"))
    theirs = period_end(start, Period.parse("6 weeks"))
    assert ours > theirs
    assert format_day(ours) in problem.message
    assert format_day(theirs) in problem.message


def test_closures_make_working_days_longer(tmp_path: Path) -> None:
    """25 working days keeps 6 weeks on every date, until the council's closures are counted."""
    body = """\
    targets:
      decide-local:
        title: Decide within 25 working days
        target_of: decide-whether-to-assess
        period: 25 working days
    """
    assert load(tmp_path, body).time_limits["decide-local"].local
    closed = body + "closures: ['2030-12-16..2030-12-31']\n"
    path, found = problems(tmp_path, closed)
    problem = the_problem(path, found, "period: 25 working days")
    assert "Nov 2030" in problem.message
    assert "Jan 2031" in problem.message
