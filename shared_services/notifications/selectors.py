"""Reading notifications and preferences."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet

from platform_core.generation_cache import GenerationCache
from shared_services.identity.access import StaffRole

from .models import STAFF_KINDS, Kind, Notification, NotificationPreferences


def staff_notifications(user) -> QuerySet[Notification]:
    """`user`'s notifications as a member of staff, newest first, with what their list shows."""
    return (
        Notification.objects.filter(recipient=user, kind__in=STAFF_KINDS)
        .select_related("case__register_entry", "actor")
        .order_by("-created_at", "-pk")
    )


# The office's header shows the count on every page, and the notifications table is one a connection meets
# cold in most units (its catalogue entries cost PostgreSQL about a millisecond): so the count is cached per
# person, under a generation replaced by every notification of theirs written or read.
_UNREAD = GenerationCache("unit_pages", key_version=1)


def _unread_generation_key(user_id) -> str:
    return f"unread-generation:{connection.tenant.pk}:{user_id}"


def staff_unread_count(user) -> int:
    """The header's count: one query on the partial index of unread notifications, unless cached."""
    return _UNREAD.cached(
        f"unread:{connection.tenant.pk}:{user.pk}",
        [_unread_generation_key(user.pk)],
        lambda: Notification.objects.filter(recipient=user, kind__in=STAFF_KINDS, read_at=None).count(),
    )


def staff_unread_changed(user_id) -> None:
    """The person's cached count is not used any more, from now and after the current transaction commits."""
    _UNREAD.replace(_unread_generation_key(user_id))


def preferences_of(user) -> NotificationPreferences:
    """`user`'s preferences (unsaved defaults when they never changed them)."""
    if user is None:
        return NotificationPreferences()
    return NotificationPreferences.objects.filter(user=user).first() or NotificationPreferences(user=user)


def email_wanted(preferences: NotificationPreferences, kind: Kind) -> bool:
    return kind not in preferences.emails_off


def answer_recipients(case) -> list:
    """Who hears of the resident's answer: the case's clerk; without one, the heads of its department; without a
    department (or heads), the unit's administrators."""
    if case.assignee_id and case.assignee.is_active:
        return [case.assignee]
    staff = get_user_model().objects.filter(is_active=True).order_by("pk")
    if case.department_id:
        heads = list(staff.filter(groups__name=StaffRole.DEPARTMENT_HEAD, staff_member__department=case.department_id))
        if heads:
            return heads
    return list(staff.filter(groups__name=StaffRole.UNIT_ADMIN))
