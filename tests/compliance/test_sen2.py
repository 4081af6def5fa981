"""SEN2-style extracts: stored histories out as rows, rows in as cases, and back again."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

import sendflow
from sendflow.compliance import calendar_year, measure_store
from sendflow.compliance.measuring import appeal_stages
from sendflow.compliance.sen2 import COLUMNS, read_sen2, sen2_rows
from tests.compliance.caseload import CASELOAD

END = date(2024, 12, 31)


def _export(store: sendflow.Store) -> dict[str, dict[str, str]]:
    mediation, tribunal = appeal_stages(store.iter_cases(process="appeal"), as_of=END)
    rows = sen2_rows(store.iter_cases(), mediation=mediation, tribunal=tribunal)
    return {row["case_id"]: row for row in rows}


def _csv(rows) -> list[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().splitlines()


@pytest.fixture(scope="module")
def store():
    with sendflow.Store("sqlite://") as opened:
        opened.import_cases(CASELOAD)
        yield opened


def test_each_assessment_becomes_one_row_in_sen2_codes(store):
    """Outcomes Y/N/W/A with their dates, the exception flag and the appeal flags."""
    rows = _export(store)
    assert len(rows) == 11
    assert rows["A1"] == {
        "case_id": "A1",
        "received_date": "2024-01-08",
        "request_outcome": "Y",
        "request_outcome_date": "2024-02-12",
        "assessment_outcome": "Y",
        "assessment_outcome_date": "2024-05-20",
        "week20": "0",
        "mediation": "0",
        "tribunal": "0",
    }
    assert rows["A3"]["week20"] == "1"
    assert (rows["A5"]["mediation"], rows["A5"]["tribunal"]) == ("1", "0")
    assert (rows["A9"]["request_outcome"], rows["A9"]["assessment_outcome"]) == ("N", "")
    assert (rows["A9"]["mediation"], rows["A9"]["tribunal"]) == ("0", "1")
    assert (rows["A10"]["request_outcome"], rows["A10"]["request_outcome_date"]) == (
        "W",
        "2024-06-10",
    )
    assert (rows["A8"]["request_outcome"], rows["A11"]["assessment_outcome"]) == ("A", "A")


def test_an_extract_imported_gives_the_same_figures_and_the_same_extract(store):
    """Rows in, then out again, are the rows; DfE's rates and decisions are unchanged."""
    rows = _export(store)
    with sendflow.Store("sqlite://") as copy:
        copy.import_cases(read_sen2(_csv(rows.values()), where="extract.csv"))
        assert _export(copy) == rows
        ours = measure_store(store, calendar_year(2024), as_of=END).indicators
        theirs = measure_store(copy, calendar_year(2024), as_of=END).indicators
    for name in (
        "requests_received",
        "decisions_within_6_weeks",
        "plans_issued",
        "plans_within_20_weeks_including_exceptions",
        "plans_within_20_weeks_excluding_exceptions",
        "weeks_to_issue",
        "open_assessments_by_age",
    ):
        assert getattr(theirs, name) == getattr(ours, name), name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"request_outcome": "X"}, r"line 2, request_outcome: 'X' is not a code it may hold"),
        ({"received_date": "01/02/2024"}, r"line 2, received_date: '01/02/2024' is not a date"),
        ({"week20": "yes"}, r"line 2, week20: 'yes' is not a flag; write 1 or 0"),
        ({"request_outcome_date": ""}, r"line 2, request_outcome_date: outcome Y needs its date"),
        ({"case_id": ""}, r"line 2, case_id: every row needs a case id"),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_column(change, message):
    """The message names the file, line and column, what is wrong and what is allowed."""
    row = {
        "case_id": "S1",
        "received_date": "2024-01-08",
        "request_outcome": "Y",
        "request_outcome_date": "2024-02-01",
        "assessment_outcome": "A",
        "assessment_outcome_date": "",
        "week20": "0",
        "mediation": "0",
        "tribunal": "0",
    }
    with pytest.raises(sendflow.SendflowError, match=message):
        list(read_sen2(_csv([{**row, **change}]), where="extract.csv"))


def test_a_missing_column_is_named():
    """An extract without a column says which, and lists the header it needs."""
    with pytest.raises(sendflow.SendflowError, match=r"lacks the column\(s\) week20"):
        list(read_sen2([",".join(c for c in COLUMNS if c != "week20")], where="x.csv"))
