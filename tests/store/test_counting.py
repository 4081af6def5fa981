"""Indicators counted in SQL (Store.count_settled) on each backend, against evaluation.

The hand-built caseload of ``tests/compliance/caseload.py`` is counted with the settled
cases never evaluated (every case but A7, whose plan came after the as-of date): the
figures worked out by hand there come from the grouped queries alone. Generated
caseloads of every process then give the same figures counted and evaluated, on SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from sendflow.compliance import Rate, ReportPeriod, calendar_year, measure_store
from sendflow.store import Store
from tests.compliance.caseload import CASELOAD
from tests.compliance.test_stored_results import AS_OF, caseloads

YEAR = calendar_year(2024)
END = date(2024, 12, 31)


@pytest.fixture
def caseload(store: Store) -> Store:
    store.import_cases(CASELOAD)
    return store


def test_only_the_unsettled_case_is_evaluated_and_the_sql_gives_the_hand_worked_figures(
    caseload, evaluated
):
    """Plans in 2024 but A5 (mediation): A1, A4 on time; A2, A3, A6 late; A3 excepted."""
    figures = measure_store(caseload, YEAR, as_of=END).indicators
    assert evaluated == ["A7"]  # its final plan is dated 2 January 2025
    assert figures.plans_issued.count == 6
    assert figures.plans_issued.mediation_or_tribunal == 1
    assert figures.plans_within_20_weeks_including_exceptions == Rate(2, 5)
    assert figures.plans_within_20_weeks_excluding_exceptions == Rate(2, 4)
    assert figures.decisions_within_6_weeks == Rate(5, 7)
    assert figures.requests_received.count == 9
    assert figures.requests_received.previous_year == 2
    assert (figures.weeks_to_issue.mean, figures.weeks_to_issue.median) == (21.4, 20.14)
    assert figures.advice_within_6_weeks.health == Rate(1, 1)
    assert figures.advice_within_6_weeks.social_care == Rate(0, 1)
    assert figures.appeals_registered.by_decision == {"refusal-to-assess": 1}
    assert figures.personal_budgets.refusals == 1
    assert figures.transfers.cohort == 3


def test_a_plan_issued_on_the_period_s_last_day_counts_in_it_and_not_in_the_next(
    caseload, evaluated
):
    """A4 (asked 13 August, issued 31 December, 140 days): on time on the last day only."""
    report = measure_store(caseload, YEAR, as_of=END)
    assert report.months[-1].plans_within_20_weeks_including_exceptions == Rate(1, 1)
    shorter = ReportPeriod(date(2024, 1, 1), date(2024, 12, 30))
    before = measure_store(caseload, shorter, as_of=END).indicators
    assert before.plans_within_20_weeks_including_exceptions == Rate(1, 4)
    after = measure_store(caseload, calendar_year(2025), as_of=date(2025, 1, 31)).indicators
    assert after.plans_issued.count == 1  # A7 alone, issued 2 January 2025
    assert evaluated == ["A7", "A7"]  # as of 31 December only: settled by 31 January


def test_the_exclusion_for_mediation_or_tribunal_follows_the_appeal_s_dates(caseload):
    """A5's appeal reached mediation on 30 May: as of the day before, A5 still counts."""
    figures = measure_store(caseload, YEAR, as_of=date(2024, 5, 29)).indicators
    assert figures.plans_issued.mediation_or_tribunal == 0
    assert figures.plans_issued.count == 4  # A6 (1 January), A5 (1 May), A1, A2 (May)
    later = measure_store(caseload, YEAR, as_of=date(2024, 5, 30)).indicators
    assert later.plans_issued.mediation_or_tribunal == 1


def test_an_empty_period_and_the_period_boundary_count_alike_in_sql(caseload):
    """Before any case began nothing counts; the two halves of 2024 add up to the year."""
    empty = measure_store(caseload, calendar_year(2014), as_of=date(2014, 12, 31)).indicators
    assert empty.requests_received.count == 0
    assert empty.plans_within_20_weeks_including_exceptions.percent is None
    whole = measure_store(caseload, YEAR, as_of=END).indicators
    first, second = YEAR.split(date(2024, 7, 1))
    a = measure_store(caseload, first, as_of=END).indicators
    b = measure_store(caseload, second, as_of=END).indicators
    for name in (
        "decisions_within_6_weeks",
        "plans_within_20_weeks_including_exceptions",
        "plans_within_20_weeks_excluding_exceptions",
        "annual_reviews_on_time",
        "review_decisions_within_4_weeks",
        "amended_plans_within_8_weeks",
    ):
        assert getattr(a, name) + getattr(b, name) == getattr(whole, name), name


def test_every_figure_of_the_caseload_agrees_counted_and_evaluated(caseload):
    """As of dates before, among and after the events, on each backend."""
    for as_of in (date(2023, 6, 30), date(2024, 2, 29), date(2024, 12, 31), date(2026, 1, 1)):
        period = ReportPeriod(as_of - timedelta(days=365), as_of)
        counted = measure_store(caseload, period, as_of=as_of)
        assert counted == measure_store(caseload, period, as_of=as_of, stored_results=False)


def _empty(store: Store) -> None:
    tables = "time_limits, retractions, events, cases, feed_changes, feed_commits"
    with store._writer.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {tables}"))
        else:
            for table in tables.split(", "):
                conn.execute(text(f"DELETE FROM {table}"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    cases=caseloads(),
    as_of=AS_OF,
    before=st.integers(min_value=0, max_value=400),
    after=st.integers(min_value=0, max_value=60),
)
def test_generated_caseloads_agree_counted_and_evaluated_on_each_backend(
    store, cases, as_of, before, after
):
    """Every figure agrees, for caseloads of every process and any as-of date."""
    _empty(store)
    store.import_cases(cases)
    period = ReportPeriod(as_of - timedelta(days=before), as_of + timedelta(days=after))
    counted = measure_store(store, period, as_of=as_of)
    assert counted == measure_store(store, period, as_of=as_of, stored_results=False)


def test_advice_never_given_counts_the_day_after_it_fell_due(store, evaluated):
    """An unmet clock settles the day after its due date: in a period from that day only."""
    store.import_cases(
        [
            {
                "process": "ehc-needs-assessment",
                "case_id": "A1",
                "events": [
                    {"event": "request_received", "on": "2024-01-08"},
                    {"event": "decided_to_assess", "on": "2024-02-12"},
                    {"event": "advice_requested", "on": "2024-02-13", "data": {"party": "health"}},
                ],
            }
        ]
    )
    due = store.evaluate("A1", as_of=END).result("advice").due_on
    assert due is not None
    ending = measure_store(store, ReportPeriod(date(2024, 1, 1), due), as_of=END).indicators
    assert ending.advice_within_6_weeks.health == Rate(0, 0)
    starting = ReportPeriod(due + timedelta(days=1), END)
    late = measure_store(store, starting, as_of=END).indicators
    assert late.advice_within_6_weeks.health == Rate(0, 1)
    assert evaluated == []


def test_a_decision_counts_in_the_period_it_was_made_from_its_first_day(caseload, evaluated):
    """A1 was decided on 12 February 2024 (35 days, on time): in a period from that day only."""
    from_day = ReportPeriod(date(2024, 2, 12), date(2024, 2, 29))
    after_day = ReportPeriod(date(2024, 2, 13), date(2024, 2, 29))
    on = measure_store(caseload, from_day, as_of=END).indicators.decisions_within_6_weeks
    # A2 (20 February, 43 days) is late.
    assert on == Rate(1, 2)
    after = measure_store(caseload, after_day, as_of=END).indicators.decisions_within_6_weeks
    assert after == Rate(0, 1)
    assert evaluated == ["A7", "A7"]
