"""The ``sendflow check`` contract (DESIGN.md section 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendflow.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ehc-A123.json"
RESULT_FIELDS = {
    "rule",
    "key",
    "kind",
    "duty",
    "started_on",
    "due_on",
    "met_on",
    "status",
    "days_late",
    "exceptions",
    "reference",
    "explanation",
    "local",
    "target_of",
}


def write_case(tmp_path: Path, events: list[dict[str, object]], name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(
        json.dumps({"process": "ehc-needs-assessment", "case_id": "T1", "events": events})
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_json_has_the_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON output has exactly the documented top-level and per-result fields."""
    status, out, err = run(capsys, "check", str(EXAMPLE))
    assert status == 0
    assert err == ""
    data = json.loads(out)
    assert set(data) == {
        "process",
        "process_version",
        "case_id",
        "version",
        "as_of",
        "state",
        "final",
        "outcome",
        "allowed_events",
        "time_limits",
    }
    assert data["process"] == "ehc-needs-assessment"
    assert data["case_id"] == "A123"
    assert data["state"] == "plan_issued"
    assert data["final"] is True
    for result in data["time_limits"]:
        assert set(result) == RESULT_FIELDS
    final = next(r for r in data["time_limits"] if r["rule"] == "final-plan")
    assert final["due_on"] == "2024-05-27"
    assert final["reference"] == "SI 2014/1530 reg 13(2), 13(3)"
    assert final["status"] == "excused"
    assert final["days_late"] == 7


def test_as_of_defaults_to_the_latest_event(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without --as-of the case is evaluated on the date of its latest event."""
    path = write_case(
        tmp_path,
        [
            {"event": "request_received", "on": "2024-01-08"},
            {"event": "decided_to_assess", "on": "2024-03-01"},
        ],
    )
    status, out, _ = run(capsys, "check", str(path))
    assert status == 0
    data = json.loads(out)
    assert data["as_of"] == "2024-03-01"
    decide = data["time_limits"][0]
    assert (decide["rule"], decide["status"], decide["days_late"]) == (
        "decide-whether-to-assess",
        "late",
        11,
    )


def test_as_of_gives_pending_and_overdue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--as-of evaluates the case on that date: pending before the due date, overdue after."""
    path = write_case(tmp_path, [{"event": "request_received", "on": "2024-01-08"}])
    _, out, _ = run(capsys, "check", str(path), "--as-of", "2024-02-19")
    assert json.loads(out)["time_limits"][0]["status"] == "pending"
    _, out, _ = run(capsys, "check", str(path), "--as-of", "2024-02-20")
    first = json.loads(out)["time_limits"][0]
    assert (first["status"], first["days_late"]) == ("overdue", 1)


def test_fail_on_breach_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--fail-on-breach exits 1 when a limit is overdue, and 0 otherwise; output is printed."""
    path = write_case(tmp_path, [{"event": "request_received", "on": "2024-01-08"}])
    status, out, _ = run(capsys, "check", str(path), "--as-of", "2024-03-01", "--fail-on-breach")
    assert status == 1
    assert json.loads(out)["time_limits"][0]["status"] == "overdue"
    status, _, _ = run(capsys, "check", str(path), "--as-of", "2024-01-09", "--fail-on-breach")
    assert status == 0
    status, _, _ = run(capsys, "check", str(path), "--as-of", "2024-03-01")
    assert status == 0


@pytest.mark.parametrize(
    ("events", "words"),
    [
        (
            [
                {"event": "request_received", "on": "2024-01-08"},
                {"event": "final_plan_issued", "on": "2024-02-01"},
            ],
            ["not allowed", "awaiting_decision_to_assess", "decided_to_assess"],
        ),
        (
            [
                {"event": "request_received", "on": "2024-01-08"},
                {"event": "decided_to_assess", "on": "2024-02-01"},
                {"event": "advice_requested", "on": "2024-02-02"},
            ],
            ["needs data 'party'", "event 3"],
        ),
        ([{"event": "request_received", "on": "2024-02-30"}], ["2024-02-30", "YYYY-MM-DD"]),
        ([{"event": "request_recieved", "on": "2024-01-08"}], ["request_received"]),
    ],
    ids=["not-allowed", "missing-data", "impossible-date", "unknown-event"],
)
def test_bad_case_exits_2_with_reason_on_stderr(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    events: list[dict[str, object]],
    words: list[str],
) -> None:
    """Bad input exits 2 with the reason on stderr and nothing on stdout."""
    path = write_case(tmp_path, events)
    status, out, err = run(capsys, "check", str(path))
    assert status == 2
    assert out == ""
    assert str(path) in err
    for word in words:
        assert word in err


def test_unreadable_and_unknown_inputs_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A missing file, broken JSON, an unknown process and a bad --as-of all exit 2."""
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    unknown = tmp_path / "unknown.json"
    unknown.write_text(
        json.dumps(
            {
                "process": "ehc-needs-assesment",
                "events": [{"event": "request_received", "on": "2024-01-08"}],
            }
        )
    )
    for args, word in (
        (["check", str(tmp_path / "missing.json")], "no such case file"),
        (["check", str(broken)], "not valid JSON"),
        (["check", str(unknown)], "Did you mean 'ehc-needs-assessment'"),
        (["check", str(EXAMPLE), "--as-of", "2024-13-01"], "YYYY-MM-DD"),
    ):
        status, out, err = run(capsys, *args)
        assert (status, out) == (2, "")
        assert word in err


def test_table_format_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """The table format names the case, its state and every rule with its status."""
    status, out, _ = run(capsys, "check", str(EXAMPLE), "--format", "table")
    assert status == 0
    assert "A123" in out
    assert "plan_issued" in out
    for rule in ("decide-whether-to-assess", "final-plan", "draft-representations"):
        assert rule in out


def test_a_yaml_case_file_may_write_on_unquoted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """YAML reads a bare ``on:`` key as true; a YAML case file still gives the event's date."""
    path = tmp_path / "case.yaml"
    path.write_text(
        "process: ehc-needs-assessment\ncase_id: Y1\nevents:\n"
        "  - {event: request_received, on: 2024-01-08}\n"
        "  - event: decided_to_assess\n    on: 2024-02-12\n"
    )
    status, out, _ = run(capsys, "check", str(path))
    assert status == 0
    data = json.loads(out)
    assert (data["state"], data["as_of"]) == ("assessing", "2024-02-12")
