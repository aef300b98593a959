"""A unit's public registers and their records (unit schema).

- `Register`: a standard register the unit keeps, by the standard's slug and the version it adopted (no key
  into the public schema: the definition is read from `catalogue.StandardRegisterVersion` by slug + number).
- `Record`: one entry, its values a document valid against the definition's JSON Schema. A record is entered
  as a draft (or proposed from a closed case) and becomes public when it is published to BIP: its BIP
  publication keeps every version with the act's metadata, and its withdrawal (shared_services/bip).
- `RecordImport`: rows of a CSV or XLSX file checked in full and waiting for the clerk's confirmation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


@tenant_model
class Register(models.Model):
    """A register this unit keeps: the standard register `slug`, adopted at definition version `version`."""

    slug = models.SlugField(_("register"), max_length=36, unique=True)
    version = models.PositiveIntegerField(_("definition version"))
    enabled = models.BooleanField(_("kept"), default=True)
    adopted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("register")
        verbose_name_plural = _("registers")

    def __str__(self):
        return self.slug


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PROPOSED = "proposed", _("proposed from a case")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


@tenant_model
class Record(models.Model):
    """One entry of a register. `data` is its current content; what the public saw, version by version, is its
    BIP publication's versions."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="records")
    number = models.PositiveIntegerField(_("number in the register"))
    definition_version = models.PositiveIntegerField(_("definition version"))
    data = models.JSONField(_("values"))
    status = models.CharField(_("status"), max_length=12, choices=RecordStatus.choices, default=RecordStatus.DRAFT)
    # The act's metadata the clerk gives (art. 8 ust. 6); who entered it and when it was published are BIP's.
    produced_by = models.CharField(_("produced by / responsible for the content"), max_length=300)
    produced_on = models.DateField(_("produced on"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(_("entered by"), max_length=300)
    updated_at = models.DateTimeField(auto_now=True)
    publication = models.ForeignKey(
        "bip.Publication", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The closed case that proposed it (an alcohol permit granted → the permits register).
    source_case = models.ForeignKey("inbox.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["register", "-number"]
        verbose_name = _("register record")
        verbose_name_plural = _("register records")
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="registers_record_number_once"),
            models.UniqueConstraint(
                fields=["register", "source_case"],
                condition=models.Q(source_case__isnull=False),
                name="registers_one_record_per_case",
            ),
        ]

    def __str__(self):
        return f"{self.register.slug} #{self.number}"


@tenant_model
class RecordImport(models.Model):
    """A file's rows, every one valid, waiting for the clerk to confirm writing them all (or none)."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    definition_version = models.PositiveIntegerField()
    rows = models.JSONField()  # the documents, in the file's order
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=300)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("record import")
        verbose_name_plural = _("record imports")
