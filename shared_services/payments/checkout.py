"""The request-level steps of paying a fee that other apps' views take too (the portal sends a resident to pay
right after filing, and opens a fee with the case's access code): where a provider notifies this unit, sending
the resident to the provider, and letting an access code's holder see the fee.

Not a views module (no URL routes here), so the portal imports it without importing another app's views; not
services.py either, because these work on the request (its session, messages, redirect response). The rules
they rely on stay in services.py.
"""

import logging

from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from platform_core.hosts import unit_root_url

from . import services
from .base import ProviderError
from .models import Payment
from .registry import provider_get, provider_of

logger = logging.getLogger(__name__)
SESSION_PAYMENTS = "payment_access"  # payments opened here with the case's access code


def status_url(provider_key: str, kind: str = "payment") -> str:
    """The unit's own endpoint for the provider's `kind` of notification, on its primary address (the
    provider calls it, not a browser): platnosci/<key>/<kind>/. ValueError for a provider that sends no such
    notification (the office sends none): there is no address to give it."""
    if kind not in provider_get(provider_key).webhook_kinds:
        raise ValueError(f"payment provider {provider_key!r} sends no {kind!r} notifications")
    path = reverse("payment-webhook", kwargs={"provider": provider_key, "kind": kind})
    return unit_root_url(connection.tenant).rstrip("/") + path


def payment_access_grant(request, entry) -> None:
    """Whoever opened the case with its access code may see and pay its fee in this browser session."""
    payment = Payment.objects.filter(submission_id=entry.submission_id).only("public_id").first()
    if payment is not None:
        granted = request.session.get(SESSION_PAYMENTS, [])
        if str(payment.public_id) not in granted:
            request.session[SESSION_PAYMENTS] = [*granted, str(payment.public_id)][-20:]


def payment_go(request, payment: Payment):
    """Send the resident to the provider's payment page; when that fails, to the status page, which says so
    and offers to try again (the application is filed all the same). A fee not paid online (at the office)
    goes to the status page, which says how to pay it."""
    if not provider_of(payment.provider).online:
        return redirect("payment-status", public_id=payment.public_id)
    try:
        url = services.payment_start(
            payment=payment,
            return_url=request.build_absolute_uri(reverse("payment-status", args=[payment.public_id])),
            status_url=status_url(payment.provider),
            language=translation.get_language() or "pl",
        )
    except services.NotPayable:
        return redirect("payment-status", public_id=payment.public_id)
    except ProviderError:
        logger.warning("could not start payment %s", payment.pk, exc_info=True)
        messages.error(
            request,
            _("The payment could not be started just now. Your application is filed; try paying again in a moment."),
        )
        return redirect("payment-status", public_id=payment.public_id)
    return redirect(url)
