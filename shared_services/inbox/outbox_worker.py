"""Doing the outbox's work (the Celery worker's side; outbox.py writes the messages): each kind of message has a handler; a message is claimed with a row lock that
other workers skip, done, and marked done in one transaction. Handlers are idempotent (a worker killed after
the work but before the mark repeats it harmlessly). Failures are retried with growing pauses."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from platform_core.hosts import platform_root_url, unit_root_url

from . import receipt_pdf, upo
from .models import PAYLOAD_SECRETS, OutboxMessage, OutboxStatus, Receipt

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
FIRST_PAUSE = timedelta(seconds=30)


def outbox_run(*, limit: int = 100) -> int:
    """Do the current unit's due messages, one transaction each; returns how many were handled."""
    handled = 0
    while handled < limit and _run_one():
        handled += 1
    return handled


def _run_one() -> bool:
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if message is None:
            return False
        try:
            with transaction.atomic():
                HANDLERS[message.kind](message.payload)
        except Exception as error:  # any failure: retry later, never lose the message
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                message.payload = _without_secrets(message.payload)  # nobody will need them any more
                logger.exception("outbox message %s failed for good", message.key)
            else:
                message.next_attempt_at = timezone.now() + FIRST_PAUSE * 2 ** (message.attempts - 1)
                logger.warning("outbox message %s failed (attempt %s)", message.key, message.attempts, exc_info=True)
        else:
            message.status, message.done_at = OutboxStatus.DONE, timezone.now()
            message.payload = _without_secrets(message.payload)
        message.save()
        return True


def _without_secrets(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if key not in PAYLOAD_SECRETS}


def _render_receipt_pdf(payload: dict) -> None:
    receipt = (
        Receipt.objects.select_for_update(of=("self",))
        .select_related("register_entry")
        .get(receipt_id=payload["receipt_id"])
    )
    if receipt.pdf:
        return  # done by an earlier attempt whose mark was lost
    verification = upo.receipt_verify(bytes(receipt.signed_xml))
    pdf = receipt_pdf.receipt_pdf(
        verification.facts, verify_url=verification_url(receipt), register_number=receipt.register_entry.label
    )
    receipt.pdf.save(f"upo-{receipt.receipt_id}.pdf", ContentFile(pdf), save=True)


def _send_receipt_email(payload: dict) -> None:
    receipt = Receipt.objects.select_related("register_entry__submission").get(receipt_id=payload["receipt_id"])
    entry = receipt.register_entry
    unit = connection.tenant
    body = render_to_string(
        "inbox/receipt_email.txt",
        {
            "unit": unit,
            "entry": entry,
            "receipt": receipt,
            "unit_url": unit_root_url(unit),
            "verify_url": verification_url(receipt),
            "access_code": payload.get("access_code"),
        },
    )
    message = EmailMessage(
        subject=f"{unit.name}: UPO {entry.label}",
        body=body,
        to=[entry.sender_email],
        headers={"Message-ID": f"<upo-{receipt.receipt_id}@ratusz>"},  # the same message if sent again
    )
    message.attach(f"UPO-{entry.year}-{entry.number}.xml", bytes(receipt.signed_xml), "application/xml")
    message.send()


def verification_url(receipt: Receipt) -> str:
    path = reverse("upo-verify", urlconf=settings.PUBLIC_SCHEMA_URLCONF)
    return f"{platform_root_url().rstrip('/')}{path}?id={receipt.receipt_id}"


HANDLERS = {
    "receipt_pdf": _render_receipt_pdf,
    "receipt_email": _send_receipt_email,
}


def register_handler(kind: str):
    """For the apps above the inbox (from their AppConfig.ready): the decorated function does `kind`'s messages,
    so the inbox delivers their work without importing them."""

    def register(handler):
        if HANDLERS.setdefault(kind, handler) is not handler:
            raise ImproperlyConfigured(f"two handlers for outbox messages of kind {kind!r}")
        return handler

    return register
