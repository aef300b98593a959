"""A unit's staff: invited and removed by its administrator (or, for the first administrator, by an
operator at onboarding). Keycloak holds who is who (shared_services/identity/provisioning.py); the unit's
schema keeps the local account, its role (a copy of Keycloak's) and its department."""

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from shared_services.audit.services import audit_record
from shared_services.identity import provisioning
from shared_services.identity.access import StaffRole
from shared_services.identity.services import USERNAME_PREFIX, local_username, role_apply

from .models import Department, StaffMember


@transaction.atomic
def staff_invite(*, email: str, role: StaffRole, department=None, actor: str):
    """Make `email` a member of the current unit's staff. Keycloak first: if it cannot be reached,
    IdentityProviderUnavailable rolls everything back and the same call can simply be repeated; an existing
    account whose e-mail is not verified is refused (UnverifiedAccount)."""
    unit = connection.tenant
    email = email.strip().lower()
    subject = provisioning.staff_invite(unit, email=email, role=role)
    user, _created = get_user_model().objects.get_or_create(
        username=local_username(subject), defaults={"email": email, "is_staff": True}
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    role_apply(user, role)
    StaffMember.objects.update_or_create(user=user, defaults={"department": department})
    audit_record(
        actor=actor,
        action="staff.invite",
        target=f"user:{user.pk}",
        after={"email": email, "role": role, "department": department.code if department else None},
    )
    return user


@transaction.atomic
def staff_remove(*, user, actor: str) -> None:
    """Take `user` off the current unit's staff, here and in Keycloak. Their account stays: they may be a
    resident, or staff of another unit. Access ends at their next request."""
    unit = connection.tenant
    before = {"email": user.email, "role": next((g.name for g in user.groups.all()), None)}
    if user.username.startswith(USERNAME_PREFIX):  # accounts from before Keycloak have nothing there
        provisioning.staff_remove(unit, user_id=user.username.removeprefix(USERNAME_PREFIX))
    role_apply(user, None)
    StaffMember.objects.filter(user=user).delete()
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    audit_record(actor=actor, action="staff.remove", target=f"user:{user.pk}", before=before)


@transaction.atomic
def department_create(*, name: str, code: str, actor: str) -> Department:
    """A new department of the office; its code opens the case signs of the cases it is given."""
    department = Department.objects.create(name=name, code=code)
    audit_record(
        actor=actor,
        action="department.create",
        target=f"department:{department.pk}",
        after={"name": department.name, "code": department.code},
    )
    return department


def _standing(user) -> dict:
    member = StaffMember.objects.filter(user=user).select_related("department").first()
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": next((group.name for group in user.groups.filter(name__in=StaffRole.values)), None),
        "department": member.department.code if member and member.department else None,
    }


@transaction.atomic
def staff_update(*, user, first_name: str, last_name: str, role: StaffRole, department, actor: str):
    """Change a member's name, role and department, with one audit entry. The name and the role are Keycloak's
    (its claims bring them back at every sign-in), so Keycloak is changed first: if it cannot be reached,
    IdentityProviderUnavailable rolls everything back. The department is the unit's own."""
    unit = connection.tenant
    before = _standing(user)
    first_name, last_name = first_name.strip(), last_name.strip()
    subject = user.username.removeprefix(USERNAME_PREFIX) if user.username.startswith(USERNAME_PREFIX) else None
    if subject:  # accounts from before Keycloak have nothing there
        if (first_name, last_name) != (before["first_name"], before["last_name"]):
            provisioning.person_name_set(user_id=subject, first_name=first_name, last_name=last_name)
        if role != before["role"]:
            provisioning.staff_role_set(unit, user_id=subject, role=role)
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    role_apply(user, role)
    StaffMember.objects.update_or_create(user=user, defaults={"department": department})
    after = _standing(user)
    audit_record(actor=actor, action="staff.update", target=f"user:{user.pk}", before=before, after=after)
    return user
