from django.db import connection

from .models import UnitBranding


def branding_update(
    *,
    display_name: str | None = None,
    tagline: str | None = None,
    primary_colour: str | None = None,
    accent_colour: str | None = None,
) -> UnitBranding:
    """Set the current unit's branding; the first call creates its row, named after the unit."""
    branding = UnitBranding.objects.first() or UnitBranding(display_name=connection.tenant.name)
    changes = {
        "display_name": display_name,
        "tagline": tagline,
        "primary_colour": primary_colour,
        "accent_colour": accent_colour,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(branding, field, value)
    branding.full_clean()
    branding.save()
    return branding
