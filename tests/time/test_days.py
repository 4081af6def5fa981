"""Legal dates: written YYYY-MM-DD only, and within 1900-2199, everywhere a date comes in."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import sendflow
from sendflow.cli import main
from sendflow.errors import EventError
from sendflow.time.days import FIRST_LEGAL_DAY, LAST_LEGAL_DAY, read_legal_day

EHC = "ehc-needs-assessment"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("20240212", "not written YYYY-MM-DD"),
        ("2024-W07-1", "not written YYYY-MM-DD"),
        ("2024-02-12T00:00", "not written YYYY-MM-DD"),
        ("\uff12\uff10\uff12\uff14-\uff10\uff12-\uff11\uff12", "not written YYYY-MM-DD"),
        ("2024-02-30", "there is no such day"),
        ("9999-12-31", "outside the dates sendflow accepts"),
        ("1899-12-31", "outside the dates sendflow accepts"),
    ],
)
def test_only_the_documented_form_in_range_is_read(text: str, reason: str) -> None:
    """Other ISO forms, impossible days and days outside 1900-2199 are refused, with why."""
    with pytest.raises(ValueError, match=reason):
        read_legal_day(text)


def test_the_range_ends_are_legal_days() -> None:
    """1 January 1900 and 31 December 2199 are both accepted."""
    assert read_legal_day("1900-01-01") == FIRST_LEGAL_DAY
    assert read_legal_day("2199-12-31") == LAST_LEGAL_DAY


@pytest.mark.parametrize("on", ["20240212", "2024-W07-1", "9999-12-31"])
def test_a_case_file_event_with_such_a_date_is_refused(on: str) -> None:
    """A mapping's date in another form or out of range is an EventError naming the event."""
    with pytest.raises(EventError, match=r"event 1: the date of request_received"):
        sendflow.evaluate(sendflow.load_process(EHC), [{"event": "request_received", "on": on}])


def test_an_event_object_out_of_range_is_refused() -> None:
    """``Event`` itself refuses a ``date`` the arithmetic cannot count from."""
    with pytest.raises(EventError, match="outside the dates sendflow accepts"):
        sendflow.Event("request_received", date(9999, 12, 31))


def test_check_refuses_a_far_date_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sendflow check` on a case dated 9999-12-31: exit 2, the reason on stderr, no stdout."""
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps({"process": EHC, "events": [{"event": "request_received", "on": "9999-12-31"}]}),
        encoding="utf-8",
    )
    assert main(["check", str(case)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "9999-12-31 is outside the dates sendflow accepts" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["due", "--as-of", "9999-12-31", "--within", "7"], "outside the dates"),
        (["due", "--as-of", "2024-W07-1", "--within", "7"], "not written YYYY-MM-DD"),
        (["due", "--as-of", "2024-02-12", "--within", "99999999"], "from 0 to 36,525"),
        (["record", "A1", "decided_to_assess", "--on", "9999-12-31"], "outside the dates"),
        (["check", "--as-of", "20240212", "x.json"], "not written YYYY-MM-DD"),
    ],
)
def test_store_commands_refuse_dates_out_of_range(
    args: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dates and windows the arithmetic cannot reach stop at the argument, exit 2."""
    assert main([*args, "--db", f"sqlite:///{tmp_path / 'store.db'}"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert says in err
    assert not (tmp_path / "store.db").exists()
