from django.core.management.base import BaseCommand
from django_tenants.utils import tenant_context

from shared_services.usage.backfill import unit_facts_backfill, unit_overdue_count
from shared_services.usage.services import usage_rollup
from tenants.management.units import add_unit_codes_argument, units_of_codes
from tenants.sweeps import units_swept


class Command(BaseCommand):
    help = (
        "Record the usage facts of what units' schemas already hold (applications, letters, closed cases, fees "
        "paid online), count their overdue cases today, and roll every month up for the dashboards. Safe to repeat."
    )

    def add_arguments(self, parser):
        add_unit_codes_argument(parser)

    def handle(self, *args, codes, **options):
        for unit in units_swept(units_of_codes(codes)):
            with tenant_context(unit):
                count = unit_facts_backfill()
                unit_overdue_count()
            self.stdout.write(f"{unit.code} {unit.name}: {count}")
        months = usage_rollup(everything=True)
        self.stdout.write(f"months rolled up: {len(months)}")
