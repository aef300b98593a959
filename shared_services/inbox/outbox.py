"""Writing to the outbox: work to do after the current transaction commits (a receipt's PDF, e-mails), stored in
that transaction so neither is lost, and the Celery worker woken once it commits. The work itself is done by
outbox_worker.py."""

import logging

from django.db import connection, transaction
from django.utils import timezone

from .models import OutboxMessage
from .tasks import outbox_process

logger = logging.getLogger(__name__)


def outbox_add(*, kind: str, key: str, payload: dict) -> OutboxMessage:
    """Queue work for after the current transaction; the Celery worker is woken when it commits (and a
    periodic sweep finds messages whose wake-up was lost, e.g. while the broker was down)."""
    message, _ = OutboxMessage.objects.get_or_create(
        key=key, defaults={"kind": kind, "payload": payload, "next_attempt_at": timezone.now()}
    )
    wake_worker_after_commit()
    return message


def wake_worker_after_commit():
    """One wake-up per transaction, however many messages it writes. (Django keeps the transaction's pending
    callbacks in `connection.run_on_commit` as (savepoints, callback, robust); a rolled-back transaction
    drops them, so nothing stale can hide a later wake-up.)"""
    if not any(pending[1] is _wake_worker for pending in connection.run_on_commit):
        transaction.on_commit(_wake_worker)


def _wake_worker():
    try:
        outbox_process.delay()
    except Exception:  # the broker may be down: intake has succeeded all the same, and the sweep will find it
        logger.warning("could not wake the outbox worker; the periodic sweep will pick the work up", exc_info=True)
