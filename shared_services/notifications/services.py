"""Writing notifications (in the transaction of the action they tell of, so both commit or neither) and
preferences."""

from django.db import transaction
from django.utils import timezone

from shared_services.audit.services import audit_record
from shared_services.inbox.outbox import outbox_add

from .models import STAFF_KINDS, Kind, Notification, NotificationPreferences
from .selectors import email_wanted, preferences_of, staff_unread_changed

OUTBOX_KIND = "notify"


def notify(*, recipient, kind: Kind, case, email: str, note=None, entry=None, actor=None) -> Notification:
    """One notification for `recipient` (None: a resident without an account, known by `email` only), and its
    e-mail queued in the outbox unless there is no address or the person switched e-mails of this kind off."""
    emailed = bool(email) and email_wanted(preferences_of(recipient), kind)
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, case=case, note=note, entry=entry, actor=actor, email=email if emailed else ""
    )
    if emailed:
        outbox_add(kind=OUTBOX_KIND, key=f"notify:{notification.pk}", payload={"notification_id": notification.pk})
    return notification


def notifications_read(*, user, ids: list[int] | None = None) -> int:
    """Mark `user`'s unread staff notifications read: those of `ids`, or all. Someone else's ids are ignored.
    Reading is the person's own business, not the office's record, so it is not audited."""
    unread = Notification.objects.filter(recipient=user, kind__in=STAFF_KINDS, read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    staff_unread_changed(user.pk)  # an update() sends no signal (receivers.py)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user, offered: tuple[Kind, ...], emails_off, language: str, actor: str):
    """Save `user`'s choice of e-mails among the kinds `offered` by the form (the others keep their setting:
    a member of staff who is also a resident sets each side on its own page) and their e-mails' language;
    audited when something changed."""
    preferences, _ = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
    before = _state(preferences)
    kept = [kind for kind in preferences.emails_off if kind not in offered]
    preferences.emails_off = sorted({*kept, *(kind for kind in emails_off if kind in offered)})
    preferences.language = language
    preferences.save()
    after = _state(preferences)
    if after != before:
        audit_record(
            actor=actor, action="notifications.preferences", target=f"user:{user.pk}", before=before, after=after
        )
    return preferences


def _state(preferences: NotificationPreferences) -> dict:
    return {"emails_off": sorted(preferences.emails_off), "language": preferences.language}
