"""Every indicator over a small hand-built caseload, each figure worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

import sendflow
from sendflow.compliance import (
    Rate,
    TransferPlan,
    academic_year,
    calendar_year,
    financial_year,
    measure_store,
    rolling_12_months,
)
from sendflow.compliance.periods import ReportPeriod
from tests.compliance.caseload import CASELOAD

YEAR = calendar_year(2024)
END = date(2024, 12, 31)


@pytest.fixture(scope="module")
def store():
    with sendflow.Store("sqlite://") as opened:
        opened.import_cases(CASELOAD)
        yield opened


@pytest.fixture(scope="module")
def figures(store):
    return measure_store(store, YEAR, as_of=END).indicators


def test_requests_count_each_start_event_in_the_period_by_month(figures):
    """A1-A5, A7-A10 were asked for in 2024 (A6 and A11 in 2023): 9, by month of request."""
    requests = figures.requests_received
    assert requests.count == 9
    months = {k: v for k, v in requests.by_month.items() if v}
    assert months == {
        "2024-01": 3,
        "2024-02": 1,
        "2024-03": 1,
        "2024-06": 1,
        "2024-08": 2,
        "2024-12": 1,
    }
    assert requests.previous_year == 2  # A11 (June 2023) and A6 (August 2023)


def test_decisions_within_6_weeks_count_those_decided_in_the_period(figures):
    """Decided in 2024: A1 35, A3 38, A4 28, A5 17, A7 35 days (on time); A2 43, A9 61 (late)."""
    assert figures.decisions_within_6_weeks == Rate(5, 7)
    assert figures.decisions_within_6_weeks.percent == 71.43


def test_the_20_week_measure_includes_and_excludes_exceptions_as_dfe_does(figures):
    """Plans issued in 2024 but A5 (mediation): A1, A4 on time; A2, A3, A6 late; A3 excepted."""
    assert figures.plans_issued.count == 6
    assert figures.plans_issued.mediation_or_tribunal == 1
    assert figures.plans_within_20_weeks_including_exceptions == Rate(2, 5)
    assert figures.plans_within_20_weeks_including_exceptions.percent == 40.0
    assert figures.plans_within_20_weeks_excluding_exceptions == Rate(2, 4)
    assert figures.plans_within_20_weeks_excluding_exceptions.percent == 50.0


def test_weeks_to_issue_give_the_mean_median_and_bands(figures):
    """133, 140, 141, 153, 182 days: mean 149.8 days (21.4 weeks), median 141 (20.14 weeks)."""
    weeks = figures.weeks_to_issue
    assert (weeks.mean, weeks.median) == (21.4, 20.14)
    assert (weeks.up_to_20, weeks.from_20_to_52, weeks.over_52) == (2, 3, 0)


def test_a_plan_issued_on_the_last_day_exactly_20_weeks_on_is_on_time_in_that_month(store):
    """A4: asked 13 August, issued 31 December (140 days): on time, counted in December."""
    report = measure_store(store, YEAR, as_of=END)
    december = report.months[-1]
    assert december.month == "2024-12"
    assert december.plans_within_20_weeks_including_exceptions == Rate(1, 1)
    assert december.plans_within_20_weeks_excluding_exceptions == Rate(1, 1)


def test_open_assessments_are_banded_by_weeks_since_the_request(figures):
    """On 31 December: A8 30 days, A7 152 days (its plan came in 2025), A11 579 days."""
    ages = figures.open_assessments_by_age
    assert (ages.up_to_20, ages.from_20_to_30, ages.from_30_to_52, ages.over_52) == (1, 1, 0, 1)


def test_advice_is_counted_by_the_partner_asked(figures):
    """Health answered in 36 days; psychology in 48; social care never (overdue in April)."""
    advice = figures.advice_within_6_weeks
    assert advice.health == Rate(1, 1)
    assert advice.education == Rate(0, 1)
    assert advice.social_care == Rate(0, 1)
    assert advice.other == Rate(0, 0)
    assert advice.other.percent is None


def test_reviews_amendments_and_decisions_use_their_own_time_limits(figures):
    """R1 reviewed by its date and decided in 21 days; R2 late, decided in 41, amended late."""
    assert figures.annual_reviews_on_time == Rate(1, 2)
    assert figures.review_decisions_within_4_weeks == Rate(1, 2)
    assert figures.amended_plans_within_8_weeks == Rate(0, 1)
    assert figures.phase_transfers_on_time == Rate(0, 0)
    assert figures.orders_complied_on_time == Rate(0, 0)


def test_appeals_count_by_registration_in_the_period(figures):
    """P9 was registered in June (refusal to assess); P5 only reached mediation."""
    appeals = figures.appeals_registered
    assert appeals.count == 1
    assert appeals.by_decision == {"refusal-to-assess": 1}
    assert appeals.by_outcome == {"awaiting decision": 1}


def test_personal_budgets_are_counted_on_the_as_of_date(figures):
    """B1 pays direct payments; B2's were refused in May but its budget stands."""
    budgets = figures.personal_budgets
    assert (budgets.in_place, budgets.direct_payments, budgets.refusals) == (2, 1, 1)


def test_transfers_are_read_against_the_plan_with_a_forecast_and_a_needed_rate(store):
    """End of 2017: T1, T3 done (T3 30 days ago), T2 open, T4 withdrawn; 90 days to go."""
    plan = TransferPlan(((date(2016, 12, 31), 1), (date(2017, 12, 31), 3)))
    transfers = measure_store(
        store, calendar_year(2017), as_of=date(2017, 12, 31), plan=plan
    ).indicators.transfers
    assert (transfers.cohort, transfers.completed, transfers.percent) == (3, 2, 66.67)
    assert transfers.planned_to_date == 3
    # One done in the last 12 weeks: 1/12 a week, so the one left takes 84 days.
    assert transfers.forecast_completion == date(2018, 3, 25)
    # One left, 90 days (12.86 weeks) before 31 March 2018.
    assert transfers.required_rate_per_week == 0.08
    assert transfers.deadline == date(2018, 3, 31)


def test_an_empty_period_counts_nothing(store):
    """Before any case began, every count is 0 and every rate's percent is None."""
    figures = measure_store(store, calendar_year(2014), as_of=date(2014, 12, 31)).indicators
    assert figures.requests_received.count == 0
    assert figures.plans_within_20_weeks_including_exceptions == Rate(0, 0)
    assert figures.plans_within_20_weeks_excluding_exceptions.percent is None
    assert figures.weeks_to_issue.mean is None
    assert figures.transfers.cohort == 0
    assert figures.transfers.forecast_completion is None


def test_a_plan_issued_on_new_years_day_counts_in_the_year_it_was_issued(store):
    """A6 was asked in 2023 and issued on 1 January 2024: in 2024's figures, not 2023's."""
    in_2023 = measure_store(store, calendar_year(2023), as_of=date(2023, 12, 31)).indicators
    assert in_2023.plans_issued.count == 0
    in_2024 = measure_store(store, YEAR, as_of=END)
    january = in_2024.months[0]
    assert january.plans_within_20_weeks_including_exceptions == Rate(0, 1)


def test_events_after_the_as_of_date_are_left_out(store):
    """As of 31 May, A2 (issued 28 May) counts and A3 (issued 1 August) is still open."""
    figures = measure_store(store, YEAR, as_of=date(2024, 5, 31)).indicators
    assert figures.plans_within_20_weeks_including_exceptions == Rate(1, 3)
    assert figures.plans_within_20_weeks_excluding_exceptions == Rate(1, 3)


def test_splitting_the_year_in_two_keeps_the_combined_counts(store):
    """The year's counts are the sum of its two halves', split on 1 July."""
    whole = measure_store(store, YEAR, as_of=END).indicators
    first, second = YEAR.split(date(2024, 7, 1))
    a = measure_store(store, first, as_of=END).indicators
    b = measure_store(store, second, as_of=END).indicators
    assert a.requests_received.count + b.requests_received.count == 9
    for name in (
        "decisions_within_6_weeks",
        "plans_within_20_weeks_including_exceptions",
        "plans_within_20_weeks_excluding_exceptions",
        "annual_reviews_on_time",
    ):
        assert getattr(a, name) + getattr(b, name) == getattr(whole, name), name


def test_the_periods_run_over_the_days_their_names_say():
    """Calendar, academic and financial years and rolling 12 months have the right ends."""
    assert calendar_year(2024) == ReportPeriod(date(2024, 1, 1), date(2024, 12, 31))
    assert academic_year(2023) == ReportPeriod(date(2023, 9, 1), date(2024, 8, 31))
    assert financial_year(2024) == ReportPeriod(date(2024, 4, 1), date(2025, 3, 31))
    assert rolling_12_months(date(2024, 2, 29)) == ReportPeriod(date(2023, 3, 1), date(2024, 2, 29))
    assert len(academic_year(2023).months()) == 12
    assert ReportPeriod(date(2024, 1, 15), date(2024, 3, 2)).months()[-1] == ReportPeriod(
        date(2024, 3, 1), date(2024, 3, 2)
    )


def test_a_period_that_ends_before_it_begins_is_refused():
    """--to before --from says which is which and how to fix it."""
    with pytest.raises(sendflow.SendflowError, match=r"cannot end .* before it begins"):
        ReportPeriod(date(2024, 2, 1), date(2024, 1, 1))
