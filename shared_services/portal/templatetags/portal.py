from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from shared_services.catalogue.models import FeeKind

register = template.Library()


@register.simple_tag
def fee(card) -> str:
    """A card's fee in złoty from grosze, exactly (Decimal), in the reader's number format. A variable fee is
    stored as 0 of kind "other": it is not free, so it says to read the fee description."""
    if card.fee_grosze:
        amount = number_format(Decimal(card.fee_grosze) / 100, decimal_pos=2, use_l10n=True)
        return f"{amount} zł ({card.fee_kind_label})" if card.fee_kind_label else f"{amount} zł"
    if card.fee_kind in ("", FeeKind.NONE) or card.fee_is_local:
        return _("no fee")
    return _("depends on the case – see “Fees” below")
