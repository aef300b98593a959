"""What the inbox's signals (inbox/signals.py) become: notifications, written inside the action's transaction."""

from shared_services.inbox.models import CaseNote

from .models import Kind
from .selectors import answer_recipients, staff_unread_changed
from .services import notify


def on_case_assigned(sender, case, assignee, by, **kwargs):
    # The inbox sends this only when someone else assigned the case.
    notify(recipient=assignee, kind=Kind.CASE_ASSIGNED, case=case, email=assignee.email, actor=by)


def on_resident_answered(sender, case, entry, **kwargs):
    for recipient in answer_recipients(case):
        notify(recipient=recipient, kind=Kind.RESIDENT_ANSWERED, case=case, email=recipient.email, entry=entry)


def on_office_wrote(sender, note, **kwargs):
    """A request or reply: to the resident, at the address the application (or letter) gave; their preferences
    are those of the account that filed it, if any."""
    entry = note.case.register_entry
    resident = entry.submission.submitted_by if entry.submission_id else None
    if resident is None and not entry.sender_email:
        return
    kind = Kind.OFFICE_REQUESTED if note.kind == CaseNote.Kind.REQUEST else Kind.OFFICE_REPLIED
    notify(recipient=resident, kind=kind, case=note.case, email=entry.sender_email, note=note)


def on_notification_saved_or_deleted(sender, instance, **kwargs):
    """Every save and delete through the ORM changes the recipient's unread count (selectors.staff_unread_count),
    not only those that remember to say so; marking read with update() says so itself."""
    if instance.recipient_id is not None:
        staff_unread_changed(instance.recipient_id)
