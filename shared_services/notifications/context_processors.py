from django.utils.functional import SimpleLazyObject

from .selectors import staff_unread_count


def notifications(request):
    """The unread count for the office's header: counted (one query) only when a page shows it, which only the
    office's pages do, behind their staff-only guard; other pages do not even read the session for it."""
    return {"notifications_unread": SimpleLazyObject(lambda: _unread(request))}


def _unread(request) -> int:
    user = getattr(request, "user", None)
    return staff_unread_count(user) if user is not None and user.is_authenticated else 0
