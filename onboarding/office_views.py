"""The unit's own export, on its subdomain's office: its administrator downloads the unit's data and files as
an export archive (onboarding/archive.py), the same archive operators write from the console."""

from django.db import connection
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from shared_services.identity.access import Area, area_required

from .actors import Actor, person_label
from .services import unit_export


@area_required(Area.OFFICE_ADMIN)
def export_page(request):
    return render(request, "onboarding/office_export.html")


@require_POST
@area_required(Area.OFFICE_ADMIN)
def export_download(request):
    """The unit's own data and files as an export archive (operators export suspended units from the console)."""
    # The clerk's account is in the unit's schema: the audit log (public) names it, without a link.
    actor = Actor(
        label=f"{person_label(request.user)} ({connection.tenant.slug})", ip_address=request.META.get("REMOTE_ADDR")
    )
    archive = unit_export(unit=connection.tenant, actor=actor)
    return FileResponse(archive.open("rb"), as_attachment=True, filename=archive.name)
