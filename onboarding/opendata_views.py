"""The operators' regional view of open data (konsola/wskazniki/rejestry/), beside the usage indicators: which
units publish which registers, how many records and how fresh, read from the public mirror of the units'
registers in a fixed number of queries whatever the number of units; with a CSV download."""

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from platform_core.spreadsheets import csv_write
from shared_services.identity.access import Area, area_required
from shared_services.registers.opendata_selectors import region_register_freshness


def _age_days(moment) -> int | None:
    return (timezone.now() - moment).days if moment else None


@require_GET
@area_required(Area.CONSOLE)
def register_freshness(request):
    rows, units = region_register_freshness()
    return render(
        request,
        "onboarding/console/register_freshness.html",
        {
            "rows": [(row, _age_days(row.last_published_at)) for row in rows],
            "units": units,
            "publishing": sum(1 for unit in units if unit["registers"]),
        },
    )


@require_GET
@area_required(Area.CONSOLE)
def register_freshness_export(request):
    rows, _units = region_register_freshness()
    headings = [
        _("TERYT code"),
        _("Unit"),
        _("Register"),
        _("Address"),
        _("Published records"),
        _("Last publication"),
        _("Days since"),
        _("Licence"),
    ]
    out = io.BytesIO()
    csv_write(
        out,
        headings,
        (
            [
                row.unit_code,
                row.unit_name,
                row.register_title,
                row.register_slug,
                row.record_count,
                timezone.localtime(row.last_published_at).replace(tzinfo=None) if row.last_published_at else "",
                _age_days(row.last_published_at) if row.last_published_at else "",
                row.licence,
            ]
            for row in rows
        ),
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rejestry-otwarte-dane.csv"'
    return response
