"""The HTML report holds everything itself, escapes what it shows, and copes with no cases."""

from __future__ import annotations

import re
from datetime import date

import sendflow
from sendflow.compliance import calendar_year, measure_store
from sendflow.compliance.national import england
from sendflow.reports import Drilldown, render_html


def _page(cases, year: int) -> str:
    with sendflow.Store("sqlite://") as store:
        store.import_cases(cases)
        drilldown = Drilldown()
        report = measure_store(
            store, calendar_year(year), as_of=date(year, 12, 31), trace=drilldown
        )
    return render_html(report, national=england(), drilldown=drilldown)


CASE = {
    "process": "ehc-needs-assessment",
    "case_id": "<b>A&1</b>",
    "events": [{"event": "request_received", "on": "2024-01-08"}],
}


def test_the_page_loads_nothing_from_elsewhere():
    """No script, style sheet, image or font is fetched: the only link is the source's."""
    page = _page([CASE], 2024)
    assert "<script" not in page
    assert "<link" not in page
    assert "@import" not in page
    assert "url(" not in page
    assert re.findall(r'src="', page) == []
    assert re.findall(r"href='([^']*)'", page) == [england().source.url]


def test_case_ids_and_text_are_escaped():
    """A case id with markup in it is shown as text in the appendix."""
    page = _page([CASE], 2024)
    assert "&lt;b&gt;A&amp;1&lt;/b&gt;" in page
    assert "<b>A&1</b>" not in page


def test_a_period_with_no_cases_says_so_instead_of_drawing_empty_charts():
    """Sections without figures say there is nothing to show; England's chart still draws."""
    page = _page([CASE], 2019)
    assert "No new plans were counted." in page
    assert "No appeals were registered in the period." in page
    assert page.count("<svg") == 1
