"""Where the SVG drawing's arrows run: the side of a box each leaves and enters, and lanes.

The arrows that leave one side of a state are spread across that side, in the order of
where they are going, so that a state with many ways out does not send them all down
one column. An arrow that passes rows of states on its way down runs in a lane between
the boxes of those rows rather than through them. Each arrow is a chain of cubic Bézier
segments, so that its label can be put on the arrow itself (:func:`point_on`).
"""

from __future__ import annotations

import attrs

from sendflow.pages.graph import Edge, Node

__all__ = ["Box", "Route", "point_on", "route_edges"]

Point = tuple[float, float]
Segment = tuple[Point, Point, Point, Point]

_LANE_CLEARANCE = 18.0  # how far a lane keeps from the boxes it passes
_LANE_SPACING = 16.0  # how far apart two lanes run
_BEND = 90.0  # how far an arrow back up rises above its state before it turns


@attrs.define
class Box:
    """A state's box: its lines of text, size, and where it is (centre x, top y)."""

    node: Node
    lines: list[str]
    width: float
    height: float
    x: float = 0.0  # centre
    y: float = 0.0  # top

    @property
    def left(self) -> float:
        """The x of the box's left side."""
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        """The x of the box's right side."""
        return self.x + self.width / 2


@attrs.define
class Route:
    """An arrow's way: the edge, and its path as cubic segments from source to target."""

    edge: Edge
    segments: list[Segment]

    def path(self) -> str:
        """The SVG path data of the arrow."""
        (x, y), *_ = self.segments[0]
        out = [f"M{x:.1f},{y:.1f}"]
        for _, (ax, ay), (bx, by), (ex, ey) in self.segments:
            out.append(f"C{ax:.1f},{ay:.1f} {bx:.1f},{by:.1f} {ex:.1f},{ey:.1f}")
        return " ".join(out)

    @property
    def rightmost(self) -> float:
        """The largest x the arrow's path may reach."""
        return max(x for segment in self.segments for x, _ in segment)


def point_on(route: Route, t: float) -> Point:
    """The point a fraction ``t`` (0 to 1) of the way along the arrow, segment by segment."""
    count = len(route.segments)
    index = min(int(t * count), count - 1)
    u = t * count - index
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = route.segments[index]
    a, b, c, d = (1 - u) ** 3, 3 * u * (1 - u) ** 2, 3 * u * u * (1 - u), u**3
    return a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


def _line(start: Point, end: Point) -> Segment:
    (x0, y0), (x1, y1) = start, end
    return (
        start,
        (x0 + (x1 - x0) / 3, y0 + (y1 - y0) / 3),
        (x1 - (x1 - x0) / 3, y1 - (y1 - y0) / 3),
        end,
    )


def _s_curve(start: Point, end: Point) -> Segment:
    """Down from ``start`` and into ``end`` from above, both ends vertical."""
    (x0, y0), (x1, y1) = start, end
    bend = (y1 - y0) / 2
    return start, (x0, y0 + bend), (x1, y1 - bend), end


def _spread(box: Box, count: int, index: int) -> float:
    """The x of port ``index`` of ``count`` spread evenly across the box's side."""
    return box.left + box.width * (index + 1) / (count + 1)


def route_edges(edges: tuple[Edge, ...], boxes: dict[str, Box]) -> list[Route]:
    """The route of every edge, in the order given."""
    lanes = _lanes(edges, boxes)
    bottom: dict[str, list[tuple[float, float, int]]] = {}  # leaving downwards
    top: dict[str, list[tuple[float, float, int]]] = {}  # arriving from above, leaving up
    for n, edge in enumerate(edges):
        a, b = boxes[edge.source], boxes[edge.target]
        if b.y > a.y:
            bottom.setdefault(edge.source, []).append((lanes.get(n, b.x), b.x, n))
            top.setdefault(edge.target, []).append((lanes.get(n, a.x), a.x, n))
        elif b.y < a.y:  # back up: leaves the top, rightmost, to loop round the right
            top.setdefault(edge.source, []).append((float("inf"), b.x, n))
    ports_out: dict[int, float] = {}
    ports_in: dict[int, float] = {}
    for state, found in bottom.items():
        for index, (*_, n) in enumerate(sorted(found)):
            ports_out[n] = _spread(boxes[state], len(found), index)
    for state, found in top.items():
        for index, (*_, n) in enumerate(sorted(found)):
            target = ports_out if boxes[edges[n].source] is boxes[state] else ports_in
            target[n] = _spread(boxes[state], len(found), index)
    rising = _up_lanes(edges, boxes, lanes, ports_out)
    routes: list[Route] = []
    seen: dict[tuple[str, str], int] = {}
    for n, edge in enumerate(edges):
        a, b = boxes[edge.source], boxes[edge.target]
        if b.y > a.y:
            start, end = (ports_out[n], a.y + a.height), (ports_in[n], b.y)
            routes.append(Route(edge, _down(start, end, lanes.get(n), boxes)))
        elif b.y == a.y:  # side by side: a straight arrow between facing sides
            index = seen.get((edge.source, edge.target), 0)
            seen[(edge.source, edge.target)] = index + 1
            ahead = 1 if b.x > a.x else -1
            y = a.y + a.height / 2 + index * 14
            start, end = (a.x + ahead * a.width / 2, y), (b.x - ahead * b.width / 2, y)
            routes.append(Route(edge, [_line(start, end)]))
        else:
            routes.append(Route(edge, _up(ports_out[n], a, b, *rising[n])))
    return routes


def _down(start: Point, end: Point, lane: float | None, boxes: dict[str, Box]) -> list[Segment]:
    """An S-curve down; through a lane when rows of states lie between."""
    if lane is None:
        return [_s_curve(start, end)]
    passed = [b for b in boxes.values() if start[1] < b.y < end[1]]
    enter = min(b.y for b in passed) - 24
    leave = max(b.y + b.height for b in passed) + 24
    return [_s_curve(start, (lane, enter)), _line((lane, enter), (lane, leave)),
            _s_curve((lane, leave), end)]  # fmt: skip


def _up_lanes(
    edges: tuple[Edge, ...], boxes: dict[str, Box], lanes: dict[int, float], x1: dict[int, float]
) -> dict[int, tuple[float, float]]:
    """For each arrow back up: the x it rises at, and how far below the top it arrives.

    Each rises right of the boxes and the lanes down beside it. Arrows into one state rise
    in lanes apart, and the outermost arrives highest, so that none crosses another.
    """
    base: dict[int, float] = {}
    for n, edge in enumerate(edges):
        a, b = boxes[edge.source], boxes[edge.target]
        if b.y >= a.y:
            continue
        passed = [box.right for box in boxes.values() if b.y < box.y < a.y]
        beside = [
            x
            for m, x in lanes.items()
            if boxes[edges[m].source].y < a.y and boxes[edges[m].target].y > b.y
        ]
        base[n] = max(x1[n], b.right, *passed, *beside) + 2 * _LANE_CLEARANCE
    found: dict[int, tuple[float, float]] = {}
    for target in dict.fromkeys(edges[n].target for n in base):
        into = sorted((x, n) for n, x in base.items() if edges[n].target == target)
        outs: list[tuple[float, int]] = []
        for x, n in into:
            outs.append((max(x, outs[-1][0] + _LANE_SPACING) if outs else x, n))
        for rank, (out, n) in enumerate(sorted(outs, reverse=True)):
            found[n] = (out, rank * 14.0)
    return found


def _up(x1: float, a: Box, b: Box, out: float, shift: float) -> list[Segment]:
    """Back up: leave the top of ``a``, rise at ``out``, and enter ``b``'s right side."""
    x2, y2 = b.right, b.y + b.height / 2 + shift
    turn, high = a.y - _BEND * 2 / 3, y2 + _BEND / 3
    return [
        ((x1, a.y), (x1, a.y - _BEND / 3), (out, a.y - _BEND / 3), (out, turn)),
        _line((out, turn), (out, high)),
        ((out, high), (out, y2), (x2 + _BEND / 4, y2), (x2, y2)),
    ]


def _lanes(edges: tuple[Edge, ...], boxes: dict[str, Box]) -> dict[int, float]:
    """For each edge down that passes rows of states, the x of the lane it runs in."""
    lanes: dict[int, float] = {}
    taken: list[tuple[float, float, float]] = []  # x, from y, to y
    for n, edge in enumerate(edges):
        a, b = boxes[edge.source], boxes[edge.target]
        passed = [box for box in boxes.values() if a.y < box.y < b.y]
        if passed:
            lanes[n] = _lane(
                (a.x + b.x) / 2, passed, [t for t in taken if a.y < t[2] and t[1] < b.y]
            )
            taken.append((lanes[n], a.y, b.y))
    return lanes


def _lane(ideal: float, passed: list[Box], beside: list[tuple[float, float, float]]) -> float:
    """The x nearest ``ideal`` clear of the boxes passed and apart from the lanes beside."""

    def free(x: float) -> bool:
        clear = all(x < p.left - _LANE_CLEARANCE or x > p.right + _LANE_CLEARANCE for p in passed)
        return (
            x >= _LANE_CLEARANCE
            and clear
            and all(abs(x - other) >= _LANE_SPACING for other, _, _ in beside)
        )

    candidates = {ideal}
    for box in passed:
        candidates |= {box.left - 2 * _LANE_CLEARANCE, box.right + 2 * _LANE_CLEARANCE}
    for candidate in sorted(candidates, key=lambda c: abs(c - ideal)):
        step = _LANE_SPACING if candidate >= ideal else -_LANE_SPACING
        for move in range(len(beside) + 1):
            x = candidate + move * step
            if free(x):
                return x
    return max(p.right for p in passed) + 2 * _LANE_CLEARANCE + _LANE_SPACING * len(beside)
