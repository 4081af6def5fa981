"""Period ends remembered in tables shared by rules and processes are the ends counted now."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sendflow
from sendflow.engine.clocks import LimitPlan
from sendflow.engine.machine import CompiledProcess
from sendflow.time.calendars import TribunalCalendar
from sendflow.time.periods import Counting, Period, Unit, period_end

PROCESSES = sendflow.packaged_processes()
CLOSURES = frozenset(date(2024, 2, 19) + timedelta(days=i) for i in range(0, 60, 3))


def _periods(compiled: CompiledProcess) -> list[tuple[LimitPlan, Period, Counting]]:
    """Every period of the definition a rule counts from a start day, with its rule."""
    found: list[tuple[LimitPlan, Period, Counting]] = []
    for plan in compiled.limit_plans.values():
        for version in plan.limit.versions:
            due = version.due
            if due.period is not None:
                found.append((plan, due.period, due.counting))
            found.extend((plan, part, due.counting) for _, part in due.parts)
    return found


@pytest.mark.parametrize("pid", PROCESSES)
@settings(max_examples=40)
@given(days=st.lists(st.integers(0, 3 * 365), min_size=1, max_size=6))
def test_remembered_ends_are_the_ends_counted_now(pid: str, days: list[int]) -> None:
    """Each period of each rule, with and without closures, remembered or not, read twice."""
    process = sendflow.load_process(pid)
    for compiled in (CompiledProcess(process), CompiledProcess(process, closures=CLOSURES)):
        for plan, period, counting in _periods(compiled):
            for start in (date(2023, 12, 1) + timedelta(days=d) for d in days):
                calendar = plan.calendar
                days_counted = period.amount * (7 if period.unit is Unit.WEEKS else 1)
                if (
                    isinstance(calendar, TribunalCalendar)
                    and plan.limit.tribunal_act == "other"
                    and period.unit in (Unit.DAYS, Unit.WEEKS)
                ):
                    expected = calendar.add_counted_days(start, days_counted)
                else:
                    expected = period_end(start, period, counting=counting, calendar=calendar)
                for _ in range(2):
                    assert plan._count(start, period, counting) == expected


def test_a_council_s_closures_never_share_the_ends_of_another_calendar() -> None:
    """The same period from the same day, counted with closures and without, in turn."""
    history: list[dict[str, object]] = [
        {
            "event": "decision_notice_sent",
            "on": "2024-02-12",
            "data": {"decision": "refusal-to-assess"},
        },
        {"event": "mediation_declined", "on": "2024-02-20"},
    ]
    process = sendflow.load_process("appeal")
    closed = [date(2024, 2, 21), date(2024, 2, 22)]
    for _ in range(2):
        plain = sendflow.evaluate(CompiledProcess(process), history)
        council = sendflow.evaluate(process, history, closures=closed)
        assert plain.result("mediation-certificate-declined").due_on == date(2024, 2, 23)
        assert council.result("mediation-certificate-declined").due_on == date(2024, 2, 27)
