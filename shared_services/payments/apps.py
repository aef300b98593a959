from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

from . import registry


class PaymentsConfig(AppConfig):
    """Fees paid by residents: each unit's own payment providers (Przelewy24 merchant, pay at the office),
    payments of filed applications, notifications, reconciliation, refunds and the unit's payment report."""

    name = "shared_services.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        # The providers settings.PAYMENT_PROVIDERS names (registry.py); again when a test overrides it.
        registry.providers_load()
        setting_changed.connect(
            registry.providers_reload_on_setting_change, dispatch_uid="payments.providers_reload_on_setting_change"
        )
