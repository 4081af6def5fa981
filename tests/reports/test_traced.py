"""The traced reports read settled cases from their rows and match evaluating every case.

A simulated council (with the transfer programme, appeals and exceptions) is measured
with a trace both ways, for periods before, among and at the end of its events: the
cases behind each figure come in the same order with the same words, and the HTML
report and the CSV files of cases are byte for byte the same.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import sendflow
from sendflow.compliance import ReportPeriod, TraceRow, measure_store
from sendflow.compliance.national import england
from sendflow.reports import CsvFolder, Drilldown, render_html
from sendflow.simulation import Council, simulate

PERIODS = [
    (ReportPeriod(date(2023, 1, 1), date(2023, 12, 31)), date(2023, 12, 31)),
    (ReportPeriod(date(2017, 4, 1), date(2018, 3, 31)), date(2018, 6, 30)),
    (ReportPeriod(date(2024, 1, 1), date(2024, 6, 30)), date(2024, 6, 30)),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("traced") / "cases.db"
    with sendflow.Store(f"sqlite:///{path}") as opened:
        simulate(opened, Council(requests=600, first=date(2014, 1, 1), last=date(2024, 6, 30)))
        yield opened


@pytest.mark.parametrize(("period", "as_of"), PERIODS)
def test_the_trace_is_the_same_read_from_rows_and_evaluated(store, period, as_of, evaluated):
    """Every row of the trace, in order, and every figure agree (and counted in SQL)."""
    calls = evaluated
    read: list[TraceRow] = []
    counted = measure_store(store, period, as_of=as_of, trace=read.append)
    evaluated_calls = len(calls)
    every: list[TraceRow] = []
    evaluated = measure_store(store, period, as_of=as_of, trace=every.append, stored_results=False)
    assert read == every
    assert counted == evaluated
    assert len(every) > 100
    assert evaluated_calls < len(calls) - evaluated_calls  # most cases read from rows


def _outputs(store, period, as_of, folder: Path, *, stored_results: bool) -> dict[str, bytes]:
    drilldown = Drilldown()
    report = measure_store(
        store, period, as_of=as_of, trace=drilldown, stored_results=stored_results
    )
    folder.mkdir()
    files = CsvFolder(folder)
    measure_store(store, period, as_of=as_of, trace=files, stored_results=stored_results)
    written = {path.name: path.read_bytes() for path in files.close()}
    html = render_html(report, national=england(), drilldown=drilldown)
    return {"report.html": html.encode(), **written}


def test_the_html_report_and_the_csv_files_are_byte_for_byte_the_same(store, tmp_path):
    """The drill-down appendix and each indicator's CSV of cases."""
    period, as_of = PERIODS[0]
    read = _outputs(store, period, as_of, tmp_path / "read", stored_results=True)
    every = _outputs(store, period, as_of, tmp_path / "every", stored_results=False)
    assert read.keys() == every.keys()
    assert len(read) > 10
    for name, content in read.items():
        assert content == every[name], name
