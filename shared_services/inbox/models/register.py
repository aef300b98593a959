"""The register of incoming correspondence and the official receipts (UPO) of what it received."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


@tenant_model
class RegisterCounter(models.Model):
    """The last number given in a year's register; its row is locked while a number is taken, so numbers
    are never shared and never skipped."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("register counter")
        verbose_name_plural = _("register counters")


@tenant_model
class RegisterEntry(models.Model):
    """An entry in the register of incoming correspondence (rejestr przesyłek wpływających)."""

    year = models.PositiveSmallIntegerField(_("year"))
    # Empty only inside the intake's own transaction, which takes the number last (inbox.services).
    number = models.PositiveIntegerField(_("number"), null=True)
    received_at = models.DateTimeField(_("received"))
    submission = models.OneToOneField("eforms.Submission", on_delete=models.PROTECT, related_name="register_entry")
    sender_name = models.CharField(_("sender"), max_length=300)
    sender_email = models.EmailField(_("sender's e-mail"), blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    # Lets whoever filed the application follow it without an account; only the code's SHA-256 is kept.
    access_code_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001 (unique)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="inbox_register_number_once")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number}/{self.year}"


@tenant_model
class Receipt(models.Model):
    """The official receipt (UPO) of a filed application: signed XML, kept exactly as issued."""

    receipt_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    register_entry = models.OneToOneField(RegisterEntry, on_delete=models.PROTECT, related_name="receipt")
    produced_at = models.DateTimeField()
    document_sha256 = models.CharField(max_length=64)
    document_json = models.BinaryField()  # the application as filed: the exact bytes of document_sha256
    signed_xml = models.BinaryField()
    key_id = models.CharField(max_length=128)
    pdf = models.FileField(upload_to="upo/", blank=True)  # rendered after intake, from the outbox

    class Meta:
        verbose_name = _("official receipt")
        verbose_name_plural = _("official receipts")
