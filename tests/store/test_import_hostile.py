"""Hostile case ids and files never reach the store; ``import --skip-bad`` keeps the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendflow.cli import main
from sendflow.errors import CaseFileError
from sendflow.store import Store
from tests.hostile import MB, alias_bomb

from .helpers import PROCESS, request_on
from .test_cli import _case


def test_import_skip_bad_imports_the_good_cases_around_hostile_ones(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deep, overlong and badly named cases and an alias bomb are skipped; the rest go in."""
    deep = _case("D1")
    deep["events"][0]["data"] = {"source": json.loads("[" * 100 + "]" * 100)}
    lines = tmp_path / "cases.jsonl"
    lines.write_text(
        "\n".join(
            [
                json.dumps(_case("L1")),
                json.dumps(deep),
                '{"case_id": "' + "x" * (MB + 10) + '"}',
                json.dumps(_case("A\ud800")),
                json.dumps(_case("")),
                json.dumps(_case("L2")),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "process: ehc-needs-assessment\ncase_id: Y1\nevents: []\n" + alias_bomb(), encoding="utf-8"
    )
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_case("F1")), encoding="utf-8")
    paths = [str(lines), str(bomb), str(good), "--db", store_url]

    assert main(["import", *paths]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "nothing was imported" in err

    assert main(["import", "--skip-bad", *paths]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "imported 3 case(s), 3 event(s); skipped 5 bad case(s)"
    assert f"{lines}, line 2: the JSON is nested more than 64 levels deep" in err
    assert f"{lines}, line 3: the line is longer than 1 MB" in err
    assert f"{lines}, line 4: the case id 'A\\ud800' holds a lone surrogate" in err
    assert f"{lines}, line 5: a case id must not be empty" in err
    assert f"{bomb}, line 8: the alias *lol3 repeats 7,381 values" in err
    assert main(["cases", "--format", "json", "--db", store_url]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert sorted(row["case_id"] for row in stored) == ["F1", "L1", "L2"]


@pytest.mark.parametrize("case_id", ["", "A" * 201, "A\ud800", "A\x00"])
def test_open_case_refuses_a_bad_case_id(store: Store, case_id: str) -> None:
    """``open_case`` refuses a case id that cannot be stored or printed, writing nothing."""
    with pytest.raises(CaseFileError, match="case id"):
        store.open_case(PROCESS, case_id=case_id, events=request_on())
    assert store.cases() == []
