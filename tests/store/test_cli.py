"""The store's commands: import, record, due, export, cases (and check on a stored case)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sendflow.cli import main

from .helpers import PROCESS


def _case(case_id: str, *more: dict[str, Any]) -> dict[str, Any]:
    events = [{"event": "request_received", "on": "2024-01-08"}, *more]
    return {"process": PROCESS, "case_id": case_id, "events": events}


BAD = _case("B1", {"event": "final_plan_issued", "on": "2024-02-01"})


@pytest.fixture
def db(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store URL, also set as SENDFLOW_DB so commands may omit --db."""
    monkeypatch.setenv("SENDFLOW_DB", store_url)
    return store_url


def _lines(path: Path, cases: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return path


def test_import_then_due_as_json(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cases imported from JSON Lines, a folder and YAML show up in `due` as JSON."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(_case("F1")), encoding="utf-8")
    (folder / "b.yaml").write_text(
        "process: ehc-needs-assessment\ncase_id: F2\nevents:\n"
        '  - {event: request_received, "on": 2024-02-12}\n',
        encoding="utf-8",
    )
    lines = _lines(tmp_path / "cases.jsonl", [_case("L1"), _case("L2")])
    assert main(["import", str(lines), str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "imported 4 case(s), 4 event(s)"
    assert err == ""  # not a terminal: no progress bar
    assert (
        main(
            ["due", "--as-of", "2024-03-20", "--within", "7", "--rule", "decide-whether-to-assess"]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [(r["case_id"], r["status"]) for r in rows] == [
        ("F1", "overdue"),
        ("L1", "overdue"),
        ("L2", "overdue"),
        ("F2", "pending"),
    ]
    assert list(rows[0]) == [
        "case_id",
        "process",
        "rule",
        "key",
        "due_on",
        "status",
        "duty",
        "kind",
        "claimed_by",
        "local",
        "target_of",
    ]


def test_import_with_a_bad_case_imports_none(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One bad case in a file: it is reported with its line, and nothing is imported."""
    lines = _lines(tmp_path / "cases.jsonl", [_case("L1"), BAD, _case("L3")])
    assert main(["import", str(lines), "--db", db]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{lines}, line 2 (case B1)" in err
    assert "nothing was imported" in err
    assert main(["cases", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_import_skip_bad_imports_the_others(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --skip-bad the good cases go in and each bad one is named on stderr."""
    lines = tmp_path / "cases.jsonl"
    lines.write_text(
        json.dumps(_case("L1")) + "\n{not json\n" + json.dumps(BAD) + "\n", encoding="utf-8"
    )
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([_case("J1"), {"case_id": "J2"}]), encoding="utf-8")
    assert main(["import", "--skip-bad", str(lines), str(listed)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "imported 2 case(s), 2 event(s); skipped 3 bad case(s)"
    assert f"{lines}, line 2: not valid JSON" in err
    assert f"{lines}, line 3 (case B1)" in err
    assert f"{listed}, index 1 (case J2)" in err


def test_record_opens_and_appends(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`record --process` opens a case; later records append with data and actor."""
    assert (
        main(["record", "A1", "request_received", "--on", "2024-01-08", "--process", PROCESS]) == 0
    )
    assert (
        main(["record", "A1", "decided_to_assess", "--on", "2024-02-12", "--actor", "officer-3"])
        == 0
    )
    assert (
        main(["record", "A1", "advice_requested", "--on", "2024-02-13", "--data", "party=health"])
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "case A1: advice_requested recorded; version 3, state assessing"
    assert main(["export"]) == 0
    (exported,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert exported["events"][1]["actor"] == "officer-3"
    assert exported["events"][2]["data"] == {"party": "health"}


def test_record_refusal_exits_2(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An event not allowed now exits 2 with the reason on stderr and nothing on stdout."""
    main(["record", "A1", "request_received", "--on", "2024-01-08", "--process", PROCESS])
    capsys.readouterr()
    assert main(["record", "A1", "final_plan_issued", "--on", "2024-02-01"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "not allowed" in err
    assert main(["record", "A1", "decided_to_assess", "--on", "2024-02-01", "--data", "oops"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err


def test_check_reads_a_stored_case(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check CASE_ID` prints the same JSON as `check` on the case's file, with its version."""
    file = tmp_path / "a1.json"
    file.write_text(json.dumps(_case("A1", {"event": "decided_to_assess", "on": "2024-02-12"})))
    main(["import", str(file)])
    capsys.readouterr()
    assert main(["check", str(file), "--as-of", "2024-06-01"]) == 0
    from_file = capsys.readouterr().out
    assert json.loads(from_file)["version"] is None
    assert main(["check", "A1", "--as-of", "2024-06-01", "--db", db]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert stored["version"] == 2
    assert {**stored, "version": None} == json.loads(from_file)


def test_cases_table(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`cases` prints a table with a header row."""
    main(["record", "A1", "request_received", "--on", "2024-01-08", "--process", PROCESS])
    capsys.readouterr()
    assert main(["cases"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == [
        "case_id",
        "process",
        "state",
        "version",
        "opened_on",
        "last_event_on",
    ]
    assert row.split() == [
        "A1",
        PROCESS,
        "awaiting_decision_to_assess",
        "1",
        "2024-01-08",
        "2024-01-08",
    ]


def test_progress_bar_only_on_a_terminal() -> None:
    """The progress bar draws on a terminal and stays silent on a pipe."""
    import io

    from sendflow.cli.store_commands import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown, piped = Terminal(), io.StringIO()
    for stream in (shown, piped):
        bar = Progress(200, stream)
        bar.advance(100)
        bar.advance(100)
        bar.close()
    assert piped.getvalue() == ""
    assert shown.getvalue().endswith(" 100%\n")
    assert " 50%" in shown.getvalue()


def test_due_pages_with_limit_and_cursor(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`due --limit N` prints a page and its next cursor; `--cursor` goes on from it."""
    lines = _lines(tmp_path / "cases.jsonl", [_case(f"P{n}") for n in range(5)])
    assert main(["import", str(lines)]) == 0
    capsys.readouterr()
    window = ["due", "--as-of", "2024-03-20", "--within", "7", "--rule", "decide-whether-to-assess"]
    assert main(window) == 0
    whole = json.loads(capsys.readouterr().out)
    seen, cursor = [], None
    while True:
        assert main([*window, "--limit", "2", *(["--cursor", cursor] if cursor else [])]) == 0
        page = json.loads(capsys.readouterr().out)
        assert list(page) == ["items", "next_cursor"]
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == whole
    assert main([*window, "--limit", "2", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("more: --cursor ")
    assert main([*window, "--cursor", "nonsense"]) == 2
    assert "is not a cursor" in capsys.readouterr().err
    assert main([*window, "--limit", "0"]) == 2
    assert "'0' is not a page size" in capsys.readouterr().err
