"""A process drawn as SVG by a small layered layout: no Graphviz, no fonts to fetch.

States sit in rows by their distance from the start (closed states on the last row),
ordered to keep arrows short. An arrow down is an S-curve; an arrow back up (a refusal
reversed, a panel that returns a request) loops round the right-hand side. Each arrow is
labelled with its event and the rules it meets; labels are moved down until they no
longer cover one another. Under the drawing: the events a case records without moving,
and every rule with its period. Local additions are dashed and orange.
"""

from __future__ import annotations

import textwrap
from html import escape

import attrs

from sendflow.definitions.model import Process
from sendflow.pages.graph import ANY_OPEN, Edge, Graph, Node, process_graph

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
_SOFT = "#616e7c"


@attrs.define
class _Box:
    node: Node
    lines: list[str]
    width: float
    height: float
    x: float = 0.0  # centre
    y: float = 0.0  # top


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

    def overlaps(self, other: _Label) -> bool:
        return (
            abs(self.x - other.x) * 2 < self.width + other.width
            and abs(self.y - other.y) * 2 < self.height + other.height
        )


def _box(node: Node) -> _Box:
    if node.id == ANY_OPEN:
        lines = ["any open state"]
    else:
        lines = [*textwrap.wrap(node.title + (" (local)" if node.local else ""), 30), node.id]
    width = max(150.0, max(len(line) for line in lines) * _CHAR + 24)
    return _Box(node, lines, width, 14.0 + _LINE * len(lines))


def _place(graph: Graph) -> tuple[dict[str, _Box], float]:
    """Place every box; return them by state and the drawing's width."""
    boxes = {node.id: _box(node) for node in graph.nodes}
    rows: dict[int, list[_Box]] = {}
    for box in boxes.values():
        if box.node.id != ANY_OPEN:  # drawn apart, beside the first row, not in the flow
            rows.setdefault(box.node.rank, []).append(box)
    ordered = [rows[rank] for rank in sorted(rows)]
    width = max(sum(b.width for b in row) + _COLUMN_GAP * (len(row) - 1) for row in ordered)
    width += 2 * _MARGIN + 140  # room on the right for arrows that loop back up
    y = _MARGIN + 64.0  # under the title, with room for stacked start events
    for row in ordered:
        _spread(row, width - 140)
        for box in row:
            box.y = y
        y += max(b.height for b in row) + _ROW_GAP
    for _ in range(2):  # pull each box under the boxes that lead into it
        for row in ordered[1:]:
            row.sort(key=lambda b: _pull(b, graph, boxes))
            _spread(row, width - 140)
    anywhere = boxes.get(ANY_OPEN)
    if anywhere is not None:
        anywhere.x = _MARGIN + anywhere.width / 2
        anywhere.y = ordered[0][0].y
    return boxes, width


def _spread(row: list[_Box], width: float) -> None:
    total = sum(b.width for b in row) + _COLUMN_GAP * (len(row) - 1)
    x = (width - total) / 2
    for box in row:
        box.x = x + box.width / 2
        x += box.width + _COLUMN_GAP


def _pull(box: _Box, graph: Graph, boxes: dict[str, _Box]) -> float:
    sources = [boxes[e.source].x for e in graph.edges if e.target == box.node.id]
    return sum(sources) / len(sources) if sources else box.x


def _curve(edge: Edge, boxes: dict[str, _Box], index: int) -> tuple[str, float, float]:
    """The path of an arrow, and the point its label is centred on."""
    a, b = boxes[edge.source], boxes[edge.target]
    shift = index * 14
    if b.y == a.y:  # side by side: a straight arrow between facing sides
        ahead = 1 if b.x > a.x else -1
        x1, x2 = a.x + ahead * a.width / 2, b.x - ahead * b.width / 2
        y = a.y + a.height / 2 + shift
        return f"M{x1:.1f},{y:.1f} L{x2:.1f},{y:.1f}", (x1 + x2) / 2, y - 14
    if b.y > a.y:
        x1, y1 = a.x + shift, a.y + a.height
        x2, y2 = b.x + shift, b.y
        bend = (y2 - y1) / 2
        path = (
            f"M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} "
            f"{x2:.1f},{y2:.1f}"
        )
        return path, (x1 + x2) / 2, (y1 + y2) / 2
    # Back up: leave the top of the source, come in at the target's right-hand side.
    x1, y1 = a.x + a.width / 4 + shift, a.y
    x2, y2 = b.x + b.width / 2, b.y + b.height / 2 + shift
    out = max(x1, x2) + 60 + shift
    path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 - 90:.1f} {out:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    return path, (x1 + out) / 2, (y1 + y2) / 2


def svg_diagram(process: Process) -> str:
    """The SVG drawing of ``process``, with a title, the diagram and its key."""
    graph = process_graph(process)
    boxes, width = _place(graph)
    parts: list[str] = []
    obstacles = [_obstacle(box) for box in boxes.values()]
    labels: list[_Label] = []
    seen: dict[tuple[str, str], int] = {}
    labelled: set[tuple[str, str]] = set()
    for edge in graph.edges:
        index = seen.get((edge.source, edge.target), 0)
        seen[(edge.source, edge.target)] = index + 1
        path, lx, ly = _curve(edge, boxes, index)
        colour = _LOCAL if edge.local else _INK
        dash = ' stroke-dasharray="6 4"' if edge.local else ""
        parts.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.4"{dash} '
            f'marker-end="url(#{"local" if edge.local else "arrow"})"/>'
        )
        lines = [edge.event + (" (local)" if edge.local else "")]
        if (edge.event, edge.target) not in labelled:  # the rules it meets, once
            lines += [f"meets {rule}" for rule in edge.meets]
            labelled.add((edge.event, edge.target))
        labels.append(_placed(_Label(lx, ly, lines, edge.local), [*obstacles, *labels]))
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


def _placed(label: _Label, others: list[_Label]) -> _Label:
    """``label`` moved down (or, failing that, up) until it covers no other label or box."""
    start = label.y
    for step in (14, -14):
        label.y = start
        for _ in range(12):
            if not any(label.overlaps(other) for other in others):
                return label
            label.y += step
    label.y = start
    return label


def _obstacle(box: _Box) -> _Label:
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


def _box_svg(box: _Box) -> str:
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
