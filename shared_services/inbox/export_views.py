"""Downloads for the office: a case's file (metryka sprawy) as PDF, and the register for a period as PDF, CSV or
XLSX. Thin: what is printed is in case_file_pdf.py and register_export.py."""

import io

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from shared_services.identity.access import Area, area_required

from .case_file_pdf import case_file_pdf
from .clerk_views import may_see_register, register_page
from .permissions import visible_cases
from .register_export import FORMATS, RegisterPeriodForm, register_file, register_file_name

staff_required = area_required(Area.OFFICE)


@require_GET
@staff_required
def case_file(request, pk):
    """The case file of a case this member of staff may see; any other case does not exist for them (404)."""
    case = visible_cases(request.user).select_related("register_entry", "department").filter(pk=pk).first()
    if case is None:
        raise Http404
    out = io.BytesIO()  # a case's file runs to a few pages
    case_file_pdf(case, out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"metryka-{case.file_stem}.pdf", content_type="application/pdf"
    )


@require_GET
@staff_required
def register_export(request):
    """The register for the period in the address (`od`, `do`, `format`); a period that cannot be read is
    explained in the register page's form (400)."""
    if not may_see_register(request.user):
        raise PermissionDenied
    form = RegisterPeriodForm(request.GET)
    if not form.is_valid():
        return register_page(request, export_form=form, status=400)
    since, until, file_format = form.cleaned_data["od"], form.cleaned_data["do"], form.cleaned_data["format"]
    return FileResponse(
        register_file(since, until, file_format),
        as_attachment=True,
        filename=register_file_name(since, until, file_format),
        content_type=FORMATS[file_format],
    )
