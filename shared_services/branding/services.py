from django.db import connection, transaction

from .models import UnitBranding

EDITABLE = ("display_name", "tagline", "primary_colour", "accent_colour", "address", "phone", "email", "bip_url",
            "accessibility_statement_url")


@transaction.atomic
def branding_update(**changes) -> UnitBranding:
    """Set the current unit's branding (fields in EDITABLE; None leaves a field as it is). The first call
    creates the unit's row, named after the unit. Colours with too little contrast are refused."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not branding fields: {', '.join(sorted(unknown))}")
    branding = UnitBranding.objects.select_for_update().first() or UnitBranding(display_name=connection.tenant.name)
    for field, value in changes.items():
        if value is not None:
            setattr(branding, field, value)
    branding.full_clean()
    branding.save()
    return branding
