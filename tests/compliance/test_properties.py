"""Properties over generated caseloads: the 20-week rates are direct counts of verdicts."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

import sendflow
from sendflow.compliance import Rate, ReportPeriod, StoredCase, measure
from sendflow.testing.strategies import histories

PROCESS = sendflow.load_process("ehc-needs-assessment")
AS_OF = date(2025, 6, 30)
STARTS = st.dates(date(2023, 1, 1), date(2024, 12, 31))


@st.composite
def caseloads(draw: st.DrawFn) -> list[StoredCase]:
    count = draw(st.integers(min_value=0, max_value=6))
    cases = []
    for number in range(count):
        events = draw(histories(PROCESS, max_events=14, start_on=STARTS))
        cases.append(
            StoredCase(
                case_id=f"C{number}",
                process=PROCESS.id,
                process_version=PROCESS.version,
                state="",
                version=len(events),
                related_case=None,
                events=tuple(events),
            )
        )
    return cases


def _direct(cases: list[StoredCase], period: ReportPeriod) -> tuple[Rate, Rate]:
    """The two DfE rates counted straight from each case's final-plan verdict."""
    including, excluding = Rate(), Rate()
    for case in cases:
        events = [e for e in case.events if e.on <= AS_OF]
        issued = [e.on for e in events if e.name == "final_plan_issued"]
        if not issued or issued[-1] not in period:
            continue
        if any(
            e.name == "refusal_reversed" and e.data["route"] in ("mediation", "tribunal")
            for e in events
        ):
            continue
        verdict = sendflow.evaluate(PROCESS, events, as_of=AS_OF).result("final-plan")
        on_time = Rate(int(verdict.status is sendflow.Status.MET), 1)
        including += on_time
        if not verdict.exceptions:
            excluding += on_time
    return including, excluding


def _measure(cases: list[StoredCase], period: ReportPeriod):
    return measure(cases, process=lambda _: PROCESS, period=period, as_of=AS_OF).indicators


@given(caseloads(), st.integers(min_value=2023, max_value=2025))
def test_the_20_week_rates_agree_with_a_direct_count_of_verdicts(cases, year):
    """Including and excluding exceptions, the rates are what each case's verdict says."""
    period = ReportPeriod(date(year, 1, 1), date(year, 12, 31))
    figures = _measure(cases, period)
    including, excluding = _direct(cases, period)
    assert figures.plans_within_20_weeks_including_exceptions == including
    assert figures.plans_within_20_weeks_excluding_exceptions == excluding


@given(caseloads(), st.integers(min_value=1, max_value=729))
def test_splitting_a_period_in_two_never_changes_the_combined_counts(cases, offset):
    """Every count and rate of two adjoining periods adds up to that of the whole."""
    whole = ReportPeriod(date(2023, 1, 1), date(2024, 12, 31))
    first, second = whole.split(whole.first + timedelta(days=offset))
    a, b, both = _measure(cases, first), _measure(cases, second), _measure(cases, whole)
    assert a.requests_received.count + b.requests_received.count == both.requests_received.count
    assert a.plans_issued.count + b.plans_issued.count == both.plans_issued.count
    for name in (
        "decisions_within_6_weeks",
        "plans_within_20_weeks_including_exceptions",
        "plans_within_20_weeks_excluding_exceptions",
    ):
        assert getattr(a, name) + getattr(b, name) == getattr(both, name), name
    for party in ("education", "health", "social_care", "other"):
        assert getattr(a.advice_within_6_weeks, party) + getattr(
            b.advice_within_6_weeks, party
        ) == getattr(both.advice_within_6_weeks, party)
