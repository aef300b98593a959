"""The office's screen for the API's tokens (/urzad/api/): unit administrators list, issue and revoke them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shared_services.identity.access import Area, area_required

from ..models import ApiScope, ApiToken
from .services import api_token_issue, api_token_revoke


class TokenIssueForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("System"),
        max_length=100,
        help_text=gettext_lazy("Which system will use the token, e.g. EZD RP."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What it may read"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )


@never_cache
@area_required(Area.OFFICE_ADMIN)
def token_list(request):
    """The tokens issued; a POST issues one and shows it, once, on the page it answers with."""
    form = TokenIssueForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, secret = api_token_issue(
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    actor=request.user.get_username(),
                )
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
                status = 400
            else:
                issued = {"token": token, "secret": secret}
                form = TokenIssueForm()
        else:
            status = 400
    return render(
        request,
        "inbox/api_tokens.html",
        {
            "tokens": ApiToken.objects.all(),
            "form": form,
            "issued": issued,
            "schema_url": request.build_absolute_uri(reverse("inbox-api:schema")),
            "docs_url": request.build_absolute_uri(reverse("inbox-api:docs")),
        },
        status=status,
    )


@require_POST
@area_required(Area.OFFICE_ADMIN)
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk)
    if token.revoked_at is None:
        api_token_revoke(token=token, actor=request.user.get_username())
        messages.success(request, _("The token of %(name)s was revoked.") % {"name": token.name})
    return redirect("clerk-api-tokens")
