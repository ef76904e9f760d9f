"""Small inline SVG charts for post-mortems: pure string building, no plotting library, no JavaScript.

Every text in a chart goes through `html.escape`, so a label can never inject markup into the report."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 640
HEIGHT = 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 12, 24, 36
BAR = "#3b6ea5"
LINE = "#c0392b"
AXIS = "#555"


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str, unit: str = "") -> str:
    """Vertical bars, one per label, scaled to the largest value (a chart of zeros stays flat)."""
    top = max([*values, 0]) or 1
    inner_w, inner_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    step = inner_w / max(len(values), 1)
    parts = [_open(title), *_axes(top, unit)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = inner_h * value / top
        x, y = PAD_LEFT + i * step + step * 0.1, PAD_TOP + inner_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}: {value:g}{escape(unit)}</title></rect>"
        )
    parts += _x_labels(labels, step)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(labels: Sequence[str], values: Sequence[float | None], *, title: str, top: float = 1.0) -> str:
    """A line through the known points (None leaves a gap), on a fixed scale from 0 to `top`, shown in %."""
    inner_w, inner_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    step = inner_w / max(len(values), 1)
    parts = [_open(title), *_axes(top * 100, "%")]
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, value in enumerate(values):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = PAD_LEFT + i * step + step / 2, PAD_TOP + inner_h * (1 - min(value, top) / top)
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE}">'
            f"<title>{escape(labels[i])}: {value * 100:.0f}%</title></circle>"
        )
    if segment:
        segments.append(segment)
    parts += [
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>' for points in segments
    ]
    parts += _x_labels(labels, step)
    parts.append("</svg>")
    return "".join(parts)


def _open(title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<text x="{PAD_LEFT}" y="16" font-size="13" font-family="sans-serif" fill="{AXIS}">{escape(title)}</text>'
    )


def _axes(top: float, unit: str) -> list[str]:
    bottom = HEIGHT - PAD_BOTTOM
    return [
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{PAD_LEFT}" y2="{bottom}" stroke="{AXIS}"/>',
        f'<line x1="{PAD_LEFT}" y1="{bottom}" x2="{WIDTH - PAD_RIGHT}" y2="{bottom}" stroke="{AXIS}"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" font-size="11" text-anchor="end" font-family="sans-serif" '
        f'fill="{AXIS}">{top:g}{escape(unit)}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{bottom}" font-size="11" text-anchor="end" font-family="sans-serif" '
        f'fill="{AXIS}">0</text>',
    ]


def _x_labels(labels: Sequence[str], step: float) -> list[str]:
    every = max(1, len(labels) // 12)  # at most about a dozen labels under the axis
    return [
        f'<text x="{PAD_LEFT + i * step + step / 2:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" font-size="10" '
        f'text-anchor="middle" font-family="sans-serif" fill="{AXIS}">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0
    ]
