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


def _arrows(root: ET.Element) -> list[list[tuple[float, float]]]:
    """Each arrow's path as points along its cubic segments."""
    found = []
    for path in root.iter(f"{SVG}path"):
        if path.get("fill") != "none":
            continue
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
        points = list(zip(numbers[::2], numbers[1::2], strict=True))
        along = []
        for i in range(0, len(points) - 1, 3):
            p0, p1, p2, p3 = points[i : i + 4]
            for n in range(21):
                u = n / 20
                a, b, c, d = (1 - u) ** 3, 3 * u * (1 - u) ** 2, 3 * u * u * (1 - u), u**3
                along.append(
                    (
                        a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                        a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                    )
                )
        found.append(along)
    return found


def _state_boxes(root: ET.Element) -> list[tuple[float, float, float, float]]:
    return [
        (
            float(r.get("x", 0)),
            float(r.get("y", 0)),
            float(r.get("width", 0)),
            float(r.get("height", 0)),
        )
        for r in root.iter(f"{SVG}rect")
        if r.get("rx") == "10"
    ]


@pytest.mark.parametrize("process_id", ["ehc-needs-assessment", "appeal", "annual-review"])
def test_svg_arrows_leaving_one_state_are_spread_across_its_side(process_id: str) -> None:
    """No two arrows leave (or enter) a box from the same point of its side."""
    root = ET.fromstring(diagram(sendflow.load_process(process_id), "svg"))
    arrows = _arrows(root)
    starts = [a[0] for a in arrows]
    ends = [a[-1] for a in arrows]
    assert len(set(starts)) == len(starts)
    assert len(set(ends)) == len(ends)


@pytest.mark.parametrize(
    "process", [BASE, load_file(EXAMPLE_OVERLAY), sendflow.load_process("appeal")],
    ids=["ehc", "overlay", "appeal"],
)  # fmt: skip
def test_svg_arrows_go_round_the_states_they_pass(process: object) -> None:
    """An arrow crosses no state's box except near where it leaves and arrives."""
    root = ET.fromstring(diagram(process, "svg"))  # type: ignore[arg-type]
    boxes = _state_boxes(root)
    for arrow in _arrows(root):
        ends = [arrow[0], arrow[-1]]
        for x, y, w, h in boxes:
            if any(x - 1 <= ex <= x + w + 1 and y - 1 <= ey <= y + h + 1 for ex, ey in ends):
                continue  # the arrow's own source or target
            inside = [(px, py) for px, py in arrow if x < px < x + w and y < py < y + h]
            assert inside == [], (arrow[0], arrow[-1], (x, y, w, h))


def test_svg_labels_stay_on_the_drawing() -> None:
    """Every label lies within the drawing, clear of the left edge."""
    for process_id in ("appeal", "annual-review", "ehc-needs-assessment"):
        root = ET.fromstring(diagram(sendflow.load_process(process_id), "svg"))
        width = float(root.get("width", 0))
        for rect in root.iter(f"{SVG}rect"):
            if rect.get("rx") == "3":
                left = float(rect.get("x", 0))
                assert left >= 0, process_id
                assert left + float(rect.get("width", 0)) <= width, process_id
