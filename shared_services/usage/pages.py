"""What every usage page does with its address: the period (`okres`) and the download's format and table."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .selectors import Period, period_of, periods_offered

TABLES = ("miesiace", "uslugi")


@dataclass(frozen=True)
class Asked:
    period: Period
    error: str = ""  # the address named no offered period: the page says so, with the default period (400)


def asked_period(request) -> Asked:
    period = period_of(request.GET.get("okres"))
    if period is not None:
        return Asked(period)
    return Asked(period_of(None), _("There is no such period; choose one from the list."))


def page_context(figures, charts: dict, *, asked: Asked, export_url: str) -> dict:
    return {
        "figures": figures,
        "period": asked.period,
        "period_error": asked.error,
        "periods": periods_offered(),
        "export_url": export_url,
        **charts,
    }


def asked_download(request) -> tuple[Period, str, str] | str:
    """(period, format, table) of a download, or the message saying what is wrong with the address."""
    period = period_of(request.GET.get("okres"))
    if period is None:
        return _("There is no such period; choose one from the list.")
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        return _("Choose CSV or XLSX.")
    table = request.GET.get("tabela", "miesiace")
    if table not in TABLES:
        return _("Choose the figures by month or by service.")
    return period, file_format, table
