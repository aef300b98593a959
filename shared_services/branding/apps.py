from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandingConfig(AppConfig):
    name = "shared_services.branding"
    label = "branding"
    verbose_name = _("Branding")

    def ready(self):
        from . import signals

        signals.connect()
