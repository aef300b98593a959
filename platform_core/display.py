"""Residents' display preferences: larger text and high contrast, as the units' existing portals offer.

Kept in a cookie for a year (no account needed), on each host separately like every other cookie here.
"""

from django.utils.translation import gettext_lazy as _

TEXT_SIZE_COOKIE = "ratusz_text_size"
CONTRAST_COOKIE = "ratusz_contrast"
COOKIE_MAX_AGE = 365 * 24 * 3600
TEXT_SIZES = {"normal": _("Normal text"), "large": _("Larger text"), "largest": _("Largest text")}
CONTRASTS = {"normal": _("Normal contrast"), "high": _("High contrast")}


def display_preferences_of(request) -> dict:
    text_size = request.COOKIES.get(TEXT_SIZE_COOKIE)
    contrast = request.COOKIES.get(CONTRAST_COOKIE)
    return {
        "text_size": text_size if text_size in TEXT_SIZES else "normal",
        "contrast": contrast if contrast in CONTRASTS else "normal",
    }
