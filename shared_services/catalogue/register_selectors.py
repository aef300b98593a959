"""Reads of the standard registers (public schema)."""

from django.db.models import QuerySet

from .models import StandardRegister, StandardRegisterVersion


def standard_registers_for_kind(unit_kind: str) -> QuerySet[StandardRegister]:
    """The standard registers a unit of `unit_kind` keeps, by their newest version."""
    return StandardRegister.objects.filter(current__unit_kinds__contains=[unit_kind]).select_related("current")


def standard_register_version(slug: str, number: int) -> StandardRegisterVersion | None:
    return StandardRegisterVersion.objects.filter(register__slug=slug, number=number).first()


def standard_register_versions(keys: list[tuple[str, int]]) -> dict[tuple[str, int], StandardRegisterVersion]:
    """Several versions by (slug, number) in one query, e.g. for the office's list of the unit's registers."""
    slugs = {slug for slug, _number in keys}
    versions = StandardRegisterVersion.objects.filter(register__slug__in=slugs).select_related("register")
    wanted = set(keys)
    return {
        (version.register.slug, version.number): version
        for version in versions
        if (version.register.slug, version.number) in wanted
    }


def registers_linked_to_service(service_slug: str) -> QuerySet[StandardRegister]:
    """The standard registers whose newest version is fed by cases of the standard service `service_slug`."""
    return StandardRegister.objects.filter(current__service_slug=service_slug).select_related("current")
