from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    """Where applications, letters and cases are: parcels, addresses and points, resolved through lookup
    providers (GUGiK's ULDK, a geocoder) and searchable by place (unit schema)."""

    name = "shared_services.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self):
        from .registry import providers_load, providers_reload_on_setting_change

        providers_load()
        setting_changed.connect(providers_reload_on_setting_change, dispatch_uid="places_providers")
