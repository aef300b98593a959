"""Case circulation: every state change is one atomic action that also writes the unit's audit trail."""

import re
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_services.audit.services import audit_record
from shared_services.identity.people import person_name
from shared_services.staff.models import Department

from .models import Case, CaseNote, CaseStatus, SignCounter
from .permissions import allowed_actions
from .signals import case_assigned, case_closed, office_wrote

ARCHIVAL_CATEGORY = re.compile(r"^(A|B[0-9]{1,2}|BE[0-9]{1,2}|Bc)$")
_TRACKED = (
    "status",
    "department",
    "assignee",
    "jrwa",
    "sign",
    "deadline",
    "paused_since",
    "paused_days",
    "archival_category",
    "retention_until",
    "resolution",
)


def case_open_at_intake(*, entry, jrwa: str, deadline_days: int | None) -> Case:
    """A new case for a freshly registered application, with the deadline of its service card."""
    deadline = (entry.received_at + timedelta(days=deadline_days)).date() if deadline_days else None
    case = Case.objects.create(register_entry=entry, jrwa=jrwa, deadline=deadline)
    audit_record(actor="system", action="case.open", target=f"case:{case.pk}", after=_state(case))
    return case


def _state(case: Case) -> dict:
    return model_to_dict(case, fields=_TRACKED)


def _acting(user, case: Case, action: str) -> Case:
    """The case, locked, if `user` may do `action` on it now."""
    case = Case.objects.select_for_update().select_related("register_entry").get(pk=case.pk)
    if action not in allowed_actions(user, case):
        raise PermissionDenied(action)
    return case


def _audit(user, action: str, case: Case, before: dict) -> None:
    audit_record(
        actor=user.get_username(), action=f"case.{action}", target=f"case:{case.pk}", before=before, after=_state(case)
    )


@transaction.atomic
def case_register(*, user, case: Case, department: Department, jrwa: str, archival_category: str) -> Case:
    """Register the case: its znak sprawy is department code . JRWA class . case number . year."""
    case = _acting(user, case, "register")
    if not re.fullmatch(r"[0-9]{1,6}", jrwa or ""):
        raise ValidationError({"jrwa": _("A JRWA class is one to six digits, e.g. 3110.")})
    if not ARCHIVAL_CATEGORY.match(archival_category or ""):
        raise ValidationError({"archival_category": _("An archival category is A, Bn, BEn or Bc, e.g. B5.")})
    before = _state(case)
    year = timezone.localdate().year
    SignCounter.objects.bulk_create(
        [SignCounter(department_code=department.code, jrwa=jrwa, year=year)], ignore_conflicts=True
    )
    counter = SignCounter.objects.select_for_update().get(department_code=department.code, jrwa=jrwa, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    case.department, case.jrwa, case.archival_category = department, jrwa, archival_category
    case.sign_number = counter.last_number
    case.sign = f"{department.code}.{jrwa}.{counter.last_number}.{year}"
    case.status = CaseStatus.IN_PROGRESS
    case.save()
    _audit(user, "register", case, before)
    return case


@transaction.atomic
def case_assign(*, user, case: Case, assignee) -> Case:
    case = _acting(user, case, "assign")
    before = _state(case)
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    _audit(user, "assign", case, before)
    if assignee is not None and assignee != user:
        case_assigned.send(sender=Case, case=case, assignee=assignee, by=user)
    return case


@transaction.atomic
def cases_assign(*, user, cases: list[Case], assignee) -> list[Case]:
    """Assign several cases to one person (the inbox's bulk bar), each with its own audit entry: all of them, or
    none when any may not be assigned by `user` or to `assignee`. A case of a department goes to someone who
    works there, as the case page offers only them."""
    refused = [case for case in cases if "assign" not in allowed_actions(user, case)]
    if refused:
        raise ValidationError(
            _("You may not assign these cases (closed cases are not re-assigned): %(cases)s.")
            % {"cases": ", ".join(case.register_entry.label for case in refused)}
        )
    member = getattr(assignee, "staff_member", None)
    elsewhere = [
        case for case in cases if case.department_id and getattr(member, "department_id", None) != case.department_id
    ]
    if elsewhere:
        raise ValidationError(
            _("%(person)s does not work in the department of these cases: %(cases)s.")
            % {"person": person_name(assignee), "cases": ", ".join(case.register_entry.label for case in elsewhere)}
        )
    return [case_assign(user=user, case=case, assignee=assignee) for case in cases]


@transaction.atomic
def case_forward(*, user, case: Case, department: Department) -> Case:
    """Hand the case to another department; its head assigns a clerk there."""
    case = _acting(user, case, "forward")
    before = _state(case)
    case.department, case.assignee = department, None
    case.save(update_fields=["department", "assignee"])
    _audit(user, "forward", case, before)
    return case


@transaction.atomic
def case_write(*, user, case: Case, kind: str, text: str, attachment=None) -> CaseNote:
    """An internal note, a request for documents (the case waits for the resident) or a reply. What reaches
    the resident is told to the apps above (`office_wrote`): the notifications e-mail it."""
    case = _acting(user, case, kind)
    before = _state(case)
    note = CaseNote.objects.create(case=case, kind=kind, author=user, text=text, attachment=attachment or "")
    if kind == CaseNote.Kind.REQUEST:
        # KPA art. 35 § 5: the deadline stands still while the office waits for the resident's documents.
        paused = not case.deadline_paused
        case.deadline_pause(timezone.localdate())
        case.status = CaseStatus.AWAITING_RESIDENT
        case.save(update_fields=["status", "paused_since"])
    _audit(user, kind, case, before)
    if kind == CaseNote.Kind.REQUEST and paused:
        _audit(user, "pause", case, before)
    if kind != CaseNote.Kind.NOTE:
        office_wrote.send(sender=CaseNote, note=note)
    return note


@transaction.atomic
def case_close(*, user, case: Case, resolution: str) -> Case:
    """Close with a resolution; the archival category sets how long the file is kept: Bn and BEn for n
    years counted from 1 January after closing, A for good."""
    case = _acting(user, case, "close")
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the case was resolved.")})
    before = _state(case)
    now = timezone.now()
    case.deadline_resume(timezone.localdate())  # closed while waiting: the wait ends, and no deadline runs on
    case.status, case.resolution, case.closed_at = CaseStatus.CLOSED, resolution, now
    years = re.fullmatch(r"BE?([0-9]+)", case.archival_category or "")
    case.retention_until = timezone.localdate().year + int(years.group(1)) if years else None
    case.save()
    _audit(user, "close", case, before)
    case_closed.send(sender=Case, case=case)
    return case
