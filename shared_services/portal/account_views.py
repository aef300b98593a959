"""Residents' accounts on a unit's subdomain: Django accounts in the unit's schema until the identity issue
replaces them with Keycloak (and the national login). They hold drafts and show the resident's applications."""

from django import forms
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import BaseUserCreationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from shared_services.eforms.models import FormDraft, Submission


class ResidentRegistrationForm(BaseUserCreationForm):
    """An e-mail address is the resident's sign-in name."""

    username = forms.EmailField(label=_("E-mail"), max_length=150)

    class Meta(BaseUserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = user.username
        if commit:
            user.save()
        return user


class ResidentLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    redirect_authenticated_user = True
    next_page = "resident-account"


def register(request):
    form = ResidentRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        target = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
        return redirect(target if safe else "resident-account")
    return render(request, "portal/register.html", {"form": form})


@login_required(login_url="resident-login")
def my_account(request):
    drafts = FormDraft.objects.filter(owner=request.user).order_by("-updated_at")
    submissions = Submission.objects.filter(submitted_by=request.user)
    return render(request, "portal/account.html", {"drafts": drafts, "submissions": submissions})
