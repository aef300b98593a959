from django import template
from django.utils.translation import gettext as _

from platform_core.money import zloty_display
from shared_services.catalogue.models import FeeKind
from shared_services.payments.selectors import intake_provider, provider_config_get

register = template.Library()


def _is_free(card) -> bool:
    """A fee of 0 is free unless the standard card says it depends on the case (stored as 0 of a paid kind);
    a fee the unit set itself, and an own service's, mean what they say."""
    return not card.fee_grosze and (card.fee_kind in ("", FeeKind.NONE) or card.fee_is_local)


@register.simple_tag
def fee(card) -> str:
    """A card's fee in złoty from grosze, in the reader's number format, with its kind. A variable fee is
    stored as 0 of a paid kind: it is not free, so it says to read the fee description."""
    if card.fee_grosze:
        amount = zloty_display(card.fee_grosze)
        return f"{amount} ({FeeKind(card.fee_kind).label})" if card.fee_kind else amount
    if _is_free(card):
        return _("no fee")
    return _("depends on the case – see “Fees” below")


@register.inclusion_tag("portal/_fee_before_filing.html")
def fee_before_filing(card) -> dict:
    """What the resident will pay for the application, and when and how, said before it is sent: online
    right after sending when the unit collects fees online, otherwise at the office."""
    if not card.fee_grosze:
        return {"card": card, "free": _is_free(card)}
    plugin, _config = intake_provider()
    office = None if plugin.online else provider_config_get("office")  # its instructions, set up or not
    return {
        "card": card,
        "amount": fee(card),
        "online": plugin.online,
        "provider_name": plugin.name,
        "office_instructions": office.options.get("instructions", "") if office else "",
    }
