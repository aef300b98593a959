from django.core.management.base import BaseCommand
from django_tenants.utils import tenant_context

from shared_services.offer.services import offerings_rebuild
from tenants.management.units import add_unit_codes_argument, units_of_codes


class Command(BaseCommand):
    help = (
        "Rebuild the public copies of units' offers (what the regional search and the console read) from "
        "their schemas. Safe to repeat."
    )

    def add_arguments(self, parser):
        add_unit_codes_argument(parser)

    def handle(self, *args, codes, **options):
        units = units_of_codes(codes)
        for unit in units:
            with tenant_context(unit):
                count = offerings_rebuild()
            self.stdout.write(f"{unit.code} {unit.name}: {count}")
