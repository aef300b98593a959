from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BipConfig(AppConfig):
    """A unit's Biuletyn Informacji Publicznej: versioned publications with the act's metadata, the change
    register, the subject menu and the editorial office (unit schema)."""

    name = "shared_services.bip"
    label = "bip"
    verbose_name = _("Public information bulletin (BIP)")

    def ready(self):
        from . import delivery  # noqa: F401 (registers its outbox handlers and BIP's subscription topics)
