"""Writes of payments. Every change of a payment's state is one atomic action that also writes the unit's
audit trail. Calls to a provider happen outside row locks, except the verify of a notification: it runs with
the payment's row locked, so that two deliveries of one notification cannot both verify and mark it paid.

The rules that protect the money:
- a notification changes something only when its signature is right, it names this unit's merchant and
  point of sale, a session of a stored payment, and that payment's amount and currency — and only after the
  provider confirmed it (P24's mandatory verify);
- duplicates and replays find the payment already paid and change nothing;
- the resident's return proves nothing: the return page shows the stored status;
- a lost notification is made good by reconciliation (`payment_reconcile`), which asks the provider.
"""

import logging
import uuid
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.money import zloty_display
from shared_services.audit.services import audit_record
from shared_services.inbox.services import application_receive

from . import crypto
from .base import WEBHOOK_MAX_BYTES, Notification, ProviderError, ProviderUnreachable, WebhookRejected
from .models import Payment, PaymentStatus, ProviderConfig, Refund, RefundStatus
from .registry import provider_get, provider_of
from .selectors import (
    intake_provider,
    payment_by_session,
    payments_due_for_reconciliation,
    refunds_due_for_reconciliation,
)
from .signals import payment_paid

logger = logging.getLogger(__name__)
_TRACKED = ("status", "provider", "amount_grosze", "currency", "order_id", "refunded_grosze")
PROVIDER_EMAIL_MAX_LENGTH = 50
UNREADABLE = "(unreadable)"  # how the audit trail shows secrets no configured key opens


def _state(payment: Payment) -> dict:
    state = {field: getattr(payment, field) for field in _TRACKED}
    state["submission"] = str(payment.submission.reference) if payment.submission_id else None
    return state


def _audit(actor: str, action: str, payment: Payment, before: dict | None, **extra) -> None:
    after = {**_state(payment), **extra}
    audit_record(actor=actor, action=f"payment.{action}", target=f"payment:{payment.pk}", before=before, after=after)


def _locked(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().select_related("submission").get(pk=payment.pk)


# --- Intake ------------------------------------------------------------------------------------------


def payment_create_at_intake(*, submission, amount_grosze: int) -> Payment | None:
    """In the intake's transaction: the fee of a freshly filed application, awaiting payment, with the
    provider the unit collects fees with (pay at the office unless it set up Przelewy24), so the amount
    charged is kept as it was when filed. None when the service is free."""
    if amount_grosze <= 0:
        return None
    plugin, _config = intake_provider()
    user = submission.submitted_by
    # Przelewy24 takes at most 50 characters; a longer address, cut, would be invalid and stop the payment.
    email = next(
        (
            address
            for address in (submission.contact_email, user.email if user else "")
            if address and len(address) <= PROVIDER_EMAIL_MAX_LENGTH
        ),
        settings.DEFAULT_FROM_EMAIL.split("<")[-1].strip(">"),
    )
    payment = Payment.objects.create(
        submission=submission,
        provider=plugin.key,
        amount_grosze=amount_grosze,
        description=submission.service_name[:250],
        email=email[:PROVIDER_EMAIL_MAX_LENGTH],
    )
    _audit("system", "create", payment, None)
    return payment


def application_receive_with_fee(*, fee_grosze: int, **intake):
    """`inbox.services.application_receive` and, in the same transaction, the application's payment; returns
    (entry, access code, payment or None). Either both are stored or neither."""
    payments = []
    entry, code = application_receive(
        **intake,
        also=lambda submission: payments.append(
            payment_create_at_intake(submission=submission, amount_grosze=fee_grosze)
        ),
    )
    return entry, code, payments[0]


# --- Starting (and resuming) an online payment -------------------------------------------------------


class NotPayable(Exception):
    """The payment is not awaiting payment online (already paid, or paid at the office)."""


def payment_start(*, payment: Payment, return_url: str, status_url: str, language: str = "pl") -> str:
    """Where to send the resident to pay: the provider's page of a new attempt (a cancelled or abandoned one
    cannot be told from a fresh one; earlier sessions still count if paid late). The new session is
    committed before the provider hears of it, so a notification for it always finds its payment. Raises
    NotPayable, or ProviderError (nothing is lost: the payment stays awaiting and can be resumed)."""
    plugin = provider_of(payment.provider)
    with transaction.atomic():
        payment = _locked(payment)
        if payment.status == PaymentStatus.PAID or not plugin.online:
            raise NotPayable
        if payment.session_id:
            payment.earlier_session_ids = [*payment.earlier_session_ids, payment.session_id]
        payment.attempts += 1
        payment.session_id = f"{connection.schema_name}.{payment.public_id.hex}.{payment.attempts}"
        payment.token, payment.redirect_url, payment.token_created_at = "", "", timezone.now()
        before = _state(payment) if payment.status == PaymentStatus.FAILED else None
        payment.status, payment.closed_at = PaymentStatus.AWAITING, None
        payment.save()
        if before is not None:
            _audit("resident", "resume", payment, before)
        session_id = payment.session_id
    config = ProviderConfig.objects.get(provider=payment.provider)
    started = plugin.start_payment(
        config, payment, session_id=session_id, return_url=return_url, status_url=status_url, language=language
    )
    Payment.objects.filter(pk=payment.pk, session_id=session_id).update(
        token=started.token, redirect_url=started.redirect_url, token_created_at=timezone.now()
    )
    return started.redirect_url


# --- Notifications -----------------------------------------------------------------------------------


def _source_allowed(remote_addr: str | None) -> bool:
    allowed = settings.PAYMENT_NOTIFICATION_ALLOWED_IPS
    return not allowed or remote_addr in allowed


def notification_receive(*, provider_key: str, kind: str, body: bytes, remote_addr: str | None) -> str:
    """Handle a provider's notification on this unit's endpoint; returns what happened ("paid", "duplicate",
    "refunded", …). Raises WebhookRejected (logged) when it must change nothing."""
    try:
        if not _source_allowed(remote_addr):
            raise WebhookRejected(f"source address {remote_addr} is not allowed")
        config = ProviderConfig.objects.filter(provider=provider_key).first()
        if config is None:
            raise WebhookRejected("this unit has not configured the provider")
        if len(body) > WEBHOOK_MAX_BYTES:
            raise WebhookRejected(f"the body is longer than {WEBHOOK_MAX_BYTES} bytes")
        plugin = provider_get(provider_key)
        try:
            notification = plugin.handle_webhook(config, kind=kind, body=body)
        except ProviderError as error:  # the unit's keys cannot be read: the signature cannot be checked
            raise WebhookRejected(f"cannot check the notification: {error}") from error
        except (ValueError, TypeError, LookupError, RecursionError) as error:
            # A body the plugin did not expect (anyone can post to this address): refused, never a 500.
            raise WebhookRejected(f"the plugin could not read the body: {error!r}") from error
        if notification.kind == "refund":
            return _refund_notified(notification, provider_key=provider_key)
        return _payment_notified(plugin, config, notification, provider_key=provider_key)
    except WebhookRejected as rejection:
        logger.warning(
            "payment notification rejected: %s",
            rejection,
            extra={"provider": provider_key, "kind": kind, "remote_addr": remote_addr},
        )
        raise


@transaction.atomic
def _payment_notified(plugin, config, notification: Notification, *, provider_key: str) -> str:
    payment = payment_by_session(notification.session_id, provider=provider_key).select_for_update().first()
    if payment is None:
        raise WebhookRejected(f"no payment of this unit has session {notification.session_id!r}")
    if notification.amount != payment.amount_grosze or notification.currency != payment.currency:
        raise WebhookRejected(
            f"amount {notification.amount} {notification.currency} does not match payment "
            f"{payment.pk} ({payment.amount_grosze} {payment.currency})"
        )
    if payment.status == PaymentStatus.PAID:
        if payment.order_id == notification.order_id:
            return "duplicate"
        raise WebhookRejected(
            f"payment {payment.pk} is already paid by order {payment.order_id}; "
            f"order {notification.order_id} needs the office's attention"
        )
    if not plugin.confirm(config, payment, notification):
        raise WebhookRejected(f"the provider did not verify order {notification.order_id}")
    _mark_paid(payment, notification, via="notification")
    return "paid"


def _mark_paid(payment: Payment, notification: Notification, *, via: str) -> None:
    before = _state(payment)
    payment.status, payment.paid_at, payment.closed_at = PaymentStatus.PAID, timezone.now(), None
    payment.order_id, payment.method_id, payment.statement = (
        notification.order_id,
        notification.method_id,
        notification.statement,
    )
    # A resident may pay in an earlier attempt's tab: refunds and reports name the session that was paid.
    payment.paid_session_id = notification.session_id
    payment.save()
    _audit("system", "paid", payment, before, via=via, session=notification.session_id)
    payment_paid.send(sender=Payment, payment=payment)


@transaction.atomic
def _refund_notified(notification: Notification, *, provider_key: str) -> str:
    refund = (
        Refund.objects.select_for_update()
        .select_related("payment")
        .filter(refunds_uuid=notification.refunds_uuid, payment__provider=provider_key)
        .first()
    )
    if refund is None:
        raise WebhookRejected(f"no refund of this unit has refundsUuid {notification.refunds_uuid!r}")
    payment = _locked(refund.payment)
    if (
        notification.session_id not in payment.session_ids
        or notification.order_id != payment.order_id
        or notification.amount != refund.amount_grosze
        or notification.currency != payment.currency
    ):
        raise WebhookRejected(f"refund notification does not match refund {refund.pk}")
    if refund.status != RefundStatus.REQUESTED:
        return "duplicate"
    return _refund_settle(refund, payment, done=notification.refund_done, via="notification")


def _refund_settle(refund: Refund, payment: Payment, *, done: bool, via: str) -> str:
    """Close a requested refund (both rows locked by the caller), as the provider reported it."""
    before = _state(payment)
    refund.completed_at = timezone.now()
    if done:
        refund.status = RefundStatus.DONE
        payment.refunded_grosze += refund.amount_grosze
        payment.save(update_fields=["refunded_grosze"])
    else:
        refund.status = RefundStatus.REJECTED
    refund.save(update_fields=["status", "completed_at"])
    _audit(
        "system",
        f"refund_{refund.status}",
        payment,
        before,
        refund=refund.pk,
        refund_amount=refund.amount_grosze,
        via=via,
    )
    return f"refund_{refund.status}"


def refund_reconcile(refund: Refund) -> str:
    """Ask the provider about a refund still waiting for its notification: settle it as the provider says,
    or, once it is older than PAYMENT_EXPIRE_AFTER_SECONDS and the provider does not know it, record it as
    refused (the request never reached the provider), so its amount can be refunded again."""
    plugin = provider_get(refund.payment.provider)
    outcome = plugin.refund_outcome(
        ProviderConfig.objects.get(provider=refund.payment.provider), refund.payment, refund
    )
    too_old = timezone.now() - refund.created_at > timedelta(seconds=settings.PAYMENT_EXPIRE_AFTER_SECONDS)
    if outcome is None and not too_old:
        return "refund_requested"
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status != RefundStatus.REQUESTED:
            return f"refund_{locked.status}"
        return _refund_settle(locked, _locked(refund.payment), done=bool(outcome), via="reconciliation")


# --- Reconciliation ----------------------------------------------------------------------------------


def payment_reconcile(payment: Payment) -> str:
    """Ask the provider about a payment still awaiting its notification: complete it when the money came
    (verifying it first when the provider waits for that), expire it when it is too old. Returns "paid",
    "expired" or "awaiting"."""
    plugin = provider_of(payment.provider)
    if not plugin.online or payment.status != PaymentStatus.AWAITING:
        return payment.status
    config = ProviderConfig.objects.get(provider=payment.provider)
    for session_id in payment.session_ids:
        remote = plugin.remote_status(config, session_id)
        if not remote.paid or remote.amount != payment.amount_grosze or remote.currency != payment.currency:
            continue
        notification = Notification(
            kind="payment",
            session_id=session_id,
            order_id=remote.order_id,
            amount=remote.amount,
            currency=remote.currency,
        )
        if remote.needs_verify and not plugin.confirm(config, payment, notification):
            continue
        with transaction.atomic():
            locked = _locked(payment)
            if locked.status == PaymentStatus.PAID:
                return "paid"
            _mark_paid(locked, notification, via="reconciliation")
        return "paid"
    expire_after = timedelta(seconds=settings.PAYMENT_EXPIRE_AFTER_SECONDS)
    started = payment.token_created_at or payment.created_at
    if timezone.now() - started > expire_after:
        with transaction.atomic():
            locked = _locked(payment)
            if locked.status == PaymentStatus.AWAITING and locked.session_id == payment.session_id:
                before = _state(locked)
                locked.status, locked.closed_at = PaymentStatus.FAILED, timezone.now()
                locked.save(update_fields=["status", "closed_at"])
                _audit("system", "expired", locked, before)
                return "expired"
    return "awaiting"


def payments_reconcile_due() -> dict:
    """Reconcile the current unit's online payments that waited long enough; one failure does not stop the rest."""
    outcomes: Counter = Counter()
    older_than = timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS)
    due = payments_due_for_reconciliation(older_than=older_than)
    refunds_due = refunds_due_for_reconciliation(older_than=older_than)
    for reconcile, item in [
        *((payment_reconcile, payment) for payment in due.select_related("submission")[:500]),
        *((refund_reconcile, refund) for refund in refunds_due.select_related("payment")[:500]),
    ]:
        try:
            outcome = reconcile(item)
        except ProviderError as error:
            logger.warning("could not reconcile %s %s: %s", item._meta.model_name, item.pk, error)
            outcome = "unreachable"
        except LookupError as error:  # a refund of a provider taken out of PAYMENT_PROVIDERS: nobody to ask
            logger.warning("could not reconcile %s %s: %s", item._meta.model_name, item.pk, error)
            outcome = "provider_retired"
        outcomes[outcome] += 1
    return dict(outcomes)


# --- The office --------------------------------------------------------------------------------------


@transaction.atomic
def payment_mark_paid_at_office(*, user, payment: Payment) -> Payment:
    payment = _locked(payment)
    if payment.provider != "office":
        raise ValidationError(_("Only fees paid at the office are marked paid by hand."))
    if payment.status == PaymentStatus.PAID:
        return payment
    before = _state(payment)
    payment.status, payment.paid_at, payment.closed_at = PaymentStatus.PAID, timezone.now(), None
    payment.save()
    _audit(user.get_username(), "paid", payment, before, via="office")
    return payment


def refund_request(*, user, payment: Payment, amount_grosze: int, reason: str, status_url: str) -> Refund:
    """Ask the provider to refund `amount_grosze` (all or part of what was paid, never more: refunds already
    requested count). The refund is recorded before the provider is asked; it is done when the provider's
    refund notification says so."""
    with transaction.atomic():
        payment = _locked(payment)
        plugin = provider_of(payment.provider)
        if payment.status != PaymentStatus.PAID or not plugin.supports_refund or payment.order_id is None:
            raise ValidationError(_("This payment cannot be refunded online."))
        pending = sum(payment.refunds.filter(status=RefundStatus.REQUESTED).values_list("amount_grosze", flat=True))
        available = payment.amount_grosze - payment.refunded_grosze - pending
        if amount_grosze <= 0 or amount_grosze > available:
            raise ValidationError(
                _("A refund must be more than 0 zł and at most %(available)s.")
                % {"available": zloty_display(available)}
            )
        refund = Refund.objects.create(
            payment=payment,
            amount_grosze=amount_grosze,
            reason=reason[:250],
            request_id=str(uuid.uuid4()),
            refunds_uuid=uuid.uuid4().hex,
            requested_by=user,
        )
        _audit(
            user.get_username(),
            "refund_requested",
            payment,
            _state(payment),
            refund=refund.pk,
            refund_amount=amount_grosze,
        )
    config = ProviderConfig.objects.get(provider=payment.provider)
    try:
        plugin.refund(config, payment, refund, status_url=status_url)
    except ProviderUnreachable as error:
        # The provider may have taken the refund before the answer was lost: it stays requested, and the
        # provider's refund notification completes it. Refunding again would count it as still pending.
        logger.warning("refund %s: no answer from the provider: %s", refund.pk, error)
        raise RefundPending from error
    except ProviderError as error:
        with transaction.atomic():
            payment = _locked(payment)
            Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.REJECTED, completed_at=timezone.now())
            _audit(
                user.get_username(),
                "refund_rejected",
                payment,
                _state(payment),
                refund=refund.pk,
                error=str(error)[:200],
            )
        logger.warning("refund %s refused by the provider: %s", refund.pk, error)
        raise ValidationError(
            _("The provider refused the refund; nothing was refunded. The platform's log has its answer.")
        ) from error
    return refund


class RefundPending(Exception):
    """The refund is requested, but the provider's answer was lost: its notification will tell."""


# --- Configuration -----------------------------------------------------------------------------------


@transaction.atomic
def provider_config_save(
    *, actor: str, provider_key: str, enabled: bool, options: dict, secrets: dict
) -> ProviderConfig:
    """Store a provider's configuration for the unit; secrets only encrypted. The audit trail records what
    changed, secrets masked."""
    plugin = provider_get(provider_key)
    config, _created = ProviderConfig.objects.select_for_update().get_or_create(provider=provider_key)
    try:
        stored = {
            name: crypto.masked(value) for name, value in crypto.secrets_decrypt(config.secrets_encrypted).items()
        }
    except crypto.InvalidToken:  # keys encrypted under a key that has left PAYMENT_SECRETS_KEYS: replaced now
        stored = dict.fromkeys(plugin.secret_fields, UNREADABLE)
    before = {"enabled": config.enabled, "options": config.options, "secrets": stored}
    config.enabled, config.options = enabled, options
    if plugin.secret_fields:
        config.secrets_encrypted = crypto.secrets_encrypt(
            {name: secrets.get(name, "") for name in plugin.secret_fields}
        )
    config.save()
    after = {
        "enabled": enabled,
        "options": options,
        "secrets": {name: crypto.masked(secrets.get(name, "")) for name in plugin.secret_fields},
    }
    audit_record(
        actor=actor, action="payments.configure", target=f"payment-provider:{provider_key}", before=before, after=after
    )
    return config


def provider_config_test(config: ProviderConfig) -> None:
    """Raise ProviderError when the provider refuses the unit's configuration (P24: testAccess)."""
    provider_get(config.provider).test_connection(config)
