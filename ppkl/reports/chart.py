"""SVG bar charts, one markup for the screen and the PDF. Plain Python: no Flask, no CSS files.

Colours are attributes, not classes, so WeasyPrint's SVG renderer and browsers draw the same.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

FONT = "DejaVu Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str = "#198754"


@dataclass(frozen=True)
class Segment:
    value: int
    colour: str
    name: str


def bar_chart(
    bars: Sequence[Bar], *, title: str, width: int = 640, row: int = 22, label_width: int = 190
) -> Markup:
    """Horizontal bars, one per label, with the value written after each bar."""
    top = 4
    height = top + row * len(bars) + 4
    scale_width = width - label_width - 50
    biggest = max((b.value for b in bars), default=0) or 1
    parts = [svg_open(width, height, title)]
    for i, bar in enumerate(bars):
        y = top + i * row
        length = round(scale_width * bar.value / biggest, 1)
        parts.append(text(label_width - 6, y + row * 0.68, bar.label, anchor="end"))
        parts.append(rect(label_width, y + 3, length, row - 7, bar.colour))
        parts.append(text(label_width + length + 5, y + row * 0.68, str(bar.value)))
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[Segment]]],
    *,
    title: str,
    legend: Sequence[Segment],
    width: int = 640,
    row: int = 24,
    label_width: int = 120,
    value_labels: Sequence[str] | None = None,
) -> Markup:
    """One horizontal bar per row, split into coloured segments, scaled to the largest row."""
    legend_height = 22
    height = legend_height + row * len(rows) + 4
    scale_width = width - label_width - 70
    biggest = max((sum(s.value for s in segs) for _, segs in rows), default=0) or 1
    parts = [svg_open(width, height, title)]
    x = label_width
    for seg in legend:
        parts.append(rect(x, 4, 10, 10, seg.colour))
        parts.append(text(x + 14, 13, seg.name, size=10))
        x += 14 + 6.5 * len(seg.name) + 16
    for i, (label, segments) in enumerate(rows):
        y = legend_height + i * row
        parts.append(text(label_width - 6, y + row * 0.66, label, anchor="end"))
        x = float(label_width)
        for seg in segments:
            length = round(scale_width * seg.value / biggest, 1)
            if length > 0:
                parts.append(rect(x, y + 3, length, row - 8, seg.colour))
            x += length
        end_label = value_labels[i] if value_labels else str(sum(s.value for s in segments))
        parts.append(text(x + 5, y + row * 0.66, end_label))
    parts.append("</svg>")
    return Markup("".join(parts))


def svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="11"><title>{escape(title)}</title>'
    )


def rect(x: float, y: float, w: float, h: float, colour: str) -> str:
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{escape(colour)}"/>'


def text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 11) -> str:
    return (
        f'<text x="{x}" y="{round(y, 1)}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="#212529">{escape(content)}</text>'
    )
