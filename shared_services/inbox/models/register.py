"""The register of incoming correspondence (dziennik podawczy) and the official receipts (UPO) of what it received
electronically."""

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


class Channel(models.TextChoices):
    """How a piece of correspondence reached the office."""

    ELECTRONIC = "electronic", _("electronic (e-services)")
    PAPER = "paper", _("paper")
    EMAIL = "email", _("e-mail")


class EntryKind(models.TextChoices):
    APPLICATION = "application", _("application")
    ANSWER = "answer", _("resident's answer")
    LETTER = "letter", _("letter")


@tenant_model
class RegisterEntry(models.Model):
    """An entry in the register of incoming correspondence (rejestr przesyłek wpływających): an application filed
    online, a resident's answer to the office's request, or a letter that came on paper or by e-mail."""

    year = models.PositiveSmallIntegerField(_("year"))
    # Empty only inside the intake's own transaction, which takes the number last (inbox.services).
    number = models.PositiveIntegerField(_("number"), null=True)
    received_at = models.DateTimeField(_("received"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.ELECTRONIC)
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices, default=EntryKind.APPLICATION)
    # Applications only: the form as the resident filed it.
    submission = models.OneToOneField(
        "eforms.Submission", null=True, blank=True, on_delete=models.PROTECT, related_name="register_entry"
    )
    # The case an answer or a later letter belongs to; an entry that opened a case is that case's register_entry.
    for_case = models.ForeignKey(
        "inbox.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="further_entries",
        verbose_name=_("case"),
    )
    # The id of a document received without an application (an answer, a letter): its form page's token, so the
    # same form sent twice enters the register once; an answer's receipt names it.
    document_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    sender_name = models.CharField(_("sender"), max_length=300)
    sender_email = models.EmailField(_("sender's e-mail"), blank=True)
    sender_address = models.CharField(_("sender's address"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"), blank=True)  # an answer's words; a letter's summary
    # Lets whoever filed the application follow it without an account; only the code's SHA-256 is kept.
    access_code_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001 (unique)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="inbox_register_number_once"),
            models.CheckConstraint(
                condition=~models.Q(kind="application") | models.Q(submission__isnull=False),
                name="inbox_application_has_submission",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="answer") | models.Q(for_case__isnull=False),
                name="inbox_answer_has_case",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number}/{self.year}"

    @property
    def owning_case(self):
        """The case this entry opened, or the one it was registered into; None before the case exists."""
        return self.for_case or getattr(self, "case", None)  # no case opened: RelatedObjectDoesNotExist


ENTRY_FILES_FOLDER = "korespondencja"


def _entry_file_path(entry_file, filename):
    # A random name, as the forms' attachments have: residents' file names may hold personal data.
    return f"{ENTRY_FILES_FOLDER}/{uuid.uuid4().hex}"


@tenant_model
class EntryFile(models.Model):
    """A file that came with an entry which is not an application: an answer's attachments, a letter's scan.
    (An application's files are the form's attachments, eforms.Attachment.)"""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=_entry_file_path)
    original_name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("file of a register entry")
        verbose_name_plural = _("files of register entries")

    def __str__(self):
        return self.original_name


@tenant_model
class Receipt(models.Model):
    """The official receipt (UPO) of what came in electronically (an application, an answer): signed XML, kept
    exactly as issued."""

    receipt_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    register_entry = models.OneToOneField(RegisterEntry, on_delete=models.PROTECT, related_name="receipt")
    produced_at = models.DateTimeField()
    document_sha256 = models.CharField(max_length=64)
    document_json = models.BinaryField()  # the document as filed: the exact bytes of document_sha256
    signed_xml = models.BinaryField()
    key_id = models.CharField(max_length=128)
    pdf = models.FileField(upload_to="upo/", blank=True)  # rendered after intake, from the outbox

    class Meta:
        verbose_name = _("official receipt")
        verbose_name_plural = _("official receipts")
