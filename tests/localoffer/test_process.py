"""The local-offer process works like every packaged process: check, store and due."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import sendflow
from sendflow.cli import main
from sendflow.localoffer.manifest import reg54_consultees

CASE = Path(__file__).resolve().parents[2] / "examples" / "local-offer" / "case-fernbridge.json"


def test_it_is_packaged() -> None:
    """The process is listed among the packaged processes, read from the folder."""
    assert "local-offer" in sendflow.packaged_processes()


def test_the_example_case_is_under_review_with_its_next_publication_due() -> None:
    """Comments published on 30 September 2025 are next due by 29 September 2026."""
    evaluation = sendflow.read_case_file(CASE).evaluate(as_of=date(2026, 6, 30))
    assert evaluation.state == "under_review"
    verdicts = {(r.rule, r.status.value, str(r.due_on)) for r in evaluation.time_limits}
    assert ("first-comments-and-response", "late", "2025-09-01") in verdicts
    assert ("comments-and-response-annually", "pending", "2026-09-29") in verdicts


def test_the_case_goes_into_the_store_and_shows_in_due(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Imported into a store, the case's next reg 56 publication is listed by due."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["import", str(CASE), "--db", db]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "due",
                "--as-of",
                "2026-09-01",
                "--within",
                "60",
                "--process",
                "local-offer",
                "--format",
                "json",
                "--db",
                db,
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [(r["case_id"], r["rule"], r["due_on"]) for r in rows] == [
        ("LO-FERNBRIDGE", "comments-and-response-annually", "2026-09-29")
    ]


def test_the_manifest_consultees_are_the_process_list() -> None:
    """The checker's reg 54 list is the process's, so the two cannot drift apart."""
    process = sendflow.load_process("local-offer")
    assert reg54_consultees() == process.lists["reg54-consultees"]
    assert len(reg54_consultees()) == 16
