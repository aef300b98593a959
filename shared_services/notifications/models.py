"""Notifications of what happened on a case, and each person's choice of e-mails (each unit's schema)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


class Kind(models.TextChoices):
    CASE_ASSIGNED = "case_assigned", _("A case is assigned to me")
    RESIDENT_ANSWERED = "resident_answered", _("A resident answers in my case")
    OFFICE_REQUESTED = "office_requested", _("The office asks me for documents")
    OFFICE_REPLIED = "office_replied", _("The office replies in my case")


STAFF_KINDS = (Kind.CASE_ASSIGNED, Kind.RESIDENT_ANSWERED)
RESIDENT_KINDS = (Kind.OFFICE_REQUESTED, Kind.OFFICE_REPLIED)


@tenant_model
class Notification(models.Model):
    """One piece of news for one person. Staff read theirs in the office's list; the e-mail, unless the person
    switched that kind off, goes through the outbox (key `notify:<id>`). A resident who filed without an
    account has no `recipient`, only the address the e-mail went to."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    case = models.ForeignKey("inbox.Case", on_delete=models.CASCADE, related_name="notifications")
    # What the news is about: the office's letter (a request or reply) or the resident's answer.
    note = models.ForeignKey("inbox.CaseNote", null=True, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey("inbox.RegisterEntry", null=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField(blank=True)  # where the e-mail went; empty when none was sent
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's count on every office page: a person's unread ones.
            models.Index(fields=["recipient", "kind"], condition=models.Q(read_at=None), name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_recent"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")


@tenant_model
class NotificationPreferences(models.Model):
    """A person's choice: which kinds of notification they do not want by e-mail (in-app ones always come to
    staff), and the language of their e-mails. No row: every e-mail, in Polish."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    emails_off = ArrayField(models.CharField(max_length=20, choices=Kind.choices), default=list, blank=True)
    language = models.CharField(
        _("language of e-mails"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")
