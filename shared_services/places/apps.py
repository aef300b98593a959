from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    """Where applications, letters and cases are: parcels, addresses and points, resolved through lookup
    providers (GUGiK's ULDK, a geocoder) and searchable by place (unit schema)."""

    name = "shared_services.places"
    label = "places"
    verbose_name = _("Places")
