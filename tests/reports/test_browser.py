"""The HTML report in a real browser: it draws every chart, logs no error, fetches nothing."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

import sendflow
from sendflow.compliance import TransferPlan, calendar_year, measure_store
from sendflow.compliance.national import england
from sendflow.reports import Drilldown, render_html
from sendflow.simulation import Council, simulate, transfer_plan_rows
from tests.browser import Browser, find_chromium

CHROMIUM = find_chromium()
CHARTS = """JSON.stringify(Array.from(document.querySelectorAll('svg.chart')).map(svg => ({
  label: svg.getAttribute('aria-label'),
  marks: Array.from(svg.querySelectorAll('.mark')).filter(m => {
    const box = m.getBBox(); return box.width > 0 || box.height > 0; }).length})))"""


@pytest.fixture(scope="module")
def report_page(tmp_path_factory) -> Path:
    council = Council(
        requests=600, first=date(2014, 9, 1), last=date(2024, 12, 31), seed=5, statements=150
    )
    plan = TransferPlan(tuple(transfer_plan_rows(council)))
    with sendflow.Store("sqlite://") as store:
        simulate(store, council)
        drilldown = Drilldown()
        report = measure_store(
            store, calendar_year(2024), as_of=date(2024, 12, 31), plan=plan, trace=drilldown
        )
    page = tmp_path_factory.mktemp("report") / "report.html"
    page.write_text(
        render_html(report, national=england(), drilldown=drilldown, plan=plan), encoding="utf-8"
    )
    return page


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_the_report_draws_every_chart_without_errors_or_network(report_page, tmp_path):
    """Every chart has visible marks, the console is clean and no request leaves the file."""
    assert CHROMIUM is not None
    browser = Browser(CHROMIUM)
    try:
        browser.open(report_page.as_uri())
        charts = json.loads(browser.evaluate(CHARTS))
        folder = Path(os.environ.get("SENDFLOW_SCREENSHOTS", tmp_path))
        folder.mkdir(parents=True, exist_ok=True)
        browser.screenshot(folder / "report.png")
        errors, requests = browser.errors(), browser.requests()
    finally:
        browser.close()
    assert len(charts) >= 9
    assert [c["label"] for c in charts if c["marks"] == 0] == []
    assert errors == []
    assert requests == [report_page.as_uri()]
    assert (folder / "report.png").stat().st_size > 10_000


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_the_browser_check_sees_errors_requests_and_empty_charts(tmp_path):
    """A page that logs an error, fetches an image and draws an empty chart is caught."""
    assert CHROMIUM is not None
    page = tmp_path / "bad.html"
    page.write_text(
        "<html><body><svg class='chart' aria-label='empty'></svg>"
        "<img src='http://127.0.0.1:9/x.png'><script>console.error('broken')</script>"
        "</body></html>",
        encoding="utf-8",
    )
    browser = Browser(CHROMIUM)
    try:
        browser.open(page.as_uri())
        charts = json.loads(browser.evaluate(CHARTS))
        errors, requests = browser.errors(), browser.requests()
    finally:
        browser.close()
    assert charts == [{"label": "empty", "marks": 0}]
    assert any("broken" in error for error in errors)
    assert "http://127.0.0.1:9/x.png" in requests
