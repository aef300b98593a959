"""Amounts of money: stored as whole grosze (int), typed and read by people in złoty.

Conversion is exact (Decimal, never float). What people type is read leniently where it is unambiguous:
"17", "17,50", "17.50", "1 234,50" (spaces, also the non-breaking ones of a copied amount, between groups
of three digits), with or without "zł"; anything else is refused with a message saying what to type.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

GROSZE_PER_ZLOTY = 100
# Above any fee or refund a unit handles, and well inside the PositiveIntegerField the grosze are kept in.
LARGEST_ZLOTY = Decimal("1000000")

# Digits, optionally in groups of three separated by spaces, then optionally a decimal comma or point and
# decimals (how many is checked afterwards, to say so).
_AMOUNT = re.compile(r"(?P<whole>\d+|\d{1,3}(?: \d{3})+)(?:[.,](?P<decimals>\d+))?")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY = re.compile(r"\s*(?:zł|zl|pln)\.?$", re.IGNORECASE)
_MINUS = ("-", "\u2212", "\u2013")

MESSAGES = {
    "invalid": _("Enter an amount in złoty, e.g. 17 or 17,50."),
    "negative": _("The amount cannot be negative."),
    "decimals": _("Enter an amount in złoty with at most two decimal places (grosze), e.g. 17,50."),
    "too_large": _("The amount is too large: at most %(limit)s."),
    "too_small": _("The amount must be at least %(limit)s."),
}


def grosze_from_text(text: str) -> int:
    """What a person typed, in złoty, as grosze: "17" → 1700, "17,5" → 1750, "1 234,50" → 123450.

    Raises ValidationError (code "invalid", "negative", "decimals" or "too_large") for anything else; says
    nothing about zero, which a field may or may not accept."""
    cleaned = _CURRENCY.sub("", _SPACES.sub(" ", str(text)).strip()).strip()
    if cleaned.startswith(_MINUS):
        raise ValidationError(MESSAGES["negative"], code="negative")
    cleaned = cleaned.lstrip("+").strip()
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise ValidationError(MESSAGES["invalid"], code="invalid")
    decimals = match["decimals"] or ""
    if len(decimals) > 2:
        raise ValidationError(MESSAGES["decimals"], code="decimals")
    zloty = Decimal(f"{match['whole'].replace(' ', '')}.{decimals or '0'}")
    if zloty > LARGEST_ZLOTY:
        raise ValidationError(
            MESSAGES["too_large"], code="too_large", params={"limit": zloty_display(grosze_of(LARGEST_ZLOTY))}
        )
    return grosze_of(zloty)


def grosze_of(zloty: Decimal) -> int:
    """An exact amount in złoty (at most two decimal places) as grosze."""
    grosze = zloty * GROSZE_PER_ZLOTY
    if grosze != grosze.to_integral_value():
        raise ValueError(f"{zloty} złoty is not a whole number of grosze")
    return int(grosze)


def zloty_of(grosze: int) -> Decimal:
    """Grosze as złoty, exactly, with two decimal places: 1750 → Decimal("17.50")."""
    return (Decimal(int(grosze)) / GROSZE_PER_ZLOTY).quantize(Decimal("0.01"))


def zloty_for_editing(grosze: int) -> str:
    """Grosze as a person types złoty, in the active language's decimal separator, without grouping:
    1750 → "17,50" in Polish ("17.50" in English); what grosze_from_text reads back to the same amount."""
    return f"{zloty_of(grosze)}".replace(".", get_format("DECIMAL_SEPARATOR"))


def zloty_display(grosze: int) -> str:
    """Grosze as złoty for reading, in the active language's number format: 1750 → "17,50 zł"."""
    return f"{number_format(zloty_of(grosze), decimal_pos=2, use_l10n=True, force_grouping=True)} zł"
