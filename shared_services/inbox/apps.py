from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """The unit's electronic inbox (ESP): register of incoming correspondence, official receipts (UPO),
    cases and their circulation, the outbox of work done after intake."""

    name = "shared_services.inbox"
    label = "inbox"
    verbose_name = _("Electronic inbox")
