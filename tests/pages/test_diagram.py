"""Diagrams show every state and move, the rules each move meets, and local additions apart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import sendflow
from sendflow.cli import main
from sendflow.definitions.catalogue import load_file
from sendflow.pages.diagram import diagram
from tests.overlays.helpers import EXAMPLE, EXAMPLE_OVERLAY

BASE = sendflow.load_process("ehc-needs-assessment")
SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_mermaid_has_every_state_and_move() -> None:
    """Each state is a node; each event that moves a case is an arrow with the rules it meets."""
    text = diagram(BASE, "mermaid")
    for state in BASE.states:
        assert re.search(rf"^  {state}[\[(]", text, re.MULTILINE), state
    assert 'assessing -->|"decided_to_assess' not in text
    assert (
        'awaiting_decision_to_assess -->|"decided_to_assess<br/>meets '
        'decide-whether-to-assess: 6 weeks"| assessing'
    ) in text
    assert 'any_open_state -->|"request_withdrawn"| withdrawn' in text
    assert "(local)" not in text


def test_mermaid_marks_local_additions() -> None:
    """An overlay's state, event and targets are marked local; its arrows are dotted."""
    text = diagram(load_file(EXAMPLE_OVERLAY), "mermaid")
    assert "class panel_review local" in text
    assert 'awaiting_decision_to_assess -.->|"panel_referred (local)"| panel_review' in text
    assert "meets decide-within-5-weeks: 5 weeks (local)" in text


def test_dot_draws_finals_twice_and_local_dashed() -> None:
    """The DOT graph rings final states and dashes local additions."""
    text = diagram(load_file(EXAMPLE_OVERLAY), "dot")
    assert text.startswith('digraph "northshire-ehc-needs-assessment" {')
    assert re.search(r"^  plan_issued \[.*peripheries=2", text, re.MULTILINE)
    assert re.search(r"^  panel_review \[.*dashed", text, re.MULTILINE)
    assert re.search(r"panel_referred.*style=dashed", text)


def test_svg_is_self_contained_and_complete() -> None:
    """The SVG parses, fetches nothing, and names every state, event, and rule with its period."""
    process = load_file(EXAMPLE_OVERLAY)
    svg = diagram(process, "svg")
    assert re.findall(r"https?://[^\"]+", svg) == ["http://www.w3.org/2000/svg"]
    texts = _texts(svg)
    for state in process.states:
        assert state in texts, state
    for event in ("panel_referred (local)", "decided_to_assess", "final_plan_issued"):
        assert event in texts
    assert "meets final-by-week-18: 18 weeks (local)" in texts
    assert any(t.startswith("week-4-update: 4 weeks (local)") for t in texts)


def test_svg_labels_do_not_cover_each_other() -> None:
    """No two arrow labels of the packaged process overlap."""
    root = ET.fromstring(diagram(BASE, "svg"))
    boxes = [
        (
            float(r.get("x", 0)),
            float(r.get("y", 0)),
            float(r.get("width", 0)),
            float(r.get("height", 0)),
        )
        for r in root.iter(f"{SVG}rect")
        if r.get("rx") == "3"
    ]
    assert boxes
    for index, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[index + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


@pytest.mark.parametrize("form", ["mermaid", "svg", "dot"])
def test_the_command_draws_a_registered_overlay(
    form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """sendflow diagram draws an overlay by its id with --process-dir."""
    command = ["diagram", "northshire-ehc-needs-assessment", "--format", form]
    assert main([*command, "--process-dir", str(EXAMPLE)]) == 0
    assert "panel_review" in capsys.readouterr().out
