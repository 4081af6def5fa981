"""``sendflow processes``, ``show`` and ``validate``."""

from __future__ import annotations

from pathlib import Path

import pytest

import sendflow
from sendflow.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_processes_lists_ids_versions_and_titles(capsys: pytest.CaptureFixture[str]) -> None:
    """Every packaged process is listed with its version and title."""
    assert main(["processes"]) == 0
    out = capsys.readouterr().out
    for pid in sendflow.packaged_processes():
        process = sendflow.load_process(pid)
        line = next(line for line in out.splitlines() if line.startswith(pid))
        assert process.version in line
        assert process.title in line


@pytest.mark.parametrize("pid", sendflow.packaged_processes())
def test_show_prints_rules_with_references_and_evidence(
    capsys: pytest.CaptureFixture[str], pid: str
) -> None:
    """``show`` prints every state, event and rule, with each rule's reference and evidence."""
    assert main(["show", pid]) == 0
    out = capsys.readouterr().out
    process = sendflow.load_process(pid)
    for name in (*process.states, *process.events, *process.time_limits):
        assert name in out
    for limit in process.time_limits.values():
        for version in limit.versions:
            if version.reference is not None:
                assert str(version.reference) in out
    assert out.count("[evidence: ") >= len(process.time_limits)


def test_validate_reports_ok_and_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``validate`` says ok for a good file and lists problems (exit 1) for a bad one."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (ROOT / "processes" / "ehc-needs-assessment.yaml")
        .read_text()
        .replace("period: 20 weeks", "period: 20 weks")
    )
    status = main(["validate", str(ROOT / "processes" / "ehc-needs-assessment.yaml"), str(bad)])
    out = capsys.readouterr().out
    assert status == 1
    assert "ehc-needs-assessment.yaml: ok" in out
    assert "bad.yaml: 1 problem(s)" in out
    assert "time_limits.final-plan.period" in out
    assert "weeks" in out


def test_show_unknown_process_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown process id exits 2 with a "did you mean" on stderr."""
    assert main(["show", "annual-reveiw"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown process 'annual-reveiw'" in captured.err


def test_validate_exits_0_when_every_file_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 0, one ``ok`` line per file, when every file is valid."""
    files = [str(ROOT / "processes" / f"{pid}.yaml") for pid in sendflow.packaged_processes()]
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok (") == len(files)


@pytest.mark.parametrize("target", ["missing.yaml", "folder"])
def test_validate_exits_2_when_a_file_cannot_be_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str
) -> None:
    """A path that is missing or a folder is a failure of the command: exit 2, nothing on stdout."""
    (tmp_path / "folder").mkdir()
    good = str(ROOT / "processes" / "ehc-needs-assessment.yaml")
    assert main(["validate", good, str(tmp_path / target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"sendflow validate: {tmp_path / target}: cannot read the file")


def test_validate_help_explains_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    """``validate --help`` says what exit statuses 0, 1 and 2 mean."""
    assert main(["validate", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "0 when every file is valid; 1 when a file is invalid" in out
    assert "2 when a file cannot be read at all" in out
