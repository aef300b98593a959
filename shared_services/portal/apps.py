from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The resident portal on a unit's subdomain: browsing, search, service cards and filling forms.
    No models of its own: it presents the offer (shared_services.offer) and files forms (shared_services.eforms)."""

    name = "shared_services.portal"
    label = "portal"
    verbose_name = _("Resident portal")
