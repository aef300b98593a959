from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    """A unit's public registers: the standard definitions it adopted (kept in the public schema by the
    catalogue, referred to by key) and their records, published to BIP and shared as open data (unit schema)."""

    name = "shared_services.registers"
    label = "registers"
    verbose_name = _("Public registers")
