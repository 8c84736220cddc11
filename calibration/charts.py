"""Small charts drawn on the server as SVG: no script, nothing from elsewhere, so
the content security policy holds. Colours are SVG attributes (not inline
styles, which the policy refuses). Each chart is decorative for assistive
technology (``aria-hidden``): the page puts the same figures in a table.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
ROW = 28
COLOURS = ("#1f5fa8", "#b3541e", "#2f7d32")


def bar_chart(rows: Sequence[tuple[str, float | None]], *, title: str) -> SafeString:
    """Horizontal bars from 0 to 100 (percentages), one per labelled value;
    a missing value draws no bar."""
    label_width, left = 200, 210
    span = WIDTH - left - 50
    height = ROW * len(rows) + 30
    parts = []
    for index, (label, value) in enumerate(rows):
        y = 10 + index * ROW
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#222">{}</text>',
                label_width,
                y + 17,
                label[:32],
            )
        )
        if value is not None:
            width = max(span * max(min(value, 100.0), 0.0) / 100, 1)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="18" fill="{}"></rect>'
                    '<text x="{}" y="{}" font-size="12" fill="#222">{}%</text>',
                    left,
                    y + 4,
                    f"{width:.1f}",
                    COLOURS[0],
                    f"{left + width + 4:.1f}",
                    y + 17,
                    f"{value:.0f}",
                )
            )
    return _svg(height, title, mark_safe("".join(parts)))  # noqa: S308  (built with format_html)


def line_chart(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, title: str
) -> SafeString:
    """Lines over ``labels`` (months), each series of percentages from 0 to 100,
    with a legend; a gap where a value is missing."""
    left, right, top, bottom = 40, 20, 30, 40
    height = 260
    plot_w = WIDTH - left - right
    plot_h = height - top - bottom
    count = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / count)

    def y(v: float) -> float:
        return top + plot_h * (1 - max(min(v, 100.0), 0.0) / 100)

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ccc"></line>'
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#444">{}%</text>',
            left,
            f"{y(v):.1f}",
            WIDTH - right,
            f"{y(v):.1f}",
            left - 4,
            f"{y(v) + 4:.1f}",
            v,
        )
        for v in (0, 25, 50, 75, 100)
    ]
    parts += [
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#444">{}</text>',
            f"{x(i):.1f}",
            height - bottom + 16,
            label,
        )
        for i, label in enumerate(labels)
    ]
    for number, (name, values) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if points:
            parts.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"></polyline>',
                    colour,
                    " ".join(f"{px:.1f},{py:.1f}" for px, py in points),
                )
            )
            parts.append(
                format_html_join(
                    "",
                    '<circle cx="{}" cy="{}" r="3" fill="{}"></circle>',
                    ((f"{px:.1f}", f"{py:.1f}", colour) for px, py in points),
                )
            )
        parts.append(
            format_html(
                '<rect x="{}" y="8" width="12" height="12" fill="{}"></rect>'
                '<text x="{}" y="18" font-size="12" fill="#222">{}</text>',
                left + number * 220,
                colour,
                left + number * 220 + 16,
                name,
            )
        )
    return _svg(height, title, mark_safe("".join(parts)))  # noqa: S308  (built with format_html)


def _svg(height: int, title: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-hidden="true" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        WIDTH,
        height,
        escape(title),
        body,
    )
