"""An overlay takes the base's statutory rules as built only when nothing they name changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import attrs
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


_BODIES = [
    "",
    "time_limits:\n  advice:\n    title: Advice (our words)\n",
    "lists:\n  request-sources: [parent, school, other]\n",
    "exception_reasons:\n  our-own:\n    title: A reason of our own\n",
    "states:\n  checked:\n    title: Checked\n"
    "events:\n  checked_by_panel:\n    title: Checked\n    from: [checked]\n    to: checked\n",
    "events:\n  decided_to_assess:\n    title: Decided (our words)\n",
    "events:\n  request_received:\n    data:\n      source:\n        required: true\n",
    "events:\n  request_withdrawn:\n    from: [awaiting_decision_to_assess]\n",
    "notes:\n  - title: Our panel\n    text: It meets on Tuesdays.\n",
    # Which states are final changes what the base's events are checked against.
    "states:\n  not_assessed:\n    final: false\n",
    "states:\n  plan_issued:\n    final: false\n  assessing:\n    final: true\n",
    # The overlay's own events are checked one by one, beside the base's kept as they were.
    "events:\n  our_step:\n    from: [assessing]\n    routes:\n      - when: {nope: x}\n"
    "        to: assessing\n",
    "events:\n  our_exception:\n    from: [assessing]\n    exception: true\n",
    "events:\n  our_flag:\n    from: [assessing]\n    data:\n      ok:\n        type: boolean\n"
    "        one_of: [maybe]\n",
    "events:\n  our_start:\n    to: assessing\n",
]


def _outcome(load: Callable[[Path], Process], path: Path) -> object:
    """The process's fields, or the problems found."""
    try:
        return attrs.asdict(load(path), recurse=False)
    except DefinitionError as exc:
        return exc.problems


@pytest.mark.parametrize("body", _BODIES)
def test_what_is_taken_from_the_base_equals_what_is_read_again(tmp_path: Path, body: str) -> None:
    """The example overlay, and others touching what rules, states and events name: the
    same process either way, or the same problems (changed lists and reasons are refused,
    a state reached by nothing too)."""
    for path in (EXAMPLE_OVERLAY, write(tmp_path, body)):
        assert _outcome(_reused, path) == _outcome(load_reading_every_rule, path)


def test_an_event_from_any_state_reads_the_states_the_overlay_adds() -> None:
    """The example overlay adds an open state: an event from any state is read again and
    leaves from it too; an event it leaves alone is the base's object."""
    process = _reused(EXAMPLE_OVERLAY)
    base = process.extends
    assert base is not None
    assert "panel_review" in process.events["request_withdrawn"].sources
    assert process.events["request_withdrawn"] is not base.events["request_withdrawn"]
    assert process.events["request_received"] is base.events["request_received"]


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


def test_a_reworded_event_keeps_the_base_s_data_and_notes_are_the_base_s() -> None:
    """An event the overlay only retitles keeps the base's data fields and reference; the
    base's notes are its objects, the overlay's own come after them, marked local."""
    process = _reused(EXAMPLE_OVERLAY)
    base = process.extends
    assert base is not None
    reworded, law = process.events["final_plan_issued"], base.events["final_plan_issued"]
    assert reworded is not law
    assert reworded.title != law.title
    assert reworded.data is law.data
    assert reworded.reference is law.reference
    assert process.notes[: len(base.notes)] == base.notes
    assert all(a is b for a, b in zip(process.notes, base.notes, strict=False))
    assert [n.local for n in process.notes[len(base.notes) :]] == [True]


_VISITS = """\
events:
  visit_booked:
    title: Visit booked
    from: "*"
    data:
      kind:
        one_of: [home, school]
  visit_reported:
    title: Visit reported
    from: "*"
notifications:
  home-visit-report:
    title: Report on a home visit
    starts: visit_booked
    when:
      kind: [home]
    period: 2 weeks
    met_by: [visit_reported]
"""

_OVER = """\
extends: base.yaml
id: test-council-ehc-2
title: EHC needs assessment (a second layer)
version: "1"
events:
  visit_booked:
    data:
      kind:
        one_of: [school, office]
"""


def test_a_base_rule_is_checked_again_when_its_starting_event_changes(tmp_path: Path) -> None:
    """An overlay of an overlay that changes the data a base rule's ``when`` reads: the
    rule is checked again (not taken as checked in the base), as a fresh load does."""
    write(tmp_path, _VISITS, name="base.yaml")
    path = write(tmp_path, "", name="over.yaml", head=_OVER)
    reused = _outcome(_reused, path)
    assert isinstance(reused, tuple)
    assert any("home-visit-report" in str(p) and "home" in p.message for p in reused)
    assert reused == _outcome(load_reading_every_rule, path)
    # The base overlay itself passes: its rule was checked there.
    assert _reused(tmp_path / "base.yaml").time_limits["home-visit-report"].local
