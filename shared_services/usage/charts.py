"""The indicator pages' charts: the figures' series as bar charts (platform_core.charts draws them), and the\nrows of the long tables under them."""

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
        charts["usage_kind_chart"] = bar_chart(
            [(group.label, group.totals.applications) for group in figures.groups["kind"]]
        )
        charts["usage_powiat_chart"] = bar_chart(
            [(group.label, group.totals.applications) for group in figures.groups["powiat"]]
        )
        # The table under the chart, one row per powiat (~380): its cells here, drawn by {% table_rows %}.
        charts["usage_powiat_rows"] = [
            (
                group.label,
                group.active_units,
                group.totals.applications,
                _percent(group.totals.electronic_share),
                group.totals.closed,
                group.overdue_cases,
                group.totals.payments,
            )
            for group in figures.groups["powiat"]
        ]
    return charts


def _percent(share: int | None) -> str | None:
    return None if share is None else f"{share}%"
