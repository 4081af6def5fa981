"""``sendflow changes``: the change feed as JSON Lines, a page at a time or followed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date

import pytest

from sendflow.cli import main
from sendflow.contracts import structure
from sendflow.store import Change, Store

from .helpers import open_assessing


def _cursor(err: str) -> str:
    (line,) = [line for line in err.splitlines() if line.startswith("cursor: ")]
    return line.removeprefix("cursor: ")


def test_a_page_then_the_rest(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each line is a Change; the cursor on stderr reads on from where the page stopped."""
    with Store(store_url) as store:
        open_assessing(store, "A1")
        store.retract("A1", 2, by="officer", reason="typed in the wrong case")
    assert main(["changes", "--db", store_url, "--limit", "2"]) == 0
    out, err = capsys.readouterr()
    first = [structure(json.loads(line), Change) for line in out.splitlines()]
    assert [(c.case_id, c.kind, c.sequence) for c in first] == [
        ("A1", "event", 1),
        ("A1", "event", 2),
    ]
    assert main(["changes", "--db", store_url, "--after", _cursor(err)]) == 0
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    assert json.loads(line)["retraction"]["reason"] == "typed in the wrong case"
    cursor = _cursor(err)
    assert main(["changes", "--db", store_url, "--after", cursor]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert _cursor(err) == cursor


def test_a_bad_cursor_or_limit_exits_2(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad cursor is explained on stderr, with nothing on stdout."""
    assert main(["changes", "--db", store_url, "--after", "not-a-cursor"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "is not a change-feed cursor" in err
    assert main(["changes", "--db", store_url, "--limit", "0"]) == 2
    assert "the limit is a whole number from 1 to 10000" in capsys.readouterr().err


@pytest.mark.slow
def test_follow_prints_records_as_they_are_written(store_url: str) -> None:
    """With --follow the command waits for new records and prints them as they come."""
    with Store(store_url) as store:
        open_assessing(store, "A1")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    program = "import sys; from sendflow.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", program, "changes", "--db", store_url, "--follow"]
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    try:
        assert child.stdout is not None
        lines = [child.stdout.readline() for _ in range(2)]
        assert [json.loads(line)["sequence"] for line in lines] == [1, 2]
        time.sleep(0.5)
        with Store(store_url) as store:
            store.record("A1", "advice_requested", on=date(2024, 2, 13), data={"party": "x"})
        change = json.loads(child.stdout.readline())
        assert (change["kind"], change["sequence"]) == ("event", 3)
        assert change["event"]["data"] == {"party": "x"}
    finally:
        child.terminate()
        child.communicate(timeout=30)
