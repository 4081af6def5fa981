"""Small inline SVG charts: bars, horizontal percentage bars and lines, with no script.

Every mark a chart draws has the class ``mark``, so a test (or a reader's tool) can see
that it drew something. Text is escaped; sizes are in SVG units and scale with the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_chart", "line_chart", "percent_bars"]

BLUE = "#1d70b8"
DARK = "#0b0c0c"
GREY = "#b1b4b6"
ORANGE = "#f47738"
COLOURS = (BLUE, ORANGE, DARK, "#00703c")
_WIDTH = 640
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 14, 44


def _svg(height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _nice(top: float) -> float:
    """A round number at least ``top`` for the top of an axis, in quarters that read well."""
    if top <= 20:
        return float(max(4, -(-int(top) // 4) * 4))
    step = 10 ** (len(str(int(top))) - 1)
    for factor in (1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6, 8, 10):
        if top <= factor * step:
            return float(factor * step)
    return float(10 * step)


def _axis(height: int, top: float, suffix: str) -> list[str]:
    inner = height - _TOP - _BOTTOM
    parts = []
    for step in range(5):
        value = top * step / 4
        y = _TOP + inner - inner * step / 4
        text = f"{value:g}{suffix}"
        parts.append(
            f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GREY}" stroke-width="0.5"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{text}</text>'
        )
    return parts


def _x_labels(labels: Sequence[str], baseline: float, slot: float) -> list[str]:
    every = max(1, len(labels) // 12 + (len(labels) % 12 > 0))
    return [
        f'<text x="{_LEFT + slot * (i + 0.5):.1f}" y="{baseline + 16:.1f}" '
        f'text-anchor="middle" class="tick">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0
    ]


def bar_chart(
    labels: Sequence[str], values: Sequence[int], *, label: str, height: int = 220
) -> str:
    """Vertical bars, one per label, each with its value above it."""
    top = _nice(max(values, default=0))
    inner = height - _TOP - _BOTTOM
    slot = (_WIDTH - _LEFT - _RIGHT) / max(1, len(labels))
    body = _axis(height, top, "")
    for i, value in enumerate(values):
        bar = inner * value / top
        x = _LEFT + slot * i + slot * 0.15
        y = _TOP + inner - bar
        body.append(
            f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{max(bar, 0.5):.1f}" fill="{BLUE}"><title>{escape(labels[i])}: '
            f"{value}</title></rect>"
        )
        if len(values) <= 16:
            body.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'class="value">{value}</text>'
            )
    body += _x_labels(labels, _TOP + inner, slot)
    return _svg(height, label, body)


def percent_bars(
    rows: Sequence[tuple[str, float | None, str]], *, label: str, marker: float | None = None
) -> str:
    """Horizontal bars from 0 to 100%, one per row: (label, percent or None, note)."""
    row_height = 34
    height = row_height * len(rows) + 26
    left = 250
    span = _WIDTH - left - 175
    body = []
    for i, (name, percent, note) in enumerate(rows):
        y = 8 + row_height * i
        body.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" class="name">'
            f"{escape(name)}</text>"
            f'<rect x="{left}" y="{y + 4}" width="{span}" height="18" fill="#f3f2f1"/>'
        )
        if percent is None:
            body.append(f'<text x="{left + 6}" y="{y + 17}" class="note">none counted</text>')
            continue
        body.append(
            f'<rect class="mark" x="{left}" y="{y + 4}" width="{max(span * percent / 100, 1):.1f}" '
            f'height="18" fill="{BLUE}"><title>{escape(name)}: {percent:.1f}%</title></rect>'
            f'<text x="{left + span + 8}" y="{y + 17}" class="value">{percent:.1f}% '
            f'<tspan class="note">{escape(note)}</tspan></text>'
        )
    if marker is not None:
        x = left + span * marker / 100
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="4" y2="{height - 18}" stroke="{DARK}" '
            f'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{height - 4}" text-anchor="middle" '
            f'class="tick">England {marker:.1f}%</text>'
        )
    return _svg(height, label, body)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None], bool]],
    *,
    label: str,
    top: float | None = None,
    suffix: str = "",
    height: int = 240,
) -> str:
    """Lines over the labels: (name, values, dashed) each; a gap where a value is None."""
    values = [v for _, points, _ in series for v in points if v is not None]
    top = top if top is not None else _nice(max(values, default=0))
    inner = height - _TOP - _BOTTOM - 14  # room for the legend
    slot = (_WIDTH - _LEFT - _RIGHT) / max(1, len(labels))
    body = _axis(height - 14, top, suffix)
    for index, (name, points, dashed) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        runs: list[list[str]] = [[]]
        for i, value in enumerate(points):
            if value is None:
                runs.append([])
                continue
            x = _LEFT + slot * (i + 0.5)
            y = _TOP + inner - inner * value / top
            runs[-1].append(f"{x:.1f},{y:.1f}")
            if not dashed:
                body.append(
                    f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                    f"<title>{escape(name)}, {escape(labels[i])}: {value:g}{suffix}</title>"
                    "</circle>"
                )
        for run in runs:
            if len(run) > 1:
                body.append(
                    f'<polyline class="mark" points="{" ".join(run)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2"{dash}/>'
                )
        body.append(
            f'<rect x="{_LEFT + 200 * index}" y="{height - 12}" width="14" height="4" '
            f'fill="{colour}"/><text x="{_LEFT + 200 * index + 18}" y="{height - 7}" '
            f'class="tick">{escape(name)}</text>'
        )
    body += _x_labels(labels, _TOP + inner, slot)
    return _svg(height, label, body)
