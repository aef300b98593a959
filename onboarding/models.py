from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from platform_core.schema_marking import public_model

from .actors import Actor


class OperatorActionKind(models.TextChoices):
    # Context: the same English word is also a unit status ("suspended"), which Polish inflects differently.
    ONBOARD = "onboard", pgettext_lazy("operator action", "onboarded")
    SUSPEND = "suspend", pgettext_lazy("operator action", "suspended")
    RESUME = "resume", pgettext_lazy("operator action", "resumed")
    EXPORT = "export", pgettext_lazy("operator action", "exported")
    DOWNLOAD = "download", pgettext_lazy("operator action", "downloaded an export")
    IMPORT = "import", pgettext_lazy("operator action", "restored from an archive")
    OFFBOARD = "offboard", pgettext_lazy("operator action", "offboarded")
    INVITE = "invite", pgettext_lazy("operator action", "invited an administrator")
    BULK_ONBOARD = "bulk_onboard", pgettext_lazy("operator action", "started bulk onboarding")
    CARD_DRAFT = "card_draft", pgettext_lazy("operator action", "edited a service card draft")
    CARD_SUBMIT = "card_submit", pgettext_lazy("operator action", "sent a service card for review")
    CARD_RETURN = "card_return", pgettext_lazy("operator action", "returned a service card to its draft")
    CARD_PUBLISH = "card_publish", pgettext_lazy("operator action", "published a service card")
    CARD_DISCARD = "card_discard", pgettext_lazy("operator action", "discarded a service card draft")
    CARD_RETIRE = "card_retire", pgettext_lazy("operator action", "retired a service card")
    CARD_RESTORE = "card_restore", pgettext_lazy("operator action", "offered a retired service card again")
    TERM_SAVE = "term_save", pgettext_lazy("operator action", "saved a category or life event")
    TERM_DELETE = "term_delete", pgettext_lazy("operator action", "deleted a category or life event")
    CATALOGUE_IMPORT = "catalogue_import", pgettext_lazy("operator action", "imported the catalogue")
    CATALOGUE_EXPORT = "catalogue_export", pgettext_lazy("operator action", "exported the catalogue")
    FORM_PUBLISH = "form_publish", pgettext_lazy("operator action", "published a standard form version")


@public_model
class OperatorAction(models.Model):
    """The operators' audit log: who did what to which unit, when and from where. Rows are only added."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who"), max_length=150)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=OperatorActionKind.choices)
    unit = models.ForeignKey(
        "tenants.Tenant",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operator_actions",
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("operator action")
        verbose_name_plural = _("operator actions")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_action_display()}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    FINISHED = "finished", _("finished")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    DONE = "done", _("onboarded")
    SKIPPED = "skipped", _("already active")
    FAILED = "failed", _("failed")


@public_model
class OnboardingJob(models.Model):
    """A bulk onboarding: many units, one after another, each succeeding or failing on its own."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.CharField(_("started by"), max_length=150)
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_from = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("onboarding job")
        verbose_name_plural = _("onboarding jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.source}"

    @property
    def actor(self):
        return Actor(label=self.created_by, user=self.created_by_user, ip_address=self.created_from)


@public_model
class OnboardingJobItem(models.Model):
    job = models.ForeignKey(OnboardingJob, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    code = models.CharField(_("TERC code"), max_length=12)
    name = models.CharField(_("name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["job", "code"], name="onboarding_item_once_per_job")]


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("being written")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("deleted after its time")


@public_model
class UnitExport(models.Model):
    """An export archive a unit's administrator asked for at /urzad/eksport/, written by a Celery task into the
    unit's own folder office-exports/<code>/ of the exports storage and deleted after a while (office_exports_expire in
    onboarding/services.py).
    Offboarding archives and operators' exports are not rows here: they are kept."""

    unit = models.ForeignKey(
        "tenants.Tenant", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="office_exports"
    )
    requested_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    requested_by = models.CharField(_("asked for by"), max_length=150)
    requested_from = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    archive_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(_("size"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("unit export")
        verbose_name_plural = _("unit exports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One archive at a time per unit: a second request while one is written shows that one.
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(status__in=["queued", "running"]),
                name="unit_export_one_at_a_time",
            )
        ]

    def __str__(self):
        return f"{self.unit_id} #{self.pk} {self.status}"

    @property
    def actor(self):
        return Actor(label=self.requested_by, ip_address=self.requested_from)
