"""``sendflow report``, ``simulate``, ``demo`` and the SEN2 commands from the command line."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

import sendflow
from sendflow.cli import caseload_running, main
from sendflow.simulation import Council
from tests.compliance.caseload import CASELOAD


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    with sendflow.Store(url) as store:
        store.import_cases(CASELOAD)
    return url


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_report_json_has_the_contract_shape_and_the_hand_worked_figures(db, capsys):
    """--format json prints period, as_of and every named indicator."""
    status, out, _ = _run(
        capsys,
        "report",
        "--db",
        db,
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--format",
        "json",
    )
    assert status == 0
    data = json.loads(out)
    assert data["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    assert data["as_of"] == "2024-12-31"
    indicators = data["indicators"]
    assert set(indicators) >= {
        "requests_received",
        "decisions_within_6_weeks",
        "plans_within_20_weeks_including_exceptions",
        "plans_within_20_weeks_excluding_exceptions",
        "weeks_to_issue",
        "open_assessments_by_age",
        "advice_within_6_weeks",
        "annual_reviews_on_time",
        "review_decisions_within_4_weeks",
        "amended_plans_within_8_weeks",
        "phase_transfers_on_time",
        "transfers",
        "appeals_registered",
        "orders_complied_on_time",
        "personal_budgets",
    }
    assert indicators["plans_within_20_weeks_excluding_exceptions"] == {
        "numerator": 2,
        "denominator": 4,
        "percent": 50.0,
    }
    assert indicators["weeks_to_issue"]["20_to_52"] == 3
    assert indicators["open_assessments_by_age"]["20_to_30"] == 1
    assert indicators["phase_transfers_on_time"]["percent"] is None


def test_report_csv_writes_every_figure_and_the_cases_behind_each(db, capsys, tmp_path):
    """indicators.csv holds every figure; each indicator's file lists its cases."""
    folder = tmp_path / "out"
    status, out, _ = _run(
        capsys,
        "report",
        "--db",
        db,
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--format",
        "csv",
        "--output",
        str(folder),
    )
    assert status == 0
    assert "indicators.csv" in out
    with (folder / "indicators.csv").open(encoding="utf-8") as stream:
        rows = {(r["indicator"], r["measure"]): r["value"] for r in csv.DictReader(stream)}
    assert rows[("plans_within_20_weeks_including_exceptions", "percent")] == "40.0"
    assert rows[("advice_within_6_weeks", "other.percent")] == ""
    with (folder / "plans_within_20_weeks_including_exceptions.csv").open(encoding="utf-8") as f:
        cases = {r["case_id"]: r["counted"] for r in csv.DictReader(f)}
    assert cases == {"A1": "on time", "A2": "late", "A3": "late", "A4": "on time", "A6": "late"}


def test_report_html_and_markdown_name_the_headline_figures(db, capsys, tmp_path):
    """The HTML file and the Markdown both give the 20-week rate in words."""
    page = tmp_path / "r.html"
    assert _run(capsys, "report", "--db", db, "--to", "2024-12-31", "--output", str(page))[0] == 0
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "50.0% (2 of 4)" in html
    status, out, _ = _run(capsys, "report", "--db", db, "--to", "2024-12-31", "--format", "md")
    assert status == 0
    assert "| New plans within 20 weeks, excluding exceptions | 50.0% (2 of 4) |" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2024-06-01", "--to", "2024-01-01"], "cannot end"),
        (["--from", "2024-13-01"], "is not a date"),
        (["--transfer-plan", "missing.csv", "--to", "2024-12-31"], "cannot read the transfer plan"),
    ],
)
def test_bad_report_options_exit_2_with_the_reason_and_nothing_on_stdout(db, capsys, argv, message):
    """A bad period, date or plan file is refused before anything is written."""
    status, out, err = _run(capsys, "report", "--db", db, "--format", "json", *argv)
    assert (status, out) == (2, "")
    assert message in err


def test_a_transfer_plan_with_falling_totals_is_refused_with_its_line(db, capsys, tmp_path):
    """Milestones must rise: the message gives the file and line."""
    plan = tmp_path / "plan.csv"
    plan.write_text("date,planned\n2016-03-31,10\n2017-03-31,5\n", encoding="utf-8")
    status, out, err = _run(
        capsys,
        "report",
        "--db",
        db,
        "--to",
        "2017-12-31",
        "--transfer-plan",
        str(plan),
        "--format",
        "json",
    )
    assert (status, out) == (2, "")
    assert "plan.csv, line 3" in err


def test_report_on_an_empty_store_without_dates_says_what_to_do(tmp_path, capsys):
    """With no cases and no --as-of there is no date to report as of."""
    status, _, err = _run(capsys, "report", "--db", f"sqlite:///{tmp_path / 'e.db'}")
    assert status == 2
    assert "give --as-of DATE" in err


def test_simulate_is_seeded_and_writes_through_the_import(tmp_path, capsys):
    """The same seed gives the same stored cases; another seed gives others."""
    exports = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        url = f"sqlite:///{tmp_path / name}.db"
        status, out, _ = _run(
            capsys,
            "simulate",
            "--cases",
            "40",
            "--from",
            "2023-01-01",
            "--to",
            "2024-12-31",
            "--seed",
            str(seed),
            "--db",
            url,
        )
        assert status == 0
        assert out.startswith("simulated ")
        with sendflow.Store(url) as store:
            exports.append(
                [
                    (c["case_id"], [(e["event"], e["on"]) for e in c["events"]])
                    for c in store.export()
                ]
            )
    assert exports[0] == exports[1]
    assert exports[0] != exports[2]
    assert sum(case_id.startswith("A") and "-" not in case_id for case_id, _ in exports[0]) == 40


def test_sen2_export_then_import_copies_the_extract(db, tmp_path, capsys):
    """An extract written by sen2-export and read by sen2-import exports the same again."""
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    assert (
        _run(capsys, "sen2-export", "--db", db, "--as-of", "2024-12-31", "--output", str(first))[0]
        == 0
    )
    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    status, out, _ = _run(capsys, "sen2-import", str(first), "--db", copy)
    assert status == 0
    assert out.startswith("imported 13 case(s)")  # 11 assessments and 2 appeals
    assert (
        _run(capsys, "sen2-export", "--db", copy, "--as-of", "2024-12-31", "--output", str(second))[
            0
        ]
        == 0
    )
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_sen2_import_of_a_bad_row_writes_nothing(tmp_path, capsys):
    """A bad code gives exit status 2, its line on stderr, and an empty store."""
    extract = tmp_path / "bad.csv"
    extract.write_text(
        "case_id,received_date,request_outcome,request_outcome_date,assessment_outcome,"
        "assessment_outcome_date,week20,mediation,tribunal\n"
        "S1,2024-01-08,Q,,,,0,0,0\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'x.db'}"
    status, out, err = _run(capsys, "sen2-import", str(extract), "--db", url)
    assert (status, out) == (2, "")
    assert "bad.csv, line 2, request_outcome" in err
    with sendflow.Store(url) as store:
        assert store.cases() == []


def test_demo_simulates_once_and_prints_the_headline_and_the_report_path(
    tmp_path, capsys, monkeypatch
):
    """demo writes the report and its transfer plan, and reuses the council on a second run."""
    small = Council(
        requests=60,
        first=date(2017, 1, 1),
        last=date(2024, 12, 31),
        seed=9,
        statements=20,
        prefix="demo-",
    )
    monkeypatch.setattr(caseload_running, "DEMO", small)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    page = tmp_path / "demo.html"
    status, out, _ = _run(capsys, "demo", "--db", url, "--output", str(page))
    assert status == 0
    assert "simulating a mid-sized council" in out
    assert "plans within 20 weeks, excl. exceptions" in out
    assert f"report: {page.resolve()}" in out
    assert page.stat().st_size > 10_000
    assert (tmp_path / "demo-transfer-plan.csv").read_text().startswith("date,planned\n")
    status, out, _ = _run(capsys, "demo", "--db", url, "--output", str(page))
    assert status == 0
    assert "using the demo council already in" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_report_draws_a_progress_bar_on_a_terminal(db, capsys, monkeypatch):
    """On a terminal, stderr shows the cases counted; the figures still go to stdout."""
    terminal = _Terminal()
    with capsys.disabled():
        monkeypatch.setattr("sys.stderr", terminal)
        monkeypatch.setattr("sys.stdout", io.StringIO())
        status = main(["report", "--db", db, "--to", "2024-12-31", "--format", "json"])
    assert status == 0
    assert "counting [" in terminal.getvalue()
    assert terminal.getvalue().rstrip().endswith("100%")
