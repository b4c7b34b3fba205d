"""Simple charts drawn on the server as SVG, for a trend beside its table.

A chart never replaces its table: the page shows the table (the figures a screen reader reads
and a BI tool copies) and the chart beside it. The SVG is ``role="img"`` with a ``<title>`` and
a ``<desc>`` that says what it shows in words, so it reads without JavaScript and by a screen
reader; its colours are GOV.UK's and its text is the page's font. In a template::

    {{ bar_chart(points, title="First contact within deadline", unit="%") }}

where ``points`` is a list of ``(label, value)``; a ``None`` value is a gap (no figure yet).
Both functions are template globals once the pages are installed (``casework.pages.install``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bar_chart", "line_chart"]

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 40, 16, 40
BLUE, GREY, BLACK = "#1d70b8", "#b1b4b6", "#0b0c0c"

Points = Sequence[tuple[str, float | int | None]]


def _number(value: float) -> str:
    return f"{value:g}"


def _describe(points: Points, unit: str) -> str:
    said = [f"{label}: {_number(v)}{unit}" if v is not None else f"{label}: no figure" for label, v in points]
    return "; ".join(said) if said else "No figures"


def _frame(title: str, description: str, body: list[str], top: float, unit: str) -> Markup:
    plot_h = HEIGHT - TOP - BOTTOM
    axis = [f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="{BLACK}"/>',
            f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{BLACK}"/>']
    for share in (0, 0.5, 1):
        y = TOP + plot_h - share * plot_h
        axis.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="16" '
                    f'fill="{BLACK}">{escape(_number(round(top * share, 1)))}{escape(unit)}</text>')
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'class="casework-chart" font-family="GDS Transport, arial, sans-serif">'
        f'<title>{escape(title)}</title><desc>{escape(description)}</desc>'
        + "".join(axis) + "".join(body) + "</svg>")


def _scale(points: Points) -> float:
    values = [v for _, v in points if v is not None]
    return max([*values, 0]) or 1


#: A label's width per character, in the chart's units (GDS Transport and Arial at 16: 0.5–0.6 em),
#: and the least space between two labels.
CHARACTER, SPACE = 16 * 0.6, 12


def _labels(points: Points, x_of) -> list[str]:
    """Every ``step``-th label under the axis, ``step`` the fewest that keeps the widest label clear
    of the next (a year's thirteen months, "Dec 25", did not fit side by side: they overlapped)."""
    widest = max((len(label) for label, _ in points), default=0) * CHARACTER + SPACE
    apart = abs(x_of(1) - x_of(0)) if len(points) > 1 else widest
    step = max(1, math.ceil(widest / apart))
    return [f'<text x="{x_of(i):.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" font-size="16" '
            f'fill="{BLACK}">{escape(label)}</text>'
            for i, (label, _) in enumerate(points) if i % step == 0]


def bar_chart(points: Points, *, title: str, unit: str = "", top: float | None = None) -> Markup:
    """One bar per ``(label, value)``; ``top`` is the axis' top (the largest value when not given)."""
    top = top or _scale(points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)

    def x_of(i: int) -> float:
        return LEFT + slot * i + slot / 2

    body = []
    for i, (_label, value) in enumerate(points):
        if value is None:
            continue
        h = plot_h * min(value, top) / top
        body.append(f'<rect x="{LEFT + slot * i + slot * 0.15:.1f}" y="{TOP + plot_h - h:.1f}" '
                    f'width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{BLUE}"/>')
    return _frame(title, _describe(points, unit), body + _labels(points, x_of), top, unit)


def line_chart(points: Points, *, title: str, unit: str = "", top: float | None = None) -> Markup:
    """A line through ``(label, value)`` in order, a dot on each; a ``None`` breaks the line."""
    top = top or _scale(points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    gap = plot_w / max(len(points) - 1, 1)

    def x_of(i: int) -> float:
        return LEFT + gap * i if len(points) > 1 else LEFT + plot_w / 2

    body, run = [], []
    for i, (_, value) in enumerate([*points, ("", None)]):
        if value is None:
            if len(run) > 1:
                body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
            run = []
            continue
        x, y = x_of(i), TOP + plot_h - plot_h * min(value, top) / top
        run.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BLUE}"/>')
    return _frame(title, _describe(points, unit), body + _labels(points, x_of), top, unit)
