from .models import UnitBranding


def branding_update(**fields) -> UnitBranding:
    """Set the current unit's branding (creating its row on first use)."""
    branding = UnitBranding.objects.first() or UnitBranding()
    for name, value in fields.items():
        setattr(branding, name, value)
    branding.full_clean()
    branding.save()
    return branding
