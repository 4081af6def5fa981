"""The plan-transfer process keeps every property, and its dates follow reg 15 by their words."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given

import sendflow
from sendflow.testing import check_process, histories
from sendflow.time.calendars import get_calendar

PROCESS = sendflow.load_process("plan-transfer")
ENGLAND = get_calendar("england")


def fifteenth_working_day_from(learned: date) -> date:
    """Count 15 working days with the day the old authority learned of the move as day 1."""
    day, counted = learned, 0
    while True:
        if ENGLAND.is_working_day(day):
            counted += 1
            if counted == 15:
                return day
        day += timedelta(days=1)


def test_plan_transfer_keeps_every_property() -> None:
    """check_process passes on the packaged plan-transfer process."""
    check_process("plan-transfer")


@given(histories(PROCESS))
def test_the_plan_is_due_on_the_move_or_15_working_days_after_learning_of_it(history) -> None:
    """Transfer by the day of the move, or within 15 working days if learned of too late."""
    learned = history[0]
    move_on = learned.data["move_on"]
    move_on = move_on if isinstance(move_on, date) else date.fromisoformat(move_on)
    result = sendflow.evaluate(PROCESS, history).result("plan-transfer")
    last_of_fifteen = fifteenth_working_day_from(learned.on)
    in_good_time = last_of_fifteen < move_on
    assert result.due_on == (move_on if in_good_time else last_of_fifteen)


@given(histories(PROCESS))
def test_the_family_are_told_within_6_weeks_of_the_transfer(history) -> None:
    """The new authority's notice falls due 42 days after the transfer, if there was one."""
    evaluation = sendflow.evaluate(PROCESS, history)
    transferred = [e.on for e in history if e.name == "plan_transferred"]
    told = [r for r in evaluation.time_limits if r.rule == "family-told-of-transfer"]
    assert [r.due_on for r in told] == [day + timedelta(days=42) for day in transferred]
