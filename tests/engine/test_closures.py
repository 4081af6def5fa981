"""A council's own closure dates are not working days for its working-day limits."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import sendflow
from sendflow.cli import main

DECLINED = [
    {
        "event": "decision_notice_sent",
        "on": "2024-02-12",
        "data": {"decision": "refusal-to-assess"},
    },
    {"event": "mediation_declined", "on": "2024-02-20"},
]


def certificate_due(**options: object) -> date | None:
    evaluation = sendflow.evaluate(sendflow.load_process("appeal"), DECLINED, **options)  # type: ignore[arg-type]
    return evaluation.result("mediation-certificate-declined").due_on


def test_closures_push_working_days_on() -> None:
    """Three working days from Tue 20 Feb 2024 end Fri 23 Feb, or Tue 27 Feb over two closures."""
    assert certificate_due() == date(2024, 2, 23)
    assert certificate_due(closures=[date(2024, 2, 21), date(2024, 2, 22)]) == date(2024, 2, 27)


def test_closures_do_not_move_plain_day_counts() -> None:
    """A period in weeks or months ignores closures, as it ignores bank holidays."""
    plain = sendflow.evaluate(sendflow.load_process("appeal"), DECLINED)
    closed = sendflow.evaluate(
        sendflow.load_process("appeal"), DECLINED, closures=[date(2024, 4, 12)]
    )
    assert plain.result("mediation-adviser-contact").due_on == date(2024, 4, 12)
    assert closed.result("mediation-adviser-contact").due_on == date(2024, 4, 12)


def test_check_reads_a_closures_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``sendflow check --closures FILE`` applies the council's closures; a bad file exits 2."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"process": "appeal", "case_id": "AP1", "events": DECLINED}))
    closures = tmp_path / "closures.yaml"
    closures.write_text("- 2024-02-21..2024-02-22\n")
    assert main(["check", str(case), "--closures", str(closures)]) == 0
    out = json.loads(capsys.readouterr().out)
    due = {r["rule"]: r["due_on"] for r in out["time_limits"]}
    assert due["mediation-certificate-declined"] == "2024-02-27"
    closures.write_text("- 2024-02-30\n")
    assert main(["check", str(case), "--closures", str(closures)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--closures" in captured.err
    assert "2024-02-30" in captured.err
