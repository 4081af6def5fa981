"""An overlay takes the base's statutory rules as built only when nothing they name changed."""

from __future__ import annotations

from pathlib import Path

import pytest

import sendflow
from sendflow.definitions import catalogue
from sendflow.definitions.catalogue import load_file
from sendflow.definitions.model import Process
from sendflow.errors import DefinitionError
from tests.overlays.helpers import EXAMPLE_OVERLAY, load_reading_every_rule, write


def _reused(path: Path) -> Process:
    catalogue._layers.clear()
    return load_file(path, ())


@pytest.mark.parametrize("body", ["", "time_limits:\n  advice:\n    title: Advice (our words)\n"])
def test_rules_taken_from_the_base_equal_rules_read_again(tmp_path: Path, body: str) -> None:
    """The example overlay, and one rewording a rule: the same rules either way."""
    for path in (EXAMPLE_OVERLAY, write(tmp_path, body)):
        reused, afresh = _reused(path), load_reading_every_rule(path)
        assert reused.time_limits == afresh.time_limits


def test_an_untouched_rule_is_the_base_rule_and_a_reworded_one_is_read(tmp_path: Path) -> None:
    """A rule the overlay leaves alone is the base's object; a reworded one is built anew."""
    path = write(tmp_path, "time_limits:\n  advice:\n    title: Advice (our words)\n")
    process = _reused(path)
    base = process.extends
    assert base is not None
    assert process.time_limits["final-plan"] is base.time_limits["final-plan"]
    assert process.time_limits["advice"] is not base.time_limits["advice"]
    assert process.time_limits["advice"].title == "Advice (our words)"


def test_a_reworded_reference_reaches_the_floor_as_a_fresh_read_does(tmp_path: Path) -> None:
    """A reference reworded by the overlay is read into every rule citing it, and refused.

    Were the base's rules taken as built, the floor would not see the change.
    """
    base = sendflow.load_process("ehc-needs-assessment")
    cited = base.time_limits["final-plan"].versions[0].reference
    assert cited is not None
    assert cited.source is not None
    body = f"references:\n  {cited.source.id}:\n    title: Reworded by the council\n"
    path = write(tmp_path, body)
    with pytest.raises(DefinitionError) as reused:
        _reused(path)
    with pytest.raises(DefinitionError) as afresh:
        load_reading_every_rule(path)
    assert reused.value.problems == afresh.value.problems
    assert any("final-plan" in str(problem) for problem in reused.value.problems)
