"""Small inline SVG charts for the topics page: drawn on the server, no script, no library.

Only numbers and dates go into the SVG; Jinja escapes the titles around it.
"""
from __future__ import annotations

from datetime import date
from html import escape

WIDTH, HEIGHT = 240, 48


def volume_and_precision(series: list[tuple[date, int, float | None]], width: int = WIDTH,
                         height: int = HEIGHT) -> str:
    """Bars of alerts per day, and a line of the day's measured precision (0..1) over them."""
    if not series:
        return ""
    n = len(series)
    step = width / n
    peak = max(count for _, count, _ in series) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="alerts per day and precision">']
    for i, (day, count, _p) in enumerate(series):
        if count:
            h = max(1.0, (height - 4) * count / peak)
            parts.append(f'<rect class="bar" x="{i * step:.1f}" y="{height - h:.1f}" width="{max(1.0, step - 1):.1f}" '
                         f'height="{h:.1f}"><title>{escape(day.isoformat())}: {count} alert(s)</title></rect>')
    points = [(i * step + step / 2, 2 + (height - 4) * (1 - p)) for i, (_d, _c, p) in enumerate(series)
              if p is not None]
    if len(points) == 1:
        x, y = points[0]
        parts.append(f'<circle class="precision" cx="{x:.1f}" cy="{y:.1f}" r="2"/>')
    elif points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="precision" fill="none" points="{path}"/>')
    parts.append("</svg>")
    return "".join(parts)
