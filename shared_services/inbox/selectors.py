"""Reads of the inbox for the office: cases a member of staff may see, filtered; the register."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from .access_codes import access_code_hash
from .models import CaseNote, CaseStatus, RegisterEntry
from .permissions import visible_cases


def cases_for(
    user,
    *,
    status: str = "",
    department: int | None = None,
    service: str = "",
    received_from=None,
    received_to=None,
    overdue: bool = False,
) -> QuerySet:
    cases = (
        visible_cases(user)
        .select_related("register_entry__submission__payment", "department", "assignee")
        .order_by("-register_entry__received_at")
    )
    if status:
        cases = cases.filter(status=status)
    if department:
        cases = cases.filter(department_id=department)
    if service:
        cases = cases.filter(register_entry__subject__icontains=service)
    if received_from:
        cases = cases.filter(register_entry__received_at__date__gte=received_from)
    if received_to:
        cases = cases.filter(register_entry__received_at__date__lte=received_to)
    if overdue:
        cases = cases.filter(overdue_q())
    return cases


def overdue_q() -> Q:
    return Q(deadline__lt=timezone.localdate()) & ~Q(status=CaseStatus.CLOSED)


def register_entries(*, year: int):
    return RegisterEntry.objects.filter(year=year).select_related("receipt", "case").order_by("number")


def entry_by_access_code(code: str) -> RegisterEntry | None:
    return (
        RegisterEntry.objects.select_related("case", "submission", "receipt")
        .filter(access_code_hash=access_code_hash(code))
        .first()
    )


def resident_messages(case):
    """What the office sent the resident on a case: requests for documents and replies, not internal notes."""
    return case.notes.exclude(kind=CaseNote.Kind.NOTE).order_by("created_at")
