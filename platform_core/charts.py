"""Chart geometry: (label, value) series turned into SVG coordinates, which the templates draw as inline SVG.
Here, not in one app, because the participation and usage dashboards and a unit office's indicators draw them.

Pure functions, no database and no HTML. Lengths are SVG user units (the charts scale with their viewBox).
"""

# Written by hand, no charting library: static bar and step charts need only this much arithmetic.

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float  # top edge of the bar
    length: float  # the bar runs from BarChart.bar_x to bar_x + length
    text_y: float  # baseline of the bar's label and value
    value_x: float  # where the value is written, just after the bar's end


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_x: int  # labels end here (right-aligned), bars start after a small gap
    bar_x: int
    bar_height: int
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    label: object  # a number on the y axis, a date on the x axis
    position: float  # y for the y axis, x for the x axis
    anchor: str = "middle"  # SVG text-anchor of the label


@dataclass(frozen=True)
class StepPoint:
    label: date
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class StepChart:
    width: int
    height: int
    left: float  # the plot area, inside the axes' labels
    right: float
    top: float
    bottom: float
    path: str  # SVG path data of the step line; empty for an empty series
    points: list[StepPoint]
    y_ticks: list[Tick]
    x_ticks: list[Tick]


def bar_chart(
    series: Sequence[tuple[str, int]],
    *,
    width: int = 640,
    label_width: int = 232,
    value_room: int = 48,
    bar_height: int = 24,
    gap: int = 10,
    font_size: int = 14,
) -> BarChart:
    """Horizontal bars in the order given, the longest as long as the room leaves; zero gets no bar."""
    bar_x = label_width + 8
    room = width - bar_x - value_room
    largest = max((value for _, value in series), default=0)
    scale = room / largest if largest else 0
    pitch = bar_height + gap
    bars = []
    for index, (label, value) in enumerate(series):
        y = gap / 2 + index * pitch
        length = _round(value * scale)
        bars.append(
            Bar(
                label=label,
                value=value,
                y=_round(y),
                length=length,
                text_y=_round(y + bar_height / 2 + font_size * 0.35),
                value_x=_round(bar_x + length + 6),
            )
        )
    return BarChart(
        width=width, height=len(series) * pitch, label_x=label_width, bar_x=bar_x, bar_height=bar_height, bars=bars
    )


def step_chart(
    series: Sequence[tuple[date, int]],
    *,
    width: int = 640,
    height: int = 260,
    margin_left: int = 48,
    margin_right: int = 24,
    margin_top: int = 16,
    margin_bottom: int = 40,
) -> StepChart:
    """A running total by date as a step line: flat between dates, rising on each date, from zero.

    The x axis runs from the first date to the last (a single date sits at the left edge and the line
    carries its value to the right edge); the y axis from zero to a round number at or above the largest value.
    """
    left, right = margin_left, width - margin_right
    top, bottom = margin_top, height - margin_bottom
    if not series:
        return StepChart(width, height, left, right, top, bottom, path="", points=[], y_ticks=[], x_ticks=[])

    first, last = series[0][0], series[-1][0]
    days = max((last - first).days, 1)
    step = _tick_step(max(value for _, value in series))
    y_max = max(step, -(-max(value for _, value in series) // step) * step)

    def x_of(day: date) -> float:
        return _round(left + (day - first).days / days * (right - left))

    def y_of(value: int) -> float:
        return _round(bottom - value / y_max * (bottom - top))

    points = [StepPoint(label=day, value=value, x=x_of(day), y=y_of(value)) for day, value in series]
    path = [f"M{points[0].x} {y_of(0)}", f"V{points[0].y}"]
    for point in points[1:]:
        path += [f"H{point.x}", f"V{point.y}"]
    path.append(f"H{right}")

    y_ticks = [Tick(label=value, position=y_of(value), anchor="end") for value in range(0, y_max + 1, step)]
    x_ticks = [Tick(label=first, position=x_of(first), anchor="start")]
    if last != first:
        x_ticks.append(Tick(label=last, position=x_of(last), anchor="end"))
    return StepChart(width, height, left, right, top, bottom, " ".join(path), points, y_ticks, x_ticks)


def _tick_step(largest: int, most: int = 5) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that reaches `largest` in at most `most` steps."""
    power = 1
    while True:
        for multiple in (1, 2, 5):
            if largest <= multiple * power * most:
                return multiple * power
        power *= 10


def _round(number: float) -> float:
    return round(number, 1)
