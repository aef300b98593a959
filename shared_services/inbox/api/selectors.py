"""Reads of the API: the unit's register and cases with what each page shows in a fixed number of queries."""

from django.db.models import CharField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from shared_services.audit.models import AuditEntry
from shared_services.eforms.models import Attachment

from ..models import Case, CaseNote, RegisterEntry


def api_register_entries(*, year: int | None = None, since_number: int | None = None) -> QuerySet:
    """Entries in register order (oldest first), so that a system can pull what is new with `since_number`."""
    entries = RegisterEntry.objects.select_related("receipt", "case", "for_case", "submission").order_by(
        "year", "number"
    )
    if year is not None:
        entries = entries.filter(year=year)
    if since_number is not None:
        entries = entries.filter(number__gt=since_number)
    return entries


def api_register_entry_detail() -> QuerySet:
    """Entries with the filed application, its form version and its attachments."""
    return RegisterEntry.objects.select_related(
        "receipt",
        "case",
        "for_case",
        "submission__standard_form_version__form",
        "submission__unit_form_version__form",
    ).prefetch_related(Prefetch("submission__attachments", queryset=Attachment.objects.order_by("field", "pk")))


def _last_change():
    """When the case last changed: its newest entry in the unit's audit trail (every change of a case writes
    one, `case:<id>`), or when it was received if it has none."""
    newest = (
        AuditEntry.objects.filter(target=Concat(Value("case:"), Cast(OuterRef("pk"), CharField())))
        .order_by("-sequence")
        .values("recorded_at")[:1]
    )
    return Coalesce(Subquery(newest), "register_entry__received_at")


def api_cases(*, status: str = "", updated_since=None) -> QuerySet:
    """Every case of the unit (the token is the office's, not a clerk's), least recently changed first."""
    cases = (
        Case.objects.select_related("register_entry", "department", "assignee")
        .annotate(updated_at=_last_change())
        .order_by("updated_at", "pk")
    )
    if status:
        cases = cases.filter(status=status)
    if updated_since is not None:
        cases = cases.filter(updated_at__gte=updated_since)
    return cases


def api_case_detail() -> QuerySet:
    return (
        Case.objects.select_related("register_entry", "department", "assignee")
        .annotate(updated_at=_last_change())
        .prefetch_related(Prefetch("notes", queryset=CaseNote.objects.select_related("author")))
    )
