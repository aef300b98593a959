"""Cases (sprawy) opened for register entries, their notes, and the counters of their signs."""

import datetime
import re

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model

from .register import RegisterEntry


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
    department = models.ForeignKey(
        "staff.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("department"),
    )
    assignee = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("clerk"),
    )
    jrwa = models.CharField(_("JRWA class"), max_length=10, blank=True)
    sign = models.CharField(_("case sign"), max_length=60, blank=True, db_index=True)
    sign_number = models.PositiveIntegerField(null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # KPA art. 35 § 5: the days the office waits for the resident's documents do not count. While it waits the
    # deadline stands still (paused_since); when the answer comes the deadline moves by the days waited, which
    # add up in paused_days, so the original deadline is deadline - paused_days.
    paused_since = models.DateField(_("deadline paused since"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("days paused"), default=0)
    archival_category = models.CharField(_("archival category"), max_length=8, blank=True)
    retention_until = models.PositiveSmallIntegerField(_("keep until (year)"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-register_entry__received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["sign"], condition=~models.Q(sign=""), name="inbox_case_sign_once")
        ]

    def __str__(self):
        return self.sign or str(self.register_entry)

    # The deadline's rules, used by every page and count that shows or filters by it.

    @staticmethod
    def overdue_q(today: datetime.date) -> models.Q:
        """Cases overdue on `today`: past their deadline, neither closed nor waiting for the resident."""
        return models.Q(deadline__lt=today, paused_since__isnull=True) & ~models.Q(status=CaseStatus.CLOSED)

    @property
    def file_stem(self) -> str:
        """The case sign (or, before registration, the register number) as a file name's stem, letters and digits
        only: SO.5340.1.2026 → SO-5340-1-2026. Dots would pass for extensions: storage keeps every suffix of a
        name (".5340.1.2026.pdf") and puts its tie-breaking suffix before them all."""
        return re.sub(r"[^\w]+", "-", self.sign or self.register_entry.label, flags=re.ASCII).strip("-")

    @property
    def deadline_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def original_deadline(self) -> datetime.date | None:
        return self.deadline - datetime.timedelta(days=self.paused_days) if self.deadline else None

    def days_left(self, today: datetime.date | None = None) -> int | None:
        """Days until the deadline (negative: overdue), counted while paused as they stood when it stopped;
        None without a deadline or once closed."""
        if self.deadline is None or self.status == CaseStatus.CLOSED:
            return None
        return (self.deadline - (self.paused_since or today or timezone.localdate())).days

    @property
    def overdue(self) -> bool:
        days = self.days_left()
        return days is not None and days < 0 and not self.deadline_paused

    def deadline_pause(self, today: datetime.date) -> None:
        """The office has asked the resident for documents: the deadline stops (if it has not already)."""
        if self.paused_since is None:
            self.paused_since = today

    def deadline_resume(self, today: datetime.date) -> int:
        """The resident's answer has come: the deadline moves by the days it stood still; returns them."""
        if self.paused_since is None:
            return 0
        days = max((today - self.paused_since).days, 0)
        self.paused_days += days
        if self.deadline is not None:
            self.deadline += datetime.timedelta(days=days)
        self.paused_since = None
        return days


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
        constraints = [
            models.UniqueConstraint(fields=["department_code", "jrwa", "year"], name="inbox_sign_counter_once")
        ]
