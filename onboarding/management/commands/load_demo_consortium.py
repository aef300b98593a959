from django.core.management.base import BaseCommand

from onboarding.slugs import polish_slug
from onboarding.terc import units_by_code
from tenants.models import Tenant
from tenants.services import unit_create

# Real units of the kujawsko-pomorskie voivodeship, parents before children.
DEMO_UNIT_CODES = ["04", "0415", "0463011", "0461011", "0415042"]
# Slugs people would type; the default rule (slug of the TERC name) covers the rest.
DEMO_SLUGS = {"04": "kujawsko-pomorskie", "0415": "powiat-torunski"}


class Command(BaseCommand):
    help = "Create the demo consortium (Toruń, Bydgoszcz, powiat toruński, Lubicz, the voivodeship). Idempotent."

    def handle(self, *args, **options):
        register = units_by_code()
        for code in DEMO_UNIT_CODES:
            if Tenant.objects.filter(code=code).exists():
                self.stdout.write(f"{code}: already present")
                continue
            terc_unit = register[code]
            parent = Tenant.objects.get(code=terc_unit.parent_code) if terc_unit.parent_code else None
            unit = unit_create(
                name=terc_unit.official_name,
                code=code,
                kind=terc_unit.kind,
                slug=DEMO_SLUGS.get(code, polish_slug(terc_unit.name)),
                parent=parent,
            )
            self.stdout.write(self.style.SUCCESS(f"{code}: created {unit.name} at {unit.primary_host}"))
