from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Fees paid by residents: each unit's own payment providers (Przelewy24 merchant, pay at the office),
    payments of filed applications, notifications, reconciliation, refunds and the unit's payment report."""

    name = "shared_services.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from . import registry

        registry.load_builtin_providers()
