import uuid

from django.db import connection, transaction

from shared_services.eforms.uploads import check_attachment

from .models import UnitBranding

COAT_OF_ARMS_TYPES = ["image/png", "image/jpeg"]
COAT_OF_ARMS_MAX_BYTES = 1024 * 1024
EDITABLE = (
    "display_name",
    "tagline",
    "primary_colour",
    "accent_colour",
    "address",
    "phone",
    "email",
    "bip_url",
    "accessibility_statement_url",
    "service_points",
)


@transaction.atomic
def branding_update(*, coat_of_arms=None, **changes) -> UnitBranding:
    """Set the current unit's branding (fields in EDITABLE; None leaves a field as it is) and, given an
    uploaded PNG or JPEG already checked by content, its coat of arms. The first call creates the unit's row,
    named after the unit. Colours with too little contrast are refused."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not branding fields: {', '.join(sorted(unknown))}")
    branding = UnitBranding.objects.select_for_update().first() or UnitBranding(display_name=connection.tenant.name)
    for field, value in changes.items():
        if value is not None:
            setattr(branding, field, value)
    branding.full_clean()
    if coat_of_arms is not None:
        previous = branding.coat_of_arms.name
        branding.coat_of_arms_type = check_attachment(
            coat_of_arms, max_bytes=COAT_OF_ARMS_MAX_BYTES, media_types=COAT_OF_ARMS_TYPES
        )
        branding.coat_of_arms.save(f"herb-{uuid.uuid4().hex[:12]}", coat_of_arms, save=False)
        if previous:  # the old file goes once the new one is committed
            storage = branding.coat_of_arms.storage
            transaction.on_commit(lambda: storage.delete(previous))
    branding.save()
    return branding
