"""``sendflow history`` and ``sendflow retract``: the audit trail and corrections."""

from __future__ import annotations

import json

import pytest

from sendflow.cli import main

from .helpers import PROCESS


@pytest.fixture
def opened(
    store_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    """Case A1 with a request, a decision to assess and two advice requests."""
    monkeypatch.setenv("SENDFLOW_DB", store_url)
    main(["record", "A1", "request_received", "--on", "2024-01-08", "--process", PROCESS])
    main(["record", "A1", "decided_to_assess", "--on", "2024-02-12", "--actor", "officer-3"])
    for party in ("health", "school"):
        main(["record", "A1", "advice_requested", "--on", "2024-02-13", "--data", f"party={party}"])
    capsys.readouterr()
    return "A1"


def test_history_numbers_every_event(opened: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The table numbers events from 1 in the order recorded, with data and actor."""
    assert main(["history", opened]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["sequence", "on", "event", "data", "actor", "retracted"]
    assert lines[2].split()[:4] == ["2", "2024-02-12", "decided_to_assess", "officer-3"]
    assert '{"party": "school"}' in lines[4]


def test_retract_takes_an_event_out_and_the_trail_keeps_it(
    opened: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A retracted event leaves the legal history; the trail says who, when and why."""
    assert main(["retract", opened, "4", "--by", "officer-3", "--reason", "wrong service"]) == 0
    assert capsys.readouterr().out == "case A1: event 4 retracted; version 5, state assessing\n"
    assert main(["history", opened, "--format", "json"]) == 0
    trail = json.loads(capsys.readouterr().out)
    assert [row["sequence"] for row in trail] == [1, 2, 3, 4]
    assert trail[3]["retraction"]["by"] == "officer-3"
    assert trail[3]["retraction"]["reason"] == "wrong service"
    assert trail[2]["retraction"] is None
    assert main(["export"]) == 0
    (exported,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["event"] for e in exported["events"]] == [
        "request_received",
        "decided_to_assess",
        "advice_requested",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["retract", "A1", "9", "--by", "x", "--reason", "y"], "event 9 does not exist"),
        (["retract", "A1", "2", "--by", "x", "--reason", "y"], "decided_to_assess"),
        (["retract", "A2", "1", "--by", "x", "--reason", "y"], "A2"),
        (["history", "A2"], "A2"),
        (
            ["retract", "A1", "4", "--by", "x", "--reason", "y", "--expected-version", "3"],
            "version",
        ),
    ],
    ids=[
        "no-such-event",
        "leaves-invalid-history",
        "unknown-case",
        "history-unknown-case",
        "stale-version",
    ],
)
def test_refused_corrections_write_nothing_and_say_why(
    opened: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """A refused retraction exits 2 with the reason on stderr, nothing on stdout or in the store."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err
    assert main(["history", opened, "--format", "json"]) == 0
    assert all(row["retraction"] is None for row in json.loads(capsys.readouterr().out))


def test_a_retraction_twice_is_refused(opened: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The second retraction of one event is refused: it was already retracted."""
    assert main(["retract", opened, "3", "--by", "x", "--reason", "y"]) == 0
    assert main(["retract", opened, "3", "--by", "x", "--reason", "y"]) == 2
    assert "already retracted" in capsys.readouterr().err


def test_a_sequence_must_be_a_positive_number(
    opened: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """SEQUENCE is checked before the store is opened, with a hint where to find numbers."""
    assert main(["retract", opened, "0", "--by", "x", "--reason", "y"]) == 2
    assert "sendflow history CASE_ID" in capsys.readouterr().err
