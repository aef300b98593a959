from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from shared_services.offer.services import offerings_rebuild
from tenants.models import Tenant, UnitStatus


class Command(BaseCommand):
    help = ("Rebuild the public copies of units' offers (what the regional search and the console read) from "
            "their schemas. Safe to repeat.")

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="unit codes; every unit with a schema when none is given")

    def handle(self, *args, codes, **options):
        units = Tenant.objects.exclude(schema_name="public").exclude(status=UnitStatus.OFFBOARDED)
        if codes:
            units = units.filter(code__in=codes)
            missing = sorted(set(codes) - set(units.values_list("code", flat=True)))
            if missing:
                raise CommandError(f"no such unit with a schema: {', '.join(missing)}")
        for unit in units.order_by("code"):
            with tenant_context(unit):
                count = offerings_rebuild()
            self.stdout.write(f"{unit.code} {unit.name}: {count}")
