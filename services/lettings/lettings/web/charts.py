"""Server-rendered SVG charts for the performance pages: readable without JavaScript, each beside
the table that holds the same figures (the table stays the record; the chart shows the trend)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    title: str
    maximum: str
    baseline: float


def bar_chart(rows: list[dict[str, Any]], label: str, value: str, *, title: str,
              width: int = 560, height: int = 200) -> BarChart:
    """Bars for ``row[value]`` by ``row[label]`` (None is drawn as no bar), scaled to the largest."""
    top, bottom, left = 16, 36, 8
    values = [Decimal(str(row[value])) if row[value] is not None else Decimal(0) for row in rows]
    largest = max(values, default=Decimal(0)) or Decimal(1)
    slot = (width - left) / max(1, len(rows))
    plot = height - top - bottom
    bars = []
    for i, (row, amount) in enumerate(zip(rows, values, strict=True)):
        h = float(amount / largest) * plot
        bars.append(Bar(x=left + i * slot + slot * 0.15, y=top + plot - h, width=slot * 0.7, height=h,
                        label=str(row[label]), value="none" if row[value] is None else str(row[value])))
    return BarChart(width=width, height=height, bars=bars, title=title, maximum=str(max(values, default=0)),
                    baseline=top + plot)
