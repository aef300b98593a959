from decimal import Decimal

from django import template
from django.utils.formats import number_format

from shared_services.inbox.permissions import may_refund

from ..registry import provider_of
from ..selectors import provider_config_get

register = template.Library()


@register.filter
def zloty(grosze) -> str:
    """An amount in grosze as złoty, exactly (Decimal), in the reader's number format: 1250 → "12,50 zł"."""
    if grosze in (None, ""):
        return ""
    return f"{number_format(Decimal(int(grosze)) / 100, decimal_pos=2, use_l10n=True)} zł"


@register.filter
def payment_of(submission):
    """The submission's payment, or None (no fee, or collected the old way)."""
    try:
        return submission.payment
    except Exception:  # RelatedObjectDoesNotExist
        return None


@register.inclusion_tag("payments/_resident_payment.html", takes_context=True)
def resident_payment(context, submission):
    """The fee of a resident's application: its status, and how to pay it (online, or the office's own words)."""
    payment = payment_of(submission)
    office = provider_config_get("office") if payment and payment.provider == "office" else None
    return {
        "payment": payment,
        "csrf_token": context.get("csrf_token"),
        "office_instructions": office.options.get("instructions", "") if office else "",
    }


@register.inclusion_tag("payments/_clerk_payment.html", takes_context=True)
def clerk_payment(context, submission):
    request = context.get("request")
    return {
        "payment": payment_of(submission),
        "csrf_token": context.get("csrf_token"),
        "may_refund": bool(request and may_refund(request.user)),
    }


@register.filter
def provider_name(key: str) -> str:
    return provider_of(key).name
