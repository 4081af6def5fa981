"""A case the LA took on without a request counts like a request, from the day it did."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import sendflow
from sendflow.compliance import Rate, StoredCase, calendar_year, measure
from sendflow.engine.events import to_event

PACKAGED = Path(__file__).resolve().parents[2] / "processes" / "ehc-needs-assessment.yaml"


def _variant(tmp_path: Path, *, clock_starts: bool) -> sendflow.definitions.model.Process:
    """The packaged process, or (without ``clock_starts``) one whose 20 weeks run from a
    request only, as a council's own definition might."""
    if clock_starts:
        return sendflow.load_process("ehc-needs-assessment")
    text = PACKAGED.read_text(encoding="utf-8")
    final = "  final-plan:\n    title: Issue the final EHC plan\n    duty: local-authority\n"
    old = final + "    starts: [request_received, became_responsible]"
    assert old in text
    path = tmp_path / "ehc-needs-assessment.yaml"
    path.write_text(text.replace(old, final + "    starts: request_received"), encoding="utf-8")
    return sendflow.load_process(path)


@pytest.mark.parametrize("clock_starts", [True, False])
def test_a_case_started_by_became_responsible_counts_as_a_request(tmp_path, clock_starts):
    """Counted in requests, and its plan on time within 140 days of the day it began."""
    process = _variant(tmp_path, clock_starts=clock_starts)
    assert "became_responsible" in process.start
    events = tuple(
        to_event(e)
        for e in (
            {"event": "became_responsible", "on": "2024-03-04"},
            {"event": "decided_to_assess", "on": "2024-03-25"},
            {"event": "draft_plan_issued", "on": "2024-06-20"},
            {"event": "final_plan_issued", "on": "2024-07-22"},  # 140 days on
        )
    )
    case = StoredCase(
        case_id="M1",
        process=process.id,
        process_version=process.version,
        state="",
        version=len(events),
        related_case=None,
        events=events,
    )
    figures = measure(
        [case], process=lambda _: process, period=calendar_year(2024), as_of=date(2024, 12, 31)
    ).indicators
    assert figures.requests_received.count == 1
    assert figures.plans_within_20_weeks_including_exceptions == Rate(1, 1)
    assert figures.plans_within_20_weeks_excluding_exceptions == Rate(1, 1)
    assert figures.weeks_to_issue.mean == 20.0
