"""Writes to the unit registry. Every status change of a unit goes through `unit_set_status`."""

from django.db import transaction
from django.utils import timezone

from .codes import schema_name_for_code
from .models import Domain, Tenant, UnitKind, UnitStatus

_STATUS_TIMESTAMP = {
    UnitStatus.ACTIVE: "activated_at",
    UnitStatus.SUSPENDED: "suspended_at",
    UnitStatus.OFFBOARDED: "offboarded_at",
}


def unit_create(*, name: str, code: str, kind: UnitKind, slug: str, parent: Tenant | None = None) -> Tenant:
    """Create an active unit with its schema and primary subdomain, all in one transaction.

    PostgreSQL's DDL is transactional: if anything fails, the schema disappears with the rows.
    """
    with transaction.atomic():
        # Active from the start: nobody sees the row before the transaction, schema included, commits.
        unit = Tenant(
            name=name,
            code=code,
            kind=kind,
            slug=slug,
            parent=parent,
            schema_name=schema_name_for_code(code),
            status=UnitStatus.ACTIVE,
            activated_at=timezone.now(),
        )
        unit.full_clean()
        unit.save(verbosity=0)  # creates the schema, a copy of the template (tenants/schema_template.py)
        Domain.objects.create(domain=unit.primary_host, tenant=unit, is_primary=True)
    return unit


def unit_set_status(*, unit: Tenant, status: UnitStatus) -> Tenant:
    unit.status = status
    update_fields = ["status"]
    field = _STATUS_TIMESTAMP.get(status)
    # activated_at is when the unit joined: resuming after a suspension does not change it.
    if field and not (field == "activated_at" and unit.activated_at):
        setattr(unit, field, timezone.now())
        update_fields.append(field)
    unit.save(update_fields=update_fields)
    return unit


def domain_add(*, unit: Tenant, host: str) -> Domain:
    """Attach a custom domain; it must also be in ALLOWED_HOSTS (and have DNS and TLS) to serve."""
    domain = Domain(domain=host.lower().rstrip("."), tenant=unit, is_primary=False)
    domain.full_clean()
    domain.save()
    return domain
