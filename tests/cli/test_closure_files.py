"""A closure file is read by the same safe YAML reader: hostile ones exit 2 with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendflow.cli import main
from sendflow.time.calendars import load_closures
from tests.hostile import alias_bomb

from .test_check import EXAMPLE


@pytest.mark.parametrize(
    ("text", "contains"),
    [
        ("- 2024-12-27\n" + alias_bomb(listed=True), "line 6: the alias *lol3 repeats 7,381"),
        ("- 2024-12-27\n- " + "[" * 100 + "]" * 100 + "\n", "line 2: mappings and lists are"),
        ("- 2024-12-27\x00\n", "line 1: the character U+0000 (NUL) at column 13"),
    ],
    ids=["alias-bomb", "nested-too-deep", "nul-character"],
)
def test_check_refuses_a_hostile_closure_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, contains: str
) -> None:
    """``check --closures`` exits 2 naming the file and line; ``load_closures`` raises."""
    path = tmp_path / "closures.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"closures\.yaml"):
        load_closures(path)
    assert main(["check", str(EXAMPLE), "--closures", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"sendflow check: --closures: {path}, {contains}")
