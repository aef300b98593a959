"""The unit's electronic inbox (each unit's schema).

A filed application (eforms.Submission) enters the register of incoming correspondence under a number that
is unique and gapless per year, with its official receipt (UPO), in the transaction that stores it. Work that
can wait (the receipt's PDF, e-mails) is written to the outbox in the same transaction and done by Celery.
"""

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
    access_code_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)

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


@tenant_model
class Department(models.Model):
    """An organisational unit of the office (e.g. Wydział Podatków i Opłat, code FN); its code opens the
    znak sprawy of its cases."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=12, unique=True,
                            help_text=_("Letters of the department's case signs, e.g. FN or OŚ."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return f"{self.name} ({self.code})"


@tenant_model
class StaffMember(models.Model):
    """Where a member of staff works; the role (unit administrator, department head, clerk) is their group."""

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="staff_member")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="staff", verbose_name=_("department"))

    class Meta:
        verbose_name = _("member of staff")
        verbose_name_plural = _("members of staff")


class CaseStatus(models.TextChoices):
    NEW = "new", _("new, not registered")
    IN_PROGRESS = "in_progress", _("in progress")
    AWAITING_RESIDENT = "awaiting_resident", _("awaiting documents from the resident")
    CLOSED = "closed", _("closed")


@tenant_model
class Case(models.Model):
    """A case (sprawa) opened for an entry of the register: its znak sprawy, where it is, and its deadline."""

    register_entry = models.OneToOneField(RegisterEntry, on_delete=models.PROTECT, related_name="case")
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="cases", verbose_name=_("department"))
    assignee = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_cases", verbose_name=_("clerk"))
    jrwa = models.CharField(_("JRWA class"), max_length=10, blank=True)
    sign = models.CharField(_("case sign"), max_length=60, blank=True, db_index=True)
    sign_number = models.PositiveIntegerField(null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    archival_category = models.CharField(_("archival category"), max_length=8, blank=True)
    retention_until = models.PositiveSmallIntegerField(_("keep until (year)"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-register_entry__received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["sign"], condition=~models.Q(sign=""), name="inbox_case_sign_once")]

    def __str__(self):
        return self.sign or str(self.register_entry)


@tenant_model
class CaseNote(models.Model):
    """An internal note, a request to the resident or a reply on a case (replies and requests reach the
    resident; notes stay in the office)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("internal note")
        REQUEST = "request", _("request for documents")
        REPLY = "reply", _("reply")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("text"))
    attachment = models.FileField(upload_to="pisma/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")


@tenant_model
class SignCounter(models.Model):
    """The last case number given per department, JRWA class and year (the third part of a znak sprawy)."""

    department_code = models.CharField(max_length=12)
    jrwa = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department_code", "jrwa", "year"],
                                               name="inbox_sign_counter_once")]


from .api_models import ApiToken  # noqa: E402,F401
