"""Geometry of the dashboard's inline SVG charts, computed on the server (no JS library).

Templates only place the shapes computed here; every label goes through Jinja's autoescape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PALETTE = (
    "#1f5fa8",
    "#c0392b",
    "#2e8b57",
    "#d68910",
    "#7d3c98",
    "#17a2b8",
    "#6e2c00",
    "#566573",
    "#e75480",
    "#7f8c00",
    "#283747",
    "#a04000",
)


@dataclass(frozen=True)
class Series:
    label: str
    color: str
    points: str
    """SVG polyline points ``x,y x,y ...``."""
    total: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    series: tuple[Series, ...]
    y_max: int
    x_labels: tuple[tuple[float, str], ...]
    y_labels: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]
    row: int


def line_chart(
    days: tuple[date, ...],
    series: dict[str, tuple[int, ...]],
    labels: dict[str, str],
    width: int = 720,
    height: int = 220,
) -> LineChart:
    """One line per theme over the days; the y axis starts at zero so heights compare honestly."""
    left, bottom, top, right = 36, 24, 8, 8
    y_max = max((max(v) for v in series.values() if v), default=0) or 1
    n = max(len(days) - 1, 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(i: int, v: int) -> str:
        return f"{left + plot_w * i / n:.1f},{top + plot_h * (1 - v / y_max):.1f}"

    ordered = sorted(series.items(), key=lambda kv: -sum(kv[1]))
    out = tuple(
        Series(
            labels.get(slug, slug),
            PALETTE[i % len(PALETTE)],
            " ".join(xy(j, v) for j, v in enumerate(vals)),
            sum(vals),
        )
        for i, (slug, vals) in enumerate(ordered)
    )
    step = max(1, len(days) // 6)
    x_labels = tuple(
        (left + plot_w * i / n, d.strftime("%d/%m")) for i, d in enumerate(days) if i % step == 0
    )
    y_labels = tuple((top + plot_h * (1 - f), str(round(y_max * f))) for f in (0.0, 0.5, 1.0))
    return LineChart(width, height, out, y_max, x_labels, y_labels)


def bar_chart(
    items: tuple[tuple[str, int], ...] | list[tuple[str, int]],
    width: int = 360,
    label_width: int = 150,
    row: int = 18,
) -> BarChart:
    """Horizontal bars, longest first as given; zero bars are kept so absences show."""
    peak = max((v for _, v in items), default=0) or 1
    room = width - label_width - 40
    bars = tuple(Bar(label, value, i * row, room * value / peak) for i, (label, value) in enumerate(items))
    return BarChart(width, max(row, row * len(bars)), label_width, bars, row)
