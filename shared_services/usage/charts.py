"""The indicator pages' charts: the figures' series as bar charts (platform_core.charts draws them)."""

from django.utils.formats import date_format

from platform_core.charts import bar_chart

from .selectors import Figures


def figures_charts(figures: Figures) -> dict:
    charts = {
        "month_chart": bar_chart(
            [(date_format(month, "F Y"), totals.applications) for month, totals in figures.by_month]
        ),
        "service_chart": bar_chart(figures.by_service, label_width=300),
        "maturity_chart": bar_chart(figures.maturity, label_width=300),
    }
    if figures.groups:
        charts["kind_chart"] = bar_chart([(group.label, group.totals.applications) for group in figures.groups["kind"]])
        charts["powiat_chart"] = bar_chart(
            [(group.label, group.totals.applications) for group in figures.groups["powiat"]]
        )
    return charts
