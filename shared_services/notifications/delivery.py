"""The notifications' e-mails, sent by the inbox's outbox worker (registered for messages of kind "notify"):
plain text in the person's language (Polish unless they chose otherwise), naming the unit, with a link to the
case — the office's page for staff, the resident's own page for a resident."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from platform_core.hosts import unit_root_url
from shared_services.inbox.outbox_worker import register_handler

from .models import RESIDENT_KINDS, Kind, Notification
from .selectors import preferences_of
from .services import OUTBOX_KIND

_SUBJECTS = {
    Kind.CASE_ASSIGNED: lambda: _("A case assigned to you"),
    Kind.RESIDENT_ANSWERED: lambda: _("The resident has answered"),
}


@register_handler(OUTBOX_KIND)
def notification_email_send(payload: dict) -> None:
    notification = Notification.objects.select_related(
        "recipient", "actor", "note", "entry", "case__register_entry__submission"
    ).get(pk=payload["notification_id"])
    case, unit = notification.case, connection.tenant
    resident = notification.kind in RESIDENT_KINDS
    with translation.override(preferences_of(notification.recipient).language):
        body = render_to_string(
            "notifications/email/resident.txt" if resident else "notifications/email/staff.txt",
            {
                "unit": unit,
                "notification": notification,
                "case": case,
                "entry": case.register_entry,
                "case_url": _resident_case_url(unit, case) if resident else _office_case_url(unit, case),
            },
        )
        what = case.sign or case.register_entry.label
        subject = f"{unit.name}: {what}" if resident else f"{unit.name}: {_SUBJECTS[notification.kind]()} ({what})"
    # The same message if a retry sends it again; a letter keeps the Message-ID it had when the inbox sent it.
    message_id = f"case-note-{notification.note_id}" if resident else f"notify-{notification.pk}"
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[notification.email],
        headers={"Message-ID": f"<{message_id}.{unit.schema_name}@ratusz>"},
    )
    note = notification.note
    if note is not None and note.attachment:
        message.attach(note.attachment.name.rsplit("/", 1)[-1], note.attachment.read())
    message.send()


def _office_case_url(unit, case) -> str:
    return unit_root_url(unit) + reverse("clerk-case", args=[case.pk], urlconf=settings.ROOT_URLCONF).lstrip("/")


def _resident_case_url(unit, case) -> str:
    """The applicant's own case page when they filed signed in; else the page where the access code from the
    receipt's e-mail opens it (never the code itself); a letter on paper has neither, so the unit's site."""
    submission = case.register_entry.submission
    if submission is None:
        return unit_root_url(unit)
    if submission.submitted_by_id:
        name, args = "my-case", [submission.reference]
    else:
        name, args = "case-by-access-code", []
    return unit_root_url(unit) + reverse(name, args=args, urlconf=settings.ROOT_URLCONF).lstrip("/")
