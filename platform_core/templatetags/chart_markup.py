"""{% load chart_markup %}: the dashboards' long, repetitive markup — a bar chart's SVG, a table's rows, a day's
label — written in Python.

Why not template loops: the regional pages draw a bar and a table row for each of some 380 powiats, twice
(participation and usage), and a point and a row for each day units joined. Through the template engine that
is ~17,000 variable nodes a page (each resolved, localised and escaped one by one) and ~80 % of the page's
time; the same markup built here with one f-string per bar or row costs a few milliseconds. Every text is
escaped (`html.escape`, which Django's `escape` wraps, minus its lazy-string wrapper); numbers are written without localisation, as in `{% localize off %}` (the settings keep
no thousand separator, so a count reads the same either way, and an SVG coordinate must keep its dot).
"""

from datetime import date
from functools import lru_cache
from html import escape

from django import template
from django.utils.dates import MONTHS_ALT
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from platform_core.charts import BarChart, StepChart

register = template.Library()

_INK = "#1a1a1a"
_MARK = "#1d3f7a"


@register.simple_tag
def bar_chart_svg(chart: BarChart, chart_id: str, title: str) -> str:
    """A horizontal bar chart (platform_core.charts.bar_chart) with its accessible name (<title>) and its
    numbers in <desc>."""
    chart_id, title = escape(str(chart_id)), escape(str(title))
    labels = [escape(str(bar.label)) for bar in chart.bars]
    desc = "; ".join(f"{label}: {bar.value}" for label, bar in zip(labels, chart.bars, strict=True))
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" width="{chart.width}" '
        f'height="{chart.height}" viewBox="0 0 {chart.width} {chart.height}" font-family="system-ui, sans-serif" '
        f'font-size="14">\n  <title id="{chart_id}-title">{title}</title>\n'
        f'  <desc id="{chart_id}-desc">{desc}</desc>\n'
        f'  <line x1="{chart.bar_x}" y1="0" x2="{chart.bar_x}" y2="{chart.height}" stroke="#4a4a4a"/>\n'
    ]
    for label, bar in zip(labels, chart.bars, strict=True):
        parts.append(f'  <text x="{chart.label_x}" y="{bar.text_y}" text-anchor="end" fill="{_INK}">{label}</text>')
        if bar.length:
            parts.append(
                f'<rect x="{chart.bar_x}" y="{bar.y}" width="{bar.length}" height="{chart.bar_height}" fill="{_MARK}"/>'
            )
        parts.append(f'<text x="{bar.value_x}" y="{bar.text_y}" fill="{_INK}" font-weight="bold">{bar.value}</text>\n')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


@register.simple_tag
def table_rows(rows) -> str:
    """<tr>s of a table whose first cell heads its row: each row a sequence of cells, texts or numbers; None is
    written as a dash, a date as a <time> with its day_label."""
    return mark_safe(  # every cell is escaped
        "".join(
            f'<tr><th scope="row">{_cell(first)}</th>{"".join(f"<td>{_cell(cell)}</td>" for cell in rest)}</tr>'
            for first, *rest in rows
        )
    )


@register.simple_tag
def step_chart_desc(chart: StepChart) -> str:
    """The <desc> text of a step chart (platform_core.charts.step_chart): each date and its value."""
    return "; ".join(f"{day_label(point.label)}: {point.value}" for point in chart.points)


@register.simple_tag
def step_chart_dots(chart: StepChart) -> str:
    """A dot on each step of a step chart."""
    return mark_safe(  # numbers only
        "".join(f'<circle cx="{point.x}" cy="{point.y}" r="4.5" fill="{_MARK}"/>' for point in chart.points)
    )


def _cell(value) -> str:
    if value is None:
        return "—"
    if type(value) is int:
        return str(value)
    if isinstance(value, date):
        return f'<time datetime="{value.isoformat()}">{escape(day_label(value))}</time>'
    return escape(str(value))


def day_label(day: date) -> str:
    """ "5 grudnia 2026": the day as the date filter's "j E Y" writes it, without its per-call format parsing
    (a page writes a few hundred of these)."""
    return f"{day.day} {_month_name(get_language(), day.month)} {day.year}"


@lru_cache(maxsize=256)
def _month_name(language: str | None, month: int) -> str:
    """The month's name in the genitive ("grudnia"), translated once per language rather than per day."""
    return str(MONTHS_ALT[month])
