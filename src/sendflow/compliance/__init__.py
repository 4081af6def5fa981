"""Compliance indicators: the figures a council reports, counted from case histories.

Every indicator is counted from evaluated case histories, one case at a time (memory
stays flat in the number of cases), for a reporting period and as of a date. DfE's
20-week measure follows its SEN2 definition; ``docs/compliance.md`` says how each figure
is counted.

    >>> from datetime import date
    >>> import sendflow
    >>> from sendflow.compliance import calendar_year, measure_store
    >>> store = sendflow.Store("sqlite://")
    >>> _ = store.import_cases([{"process": "ehc-needs-assessment", "case_id": "A1", "events": [
    ...     {"event": "request_received", "on": "2024-01-08"},
    ...     {"event": "decided_to_assess", "on": "2024-02-12"},
    ...     {"event": "draft_plan_issued", "on": "2024-04-22"},
    ...     {"event": "final_plan_issued", "on": "2024-05-20"}]}])
    >>> report = measure_store(store, calendar_year(2024), as_of=date(2024, 12, 31))
    >>> rate = report.indicators.plans_within_20_weeks_including_exceptions
    >>> rate.numerator, rate.denominator, rate.percent
    (1, 1, 100.0)
"""

from __future__ import annotations

from sendflow.compliance.figures import Rate, Report, TraceRow
from sendflow.compliance.indicators import Tally, duty_holder
from sendflow.compliance.measuring import measure, measure_store, went_to_mediation_or_tribunal
from sendflow.compliance.periods import (
    ReportPeriod,
    academic_year,
    calendar_year,
    financial_year,
    rolling_12_months,
)
from sendflow.compliance.transfers import TransferPlan, read_transfer_plan
from sendflow.store.records import StoredCase

__all__ = [
    "Rate",
    "Report",
    "ReportPeriod",
    "StoredCase",
    "Tally",
    "TraceRow",
    "TransferPlan",
    "academic_year",
    "calendar_year",
    "duty_holder",
    "financial_year",
    "measure",
    "measure_store",
    "read_transfer_plan",
    "rolling_12_months",
    "went_to_mediation_or_tribunal",
]
