"""The narrow interface every payment provider implements (the Open Forms pattern): a plugin knows its
provider's protocol; shared_services.payments.services keeps the payments' state, locks and audit trail.

A plugin never writes to the database: it answers with the plain values below, and it raises
`WebhookRejected` for a notification that must change nothing.
"""

import json
from dataclasses import dataclass

from django import forms

# A provider's notification is a few hundred bytes: a larger body is not read past this size (payments/views.py)
# and is refused before any plugin parses it (services.notification_receive).
WEBHOOK_MAX_BYTES = 64 * 1024


class ProviderError(Exception):
    """The provider refused what was asked; the message (English, from the provider) is for the log."""


class ProviderKeysUnreadable(ProviderError):
    """The unit's stored keys cannot be decrypted: the key that encrypted them has left PAYMENT_SECRETS_KEYS."""


class ProviderUnreachable(ProviderError):
    """The provider did not answer, or failed itself: what was asked may or may not have been done."""


class WebhookRejected(Exception):
    """A notification that is not genuine or does not match the stored payment: logged, nothing changes."""


def webhook_json_object(body: bytes) -> dict:
    """The JSON object a notification's body holds, for a plugin's `handle_webhook` (every kind of notification
    alike). WebhookRejected for anything else: a body that is not JSON (or is nested deeper than the parser
    goes), not an object, or with text that cannot be signed or stored (a lone surrogate, a NUL character)."""
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise WebhookRejected("the body is not JSON") from None
    if not isinstance(message, dict):
        raise WebhookRejected("the body is not a JSON object")
    for text in _texts(message):
        if "\x00" in text or not _encodable(text):
            raise WebhookRejected("the body holds text that is not valid Unicode")
    return message


def _texts(value):
    """Every string in a parsed JSON value, keys included; without recursion, whatever the nesting."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which a JSON escape such as \ud800 can carry
        return False
    return True


@dataclass(frozen=True)
class Started:
    redirect_url: str  # where the resident pays
    session_id: str
    token: str = ""


@dataclass(frozen=True)
class Notification:
    """What a genuine (signature-checked) notification says."""

    kind: str  # "payment" or "refund"
    session_id: str
    order_id: int
    amount: int
    currency: str
    method_id: int | None = None
    statement: str = ""
    refunds_uuid: str = ""
    refund_done: bool = False


@dataclass(frozen=True)
class RemoteStatus:
    """The provider's own answer about a session (reconciliation)."""

    paid: bool  # money received (verified or ready to verify)
    needs_verify: bool
    order_id: int | None
    amount: int | None
    currency: str = "PLN"
    known: bool = True


class PaymentProvider:
    """A provider: a class named in settings.PAYMENT_PROVIDERS (see registry.py), one instance per process."""

    key = ""  # lower-case letters, digits, "_": stored with each payment and part of its notification address
    name = ""
    online = False  # the resident is sent to the provider to pay
    supports_refund = False
    secret_fields: tuple[str, ...] = ()
    # The kinds of notification the provider sends, each to the unit's platnosci/<key>/<kind>/ (payments/urls.py);
    # `handle_webhook` receives the kind. A provider that sends none has no notification address.
    webhook_kinds: tuple[str, ...] = ()
    # Older addresses, (path, kind), at which the provider's notifications are accepted too: those given to
    # the provider for payments still in flight before platnosci/<key>/<kind>/ existed.
    webhook_aliases: tuple[tuple[str, str], ...] = ()

    def configuration_form(self, *, config=None, data=None) -> forms.Form | None:
        """The form (the configuration schema) a unit administrator fills in; None when nothing to set."""
        return None

    def test_connection(self, config) -> None:
        """Raise ProviderError when the configuration does not work."""

    def start_payment(
        self, config, payment, *, session_id: str, return_url: str, status_url: str, language: str
    ) -> Started:
        raise NotImplementedError

    def handle_return(self, config, payment, query: dict) -> None:
        """The resident's browser came back. Proves nothing: the page shows the stored status."""

    def handle_webhook(self, config, *, kind: str, body: bytes) -> Notification:
        """Check a notification (`kind` is one of `webhook_kinds`) and say what it reports."""
        raise WebhookRejected("this provider sends no notifications")

    def confirm(self, config, payment, notification: Notification) -> bool:
        """Confirm a notified payment with the provider (P24's mandatory verify)."""
        return True

    def remote_status(self, config, session_id: str) -> RemoteStatus:
        return RemoteStatus(paid=False, needs_verify=False, order_id=None, amount=None, known=False)

    def refund(self, config, payment, refund, *, status_url: str) -> None:
        """Ask for the refund. ProviderUnreachable when the answer was lost and it may have been taken."""
        raise ProviderError("refunds are not supported by this provider")

    def refund_outcome(self, config, payment, refund) -> bool | None:
        """What the provider did with a refund still waiting for its notification: True done, False refused,
        None not known to it (yet)."""
        return None
