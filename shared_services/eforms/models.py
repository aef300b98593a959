"""A unit's own forms, residents' drafts and submissions (each unit's schema).

Until the inbox lands, a submission is stored here durably with its files; the inbox takes it over.
"""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.public_references import public_reference
from platform_core.schema_marking import tenant_model

from .definition import FormDefinition, VersionedForm, current_version_field


@tenant_model
class UnitForm(VersionedForm):
    """A form of this unit's own, for a service of its own."""

    current = current_version_field("UnitFormVersion")

    class Meta(VersionedForm.Meta):
        verbose_name = _("unit form")
        verbose_name_plural = _("unit forms")


@tenant_model
class UnitFormVersion(FormDefinition):
    form = models.ForeignKey(UnitForm, on_delete=models.CASCADE, related_name="versions")
    pinned_as = "unit_form_version"

    class Meta(FormDefinition.Meta):
        verbose_name = _("unit form version")
        verbose_name_plural = _("unit form versions")
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="eforms_form_version_once")]


PIN_FIELDS = ("standard_form_version", "unit_form_version")


class _PinnedForm(models.Model):
    """The exact form version a resident filled in: a standard one or the unit's own."""

    # A public row, referred to without a foreign key (platform_core/public_references.py); published
    # versions are never deleted.
    standard_form_version = public_reference("catalogue.StandardFormVersion", null=True, blank=True)
    unit_form_version = models.ForeignKey(
        UnitFormVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def form_version(self) -> FormDefinition:
        return self.standard_form_version or self.unit_form_version

    @staticmethod
    def _one_form_version(name):
        return models.CheckConstraint(
            condition=models.Q(standard_form_version__isnull=True) ^ models.Q(unit_form_version__isnull=True), name=name
        )


@tenant_model
class FormDraft(_PinnedForm):
    """An unfinished application: a signed-in resident's (one per resident and service), or the answers a
    visitor without an account is checking before sending them, which only their browser knows by `key`."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="form_drafts"
    )
    # Names the draft to the browser of a visitor without an account, and becomes the idempotency key of the
    # application filed from it: a draft is filed once, however often "send" arrives.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_key = models.CharField(max_length=120)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.UniqueConstraint(fields=["owner", "service_key"], name="eforms_one_draft_per_service"),
            _PinnedForm._one_form_version("eforms_draft_one_form_version"),
        ]


@tenant_model
class Submission(_PinnedForm):
    """An application as filed. Never edited after it is stored."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # From the form page: the same form sent twice (a lost answer, a double click) files one application.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    service_key = models.CharField(max_length=120)
    service_name = models.CharField(_("service"), max_length=250)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    contact_email = models.EmailField(_("e-mail for replies"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [_PinnedForm._one_form_version("eforms_submission_one_form_version")]

    def __str__(self):
        return f"{self.service_name} ({self.reference})"


def _attachment_path(attachment, filename):
    # The unit's storage already separates units (MEDIA_ROOT/<schema>/…); a random name avoids clashes and
    # keeps residents' file names (which may hold personal data) out of paths.
    return f"zalaczniki/{uuid.uuid4().hex}"


@tenant_model
class Attachment(models.Model):
    """A file a resident attached: first to a draft, then to the submission."""

    draft = models.ForeignKey(FormDraft, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    field = models.CharField(max_length=100)
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(draft__isnull=True) ^ models.Q(submission__isnull=True),
                name="eforms_attachment_of_draft_or_submission",
            )
        ]

    def __str__(self):
        return self.original_name
