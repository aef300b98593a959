from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from shared_services.offer.services import offerings_rebuild
from tenants.selectors import UnknownUnits, units_with_schemas


class Command(BaseCommand):
    help = ("Rebuild the public copies of units' offers (what the regional search and the console read) from "
            "their schemas. Safe to repeat.")

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="unit codes; every unit with a schema when none is given")

    def handle(self, *args, codes, **options):
        try:
            units = units_with_schemas(codes)
        except UnknownUnits as missing:
            raise CommandError(f"no such unit with a schema: {missing}") from None
        for unit in units:
            with tenant_context(unit):
                count = offerings_rebuild()
            self.stdout.write(f"{unit.code} {unit.name}: {count}")
