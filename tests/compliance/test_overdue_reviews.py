"""Annual reviews overdue on the as-of date, banded by months late, each worked by hand.

As of 31 December 2024 (a plan's review is due the day before the same date a year on):

- O1 plan 20 Dec 2023, due 19 Dec 2024: 12 days late, under 1 month;
- O2 plan 30 Nov 2023, due 29 Nov 2024: 29 Dec is one month on, so 1 month late;
- O3 plan 31 Aug 2023, due 30 Aug 2024: 30 Dec is four months on, so 4 months late;
- O4 plan 1 Mar 2023, due 29 Feb 2024: 29 Dec is ten months on, so 10 months late;
- O5 plan 1 May 2023, due 30 Apr 2024, reviewed on 20 Jan 2025 (after the as-of date):
  overdue on 31 December by 8 months (30 Dec is eight months on);
- O6 plan 15 Jun 2022, due 14 Jun 2023: 14 Dec 2024 is 18 months on, so 18 months late;
- O7 plan 1 Jan 2024, due 31 Dec 2024: due on the as-of date, not yet overdue;
- O8 plan ceased in February 2023: no longer reviewed, not counted;
- O9 reviewed on time in January 2024, next due 4 Jan 2025: not overdue.
"""

from __future__ import annotations

import csv
from datetime import date

import pytest

import sendflow
from sendflow.cli import main
from sendflow.compliance import calendar_year, measure_store
from sendflow.compliance.reviews import months_late, review_band
from sendflow.reports import report_json

END = date(2024, 12, 31)


def _case(case_id: str, *events: tuple[str, str]) -> dict[str, object]:
    return {
        "process": "annual-review",
        "case_id": case_id,
        "events": [{"event": name, "on": on} for name, on in events],
    }


PLANS = [
    _case("O1", ("plan_issued", "2023-12-20")),
    _case("O2", ("plan_issued", "2023-11-30")),
    _case("O3", ("plan_issued", "2023-08-31")),
    _case("O4", ("plan_issued", "2023-03-01")),
    _case(
        "O5",
        ("plan_issued", "2023-05-01"),
        ("review_meeting_held", "2025-01-06"),
        ("decided_to_maintain", "2025-01-20"),
    ),
    _case("O6", ("plan_issued", "2022-06-15")),
    _case("O7", ("plan_issued", "2024-01-01")),
    _case(
        "O8",
        ("plan_issued", "2022-01-10"),
        ("review_meeting_held", "2022-12-15"),
        ("decided_to_cease", "2023-01-05"),
        ("plan_ceased", "2023-02-01"),
    ),
    _case(
        "O9",
        ("plan_issued", "2023-01-10"),
        ("review_meeting_held", "2023-12-15"),
        ("decided_to_maintain", "2024-01-05"),
    ),
]


@pytest.fixture
def url(tmp_path):
    found = f"sqlite:///{tmp_path / 'plans.db'}"
    with sendflow.Store(found) as store:
        store.import_cases(PLANS)
    return found


@pytest.mark.parametrize(
    ("due_on", "as_of", "months"),
    [
        (date(2024, 12, 19), END, 0),
        (date(2024, 11, 29), END, 1),
        (date(2024, 1, 31), date(2024, 2, 28), 0),  # a month on is 29 February 2024
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2023, 6, 14), END, 18),
        (date(2024, 12, 31), END, 0),
    ],
)
def test_months_late_counts_whole_months_from_the_due_date(due_on, as_of, months):
    """A month on from 31 January 2024 is 29 February (the month's last day)."""
    assert months_late(due_on, as_of) == months


def test_each_month_count_falls_in_its_band():
    """Bands start at 0, 1, 3, 6 and 12 months."""
    assert [review_band(m) for m in (0, 1, 2, 3, 5, 6, 11, 12, 40)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_overdue_reviews_are_banded_by_months_late(url):
    """O1 under a month; O2 1-3; O3 3-6; O4, O5 6-12; O6 12 or more; O7-O9 not overdue."""
    rows = []
    with sendflow.Store(url) as store:
        report = measure_store(store, calendar_year(2024), as_of=END, trace=rows.append)
    late = report.indicators.overdue_annual_reviews_by_months_late
    assert (late.under_1, late.from_1_to_3, late.from_3_to_6, late.from_6_to_12, late.from_12) == (
        1,
        1,
        1,
        2,
        1,
    )
    behind = {r.case_id: (r.on, r.counted) for r in rows if r.indicator.startswith("overdue")}
    assert behind == {
        "O1": (date(2024, 12, 19), "0 months late (under 1 month)"),
        "O2": (date(2024, 11, 29), "1 month late (1 to 3 months)"),
        "O3": (date(2024, 8, 30), "4 months late (3 to 6 months)"),
        "O4": (date(2024, 2, 29), "10 months late (6 to 12 months)"),
        "O5": (date(2024, 4, 30), "8 months late (6 to 12 months)"),
        "O6": (date(2023, 6, 14), "18 months late (12 months or more)"),
    }
    data = report_json(report)["indicators"]["overdue_annual_reviews_by_months_late"]
    assert data == {"under_1": 1, "1_to_3": 1, "3_to_6": 1, "6_to_12": 2, "12_and_over": 1}


def test_an_earlier_as_of_date_sees_fewer_overdue(url):
    """As of 30 June 2024: O4 (4 months), O5 (2 months) and O6 (12 months) only."""
    with sendflow.Store(url) as store:
        report = measure_store(store, calendar_year(2024), as_of=date(2024, 6, 30))
    late = report.indicators.overdue_annual_reviews_by_months_late
    assert (late.under_1, late.from_1_to_3, late.from_3_to_6, late.from_6_to_12, late.from_12) == (
        0,
        1,
        1,
        0,
        1,
    )


def test_the_reports_show_the_bands_and_the_csv_lists_the_cases(url, capsys, tmp_path):
    """Markdown has a row per band; the HTML a section; the CSV names each case."""
    base = ["report", "--db", url, "--from", "2024-01-01", "--to", "2024-12-31"]
    assert main([*base, "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "## Annual reviews overdue" in markdown
    assert "| 6 to 12 months | 2 |" in markdown
    assert "| 12 or more | 1 |" in markdown
    page = tmp_path / "r.html"
    assert main([*base, "--output", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "id='overdue-reviews'" in html
    assert "6 plans were past their 12 months without a review decision" in html
    folder = tmp_path / "out"
    assert main([*base, "--format", "csv", "--output", str(folder)]) == 0
    with (folder / "overdue_annual_reviews_by_months_late.csv").open(encoding="utf-8") as f:
        cases = {r["case_id"]: r["counted"] for r in csv.DictReader(f)}
    assert sorted(cases) == ["O1", "O2", "O3", "O4", "O5", "O6"]
    assert cases["O6"] == "18 months late (12 months or more)"
    with (folder / "indicators.csv").open(encoding="utf-8") as f:
        rows = {(r["indicator"], r["measure"]): r["value"] for r in csv.DictReader(f)}
    assert rows[("overdue_annual_reviews_by_months_late", "6_to_12")] == "2"
