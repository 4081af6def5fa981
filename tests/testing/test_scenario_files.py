"""Scenario files are read by the same safe YAML reader as process files."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendflow.testing import ScenarioFileError, load_scenario_file
from tests.hostile import alias_bomb, write_huge

from .test_plugin import GOOD


def test_an_unquoted_on_key_is_the_text_on(tmp_path: Path) -> None:
    """``{event: ..., on: 2024-01-08}`` keeps its key ``on``: YAML 1.1 would make it true."""
    path = tmp_path / "good.scenarios.yaml"
    path.write_text(GOOD, encoding="utf-8")
    [scenario] = load_scenario_file(path).scenarios
    assert [sorted(event) for event in scenario.events] == [["event", "on"]] * 4


def test_a_problem_in_an_event_is_reported_at_on(tmp_path: Path) -> None:
    """A problem with an unquoted ``on`` key is placed at ``...events[1].on``, not ``True``."""
    path = tmp_path / "bad.scenarios.yaml"
    path.write_text(
        GOOD.replace(
            "{event: decided_to_assess, on: 2024-02-12}",
            "{event: decided_to_assess, on: 2024-02-12, on: 2024-02-13}",
        )
    )
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_file(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.path) == (6, "scenarios[0].events[1].on")
    assert problem.message.startswith("duplicate key 'on'")


@pytest.mark.parametrize(
    ("write", "contains"),
    [
        (lambda path: path.write_text(GOOD + alias_bomb()), "This looks like an alias bomb"),
        (lambda path: write_huge(path, 2, head=GOOD.encode()), "larger than 1 MB"),
    ],
    ids=["alias-bomb", "two-megabytes"],
)
def test_a_hostile_scenario_file_is_refused(tmp_path: Path, write: object, contains: str) -> None:
    """An alias bomb or an oversized scenario file is a ScenarioFileError naming the file."""
    path = tmp_path / "hostile.scenarios.yaml"
    write(path)  # type: ignore[operator]
    with pytest.raises(ScenarioFileError, match=contains) as caught:
        load_scenario_file(path)
    assert caught.value.problems[0].file == str(path)
