"""A unit's own usage indicators, in its office (/urzad/wskazniki/): its administrators and department heads see
its figures, from its own facts; nobody sees another unit's here."""

from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shared_services.identity.access import Area, StaffRole, area_required, no_access, office_role

from .charts import figures_charts
from .exports import table_response, totals_cells, totals_headings
from .models import FactKind, UsageFact
from .pages import asked_download, asked_period, page_context
from .selectors import service_names, unit_figures

# Who manages the office's work sees its figures; a clerk sees their cases, not the office's indicators.
ROLES = (StaffRole.UNIT_ADMIN, StaffRole.DEPARTMENT_HEAD)


def _managers_only(view):
    @area_required(Area.OFFICE)
    def guarded(request, *args, **kwargs):
        if office_role(request.user) not in ROLES:
            return no_access(request, Area.OFFICE_ADMIN)
        return view(request, *args, **kwargs)

    return guarded


@require_GET
@_managers_only
def office_usage(request):
    asked = asked_period(request)
    figures = unit_figures(unit=connection.tenant, period=asked.period)
    context = page_context(figures, figures_charts(figures), asked=asked, export_url=reverse("clerk-usage-export"))
    return render(request, "usage/office.html", context, status=400 if asked.error else 200)


@require_GET
@_managers_only
def office_usage_export(request):
    asked = asked_download(request)
    if isinstance(asked, str):
        return HttpResponseBadRequest(asked)
    period, file_format, table = asked
    unit = connection.tenant
    if table == "uslugi":
        headings, rows = _service_rows(unit, period)
    else:
        figures = unit_figures(unit=unit, period=period)
        headings = [_("Month"), *totals_headings()]
        rows = [[date_format(month, "Y-m"), *totals_cells(totals)] for month, totals in figures.by_month]
    return table_response(
        file_format=file_format, name=f"wskazniki-{unit.slug}", period=period, headings=headings, rows=rows
    )


def _service_rows(unit, period):
    counts = list(
        UsageFact.objects.filter(
            unit=unit, kind=FactKind.INTAKE, channel="electronic", day__gte=period.first, day__lte=period.end
        )
        .values_list(TruncMonth("day"), "service_key")
        .annotate(count=Count("pk"))
        .order_by(TruncMonth("day"), "service_key")
    )
    names = service_names({key for _month, key, _count in counts})
    headings = [_("Month"), _("Service key"), _("Service"), _("Applications filed electronically")]
    return headings, [[date_format(month, "Y-m"), key, names.get(key, key), count] for month, key, count in counts]
