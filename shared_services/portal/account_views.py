"""A resident's account on a unit's subdomain: their drafts and applications. Residents sign in through
Keycloak (the national login is brokered there); their account in the unit's schema is made at first
sign-in, so the same person sees, in each unit, what they filed there."""

from django.shortcuts import render

from shared_services.eforms.models import FormDraft, Submission
from shared_services.identity.access import Area, area_required
from shared_services.notifications.forms import resident_preferences_form
from shared_services.offer.selectors import form_url_of_key


@area_required(Area.RESIDENT)
def my_account(request):
    drafts = [
        (draft, form_url_of_key(draft.service_key))
        for draft in FormDraft.objects.filter(owner=request.user)
        .order_by("-updated_at")
        .select_related("standard_form_version", "unit_form_version")
    ]
    submissions = Submission.objects.filter(submitted_by=request.user).select_related("register_entry__case")
    return render(
        request,
        "portal/account.html",
        {
            "drafts": drafts,
            "submissions": submissions,
            "notification_preferences": resident_preferences_form(request.user),
        },
    )
