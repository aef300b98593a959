from django.core.management.base import BaseCommand
from django_tenants.utils import tenant_context

from shared_services.registers.services import registers_adopt_defaults
from tenants.management.units import add_unit_codes_argument, units_of_codes


class Command(BaseCommand):
    help = (
        "Let units (all with a schema when no codes are given) keep the standard registers of their kind that they "
        "do not keep yet, after load_standard_registers added some; new units get them at onboarding. A few "
        "queries per unit; safe to repeat."
    )

    def add_arguments(self, parser):
        add_unit_codes_argument(parser)

    def handle(self, *args, codes, **options):
        added = 0
        for unit in units_of_codes(codes):
            with tenant_context(unit):
                added += registers_adopt_defaults(unit_kind=unit.kind)
        self.stdout.write(f"standard registers: {added} added to units")
