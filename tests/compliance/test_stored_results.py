"""Indicators from the store's time-limit rows equal those from evaluating every case.

Generated caseloads of every packaged process are written to a store (some with an event
retracted, and appeals naming assessments), then measured both ways, for as-of dates
before, among and after the cases' events: every figure must agree.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sendflow
from sendflow.compliance import ReportPeriod, measure_store
from sendflow.testing.strategies import histories

PROCESSES = [sendflow.load_process(p) for p in sendflow.packaged_processes()]
STARTS = st.dates(date(2022, 1, 1), date(2024, 12, 31))
AS_OF = st.dates(date(2022, 6, 1), date(2026, 12, 31))


@st.composite
def caseloads(draw: st.DrawFn) -> list[dict[str, object]]:
    """Up to 8 cases of any packaged process, as case-file mappings."""
    cases = []
    for number in range(draw(st.integers(min_value=1, max_value=8))):
        process = draw(st.sampled_from(PROCESSES))
        events = draw(histories(process, max_events=12, start_on=STARTS))
        case: dict[str, object] = {
            "process": process.id,
            "case_id": f"C{number}",
            "events": [event.to_dict() for event in events],
        }
        if process.id == "appeal" and number:
            case["related_case"] = f"C{draw(st.integers(min_value=0, max_value=number - 1))}"
        cases.append(case)
    return cases


def _store(cases: list[dict[str, object]], retract: int | None) -> sendflow.Store:
    store = sendflow.Store("sqlite://")
    store.import_cases(cases)
    if retract is not None:
        case = cases[retract % len(cases)]
        events = case["events"]
        assert isinstance(events, list)
        if len(events) > 1:
            # The latest event may always be retracted; it leaves a valid history.
            store.retract(str(case["case_id"]), len(events), by="test", reason="entered twice")
    return store


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    caseloads(),
    AS_OF,
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=60),
    st.none() | st.integers(min_value=0, max_value=7),
)
def test_stored_results_give_the_figures_evaluating_every_case_gives(
    cases, as_of, before, after, retract
):
    """Every figure agrees, whether the as-of date is before or after the latest events."""
    period = ReportPeriod(as_of - timedelta(days=before), as_of + timedelta(days=after))
    with _store(cases, retract) as store:
        stored = measure_store(store, period, as_of=as_of)
        evaluated = measure_store(store, period, as_of=as_of, stored_results=False)
    assert stored == evaluated


def test_the_stored_path_counts_a_case_read_from_its_rows(tmp_path):
    """An open assessment and a review due on 29 February 2024 agree on and after that day."""
    cases = [
        {
            "process": "ehc-needs-assessment",
            "case_id": "A1",
            "events": [
                {"event": "request_received", "on": "2024-01-08"},
                {"event": "decided_to_assess", "on": "2024-02-12"},
            ],
        },
        {
            "process": "annual-review",
            "case_id": "R1",
            "events": [{"event": "plan_issued", "on": "2023-03-01"}],
        },
    ]
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    with sendflow.Store(url) as store:
        store.import_cases(cases)
        for as_of in (date(2024, 2, 12), date(2024, 2, 29), date(2024, 3, 1), date(2025, 6, 30)):
            period = ReportPeriod(date(2024, 1, 1), as_of + timedelta(days=1))
            stored = measure_store(store, period, as_of=as_of)
            evaluated = measure_store(store, period, as_of=as_of, stored_results=False)
            assert stored == evaluated
        late = stored.indicators.overdue_annual_reviews_by_months_late
        assert late.from_12 == 1  # due 29 February 2024, 16 months late on 30 June 2025
        assert stored.indicators.open_assessments_by_age.over_52 == 1
