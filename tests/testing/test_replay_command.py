"""``sendflow replay``: every due date and verdict that changes between two definitions."""

import json
from pathlib import Path

import pytest

import sendflow
from sendflow.cli import main

EHC = "ehc-needs-assessment"


@pytest.fixture
def shorter(tmp_path):
    """EHC with a local 19-week final-plan limit and a new version number."""
    packaged = Path(sendflow.load_process(EHC).file or "")
    text = (Path(__file__).parents[2] / packaged).read_text(encoding="utf-8")
    assert "    period: 20 weeks\n" in text
    version = sendflow.load_process(EHC).version
    changed = text.replace("    period: 20 weeks\n", "    period: 19 weeks\n").replace(
        f'version: "{version}"', 'version: "local.1"'
    )
    path = tmp_path / "shorter.yaml"
    path.write_text(changed, encoding="utf-8")
    return str(path)


@pytest.fixture
def histories(tmp_path):
    """A YAML case, a JSON case and a JSON Lines file of two cases, in one folder."""
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        "case_id: A1\nevents:\n  - {event: request_received, on: 2024-01-08}\n"
        "  - {event: decided_to_assess, on: 2024-02-12}\n"
        "  - {event: draft_plan_issued, on: 2024-04-01}\n"
        "  - {event: final_plan_issued, on: 2024-05-24}\n",
        encoding="utf-8",
    )
    refused = {
        "case_id": "B1",
        "events": [
            {"event": "request_received", "on": "2024-01-08"},
            {"event": "refused_to_assess", "on": "2024-02-01"},
        ],
    }
    (folder / "b.json").write_text(json.dumps(refused), encoding="utf-8")
    lines = [
        {"case_id": "C1", "events": [{"event": "request_received", "on": "2024-01-08"}]},
        {"case_id": "C2", "events": [{"event": "request_received", "on": "2024-03-04"}]},
    ]
    (folder / "c.jsonl").write_text(
        "\n".join(json.dumps(c) for c in lines) + "\n\n", encoding="utf-8"
    )
    return folder


def test_replay_lists_each_change_and_a_summary(capsys, shorter, histories):
    """A shorter limit moves every final-plan due date and turns a met plan late."""
    assert main(["replay", EHC, shorter, str(histories), "--as-of", "2024-05-24"]) == 0
    out = capsys.readouterr().out
    assert "case A1" in out
    assert "final-plan                       due_on   2024-05-27 -> 2024-05-20" in out
    assert "final-plan                       status   met -> late" in out
    assert "a.yaml): changed, 2 changes" in out
    assert "  old: accepted, state plan_issued, closed" in out
    assert "c.jsonl, line 1): changed, 2 changes" in out  # pending under 20 weeks, overdue under 19
    assert "c.jsonl, line 2): changed, 1 change" in out
    assert out.rstrip().endswith(
        "4 case(s) replayed (changed: 4); 4 changed; 6 change(s) (due_on: 4, status: 2)."
    )


def test_replay_as_json(capsys, shorter, histories):
    """The JSON report lists every case with its changes, and the summary counts."""
    assert main(["replay", EHC, shorter, str(histories), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    packaged = sendflow.load_process(EHC).version
    assert report["old"] == {"given": EHC, "process": EHC, "version": packaged}
    assert report["new"]["version"] == "local.1"
    by_id = {case["case_id"]: case["changes"] for case in report["cases"]}
    # A void clock keeps its due date, so the refusal's plan date still moves.
    assert [c["field"] for c in by_id["B1"]] == ["due_on"]
    assert by_id["A1"] == [
        {
            "rule": "final-plan",
            "key": None,
            "field": "due_on",
            "old": "2024-05-27",
            "new": "2024-05-20",
        },
        {"rule": "final-plan", "key": None, "field": "status", "old": "met", "new": "late"},
    ]
    assert report["summary"] == {
        "cases": 4,
        "changed": 4,
        "changes": 5,
        "by_field": {"due_on": 4, "status": 1},
        "by_outcome": {"changed": 4},
    }


def test_replay_of_the_same_definition_changes_nothing(capsys, histories):
    """Replaying under one definition twice reports no change."""
    assert main(["replay", EHC, EHC, str(histories / "a.yaml")]) == 0
    out = capsys.readouterr().out
    assert "a.yaml): unchanged\n" in out
    assert "1 case(s) replayed (unchanged: 1); 0 changed; 0 change(s) (none)." in out


def test_a_history_the_new_definition_rejects_is_a_change(capsys, tmp_path):
    """A history valid under OLD but rejected by NEW is reported, not an error."""
    case = {
        "case_id": "X",
        "events": [
            {"event": "request_received", "on": "2024-01-08"},
            {"event": "decided_to_assess", "on": "2024-02-12"},
        ],
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    other = Path(__file__).parent / "broken" / "trapped-loop.yaml"  # no decided_to_assess
    assert main(["replay", EHC, str(other), str(path), "--format", "json"]) == 0
    (case,) = json.loads(capsys.readouterr().out)["cases"]
    assert case["outcome"] == "rejected by new"
    assert case["old"] == {"accepted": True, "state": "assessing", "final": False}
    assert case["new"]["accepted"] is False
    assert case["new"]["code"] == "event_invalid"  # an event the new definition lacks
    assert case["new"]["error"].startswith("EventDataError: case X, event 2: unknown event")
    (change,) = case["changes"]
    assert change["field"] == "history"
    assert change["old"] == "accepted (state assessing)"
    assert change["new"].startswith("EventDataError:")


REJECTED = {
    "case_id": "Z",
    "events": [
        {"event": "request_received", "on": "2024-01-08"},
        {"event": "final_plan_issued", "on": "2024-02-01"},
    ],
}


def test_a_history_both_definitions_reject_is_listed_in_text(capsys, shorter, tmp_path):
    """A history both versions reject is listed with each version's reason, and counted."""
    (tmp_path / "z.json").write_text(json.dumps(REJECTED), encoding="utf-8")
    assert main(["replay", EHC, shorter, str(tmp_path / "z.json")]) == 0
    out = capsys.readouterr().out
    assert "z.json): rejected by both\n" in out
    assert out.count("rejected: EventNotAllowedError: case Z, event 2: final_plan_issued") == 2
    assert "1 case(s) replayed (rejected by both: 1); 0 changed" in out


def test_a_history_both_definitions_reject_is_listed_in_json(capsys, shorter, tmp_path):
    """The JSON report gives each version's error for a history both reject."""
    (tmp_path / "z.json").write_text(json.dumps(REJECTED), encoding="utf-8")
    assert main(["replay", EHC, shorter, str(tmp_path / "z.json"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (case,) = report["cases"]
    assert case["outcome"] == "rejected by both"
    assert case["changes"] == []
    for version in ("old", "new"):
        assert case[version]["accepted"] is False
        assert "final_plan_issued on Thu 1 Feb 2024 is not allowed" in case[version]["error"]
        assert case[version]["code"] == "event_not_allowed"
    assert report["summary"]["by_outcome"] == {"rejected by both": 1}


def test_show_starts_lists_each_clock_start_under_each_version(capsys, histories):
    """--show-starts gives every clock's rule, key and start date, in text and JSON."""
    case = histories / "a.yaml"
    assert main(["replay", EHC, EHC, str(case), "--show-starts", "--format", "json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)["cases"]
    starts = {(s["rule"], s["started_on"]) for s in found["new"]["starts"]}
    assert ("final-plan", "2024-01-08") in starts
    assert ("draft-representations", "2024-04-01") in starts
    assert found["old"]["starts"] == found["new"]["starts"]
    assert main(["replay", EHC, EHC, str(case), "--show-starts"]) == 0
    out = capsys.readouterr().out
    assert out.count("    clocks started: decide-whether-to-assess 2024-01-08") == 2


def test_starts_are_left_out_unless_asked(capsys, histories):
    """Without --show-starts neither the text nor the JSON lists start dates."""
    assert main(["replay", EHC, EHC, str(histories / "a.yaml"), "--format", "json"]) == 0
    assert "starts" not in json.loads(capsys.readouterr().out)["cases"][0]["new"]


@pytest.mark.parametrize(
    ("write", "message"),
    [
        ({"x.json": "{not json"}, "x.json: not valid JSON"),
        ({"x.txt": "{}"}, "x.txt: not a case file"),
        ({"x.json": '{"events": [], "case_id": 1}'}, "'events' must be a non-empty list"),
        (
            {"x.jsonl": '{"events": [{"event": "request_received", "on": "2024-01-08"}]}\n[1]'},
            "x.jsonl, line 2: a case must be a mapping",
        ),
        ({"x.json": '{"evnts": []}'}, "unexpected field(s) 'evnts'"),
    ],
)
def test_bad_histories_exit_2_with_the_reason(capsys, tmp_path, write, message):
    """Unreadable or wrongly shaped histories exit 2 with the file named on stderr."""
    for name, text in write.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["replay", EHC, EHC, str(tmp_path / next(iter(write)))]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_an_unknown_process_or_path_exits_2(capsys, tmp_path):
    """An unknown process id and a missing history path both exit 2."""
    assert main(["replay", EHC, "ehc-needs-asessment", str(tmp_path)]) == 2
    assert "Did you mean 'ehc-needs-assessment'?" in capsys.readouterr().err
    assert main(["replay", EHC, EHC, str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
