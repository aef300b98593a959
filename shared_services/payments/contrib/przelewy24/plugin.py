"""Przelewy24 as a payment provider: each unit has its own merchant (its own account, CRC and API keys)."""

import logging

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import crypto
from ...base import (
    Notification,
    PaymentProvider,
    ProviderError,
    ProviderKeysUnreadable,
    ProviderUnreachable,
    RemoteStatus,
    Started,
    WebhookRejected,
    webhook_json_object,
)
from .client import P24Error, Przelewy24Client

logger = logging.getLogger(__name__)
SANDBOX, PRODUCTION = "sandbox", "production"
TIME_LIMIT_MINUTES = 15


class Przelewy24ConfigForm(forms.Form):
    """The configuration schema. Secrets are never shown back: an empty secret field keeps the stored one."""

    merchant_id = forms.IntegerField(label=gettext_lazy("Merchant ID"), min_value=1)
    pos_id = forms.IntegerField(
        label=gettext_lazy("POS ID"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Usually the same as the merchant ID; leave empty then."),
    )
    crc = forms.CharField(
        label=gettext_lazy("CRC key"),
        required=False,
        max_length=100,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    api_key = forms.CharField(
        label=gettext_lazy("API key (reports key)"),
        required=False,
        max_length=100,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    environment = forms.ChoiceField(
        label=gettext_lazy("Environment"),
        initial=SANDBOX,
        choices=[
            (SANDBOX, gettext_lazy("Sandbox (test payments)")),
            (PRODUCTION, gettext_lazy("Production (real payments)")),
        ],
    )
    base_url_override = forms.URLField(
        label=gettext_lazy("Gateway address (development only)"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Replaces the Przelewy24 address, e.g. the development gateway http://127.0.0.1:8190."),
    )
    enabled = forms.BooleanField(label=gettext_lazy("Residents pay online with Przelewy24"), required=False)

    def __init__(self, *args, stored_secrets: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_secrets = stored_secrets or {}
        if not settings.PAYMENT_PROVIDER_URL_OVERRIDE_ALLOWED:
            del self.fields["base_url_override"]
        for name in ("crc", "api_key"):
            if self.stored_secrets.get(name):
                self.fields[name].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                    "masked": crypto.masked(self.stored_secrets[name])
                }

    def clean(self):
        data = super().clean()
        for name in ("crc", "api_key"):
            if not data.get(name) and not self.stored_secrets.get(name):
                self.add_error(name, _("Enter the key from the Przelewy24 panel (My data → API configuration)."))
        return data

    def options(self) -> dict:
        data = self.cleaned_data
        options = {
            "merchant_id": data["merchant_id"],
            "pos_id": data.get("pos_id") or data["merchant_id"],
            "environment": data["environment"],
        }
        if data.get("base_url_override"):
            options["base_url_override"] = data["base_url_override"]
        return options

    def secrets(self) -> dict:
        return {name: self.cleaned_data.get(name) or self.stored_secrets.get(name, "") for name in ("crc", "api_key")}


def base_url(options: dict) -> str:
    override = options.get("base_url_override")
    if override and settings.PAYMENT_PROVIDER_URL_OVERRIDE_ALLOWED:
        return override
    return (
        settings.PRZELEWY24_PRODUCTION_URL
        if options.get("environment") == PRODUCTION
        else settings.PRZELEWY24_SANDBOX_URL
    )


def client_for(config) -> Przelewy24Client:
    try:
        secrets = crypto.secrets_decrypt(config.secrets_encrypted)
    except crypto.InvalidToken as error:  # a key left PAYMENT_SECRETS_KEYS before the secrets were rotated
        raise ProviderKeysUnreadable("the stored keys cannot be decrypted with PAYMENT_SECRETS_KEYS") from error
    options = config.options
    return Przelewy24Client(
        merchant_id=options["merchant_id"],
        pos_id=options.get("pos_id") or options["merchant_id"],
        crc=secrets.get("crc", ""),
        api_key=secrets.get("api_key", ""),
        base_url=base_url(options),
    )


def _int(message: dict, name: str) -> int:
    value = message.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise WebhookRejected(f"{name} is not an integer")
    return value


class Przelewy24Provider(PaymentProvider):
    key = "przelewy24"
    name = gettext_lazy("Przelewy24")
    online = True
    supports_refund = True
    secret_fields = ("crc", "api_key")
    webhook_kinds = ("payment", "refund")  # urlStatus of transaction/register and of refund
    # Given as urlStatus before platnosci/przelewy24/<kind>/: Przelewy24 notifies (and retries) payments and
    # refunds registered then at these.
    webhook_aliases = (("platnosci/p24/status/", "payment"), ("platnosci/p24/zwroty/", "refund"))

    def configuration_form(self, *, config=None, data=None):
        try:
            stored = crypto.secrets_decrypt(config.secrets_encrypted) if config else {}
        except crypto.InvalidToken:
            stored = {}  # unreadable (see client_for): the administrator enters the keys again

        initial = {**(config.options if config else {}), "enabled": bool(config and config.enabled)}
        return Przelewy24ConfigForm(data, initial=initial, stored_secrets=stored)

    def test_connection(self, config) -> None:
        try:
            if not client_for(config).test_access():
                raise ProviderError("testAccess did not answer true")
        except P24Error as error:
            raise (ProviderUnreachable if error.unreachable else ProviderError)(str(error)) from error

    def refund_outcome(self, config, payment, refund) -> bool | None:
        try:
            refunds = client_for(config).refunds_of_order(payment.order_id)
        except P24Error as error:
            raise (ProviderUnreachable if error.unreachable else ProviderError)(str(error)) from error
        for known in refunds:
            if known.get("requestId") == refund.request_id:
                # Przelewy24 lists a refund with status 0 once done (as in its refund notification).
                return known.get("status") == 0
        return None

    def start_payment(self, config, payment, *, session_id, return_url, status_url, language) -> Started:
        client = client_for(config)
        try:
            token = client.register(
                session_id=session_id,
                amount=payment.amount_grosze,
                currency=payment.currency,
                description=payment.description,
                email=payment.email,
                url_return=return_url,
                url_status=status_url,
                language=language if language in ("pl", "en") else "pl",
                time_limit=TIME_LIMIT_MINUTES,
            )
        except P24Error as error:
            raise ProviderError(str(error)) from error
        return Started(redirect_url=client.gateway_url(token), session_id=session_id, token=token)

    def handle_webhook(self, config, *, kind, body) -> Notification:
        message = webhook_json_object(body)
        client = client_for(config)
        if kind == "refund":
            if not client.refund_notification_valid(message):
                raise WebhookRejected("wrong refund notification sign")
        elif not client.notification_valid(message):
            raise WebhookRejected("wrong notification sign")
        if _int(message, "merchantId") != client.merchant_id:
            raise WebhookRejected("another merchant's notification")
        if kind != "refund" and _int(message, "posId") != client.pos_id:
            raise WebhookRejected("another point of sale's notification")
        transaction = {
            "session_id": str(message["sessionId"]),
            "order_id": _int(message, "orderId"),
            "amount": _int(message, "amount"),
            "currency": str(message["currency"]),
        }
        if kind == "refund":
            return Notification(
                kind="refund",
                **transaction,
                refunds_uuid=str(message["refundsUuid"]),
                refund_done=_int(message, "status") == 0,
            )
        return Notification(
            kind="payment",
            **transaction,
            method_id=_int(message, "methodId"),
            statement=str(message.get("statement", ""))[:100],
        )

    def confirm(self, config, payment, notification) -> bool:
        try:
            return client_for(config).verify(
                session_id=notification.session_id,
                order_id=notification.order_id,
                amount=notification.amount,
                currency=notification.currency,
            )
        except P24Error as error:
            logger.warning("Przelewy24 verify failed for session %s: %s", notification.session_id, error)
            return False

    def remote_status(self, config, session_id) -> RemoteStatus:
        try:
            data = client_for(config).transaction_by_session(session_id)
        except P24Error as error:
            raise ProviderError(str(error)) from error
        if data is None:
            return RemoteStatus(paid=False, needs_verify=False, order_id=None, amount=None, known=False)
        status = data.get("status")  # 0 no payment, 1 paid and not verified, 2 paid, 3 returned to the payer
        return RemoteStatus(
            paid=status in (1, 2),
            needs_verify=status == 1,
            order_id=data.get("orderId"),
            amount=data.get("amount"),
            currency=data.get("currency", "PLN"),
        )

    def refund(self, config, payment, refund, *, status_url) -> None:
        try:
            client_for(config).refund(
                request_id=refund.request_id,
                refunds_uuid=refund.refunds_uuid,
                url_status=status_url,
                order_id=payment.order_id,
                session_id=payment.paid_session_id,
                amount=refund.amount_grosze,
                description=refund.reason or "Zwrot opłaty",
            )
        except P24Error as error:
            # Only a request that left and got no refusal may have been carried out (see refund_request).
            raise (ProviderUnreachable if error.may_have_been_done else ProviderError)(str(error)) from error
