"""Overlays load as ordinary processes; local rules are shown beside the statutory ones."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import sendflow
from sendflow.cli import main
from sendflow.definitions.catalogue import ENVIRONMENT, load_file
from sendflow.definitions.model import DueMode, Kind
from sendflow.errors import DefinitionError, UnknownProcessError
from sendflow.pages.process_page import process_page
from sendflow.store import Store
from tests.overlays.helpers import (
    EXAMPLE,
    EXAMPLE_OVERLAY,
    HEAD,
    line_of,
    load,
    problems,
    the_problem,
    write,
)

HISTORY = [
    {"event": "request_received", "on": "2024-01-08"},
    {"event": "panel_referred", "on": "2024-01-22"},
    {"event": "decided_to_assess", "on": "2024-02-14"},
    {"event": "advice_requested", "on": "2024-02-15", "data": {"party": "health"}},
    {"event": "advice_received", "on": "2024-03-29", "data": {"party": "health"}},
    {"event": "draft_plan_issued", "on": "2024-04-26"},
]
STATUTORY = [e for e in HISTORY if e["event"] != "panel_referred"]


def _tighter(period: str, kind: Kind) -> str:
    amount, unit = period.split(" ", 1)
    return f"{int(amount) + 1} {unit}" if kind is Kind.MINIMUM else f"{int(amount) - 1} {unit}"


def test_the_example_overlay_keeps_every_statutory_verdict() -> None:
    """Under the example overlay each statutory result is the packaged one's; local ones beside."""
    base = sendflow.load_process("ehc-needs-assessment")
    overlay = load_file(EXAMPLE_OVERLAY)
    as_of = date(2024, 6, 3)
    ours = sendflow.evaluate(overlay, HISTORY, as_of=as_of)
    theirs = sendflow.evaluate(base, STATUTORY, as_of=as_of)
    assert ours.statutory == theirs.time_limits
    assert {r.rule for r in ours.local} == {
        "decide-within-5-weeks",
        "advice-within-5-weeks",
        "draft-by-week-14",
        "final-by-week-18",
        "week-4-update",
    }
    decide = ours.result("decide-within-5-weeks")
    assert (decide.local, decide.target_of, decide.status.value) == (
        True,
        "decide-whether-to-assess",
        "late",
    )
    assert ours.result("decide-whether-to-assess").status.value == "met"
    assert decide not in ours.breaches
    assert "A local rule, tighter than decide-whether-to-assess" in decide.explanation
    assert overlay.statutory is not overlay
    assert overlay.statutory.id == "ehc-needs-assessment"


def test_an_overlay_tightening_every_rule_is_accepted(tmp_path: Path) -> None:
    """A target for every statutory rule, each a step tighter, loads and is shown beside it."""
    base = sendflow.load_process("ehc-needs-assessment")
    lines = ["targets:"]
    for rule in base.time_limits.values():
        periods = {str(v.due.period) for v in rule.versions if v.due.mode is DueMode.PERIOD}
        assert len(periods) == 1, rule.id
        lines += [
            f"  {rule.id}-local:",
            f"    title: Tighter than {rule.id}",
            f"    target_of: {rule.id}",
            f"    period: {_tighter(periods.pop(), rule.kind)}",
        ]
    overlay = load_file(write(tmp_path, "\n".join(lines) + "\n"))
    evaluation = sendflow.evaluate(overlay, STATUTORY, as_of=date(2024, 6, 3))
    plain = sendflow.evaluate(base, STATUTORY, as_of=date(2024, 6, 3))
    assert evaluation.statutory == plain.time_limits
    assert [(r.rule, r.target_of) for r in evaluation.local] == [
        (f"{r.rule}-local", r.rule) for r in plain.time_limits
    ]
    for local, statutory in zip(evaluation.local, plain.time_limits, strict=True):
        assert local.due_on is not None
        assert statutory.due_on is not None
        if local.kind == "minimum":
            assert local.due_on > statutory.due_on
        else:
            assert local.due_on < statutory.due_on


def test_an_overlay_of_an_overlay(tmp_path: Path) -> None:
    """An overlay may extend an overlay: it keeps the parent's steps and targets, adds its own."""
    child = write(
        tmp_path,
        """\
        events:
          panel_referred:
            title: Request sent to the weekly panel
          quality_checked:
            title: Draft plan quality-checked
            from: [draft_issued]
        notifications:
          quality-check:
            title: Quality-check the draft plan within a week
            starts: draft_plan_issued
            period: 1 week
            met_by: [quality_checked]
        targets:
          final-by-week-18:
            title: Issue the final plan by week 17
            target_of: final-plan
            period: 17 weeks
        """,
        head=f"extends: {EXAMPLE_OVERLAY}\nid: east-area\ntitle: East area\nversion: '2'\n",
    )
    process = load_file(child)
    assert process.extends is not None
    assert process.extends.id == "northshire-ehc-needs-assessment"
    assert process.statutory.id == "ehc-needs-assessment"
    assert "panel_review" in process.states
    assert process.events["panel_referred"].title == "Request sent to the weekly panel"
    evaluation = sendflow.evaluate(process, HISTORY, as_of=date(2024, 6, 3))
    assert evaluation.result("final-by-week-18").due_on == date(2024, 5, 6)
    assert evaluation.result("quality-check").local
    assert evaluation.result("decide-within-5-weeks").local  # the parent's target


def test_an_overlay_of_an_overlay_is_held_to_the_floor(tmp_path: Path) -> None:
    """The grandchild cannot loosen what the law sets, whoever it extends."""
    child = write(
        tmp_path,
        "time_limits:\n  final-plan:\n    period: 21 weeks\n",
        head=f"extends: {EXAMPLE_OVERLAY}\nid: east-area\ntitle: East area\nversion: '2'\n",
    )
    with pytest.raises(DefinitionError) as caught:
        load_file(child)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (str(child), line_of(child, "period: 21 weeks"))


def test_an_unknown_base_gets_a_did_you_mean(tmp_path: Path) -> None:
    """extends names a process that does not exist: the line, and the name meant."""
    path = write(tmp_path, "", head=HEAD.replace("ehc-needs-assessment", "ehc-needs-asessment"))
    with pytest.raises(DefinitionError) as caught:
        load_file(path)
    (problem,) = caught.value.problems
    assert problem.line == 1
    assert "Did you mean 'ehc-needs-assessment'?" in problem.message


def test_an_unknown_field_gets_a_did_you_mean(tmp_path: Path) -> None:
    """A misspelt section of an overlay is named, with the one meant."""
    path = write(tmp_path, "target:\n  x: {}\n")
    with pytest.raises(DefinitionError) as caught:
        load_file(path)
    assert "Did you mean 'targets'?" in str(caught.value)


def test_registered_by_id_in_the_store(tmp_path: Path) -> None:
    """Store(process_dirs=...) opens and evaluates cases of an overlay by its id."""
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    with Store(url, process_dirs=[EXAMPLE]) as store:
        store.open_case("northshire-ehc-needs-assessment", case_id="N1", events=HISTORY[:2])
        case = store.load("N1")
        assert case.state == "panel_review"
        due = store.due(as_of=date(2024, 2, 1), within_days=30)
    rules = {item.rule for item in due}
    assert {"decide-whether-to-assess", "decide-within-5-weeks", "week-4-update"} <= rules


def test_registered_by_id_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--process-dir makes an overlay's id usable in case files, check and due."""
    case_file = tmp_path / "N2.json"
    case_file.write_text(
        json.dumps(
            {"process": "northshire-ehc-needs-assessment", "case_id": "N2", "events": HISTORY}
        ),
        encoding="utf-8",
    )
    assert main(["check", str(case_file), "--process-dir", str(EXAMPLE)]) == 0
    data = json.loads(capsys.readouterr().out)
    marks = {r["rule"]: (r["local"], r["target_of"]) for r in data["time_limits"]}
    assert marks["final-plan"] == (False, None)
    assert marks["final-by-week-18"] == (True, "final-plan")
    assert main(["check", str(case_file), "--format", "table", "--process-dir", str(EXAMPLE)]) == 0
    table = capsys.readouterr().out
    assert table.index("final-plan ") < table.index("Local targets") < table.index("final-by")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["import", str(case_file), "--db", db, "--process-dir", str(EXAMPLE)]) == 0
    capsys.readouterr()
    command = ["due", "--as-of", "2024-04-29", "--within", "30", "--db", db, "--format", "json"]
    assert main([*command, "--process-dir", str(EXAMPLE)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["rule"], r["local"]) for r in rows} >= {
        ("final-plan", False),
        ("final-by-week-18", True),
    }
    assert main(["check", str(case_file)]) == 2  # not registered without the folder
    assert "northshire-ehc-needs-assessment" in capsys.readouterr().err


def test_registered_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SENDFLOW_PROCESSES names the folders when no --process-dir is given."""
    monkeypatch.setenv(ENVIRONMENT, str(EXAMPLE))
    process = sendflow.load_process("northshire-ehc-needs-assessment")
    assert process.statutory.id == "ehc-needs-assessment"
    monkeypatch.delenv(ENVIRONMENT)
    with pytest.raises(UnknownProcessError):
        sendflow.load_process("northshire-ehc-needs-assessment")


def test_validate_gives_the_same_findings_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate --format json lists exactly the problems the text output prints."""
    path = write(tmp_path, "time_limits:\n  final-plan:\n    period: 22 weeks\n")
    assert main(["validate", str(path), str(EXAMPLE_OVERLAY)]) == 1
    text = capsys.readouterr().out
    assert main(["validate", "--format", "json", str(path), str(EXAMPLE_OVERLAY)]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [f["ok"] for f in found] == [False, True]
    (problem,) = found[0]["problems"]
    assert problem["line"] == line_of(path, "period: 22 weeks")
    assert f"{path}, line {problem['line']}, at {problem['path']}: {problem['message']}" in text
    assert found[1]["extends"] == "ehc-needs-assessment"


def test_an_overlay_of_a_registered_overlay_by_id(tmp_path: Path) -> None:
    """In the store, an overlay may extend another found by id in the same folders."""
    (tmp_path / "council.yaml").write_text(EXAMPLE_OVERLAY.read_text(encoding="utf-8"))
    write(
        tmp_path,
        "notifications:\n  quick-note:\n    title: Note within a week\n"
        "    starts: request_received\n    period: 1 week\n    met_by: [family_updated]\n",
        name="area.yaml",
        head="extends: northshire-ehc-needs-assessment\nid: area\ntitle: Area\nversion: '1'\n",
    )
    with Store("sqlite://", process_dirs=[tmp_path]) as store:
        store.open_case("area", case_id="A1", events=HISTORY[:2])
        process = store.process("area")
    assert process.extends is not None
    assert process.extends.id == "northshire-ehc-needs-assessment"
    assert {"quick-note", "week-4-update"} <= set(process.time_limits)


def test_processes_lists_the_registered_overlays(capsys: pytest.CaptureFixture[str]) -> None:
    """sendflow processes lists the overlays in the process folders after the packaged ones."""
    assert main(["processes", "--process-dir", str(EXAMPLE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("northshire-ehc-needs-assessment  2024.1")
    assert lines[0].startswith("annual-review")


def test_an_overlay_adds_notes_after_the_base_and_marks_them_local(tmp_path: Path) -> None:
    """An overlay's notes follow the base's unchanged; its page marks them local."""
    overlay = load(
        tmp_path,
        """\
        notes:
          - title: Our panel
            text: The panel meets weekly.
            table:
              - [who, from]
              - [chair, education]
        """,
    )
    statutory = overlay.statutory.notes
    assert statutory
    assert overlay.notes[: len(statutory)] == statutory
    assert not any(note.local for note in statutory)
    added = overlay.notes[len(statutory) :]
    assert [(n.title, n.text, n.table, n.local) for n in added] == [
        ("Our panel", "The panel meets weekly.", (("who", "from"), ("chair", "education")), True)
    ]
    page = process_page(overlay, "md")
    assert "## Our panel (*local*)" in page
    assert f"## {statutory[0].title}\n" in page
    assert page.index(f"## {statutory[-1].title}") < page.index("## Our panel (*local*)")
    assert "<h2>Our panel (<em>local</em>)</h2>" in process_page(overlay, "html")


def test_an_overlay_of_an_overlay_keeps_both_councils_notes(tmp_path: Path) -> None:
    """Notes pile up in order: the law's, the first overlay's, then the second's."""
    overlay = load(
        tmp_path,
        """\
        notes:
          - title: Our own practice
            text: We write to the family every fortnight.
        """,
        head=f"extends: {EXAMPLE_OVERLAY}\nid: east-area\ntitle: East area\nversion: '2'\n",
    )
    titles = [(n.title, n.local) for n in overlay.notes]
    statutory = len(overlay.statutory.notes)
    assert titles[statutory:] == [
        ("How Northshire's panel works", True),
        ("Our own practice", True),
    ]


def test_a_broken_overlay_note_is_reported_in_the_overlay(tmp_path: Path) -> None:
    """A note without text, or notes not given as a list, is reported on its own line."""
    path, found = problems(
        tmp_path,
        """\
        notes:
          - title: Our panel
        """,
    )
    problem = the_problem(path, found, "title: Our panel")
    assert "text" in problem.message
    path, found = problems(tmp_path, "notes: {title: x, text: y}\n")
    assert "notes must be a list" in the_problem(path, found, "notes:").message
