"""The progress chart's geometry and SVG: one markup for the screen and the PDF. Plain Python
(no Flask): the words and the number format come in as arguments.

The drawing is 340 units wide, so on a 360-pixel phone (the chart scaled to the column's width)
one unit is about one pixel and the 10-11 unit text stays readable; wider screens scale it up
to the CSS max-width. Colours are presentation attributes (the Content-Security-Policy forbids
inline styles), the Bootstrap colours the rest of the app uses.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

from ppkl.progress.pace import YearProgress, month_end, position

FONT = "DejaVu Sans, Arial, sans-serif"
WIDTH, HEIGHT = 340, 210
LEFT, RIGHT, TOP, BOTTOM = 36, 10, 26, 22  # plot margins: y labels, legend, month labels
CERTIFIED_COLOUR = "#198754"  # Bootstrap success, as the recap chart's certified bars
PACE_COLOUR = "#6c757d"  # Bootstrap secondary
PROJECTION_COLOUR = "#fd7e14"  # Bootstrap orange, as the recap chart's in-progress bars
GRID_COLOUR = "#dee2e6"
TEXT_COLOUR = "#212529"


@dataclass(frozen=True)
class ChartWords:
    title: str
    certified: str
    pace: str
    projection: str
    months: Sequence[str]  # twelve short month names
    number: Callable[[int], str] = str


def nice_top(value: float) -> int:
    """The smallest round number at or above value whose quarters are whole numbers (the grid
    has four steps): 4, 8, 12, 16, 20, 40, 60, 80, 100, 120, 160, 200, 300, 400, ..."""
    power = 1
    while power * 10 < value:
        power *= 10
    for step in (1, 1.2, 1.6, 2, 3, 4, 6, 8, 10, 12):
        top = round(step * power)
        if top >= value and top >= 4 and top % 4 == 0:
            return top
    return round(12 * power)


@dataclass(frozen=True)
class Frame:
    top_value: int

    @property
    def plot_width(self) -> int:
        return WIDTH - LEFT - RIGHT

    @property
    def plot_height(self) -> int:
        return HEIGHT - TOP - BOTTOM

    def x(self, months: Decimal | float) -> float:
        return round(LEFT + self.plot_width * float(months) / 12, 1)

    def y(self, value: Decimal | float) -> float:
        share = min(max(float(value), 0.0), self.top_value) / self.top_value
        return round(TOP + self.plot_height * (1 - share), 1)


def frame_for(progress: YearProgress) -> Frame:
    values = [p.certified for p in progress.points] + [progress.baseline]
    if progress.target is not None:
        values.append(progress.target)
    projected = progress.projected_year_end
    if projected is not None:
        values.append(float(projected))
    return Frame(nice_top(max(values) * 1.05))


def progress_chart(progress: YearProgress, words: ChartWords) -> Markup:
    """The year's certified count (solid), the pace line to the target (dashed) and the
    projection at the recent rate (dotted), over twelve months."""
    frame = frame_for(progress)
    parts = [svg_open(words.title)]
    parts += grid(frame, words.months, words.number)
    items = [(words.certified, CERTIFIED_COLOUR, None)]
    if progress.target is not None:
        items.append((words.pace, PACE_COLOUR, "5 3"))
    if progress.rate is not None and progress.day < progress.year_end:
        items.append((words.projection, PROJECTION_COLOUR, "2 3"))
    parts += legend(items)
    if progress.target is not None:
        end = progress.pace_at(month_end(progress.year, 12))
        parts.append(
            line(
                [(frame.x(0), frame.y(progress.baseline)), (frame.x(12), frame.y(end))],
                PACE_COLOUR,
                dash="5 3",
                css="pace",
            )
        )
        parts.append(
            text(
                frame.x(12) - 2,
                frame.y(progress.target) - 4,
                words.number(progress.target),
                anchor="end",
                colour=PACE_COLOUR,
            )
        )
    actual = [(frame.x(0), frame.y(progress.baseline))]
    actual += [(frame.x(p.x), frame.y(p.certified)) for p in progress.points]
    parts.append(line(actual, CERTIFIED_COLOUR, width=2.2, css="certified"))
    for p in progress.points:
        parts.append(
            f'<circle cx="{frame.x(p.x)}" cy="{frame.y(p.certified)}" r="2.4" '
            f'fill="{CERTIFIED_COLOUR}"><title>{escape(words.number(p.certified))}</title></circle>'
        )
    projected = progress.projected_year_end
    if progress.rate is not None and projected is not None and progress.day.month < 13:
        start = (frame.x(position(progress.day)), frame.y(progress.current))
        end_x = frame.x(12)
        if end_x > start[0]:
            parts.append(
                line(
                    [start, (end_x, frame.y(projected))],
                    PROJECTION_COLOUR,
                    dash="2 3",
                    width=2,
                    css="projection",
                )
            )
    current_x = frame.x(position(progress.day))
    parts.append(
        text(
            min(current_x + 4, WIDTH - RIGHT - 24),
            frame.y(progress.current) - 6,
            words.number(progress.current),
            colour=CERTIFIED_COLOUR,
            weight="bold",
        )
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def grid(frame: Frame, months: Sequence[str], number: Callable[[int], str]) -> list[str]:
    parts = []
    for i in range(5):
        value = frame.top_value * i // 4
        y = frame.y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(text(LEFT - 4, y + 3.5, number(value), anchor="end", size=10))
    for month, name in enumerate(months, start=1):
        x = frame.x(month - 0.5)
        parts.append(text(x, HEIGHT - BOTTOM + 13, name, anchor="middle", size=10))
    return parts


def legend(items: Sequence[tuple[str, str, str | None]], boxes: bool = False) -> list[str]:
    """(name, colour, dash) per item: a line sample (or a box, for bars), then the name."""
    parts, x = [], LEFT
    for name, colour, dash in items:
        if boxes:
            parts.append(f'<rect x="{x + 4}" y="6" width="9" height="9" fill="{colour}"/>')
        else:
            parts.append(line([(x, 11), (x + 16, 11)], colour, dash=dash, width=2))
        parts.append(text(x + 20, 14.5, name, size=10))
        x += 20 + 5.6 * len(name) + 12
    return parts


@dataclass(frozen=True)
class BarSeries:
    name: str
    colour: str
    values: Sequence[int]  # one a month from January; fewer than twelve for a year in progress


def monthly_bars(
    series: Sequence[BarSeries], months: Sequence[str], title: str, number=str
) -> Markup:
    """Grouped bars over twelve month slots: for each month, one bar per series."""
    frame = Frame(nice_top(max((v for s in series for v in s.values), default=0)))
    parts = [svg_open(title), *grid(frame, months, number)]
    parts += legend([(s.name, s.colour, None) for s in series], boxes=True)
    slot = frame.plot_width / 12
    width = round(slot * 0.8 / max(len(series), 1), 1)
    base = frame.y(0)
    for k, one in enumerate(series):
        for month, value in enumerate(one.values):
            x = round(LEFT + slot * month + slot * 0.1 + width * k, 1)
            y = frame.y(value)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{width}" height="{round(base - y, 1)}" '
                f'fill="{one.colour}"><title>{escape(one.name)}: {escape(number(value))}'
                f"</title></rect>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def svg_open(title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart progress-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="{FONT}" font-size="11"><title>{escape(title)}</title>'
    )


def line(
    points: Sequence[tuple[float, float]],
    colour: str,
    *,
    width: float = 1.5,
    dash: str | None = None,
    css: str | None = None,
) -> str:
    coordinates = " ".join(f"{x},{y}" for x, y in points)
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    extra += f' class="{css}"' if css else ""
    return (
        f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}" stroke-linejoin="round"{extra}/>'
    )


def text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = 11,
    colour: str = TEXT_COLOUR,
    weight: str | None = None,
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{round(x, 1)}" y="{round(y, 1)}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{colour}"{bold}>{escape(content)}</text>'
    )
