"""The ORUK 1.0 CSV tables and the same directory as 1.0 JSON give the same results."""

from __future__ import annotations

from pathlib import Path

import attrs

from sendflow.localoffer import Report
from tests.localoffer.builders import check, nested_v1, write_json, write_tables


def _results(report: Report) -> Report:
    return attrs.evolve(report, feed="", form="", version_decided_by="")


def test_csv_tables_and_json_of_one_directory_give_one_report(tmp_path: Path) -> None:
    """Every check, topic and problem agrees between the CSV folder and the JSON export."""
    from_csv = check(write_tables(tmp_path / "tables"))
    from_json = check(write_json(tmp_path, nested_v1()))
    assert (from_csv.version, from_json.version) == ("1.0", "1.0")
    assert from_csv.form == "ORUK 1.0 CSV tables"
    assert _results(from_csv) == _results(from_json)
    # The directory is not trivially clean: the comparison covers real findings.
    assert from_csv.check("freshness").findings[0].ids == ("s2",)
    assert from_csv.check("freshness").findings[2].ids == ("s3",)


def test_1_0_reads_eligibility_text_and_phones(tmp_path: Path) -> None:
    """ORUK 1.0's eligibility text and phone numbers count as who-for and contact routes."""
    report = check(write_tables(tmp_path / "tables"))
    findings = report.check("who-and-how").findings
    assert findings[1].count == 0  # both active services state who they are for
    assert findings[2].count == 0  # s2 has only a phone, and that counts
