from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from platform_core.file_storage import exports_storage
from tenants.models import Tenant

from .models import ExportStatus, ItemStatus, OnboardingJob, OperatorAction, UnitExport
from .terc import powiat_label, units_by_code

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


def job_progress(*, job: OnboardingJob, recent: int = 20) -> dict:
    """Where a bulk onboarding stands: totals counted in SQL, every failure, and the latest finished units.

    A country-wide job has thousands of items and the page is polled; it never lists them all.
    """
    counts = dict(job.items.values_list("status").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    done = total - counts.get(ItemStatus.PENDING, 0)
    return {
        "total": total,
        "done": done,
        "failed": counts.get(ItemStatus.FAILED, 0),
        "percent": round(100 * done / total) if total else 100,
        "failures": list(job.items.filter(status=ItemStatus.FAILED)),
        "latest": list(
            job.items.exclude(status__in=[ItemStatus.PENDING, ItemStatus.FAILED]).order_by("-finished_at", "-position")[
                :recent
            ]
        ),
    }


def unit_codes_select(*, codes: list[str] = (), woj: str = "", kind: str = "") -> list[str]:
    """The units an operator picked: given codes (kept in order), plus every unit of voivodeship `woj`, all
    narrowed to `kind`; a kind alone means every such unit in Poland. Codes not in the register are kept
    (onboarding reports them one by one) unless a kind filter needs the register to judge them."""
    register = units_by_code()
    selected = list(codes)
    if woj or (kind and not selected):
        selected += [code for code in register if code.startswith(woj)]
    if kind:
        selected = [code for code in selected if code in register and register[code].kind == kind]
    return list(dict.fromkeys(selected))


def office_exports(*, unit: Tenant, recent: int = 10) -> list[UnitExport]:
    """The unit's own exports, newest first, without those whose archives were deleted."""
    return list(UnitExport.objects.filter(unit=unit).exclude(status=ExportStatus.EXPIRED)[:recent])


# (done, total) in the unit's cache while an archive is written: the task writes it (services.office_export_run)
# from inside its snapshot transaction, where the database takes no writes.
OFFICE_EXPORT_PROGRESS_KEY = "office-export-progress:{pk}"


def _progress_told(value) -> tuple[int, int]:
    """(done, total) as the task writes it; anything else found under its key (the cache is shared) is none yet."""
    if isinstance(value, list) and len(value) == 2 and all(type(n) is int and n >= 0 for n in value):
        done, total = value
        if done <= total:
            return done, total
    return 0, 0


def office_export_progress(*, export: UnitExport | None) -> dict:
    """How far the archive being written is: tables and files written of all, and the percentage."""
    if export is None or export.status != ExportStatus.RUNNING:
        return {"done": 0, "total": 0, "percent": 0}
    done, total = _progress_told(cache.get(OFFICE_EXPORT_PROGRESS_KEY.format(pk=export.pk)))
    return {"done": done, "total": total, "percent": round(100 * done / total) if total else 0}


OFFICE_EXPORTS_FOLDER = "office-exports"


def office_exports_folder(unit: Tenant) -> str:
    """Where in the exports storage a unit's own archives are written: apart from the archives kept at its top."""
    return f"{OFFICE_EXPORTS_FOLDER}/{unit.code}"


def office_export_key(export: UnitExport) -> str:
    """The name of a unit's own archive in the exports storage."""
    return f"{office_exports_folder(export.unit)}/{export.archive_name}"


def office_export_ready(*, unit: Tenant, pk: int) -> UnitExport:
    """The unit's export `pk` whose archive is ready; 404 for another unit's, or one not (or no longer) ready."""
    export = get_object_or_404(UnitExport, unit=unit, pk=pk, status=ExportStatus.READY)
    if not exports_storage().exists(office_export_key(export)):  # removed by hand meanwhile
        raise Http404
    return export
