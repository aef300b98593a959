"""The unit codes argument of management commands that work unit by unit (check_audit, rebuild_offerings)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from tenants.selectors import UnknownUnits, units_with_schemas


def add_unit_codes_argument(parser) -> None:
    parser.add_argument("codes", nargs="*", help="unit codes; every unit with a schema when none is given")


def units_of_codes(codes):
    """The units with a schema of `codes` (all of them when none); a CommandError names codes that have none."""
    try:
        return units_with_schemas(codes)
    except UnknownUnits as missing:
        raise CommandError(_("No such unit with a schema: %(codes)s") % {"codes": missing}) from None
