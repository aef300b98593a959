from django.db import connection
from django.utils.functional import SimpleLazyObject

from .display import CONTRASTS, TEXT_SIZES, display_preferences_of
from .hosts import portal_url


def platform(request):
    return {
        "portal_url": portal_url(request), "unit": getattr(request, "tenant", None),
        "display": display_preferences_of(request), "text_sizes": TEXT_SIZES, "contrasts": CONTRASTS,
        # Read only by pages that show it (a unit's pages), so other pages cost no query.
        "branding": SimpleLazyObject(_branding_of_current_unit),
    }


def _branding_of_current_unit():
    from shared_services.branding.selectors import branding_get  # a tenant app; imported when a unit page needs it

    return branding_get() if connection.schema_name != "public" else None
