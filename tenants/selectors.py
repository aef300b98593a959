from .models import Tenant, UnitStatus


def participating_units():
    """Units that currently serve residents, in the order the regional directory lists them."""
    return Tenant.objects.filter(status=UnitStatus.ACTIVE).order_by("name")


class UnknownUnits(LookupError):
    """Codes of units that have no schema (unknown, or offboarded)."""


def units_with_schemas(codes=()):
    """Units that have a schema (not offboarded), by code; all of them when no code is given. Raises
    UnknownUnits naming the codes that have none."""
    units = Tenant.objects.exclude(schema_name="public").exclude(status=UnitStatus.OFFBOARDED)
    if codes:
        units = units.filter(code__in=codes)
        missing = sorted(set(codes) - set(units.values_list("code", flat=True)))
        if missing:
            raise UnknownUnits(", ".join(missing))
    return units.order_by("code")
