"""Residents' accounts on a unit's subdomain: Django accounts in the unit's schema until the identity issue
replaces them with Keycloak (and the national login). They hold drafts and show the resident's applications."""

from django import forms
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from shared_services.eforms.models import FormDraft, Submission
from shared_services.offer.selectors import form_url_of_key

from .accounts import resident_exists, resident_register, resident_username


class ResidentRegistrationForm(SetPasswordMixin, forms.Form):
    """An e-mail address (any case) is the resident's sign-in name; the password follows Django's validators."""

    email = forms.EmailField(label=_("E-mail"), max_length=130, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if resident_exists(email):
            raise ValidationError(_("An account with this e-mail already exists; sign in instead."),
                                  code="resident_exists")
        return email

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(get_user_model()(username=self.cleaned_data.get("email", ""),
                                                         email=self.cleaned_data.get("email", "")))
        return super().clean()


class ResidentLoginForm(AuthenticationForm):
    """Signs in a resident by e-mail; staff accounts cannot sign in here (their names have no prefix)."""

    username = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def clean_username(self):
        return resident_username(self.cleaned_data["username"])


class ResidentLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    form_class = ResidentLoginForm
    redirect_authenticated_user = True
    next_page = "resident-account"


def register(request):
    form = ResidentRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = resident_register(email=form.cleaned_data["email"], password=form.cleaned_data["password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        target = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
        return redirect(target if safe else "resident-account")
    return render(request, "portal/register.html", {"form": form})


@login_required(login_url="resident-login")
def my_account(request):
    drafts = [(draft, form_url_of_key(draft.service_key))
              for draft in FormDraft.objects.filter(owner=request.user).order_by("-updated_at")
              .select_related("standard_form_version", "unit_form_version")]
    submissions = Submission.objects.filter(submitted_by=request.user).select_related("register_entry__case")
    return render(request, "portal/account.html", {"drafts": drafts, "submissions": submissions})
