import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Real units of the kujawsko-pomorskie voivodeship.
DEMO_UNIT_CODES = ["04", "0415", "0463011", "0461011", "0415042"]
DEMO_OPERATOR = "operator"


class Command(BaseCommand):
    help = (
        "Onboard the demo consortium (Toruń, Bydgoszcz, powiat toruński, Lubicz, the voivodeship) and create "
        "a demo operator account. Idempotent."
    )

    def handle(self, *args, **options):
        call_command("onboard", *DEMO_UNIT_CODES, stdout=self.stdout, stderr=self.stderr)
        users = get_user_model().objects
        if not users.filter(username=DEMO_OPERATOR).exists():
            password = secrets.token_urlsafe(12)
            users.create_user(DEMO_OPERATOR, password=password, is_staff=True)
            # Shown once and never stored in clear; `manage.py changepassword operator` sets a new one.
            self.stdout.write(self.style.WARNING(
                f"Demo operator for the console: {DEMO_OPERATOR} / {password} (shown only now)"
            ))
