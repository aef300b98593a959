"""Who may do what: read from Keycloak's token claims, decided here and nowhere else.

Claims → roles (`Access.from_claims`):
- operator: the realm role `platform-operator`;
- unit administrator, department head, clerk of unit X: membership of the Organization whose alias is X's
  subdomain (claim `organization`) *and* the group `/units/X/<role>` (claim `groups`). A group without the
  membership gives nothing, so disabling or leaving the Organization ends the role;
- resident: anybody signed in, in any unit.

At every sign-in and token refresh the roles for the host being used are written to the local account of
that host's schema (`services.session_start`): `is_staff` in the public schema for operators, the role's
group in a unit's schema for its staff. The checks below read that copy, so every request is decided
without a call to Keycloak, and a change in Keycloak takes effect at the next refresh (within minutes).

Areas (`Area`) and the one decision (`decide`) that every guarded view goes through.
"""

from dataclasses import dataclass, field
from enum import Enum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db import connection, models
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from platform_core.hosts import host_url
from tenants.models import Tenant


class StaffRole(models.TextChoices):
    """A role in a unit's office, given in Keycloak (the group `/units/<unit>/<role>`) and kept locally as the
    account's group of the same name."""

    UNIT_ADMIN = "unit_admin", _("unit administrator")
    DEPARTMENT_HEAD = "department_head", _("department head")
    CLERK = "clerk", _("clerk")


OPERATOR_ROLE = "platform-operator"
UNITS_GROUP = "units"
# The strongest role wins when someone holds several in one unit.
ROLE_ORDER = (StaffRole.UNIT_ADMIN, StaffRole.DEPARTMENT_HEAD, StaffRole.CLERK)
SESSION_ACCESS = "identity_access"
OFFICE_ROLE_CACHE = "_office_role"


@dataclass(frozen=True)
class Access:
    subject: str
    operator: bool = False
    unit_roles: dict[str, str] = field(default_factory=dict)  # unit slug → role

    @classmethod
    def from_claims(cls, claims: dict) -> "Access":
        organizations = claims.get("organization") or {}
        # Keycloak sends a map alias → attributes, or a plain list of aliases when the mapper adds no id.
        members_of = set(organizations) if isinstance(organizations, (dict, list)) else set()
        held: dict[str, set[str]] = {}
        for path in claims.get("groups") or []:
            parts = str(path).strip("/").split("/")
            if len(parts) == 3 and parts[0] == UNITS_GROUP and parts[1] in members_of and parts[2] in ROLE_ORDER:
                held.setdefault(parts[1], set()).add(parts[2])
        unit_roles = {slug: next(role for role in ROLE_ORDER if role in roles) for slug, roles in held.items()}
        roles = (claims.get("realm_access") or {}).get("roles") or []
        return cls(subject=str(claims["sub"]), operator=OPERATOR_ROLE in roles, unit_roles=unit_roles)

    def role_in(self, slug: str) -> str | None:
        return self.unit_roles.get(slug)

    def as_session(self) -> dict:
        return {"subject": self.subject, "operator": self.operator, "unit_roles": self.unit_roles}

    @classmethod
    def from_session(cls, data: dict | None) -> "Access | None":
        return cls(**data) if data else None


class Area(Enum):
    CONSOLE = "console"  # platform domain: units' lifecycle, regional catalogue — operators
    OFFICE = "office"  # a unit's /urzad/: any of its staff
    OFFICE_ADMIN = "office_admin"  # a unit's settings, staff, export, API tokens — its administrators
    # Publishing in the unit's BIP: what the office states publicly under its name, so its administrators and
    # department heads (who answer for their departments' information), not every clerk.
    OFFICE_EDITOR = "office_editor"
    RESIDENT = "resident"  # a unit's "my account": anybody signed in


class Verdict(Enum):
    ALLOWED = "allowed"
    SIGN_IN = "sign_in"
    NO_ACCESS = "no_access"


def office_role(user) -> str | None:
    """The user's role in the current unit, from the copy of the claims in the unit's schema. Read once per
    user object (a request's guard, its view and its menu ask alike); `services.role_apply` forgets it."""
    if not user.is_authenticated or connection.schema_name == "public":
        return None
    if OFFICE_ROLE_CACHE not in user.__dict__:
        names = set(user.groups.values_list("name", flat=True))
        user.__dict__[OFFICE_ROLE_CACHE] = next((role for role in ROLE_ORDER if role in names), None)
    return user.__dict__[OFFICE_ROLE_CACHE]


def decide(user, area: Area) -> Verdict:
    if not user.is_authenticated:
        return Verdict.SIGN_IN
    on_platform = connection.schema_name == "public"
    if area is Area.CONSOLE:
        allowed = on_platform and user.is_staff
    elif area is Area.RESIDENT:
        allowed = not on_platform
    elif area is Area.OFFICE:
        allowed = office_role(user) is not None
    elif area is Area.OFFICE_EDITOR:
        allowed = office_role(user) in (StaffRole.UNIT_ADMIN, StaffRole.DEPARTMENT_HEAD)
    else:
        allowed = office_role(user) == StaffRole.UNIT_ADMIN
    return Verdict.ALLOWED if allowed else Verdict.NO_ACCESS


def area_required(area: Area):
    """Guard a view: sign in first; signed in without the right gets the "no access" page (403)."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            verdict = decide(request.user, area)
            if verdict is Verdict.SIGN_IN:
                return redirect_to_login(request.get_full_path(), "oidc-login")
            if verdict is Verdict.NO_ACCESS:
                return no_access(request, area)
            return view(request, *args, **kwargs)

        return guarded

    return decorator


def no_access(request, area: Area):
    """Says plainly that this account has no access here, and where it does have access."""
    access = Access.from_session(request.session.get(SESSION_ACCESS))
    unit = getattr(request, "tenant", None)
    here = unit.slug if unit is not None and connection.schema_name != "public" else None
    elsewhere = sorted(slug for slug in (access.unit_roles if access else {}) if slug != here)
    return render(
        request,
        "identity/no_access.html",
        {
            "area": area.value,
            "units_elsewhere": [
                (unit.name, host_url(request, unit.primary_host) + "urzad/skrzynka/")
                for unit in Tenant.objects.filter(slug__in=elsewhere).order_by("name")
            ],
            "has_role_here": bool(access and here and access.role_in(here)),
        },
        status=403,
    )
