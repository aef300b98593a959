"""Who in the office may see and do what with cases, decided in one place.

- unit administrator: every case, every action (also registering new correspondence);
- department head: the cases of their department, every action on them, and registering new ones;
- clerk: the cases assigned to them; notes, requests, replies and closing; not re-assigning. A clerk registers a
  paper letter only into one of their cases: a letter that opens a new case goes to no one yet, so the person
  who registers it must be one who sees unassigned cases (an administrator or a department head).
Residents and other units' staff are nobody here: accounts and sessions live in the unit's schema.
"""

from django.db.models import Q, QuerySet

from shared_services.identity.access import StaffRole, office_role

from .models import Case

ALL_ACTIONS = {"register", "assign", "forward", "note", "request", "reply", "close"}
CLERK_ACTIONS = {"note", "request", "reply", "close"}


def may_refund(user) -> bool:
    """Refunding a fee (of a case the user can see) is for the unit administrator and department heads."""
    return office_role(user) in (StaffRole.UNIT_ADMIN, StaffRole.DEPARTMENT_HEAD)


def may_open_cases(user) -> bool:
    """Registering correspondence that opens a new case (a paper letter without a case) is for the unit
    administrator and department heads, who see the new cases."""
    return office_role(user) in (StaffRole.UNIT_ADMIN, StaffRole.DEPARTMENT_HEAD)


def _department_id(user):
    member = getattr(user, "staff_member", None)
    return member.department_id if member else None


def visible_cases(user) -> QuerySet:
    role = office_role(user)
    cases = Case.objects.all()
    if role == StaffRole.UNIT_ADMIN:
        return cases
    if role == StaffRole.DEPARTMENT_HEAD:
        return cases.filter(Q(department_id=_department_id(user)) | Q(department__isnull=True))
    if role == StaffRole.CLERK:
        return cases.filter(assignee=user)
    return cases.none()


def allowed_actions(user, case: Case) -> set[str]:
    role = office_role(user)
    if not visible_cases(user).filter(pk=case.pk).exists():
        return set()
    if case.status == "closed":
        return {"note"}
    if role in (StaffRole.UNIT_ADMIN, StaffRole.DEPARTMENT_HEAD):
        return ALL_ACTIONS if case.status == "new" else ALL_ACTIONS - {"register"}
    return CLERK_ACTIONS
