"""Geometry of a small bar chart, rendered as inline SVG by the report templates (no scripts,
no external assets, prints and scales with the page)."""

from __future__ import annotations

import math
from typing import Any

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 20, 42


def nice_ceiling(value: int) -> int:
    """A round top for the y axis: 4, 8, 10, 20, 40, 50, 100, … (at least 4)."""
    if value <= 4:
        return 4
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 4, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(points: list[dict[str, Any]], caption: str) -> dict[str, Any]:
    """points: [{"label": "nov", "value": 3, "title": "november 2026: 3 nieuwe acties"}, …]"""
    top = nice_ceiling(max([p["value"] for p in points] + [0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)
    bar_w = slot * 0.62
    base = TOP + plot_h
    bars = []
    for i, p in enumerate(points):
        h = plot_h * p["value"] / top
        x = LEFT + i * slot + (slot - bar_w) / 2
        bars.append({**p, "x": round(x, 1), "y": round(base - h, 1), "w": round(bar_w, 1),
                     "h": round(h, 1), "cx": round(x + bar_w / 2, 1),
                     "label_y": round(base - h - 4, 1)})
    grid = [{"y": round(base - plot_h * v / top, 1), "value": v}
            for v in (0, top // 2, top)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
            "base": base, "month_y": base + 16, "year_y": base + 30, "bars": bars,
            "grid": grid, "caption": caption, "total": sum(p["value"] for p in points)}
