from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfferConfig(AppConfig):
    name = "shared_services.offer"
    label = "offer"
    verbose_name = _("The unit's services")

    def ready(self):
        from . import signals

        signals.connect()
