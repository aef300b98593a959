"""Staff's notifications at /urzad/powiadomienia/ (each person sees and marks only their own) with their choice of
e-mails, and a resident's choice of e-mails (the form is on their account page)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from platform_core.forms import row_ids
from shared_services.identity.access import Area, area_required

from .forms import resident_preferences_form, staff_preferences_form
from .models import RESIDENT_KINDS, STAFF_KINDS
from .selectors import staff_notifications
from .services import notifications_read, preferences_save

PAGE_SIZE = 30


def _list_page(request, *, error: str = "", status: int = 200):
    page = Paginator(staff_notifications(request.user), PAGE_SIZE).get_page(request.GET.get("strona"))
    return render(request, "notifications/list.html", {"page": page, "error": error}, status=status)


@area_required(Area.OFFICE)
def notification_list(request):
    return _list_page(request)


@area_required(Area.OFFICE)
@require_POST
def notifications_mark_read(request):
    """Mark read the ticked notifications (`notification`, repeated) or, with `all`, every one."""
    if "all" in request.POST:
        marked = notifications_read(user=request.user)
    else:
        try:
            ids = set(row_ids(request.POST.getlist("notification")))
        except ValueError:
            ids = set()
        if not ids:
            return _list_page(request, error=_("Choose a notification to mark as read."), status=400)
        if staff_notifications(request.user).filter(pk__in=ids).count() != len(ids):
            raise Http404  # not this person's: someone else's notifications are nobody's business here
        marked = notifications_read(user=request.user, ids=list(ids))
    messages.success(
        request,
        ngettext("%(count)s notification marked as read.", "%(count)s notifications marked as read.", marked)
        % {"count": marked},
    )
    return redirect("clerk-notifications")


@area_required(Area.OFFICE)
def staff_preferences(request):
    form = staff_preferences_form(request.user, _posted(request))
    if request.method == "POST":
        if form.is_valid():
            _save(request, form, STAFF_KINDS)
            return redirect("clerk-notifications")
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
    return render(request, "notifications/preferences.html", {"form": form})


@area_required(Area.RESIDENT)
def resident_preferences(request):
    """The account page's section posts here; the same form alone when it has errors or is opened directly."""
    form = resident_preferences_form(request.user, _posted(request))
    if request.method == "POST":
        if form.is_valid():
            _save(request, form, RESIDENT_KINDS)
            return redirect("resident-account")
        return render(request, "notifications/resident_preferences.html", {"form": form}, status=400)
    return render(request, "notifications/resident_preferences.html", {"form": form})


def _posted(request):
    return request.POST if request.method == "POST" else None


def _save(request, form, kinds):
    preferences_save(
        user=request.user,
        offered=kinds,
        emails_off=form.emails_off,
        language=form.cleaned_data["language"],
        actor=request.user.get_username(),
    )
    messages.success(request, _("Your choice of e-mails is saved."))
