from django.db import connection

from .models import UnitBranding


def branding_get() -> UnitBranding:
    """The current unit's branding; defaults from the unit registry until the unit sets its own."""
    branding = UnitBranding.objects.first()
    if branding is None:
        branding = UnitBranding(display_name=connection.tenant.name)
    return branding
