from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .forms import AcceptInvitationForm
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
