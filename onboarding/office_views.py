"""The unit's own export, on its subdomain's office: its administrator asks for an export archive of the unit's
data and files (onboarding/archive.py, the same archive operators write from the console), which a Celery task
writes while the page shows how far it is, and downloads it while it is kept."""

from django.contrib import messages
from django.db import connection, transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_core.rate_limits import UNIT_EXPORT, rate_limited
from shared_services.identity.access import Area, area_required

from . import selectors
from .actors import Actor, person_label
from .models import ExportStatus
from .services import (
    OFFICE_EXPORT_KEPT_FOR,
    OFFICE_EXPORTS_KEPT,
    ExportInProgress,
    office_export_download,
    office_export_request,
)
from .tasks import office_export_run_task


def _actor(request) -> Actor:
    # The clerk's account is in the unit's schema: the audit log (public) names it, without a link.
    return Actor(
        label=f"{person_label(request.user)} ({connection.tenant.slug})", ip_address=request.META.get("REMOTE_ADDR")
    )


@area_required(Area.OFFICE_ADMIN)
def export_page(request):
    """The unit's exports with the one being written; polled (HTMX) for its progress until it is done."""
    exports = selectors.office_exports(unit=connection.tenant)
    current = next((export for export in exports if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)), None)
    context = {
        "exports": exports,
        "current": current,
        "kept": OFFICE_EXPORTS_KEPT,
        "kept_days": OFFICE_EXPORT_KEPT_FOR.days,
        **selectors.office_export_progress(export=current),
    }
    template = (
        "onboarding/_office_export_progress.html"
        if request.headers.get("HX-Request")
        else "onboarding/office_export.html"
    )
    return render(request, template, context)


@require_POST
@area_required(Area.OFFICE_ADMIN)
@rate_limited(*UNIT_EXPORT)
def export_start(request):
    try:
        export = office_export_request(unit=connection.tenant, actor=_actor(request))
    except ExportInProgress:
        messages.info(request, _("The unit's archive is being written already; it is shown below."))
    else:
        transaction.on_commit(lambda: office_export_run_task.delay(export.pk))
        messages.success(request, _("The archive is being written; this page shows how far it is."))
    return redirect("clerk-export")


@area_required(Area.OFFICE_ADMIN)
def export_download(request, pk):
    export = selectors.office_export_ready(unit=connection.tenant, pk=pk)
    archive = office_export_download(export=export, actor=_actor(request))
    return FileResponse(archive, as_attachment=True, filename=export.archive_name)
