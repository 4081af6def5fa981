"""The simulated council: valid histories, the national rates, and performance that shows."""

from __future__ import annotations

from datetime import date

import pytest

import sendflow
from sendflow.compliance import calendar_year, measure_store
from sendflow.simulation import Council, simulate, simulate_cases


def _figures(council: Council):
    with sendflow.Store("sqlite://") as store:
        report = simulate(store, council)
        assert report.bad == ()
        return measure_store(store, calendar_year(2024), as_of=date(2024, 12, 31)).indicators


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_simulated_history_is_one_the_engine_accepts(seed):
    """Importing is all or nothing, so any invalid history would reject the whole caseload."""
    council = Council(
        requests=150, first=date(2015, 1, 1), last=date(2024, 12, 31), seed=seed, statements=60
    )
    with sendflow.Store("sqlite://") as store:
        report = simulate(store, council)
    processes = {case["process"] for case in simulate_cases(council)}
    assert report.cases > 300
    assert processes == {
        "ehc-needs-assessment",
        "appeal",
        "annual-review",
        "personal-budget",
        "statement-transfer",
    }


def test_the_rates_follow_the_national_figures():
    """About 85% of decisions within 6 weeks and under half of plans within 20 weeks in 2024."""
    figures = _figures(Council(requests=1500, first=date(2023, 1, 1), last=date(2024, 12, 31)))
    assert 78 <= figures.decisions_within_6_weeks.percent <= 91
    assert 35 <= figures.plans_within_20_weeks_excluding_exceptions.percent <= 58
    assert figures.plans_issued.mediation_or_tribunal > 0
    assert figures.appeals_registered.count > 0


def test_a_better_council_issues_more_plans_on_time():
    """Performance 1.5 gives a higher 20-week rate than 0.7 on the same seed."""
    rates = [
        _figures(
            Council(requests=800, first=date(2023, 1, 1), last=date(2024, 12, 31), performance=p)
        ).plans_within_20_weeks_excluding_exceptions.percent
        for p in (0.7, 1.5)
    ]
    assert rates[0] < rates[1]


def test_nothing_is_dated_after_the_last_day():
    """Histories are cut at the council's last day."""
    council = Council(requests=100, first=date(2022, 1, 1), last=date(2023, 6, 30), seed=4)
    assert max(e["on"] for c in simulate_cases(council) for e in c["events"]) <= "2023-06-30"


def test_bad_council_settings_are_refused():
    """Negative sizes, reversed dates and absurd performance say what is allowed."""
    with pytest.raises(sendflow.SendflowError, match=r"performance from 0\.1 to 2"):
        Council(requests=10, first=date(2024, 1, 1), last=date(2023, 1, 1))
