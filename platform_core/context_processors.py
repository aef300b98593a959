from .display import CONTRASTS, TEXT_SIZES, display_preferences_of
from .hosts import portal_url


def platform(request):
    return {
        "portal_url": portal_url(request),
        "unit": getattr(request, "tenant", None),
        "display": display_preferences_of(request),
        "text_sizes": TEXT_SIZES,
        "contrasts": CONTRASTS,
    }
