from django.db.models import Q

from tenants.models import Tenant

from .models import ItemStatus, OnboardingJob, OperatorAction
from .terc import powiat_label

UNITS_PER_PAGE = 50


def console_units(*, search: str = "", status: str = "", kind: str = "", woj: str = ""):
    """Units for the console list, filtered; `powiat` is attached from the TERC register (no query)."""
    units = Tenant.objects.order_by("name")
    if search:
        units = units.filter(Q(name__icontains=search) | Q(code__startswith=search) | Q(slug__icontains=search))
    if status:
        units = units.filter(status=status)
    if kind:
        units = units.filter(kind=kind)
    if woj:
        units = units.filter(code__startswith=woj)
    return units


def with_powiat(units):
    for unit in units:
        unit.powiat = powiat_label(unit.code)
    return units


def unit_actions(*, unit: Tenant):
    return OperatorAction.objects.filter(unit=unit).order_by("-at", "-id")


def recent_actions(*, limit: int = 100):
    return OperatorAction.objects.select_related("unit").order_by("-at", "-id")[:limit]


def job_progress(*, job: OnboardingJob) -> dict:
    """Where a bulk onboarding stands: every item with its status, and the totals for the progress bar."""
    items = list(job.items.all())
    done = sum(item.status != ItemStatus.PENDING for item in items)
    return {
        "items": items,
        "total": len(items),
        "done": done,
        "failed": sum(item.status == ItemStatus.FAILED for item in items),
        "percent": round(100 * done / len(items)) if items else 100,
    }
