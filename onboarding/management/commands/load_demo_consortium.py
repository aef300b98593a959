from django.core.management import call_command
from django.core.management.base import BaseCommand

# Real units of the kujawsko-pomorskie voivodeship.
DEMO_UNIT_CODES = ["04", "0415", "0463011", "0461011", "0415042"]


class Command(BaseCommand):
    help = "Onboard the demo consortium (Toruń, Bydgoszcz, powiat toruński, Lubicz, the voivodeship). Idempotent."

    def handle(self, *args, **options):
        call_command("onboard", *DEMO_UNIT_CODES, stdout=self.stdout, stderr=self.stderr)
