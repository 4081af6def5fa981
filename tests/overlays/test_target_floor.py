"""The floor check counts working days exactly as the engine does, and finds the first failure."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendflow.definitions.model import Kind, TimeLimit
from sendflow.definitions.registry import load_process
from sendflow.definitions.target_floor import SPAN, due_for, due_ordinals, first_failure
from sendflow.time.calendars import EnglandCalendar
from sendflow.time.periods import Counting, Period, period_end
from tests.overlays.helpers import load

CLOSURES = "closures: ['2030-12-23..2030-12-31', '2012-08-06..2012-08-10']\n"


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> TimeLimit:
    """A local target counted in working days, with the council's closures."""
    body = """\
    targets:
      decide-local:
        title: Decide within 18 working days
        target_of: decide-whether-to-assess
        period: 18 working days
    """
    process = load(tmp_path_factory.mktemp("floor"), body + CLOSURES)
    return process.time_limits["decide-local"]


def _with(limit: TimeLimit, period: str, counting: Counting) -> TimeLimit:
    version = limit.versions[0]
    due = attrs.evolve(version.due, period=Period.parse(period), counting=counting)
    return attrs.evolve(limit, versions=(attrs.evolve(version, due=due),))


@given(
    start=st.dates(SPAN[0], SPAN[1]),
    days=st.integers(0, 45),
    counting=st.sampled_from(list(Counting)),
)
def test_working_days_are_counted_as_the_engine_counts_them(
    target: TimeLimit, start: date, days: int, counting: Counting
) -> None:
    """The floor's look-up of working days gives period_end's answer, closures included."""
    limit = _with(target, f"{days} working days", counting)
    calendar = EnglandCalendar(limit.closures)
    expected = period_end(start, limit.versions[0].due.period, counting=counting, calendar=calendar)  # type: ignore[arg-type]
    assert due_for(limit, limit.versions[0], start, statutory=False) == expected


@pytest.mark.parametrize("days", [26, 27, 30])
def test_the_first_failure_is_the_first_date_counted_in_full(target: TimeLimit, days: int) -> None:
    """The fast scan names the same first failing start date as counting every date in full."""
    limit = _with(target, f"{days} working days", Counting.AFTER)
    law = attrs.evolve(limit, local=False, closures=frozenset(), target_of=None)
    law = _with(law, "6 weeks", Counting.AFTER)
    found = first_failure(limit, limit.versions[0], law, law.versions[0])
    assert found is not None
    calendar = EnglandCalendar(limit.closures)
    period = Period.parse(f"{days} working days")
    day = SPAN[0]
    while period_end(day, period, calendar=calendar) <= day + timedelta(weeks=6):
        day += timedelta(days=1)
    assert found[0] == day
    assert found[1] == period_end(day, period, calendar=calendar)
    assert found[2] == day + timedelta(weeks=6)


def test_a_short_enough_target_has_no_failure(target: TimeLimit) -> None:
    """18 working days never runs past 6 weeks, even over the council's closures."""
    law = _with(attrs.evolve(target, local=False, closures=frozenset()), "6 weeks", Counting.AFTER)
    assert first_failure(target, target.versions[0], law, law.versions[0]) is None


@pytest.mark.parametrize(
    "period",
    ["0 days", "15 days", "6 weeks", "1 months", "7 months", "20 working days", "1 working days"],
)
@pytest.mark.parametrize("counting", list(Counting))
@pytest.mark.parametrize("kind", [Kind.DEADLINE, Kind.MINIMUM])
@pytest.mark.parametrize("statutory", [False, True])
def test_due_dates_of_every_start_date_are_the_engines(
    target: TimeLimit, period: str, counting: Counting, kind: Kind, statutory: bool
) -> None:
    """The floor's due dates for all of SPAN, counted in one go, are those of due_for."""
    limit = attrs.evolve(_with(target, period, counting), kind=kind)
    version = limit.versions[0]
    found = due_ordinals(limit, version, SPAN[0], SPAN[1], statutory=statutory)
    days = range(SPAN[0].toordinal(), SPAN[1].toordinal() + 1)
    expected = [
        due_for(limit, version, date.fromordinal(day), statutory=statutory).toordinal()
        for day in days
    ]
    assert list(found) == expected


@pytest.mark.parametrize(
    ("changes", "period"),
    [
        ({"next_working_day": True}, "6 weeks"),
        ({"calendar": "tribunal", "tribunal_act": "other"}, "2 months"),
        ({"kind": Kind.LEAD_TIME}, "4 weeks"),
        ({}, "0 working days"),
    ],
)
def test_other_due_dates_are_counted_date_by_date(
    target: TimeLimit, changes: dict[str, object], period: str
) -> None:
    """Rules moved off non-working days, on the tribunal's calendar or lead times agree too."""
    limit = attrs.evolve(_with(target, period, Counting.AFTER), **changes)
    version = limit.versions[0]
    first, last = date(2023, 11, 1), date(2025, 2, 28)
    found = due_ordinals(limit, version, first, last, statutory=False)
    days = range(first.toordinal(), last.toordinal() + 1)
    expected = [
        due_for(limit, version, date.fromordinal(day), statutory=False).toordinal() for day in days
    ]
    assert list(found) == expected


def _rule(period: str) -> TimeLimit:
    """The packaged decision rule (6 weeks, England, no closures) with another period."""
    law = load_process("ehc-needs-assessment").time_limits["decide-whether-to-assess"]
    return _with(law, period, Counting.AFTER)


@pytest.mark.parametrize(
    ("ours", "theirs", "failure"),
    [
        ("1 months", "4 weeks", (date(2000, 1, 1), date(2000, 2, 1), date(2000, 1, 29))),
        ("1 months", "30 days", (date(2000, 1, 1), date(2000, 2, 1), date(2000, 1, 31))),
        ("1 months", "31 days", None),
        ("1 months", "5 weeks", None),
        ("5 weeks", "2 months", None),
        ("9 weeks", "2 months", (date(2000, 1, 1), date(2000, 3, 4), date(2000, 3, 1))),
    ],
)
def test_months_against_days_names_the_first_failure(
    ours: str, theirs: str, failure: tuple[date, date, date] | None
) -> None:
    """Months against days or weeks: the first start date where the target is later, or none."""
    law = _rule(theirs)
    target = attrs.evolve(_rule(ours), local=True, target_of=law.id)
    assert first_failure(target, target.versions[0], law, law.versions[0]) == failure
