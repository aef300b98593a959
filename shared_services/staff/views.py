from functools import wraps

from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onboarding.actors import Actor
from onboarding.services import unit_export

from .forms import AcceptInvitationForm
from .models import StaffRole
from .services import invitation_accept, invitation_find


def accept_invitation(request, token):
    invitation = invitation_find(token)
    if invitation is None:
        return render(request, "staff/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(invitation=invitation, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("unit-home")
    return render(request, "staff/accept_invitation.html", {"form": form, "invitation": invitation})


def unit_administrator_required(view):
    """Staff of this unit with the administrator role; accounts live in the unit's schema, so nobody else's
    session (another unit's clerk, an operator, a resident) is a session here."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "clerk-login")
        if not request.user.groups.filter(name=StaffRole.UNIT_ADMIN).exists():
            return render(request, "staff/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


@unit_administrator_required
def clerk_home(request):
    return render(request, "staff/clerk_home.html")


@unit_administrator_required
def export_page(request):
    return render(request, "staff/export.html")


@require_POST
@unit_administrator_required
def export_download(request):
    """The unit's own data and files as an export archive — also while the unit is suspended."""
    # The clerk's account is in the unit's schema: the audit log (public) names it, without a link.
    actor = Actor(label=f"{request.user.get_username()} ({connection.tenant.slug})",
                  ip_address=request.META.get("REMOTE_ADDR"))
    archive = unit_export(unit=connection.tenant, actor=actor)
    return FileResponse(archive.open("rb"), as_attachment=True, filename=archive.name)
