"""A process drawn as SVG by a small layered layout: no Graphviz, no fonts to fetch.

States sit in rows by their distance from the start (closed states on the last row),
ordered to keep arrows short. An arrow down is an S-curve, the arrows leaving one state
spread across its side, and one that passes rows of states runs in a lane between their
boxes; an arrow back up (a refusal reversed, a panel that returns a request) loops round
the right-hand side (:mod:`sendflow.pages.routes`). Each arrow is labelled on the arrow
itself with its event and the rules it meets, at the first point along it where the
label covers no box and no other label. Under the drawing: the events a case records without moving,
and every rule with its period. Local additions are dashed and orange.
"""

from __future__ import annotations

import textwrap
from html import escape

import attrs

from sendflow.definitions.model import Process
from sendflow.pages.graph import ANY_OPEN, Graph, Node, process_graph
from sendflow.pages.routes import Box, Route, point_on, route_edges

__all__ = ["svg_diagram"]

_FONT = 13
_CHAR = 7.0  # average width of a character at _FONT, in pixels
_SMALL_CHAR = 6.0
_LINE = 16
_ROW_GAP = 190
_COLUMN_GAP = 60
_MARGIN = 30
_LOCAL = "#d9822b"
_LOCAL_FILL = "#fff4e5"
_INK = "#1f2933"
_ALONG = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8)  # where labels may sit
_SOFT = "#616e7c"


@attrs.define
class _Label:
    x: float
    y: float
    lines: list[str]
    local: bool

    @property
    def width(self) -> float:
        return max(len(line) for line in self.lines) * _SMALL_CHAR + 10

    @property
    def height(self) -> float:
        return len(self.lines) * 14 + 6

    def covers(self, x: float, y: float) -> bool:
        """Whether the point lies under the label."""
        return abs(self.x - x) * 2 < self.width and abs(self.y - y) * 2 < self.height

    def overlaps(self, other: _Label) -> bool:
        return (
            abs(self.x - other.x) * 2 < self.width + other.width
            and abs(self.y - other.y) * 2 < self.height + other.height
        )


def _box(node: Node) -> Box:
    if node.id == ANY_OPEN:
        lines = ["any open state"]
    else:
        lines = [*textwrap.wrap(node.title + (" (local)" if node.local else ""), 30), node.id]
    width = max(150.0, max(len(line) for line in lines) * _CHAR + 24)
    return Box(node, lines, width, 14.0 + _LINE * len(lines))


def _place(graph: Graph) -> tuple[dict[str, Box], float]:
    """Place every box; return them by state and the drawing's width."""
    boxes = {node.id: _box(node) for node in graph.nodes}
    rows: dict[int, list[Box]] = {}
    for box in boxes.values():
        if box.node.id != ANY_OPEN:  # drawn apart, beside the first row, not in the flow
            rows.setdefault(box.node.rank, []).append(box)
    ordered = [rows[rank] for rank in sorted(rows)]
    anywhere = boxes.get(ANY_OPEN)
    # "any open state" has a column of its own on the left, so no row runs under it.
    left = _MARGIN + (anywhere.width + _COLUMN_GAP if anywhere is not None else 0)
    right = left + max(sum(b.width for b in row) + _COLUMN_GAP * (len(row) - 1) for row in ordered)
    width = right + _MARGIN + 140  # room on the right for arrows that loop back up
    y = _MARGIN + 64.0  # under the title, with room for stacked start events
    for row in ordered:
        _spread(row, left, right)
        for box in row:
            box.y = y
        y += max(b.height for b in row) + _ROW_GAP
    for _ in range(2):  # pull each box under the boxes that lead into it
        for row in ordered[1:]:
            row.sort(key=lambda b: _pull(b, graph, boxes))
            _spread(row, left, right)
    if anywhere is not None:
        anywhere.x = _MARGIN + anywhere.width / 2
        anywhere.y = ordered[0][0].y
    return boxes, width


def _spread(row: list[Box], left: float, right: float) -> None:
    """Set the boxes of ``row`` side by side, in order, centred between ``left`` and ``right``."""
    total = sum(b.width for b in row) + _COLUMN_GAP * (len(row) - 1)
    x = left + (right - left - total) / 2
    for box in row:
        box.x = x + box.width / 2
        x += box.width + _COLUMN_GAP


def _pull(box: Box, graph: Graph, boxes: dict[str, Box]) -> float:
    sources = [boxes[e.source].x for e in graph.edges if e.target == box.node.id]
    return sum(sources) / len(sources) if sources else box.x


def svg_diagram(process: Process) -> str:
    """The SVG drawing of ``process``, with a title, the diagram and its key."""
    graph = process_graph(process)
    boxes, width = _place(graph)
    parts: list[str] = []
    obstacles = [_obstacle(box) for box in boxes.values()]
    labels: list[_Label] = []
    labelled: set[tuple[str, str]] = set()
    routes = route_edges(graph.edges, boxes)
    for route in routes:
        edge = route.edge
        colour = _LOCAL if edge.local else _INK
        dash = ' stroke-dasharray="6 4"' if edge.local else ""
        parts.append(
            f'<path d="{route.path()}" fill="none" stroke="{colour}" stroke-width="1.4"{dash} '
            f'marker-end="url(#{"local" if edge.local else "arrow"})"/>'
        )
        lines = [edge.event + (" (local)" if edge.local else "")]
        if (edge.event, edge.target) not in labelled:  # the rules it meets, once
            lines += [f"meets {rule}" for rule in edge.meets]
            labelled.add((edge.event, edge.target))
        others = [*obstacles, *labels]
        lines_near = [p for r in routes if r is not route for p in _samples(r)]
        labels.append(_placed(route, _Label(0, 0, lines, edge.local), others, lines_near))
    right = max([*(r.rightmost for r in routes), *(lb.x + lb.width / 2 for lb in labels)])
    width = max(width, right + _MARGIN)
    starts: dict[str, list[str]] = {}
    for edge in graph.entries:  # one start mark per state, its start events stacked
        starts.setdefault(edge.target, []).append(edge.event)
    for target, events in starts.items():
        box = boxes[target]
        parts.append(f'<circle cx="{box.x:.1f}" cy="{box.y - 34:.1f}" r="6" fill="{_INK}"/>')
        parts.append(
            f'<path d="M{box.x:.1f},{box.y - 28:.1f} V{box.y:.1f}" stroke="{_INK}" '
            'marker-end="url(#arrow)"/>'
        )
        for n, name in enumerate(events):
            top = box.y - 30 + 13 * n - 6.5 * (len(events) - 1)
            parts.append(_text(box.x + 12, top, name, anchor="start", size=11))
    parts += [_box_svg(box) for box in boxes.values()]
    parts += [_label_svg(label) for label in labels]
    bottom = max(b.y + b.height for b in boxes.values()) + 40
    key, texts, height = _key(graph, process, bottom)
    width = max(width, max((len(line) for line in texts), default=0) * _SMALL_CHAR + 80)
    title = escape(f"{process.title} ({process.id}, version {process.version})")
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif">',
            f"<title>{title}</title>",
            "<defs>",
            _marker("arrow", _INK),
            _marker("local", _LOCAL),
            "</defs>",
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
            _text(_MARGIN, 28, title, anchor="start", size=16, weight="bold"),
            *parts,
            *key,
            "</svg>",
        ]
    )


def _samples(route: Route) -> list[tuple[float, float]]:
    """Points along an arrow, close enough together that a label on it covers some."""
    return [point_on(route, n / 40) for n in range(41)]


def _placed(
    route: Route, label: _Label, others: list[_Label], arrows: list[tuple[float, float]]
) -> _Label:
    """``label`` on its arrow (or just beside it), covering no label or box, and fewest arrows.

    The middle of the arrow first, then points further from it, the label centred on the
    arrow before it hangs to one side; where every place along the arrow is covered, the
    middle moved down (or, failing that, up) until it is clear.
    """
    clear = []
    for order, (t, side) in enumerate((t, side) for t in _ALONG for side in (0, 1, -1)):
        x, label.y = point_on(route, t)
        label.x = x + side * (label.width / 2 + 4)
        inside = label.x - label.width / 2 >= _MARGIN / 2
        if inside and not any(label.overlaps(other) for other in others):
            clear.append((sum(label.covers(x, y) for x, y in arrows), order, label.x, label.y))
    if clear:
        _, _, label.x, label.y = min(clear)
        return label
    label.x, label.y = point_on(route, 0.5)
    start = label.y
    for step in (14, -14):
        label.y = start
        for _ in range(12):
            if not any(label.overlaps(other) for other in others):
                return label
            label.y += step
    label.y = start
    return label


def _obstacle(box: Box) -> _Label:
    """A box as a label-sized obstacle that labels keep clear of."""
    lines = ["x" * int((box.width - 10) / _SMALL_CHAR)] * (int(box.height / 14) + 1)
    return _Label(box.x, box.y + box.height / 2, lines, local=False)


def _marker(name: str, colour: str) -> str:
    return (
        f'<marker id="{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{colour}"/></marker>'
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "middle",
    size: int = _FONT,
    colour: str = _INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{colour}" font-weight="{weight}">{escape(text)}</text>'
    )


def _box_svg(box: Box) -> str:
    node = box.node
    left = box.x - box.width / 2
    stroke, fill, dash = _INK, "white", ""
    if node.local:
        stroke, fill, dash = _LOCAL, _LOCAL_FILL, ' stroke-dasharray="6 4"'
    if node.id == ANY_OPEN:
        stroke, fill, dash = _SOFT, "#f5f7fa", ' stroke-dasharray="3 3"'
    shapes = [
        f'<rect x="{left:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" '
        f'rx="10" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
    ]
    if node.final:
        shapes.append(
            f'<rect x="{left + 4:.1f}" y="{box.y + 4:.1f}" width="{box.width - 8:.1f}" '
            f'height="{box.height - 8:.1f}" rx="7" fill="none" stroke="{stroke}"/>'
        )
    for index, line in enumerate(box.lines):
        last = index == len(box.lines) - 1 and node.id != ANY_OPEN
        shapes.append(
            _text(
                box.x,
                box.y + 21 + index * _LINE,
                line,
                size=11 if last else _FONT,
                colour=_SOFT if last else _INK,
                weight="normal" if last else "bold",
            )
        )
    return "\n".join(shapes)


def _label_svg(label: _Label) -> str:
    colour = _LOCAL if label.local else _INK
    left, top = label.x - label.width / 2, label.y - label.height / 2
    out = [
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{label.width:.1f}" '
        f'height="{label.height:.1f}" rx="3" fill="white" fill-opacity="0.92" '
        f'stroke="{colour}" stroke-opacity="0.25"/>'
    ]
    for index, line in enumerate(label.lines):
        out.append(
            _text(
                label.x,
                top + 14 + index * 14,
                line,
                size=11,
                colour=colour if index == 0 else _SOFT,
                weight="bold" if index == 0 else "normal",
            )
        )
    return "\n".join(out)


def _key(graph: Graph, process: Process, top: float) -> tuple[list[str], list[str], float]:
    """The events recorded without moving, every rule, and what the styles mean."""
    lines: list[tuple[str, bool, bool]] = []  # text, local, heading
    if graph.stays:
        lines.append(("Recorded without moving", False, True))
        for state, events in graph.stays.items():
            where = "any open state" if state == ANY_OPEN else state
            lines.append((f"in {where}: {', '.join(events)}", False, False))
    lines.append(("Time limits", False, True))
    for limit, text in zip(process.time_limits.values(), graph.rules, strict=True):
        starts = " / ".join(limit.starts)
        cite = limit.reference or "no reference"
        lines.append((f"{text}, from {starts}; {cite}", limit.local, False))
    lines.append(
        ("Solid: the law's states and events. Dashed orange: local additions.", False, False)
    )
    out = []
    y = top
    for text, local, heading in lines:
        y += 20 if heading else 16
        out.append(
            _text(
                _MARGIN,
                y,
                text,
                anchor="start",
                size=13 if heading else 11,
                colour=_LOCAL if local else _INK,
                weight="bold" if heading else "normal",
            )
        )
    return out, [t for t, _, _ in lines], y + _MARGIN
