"""The operators' console on the platform domain. Views are thin: forms validate, services act."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_core.charts import bar_chart
from platform_core.file_storage import exports_storage
from shared_services.catalogue.models import StandardService
from shared_services.catalogue.selectors import adoption_overview, services_offered_by, units_offering
from shared_services.identity.access import Area, area_required
from tenants.models import Tenant
from tenants.selectors import participating_units

from . import selectors
from .actors import Actor
from .archive import ArchiveError
from .forms import BulkOnboardForm, InviteAdministratorForm, OffboardForm, OnboardUnitForm, UnitFilterForm
from .models import OnboardingJob, OperatorActionKind
from .participation_views import participation_context
from .services import (
    OnboardingError,
    onboarding_job_create,
    operator_action_record,
    unit_export,
    unit_invite_administrator,
    unit_offboard,
    unit_onboard,
    unit_resume,
    unit_suspend,
)
from .tasks import onboarding_job_run_task

operator_required = area_required(Area.CONSOLE)


@operator_required
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    units = selectors.console_units(
        search=filters.get("q", ""),
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        woj=filters.get("woj", ""),
    )
    page = Paginator(units, selectors.UNITS_PER_PAGE).get_page(request.GET.get("page"))
    selectors.with_powiat(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "onboarding/console/unit_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@operator_required
def unit_detail(request, code):
    unit = get_object_or_404(Tenant, code=code)
    return _render_unit_detail(request, unit, OffboardForm(unit=unit))


def _render_unit_detail(request, unit, offboard_form, status=200):
    return render(
        request,
        "onboarding/console/unit_detail.html",
        {
            "unit": unit,
            "powiat": selectors.with_powiat([unit])[0].powiat,
            "domains": unit.domains.order_by("-is_primary", "domain"),
            "actions": selectors.unit_actions(unit=unit)[:50],
            "offboard_form": offboard_form,
            "invite_form": InviteAdministratorForm(),
            "offered_services": services_offered_by(unit),
        },
        status=status,
    )


@operator_required
def onboard(request):
    single = OnboardUnitForm(request.POST if "single" in request.POST else None, prefix="single")
    bulk = BulkOnboardForm(
        request.POST if "bulk" in request.POST else None,
        request.FILES if "bulk" in request.POST else None,
        prefix="bulk",
    )
    if "single" in request.POST and single.is_valid():
        try:
            unit, created = unit_onboard(
                code=single.cleaned_data["code"],
                actor=Actor.from_request(request),
                admin_email=single.cleaned_data["admin_email"],
            )
        except OnboardingError as error:
            single.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(unit)s is on the platform.") % {"unit": unit.name}
                if created
                else _("%(unit)s was already active; nothing changed.") % {"unit": unit.name},
            )
            return redirect("console-unit", code=unit.code)
    if "bulk" in request.POST and bulk.is_valid():
        codes = bulk.cleaned_data["selected_codes"]
        job = onboarding_job_create(
            codes=codes, source=_("console: %(count)d units") % {"count": len(codes)}, actor=Actor.from_request(request)
        )
        transaction.on_commit(lambda: onboarding_job_run_task.delay(job.pk))
        return redirect("console-job", job_id=job.pk)
    return render(request, "onboarding/console/onboard.html", {"single": single, "bulk": bulk})


@operator_required
def job_detail(request, job_id):
    job = get_object_or_404(OnboardingJob, pk=job_id)
    template = (
        "onboarding/console/_job_progress.html"
        if request.headers.get("HX-Request")
        else "onboarding/console/job_detail.html"
    )
    return render(request, template, {"job": job, **selectors.job_progress(job=job)})


@operator_required
def audit_log(request):
    return render(request, "onboarding/console/audit_log.html", {"actions": selectors.recent_actions()})


@operator_required
def participation(request):
    return render(request, "onboarding/console/participation.html", participation_context())


def _unit_action(service, success_message):
    @require_POST
    @operator_required
    def view(request, code):
        unit = get_object_or_404(Tenant, code=code)
        try:
            service(unit=unit, actor=Actor.from_request(request))
        except OnboardingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success_message % {"unit": unit.name})
        return redirect("console-unit", code=code)

    return view


suspend = _unit_action(unit_suspend, _("%(unit)s is suspended: residents see a notice, the data stays."))
resume = _unit_action(unit_resume, _("%(unit)s is active again."))


@require_POST
@operator_required
def export(request, code):
    unit = get_object_or_404(Tenant, code=code)
    try:
        archive = unit_export(unit=unit, actor=Actor.from_request(request))
    except ArchiveError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Export ready: %(name)s") % {"name": archive.name})
    return redirect("console-unit", code=code)


@require_POST
@operator_required
def offboard(request, code):
    unit = get_object_or_404(Tenant, code=code)
    form = OffboardForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            archive = unit_offboard(
                unit=unit, confirmation=form.cleaned_data["confirmation"], actor=Actor.from_request(request)
            )
        except (OnboardingError, ArchiveError) as error:
            form.add_error("confirmation", str(error))
        else:
            messages.success(
                request,
                _("%(unit)s has left the platform. Its archive: %(name)s") % {"unit": unit.name, "name": archive.name},
            )
            return redirect("console-unit", code=code)
    return _render_unit_detail(request, Tenant.objects.get(pk=unit.pk), form, status=400)


@require_POST
@operator_required
def invite_administrator(request, code):
    unit = get_object_or_404(Tenant, code=code)
    form = InviteAdministratorForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["email"]))
        return redirect("console-unit", code=code)
    try:
        unit_invite_administrator(unit=unit, email=form.cleaned_data["email"], actor=Actor.from_request(request))
    except OnboardingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    return redirect("console-unit", code=code)


@operator_required
def download_export(request, name):
    storage = exports_storage()
    # Only finished archives at the top of the exports storage: not a half-written `.partial`, not a unit's own
    # export in its folder, nothing outside.
    if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".zip") or not storage.exists(name):
        raise Http404
    unit = Tenant.objects.filter(code=name.split("-", 1)[0]).first()
    operator_action_record(
        actor=Actor.from_request(request), action=OperatorActionKind.DOWNLOAD, unit=unit, archive=name
    )
    # Streamed through this view after the operator's check; the store is never reachable from a browser.
    return FileResponse(storage.open(name, "rb"), as_attachment=True, filename=name)


@operator_required
def adoption(request):
    """Which standard services the participating units offer: a chart of the most and least adopted, and
    every service with its count."""
    services = list(adoption_overview())
    return render(
        request,
        "onboarding/console/adoption.html",
        {
            "services": services,
            "units": participating_units().count(),
            "chart": bar_chart(
                [(Truncator(service.published.name).chars(60), service.unit_count) for service in services],
                width=960,
                label_width=470,
            ),
        },
    )


@operator_required
def adoption_detail(request, slug):
    service = get_object_or_404(StandardService.objects.select_related("published"), slug=slug, published__isnull=False)
    return render(
        request,
        "onboarding/console/adoption_detail.html",
        {
            "service": service,
            "units": units_offering(service),
        },
    )
