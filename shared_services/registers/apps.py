from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    """A unit's public registers: the standard definitions it adopted (kept in the public schema by the
    catalogue, referred to by key) and their records, published to BIP and shared as open data (unit schema)."""

    name = "shared_services.registers"
    label = "registers"
    verbose_name = _("Public registers")

    def ready(self):
        # BIP draws a record's versions, and takes subscriptions to a register; a closed case proposes records.
        from shared_services.inbox import signals as inbox_signals

        from . import receivers  # importing it registers BIP's renderer and subscription topic

        inbox_signals.case_closed.connect(receivers.on_case_closed, dispatch_uid="registers.proposals")
