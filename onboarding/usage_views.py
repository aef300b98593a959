"""The regional usage dashboard: in the operator console (konsola/wskazniki/) and on the public portal
(wskazniki/, with participation), with downloads per period. Everything is read from the monthly roll-up
(onboarding/usage.py), in a fixed number of queries whatever the number of units."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shared_services.identity.access import Area, area_required
from shared_services.usage.charts import figures_charts
from shared_services.usage.exports import table_response, totals_cells, totals_headings
from shared_services.usage.pages import asked_download, asked_period, page_context
from shared_services.usage.selectors import service_names

from .participation_views import participation_context
from .usage import region_figures, region_service_months, region_unit_months


def _context(request, export_url: str) -> tuple[dict, int]:
    asked = asked_period(request)
    figures = region_figures(asked.period)
    context = page_context(figures, figures_charts(figures), asked=asked, export_url=export_url)
    return context, 400 if asked.error else 200


@require_GET
@area_required(Area.CONSOLE)
def console_usage(request):
    context, status = _context(request, reverse("console-usage-export"))
    return render(request, "onboarding/console/usage.html", context, status=status)


@require_GET
def public_usage(request):
    """Public: participation and usage together; aggregates only (counts, durations, amounts per unit)."""
    context, status = _context(request, reverse("usage-export"))
    participation = participation_context()
    context.update(participation, participating=participation["participation"].participating)
    return render(request, "onboarding/usage.html", context, status=status)


@require_GET
@area_required(Area.CONSOLE)
def console_usage_export(request):
    return _export(request)


@require_GET
def public_usage_export(request):
    return _export(request)


def _export(request):
    asked = asked_download(request)
    if isinstance(asked, str):
        return HttpResponseBadRequest(asked)
    period, file_format, table = asked
    if table == "uslugi":
        months = list(region_service_months(period))
        names = service_names({key for _month, key, _count in months})
        headings = [_("Month"), _("Service key"), _("Service"), _("Applications filed electronically")]
        rows = ([date_format(month, "Y-m"), key, names.get(key, key), count] for month, key, count in months)
    else:
        headings = [_("Month"), _("TERYT code"), _("Unit"), _("Kind of unit"), _("Powiat"), *totals_headings()]
        rows = (
            [date_format(month, "Y-m"), code, name, kind, powiat, *totals_cells(totals)]
            for month, code, name, kind, powiat, totals in region_unit_months(period)
        )
    return table_response(file_format=file_format, name="wskazniki", period=period, headings=headings, rows=rows)
