from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import tenant_context

from shared_services.payments import crypto
from shared_services.payments.models import ProviderConfig
from tenants.sweeps import units_swept


class Command(BaseCommand):
    help = (
        "Re-encrypt every unit's stored payment keys with the newest key of PAYMENT_SECRETS_KEYS. Rotate by "
        "putting a new key first, running this, and only then removing the old key."
    )

    def handle(self, *args, **options):
        rotated = 0
        for unit in units_swept():
            with tenant_context(unit), transaction.atomic():
                for config in ProviderConfig.objects.select_for_update().exclude(secrets_encrypted=""):
                    config.secrets_encrypted = crypto.secrets_rotate(config.secrets_encrypted)
                    config.save(update_fields=["secrets_encrypted"])
                    rotated += 1
        self.stdout.write(f"{rotated} payment configuration(s) re-encrypted with the newest key.")
