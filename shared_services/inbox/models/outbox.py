"""Work to do after a transaction commits, written in that transaction (see inbox/outbox.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model

# What a payload may carry that must not outlive its work (the access code that a receipt's e-mail tells the
# filer): dropped once the message is done or has failed for good, and never written to an export archive.
PAYLOAD_SECRETS = ("access_code",)


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("done")
    FAILED = "failed", _("failed for good")


@tenant_model
class OutboxMessage(models.Model):
    """Work to do after a transaction commits (render a receipt's PDF, send an e-mail). Written in the same
    transaction as what it is about, so neither is lost; done by Celery, at least once, idempotently."""

    kind = models.CharField(max_length=50)
    key = models.CharField(max_length=200, unique=True)  # one message per piece of work, whoever retries
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="inbox_outbox_due")]
