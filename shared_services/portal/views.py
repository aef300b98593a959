"""Resident portal views; thin: reads come from the offer's selectors, writes go through eforms' services."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shared_services.catalogue.models import Category, LifeEvent
from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.models import Submission
from shared_services.eforms.services import DraftAlreadyFiled, draft_get, draft_save, submission_create
from shared_services.offer.selectors import (STANDARD, service_card_get, service_count, service_list,
                                            service_search)

# The submissions this browser filed, so that only it sees their confirmation pages.
SESSION_SUBMISSIONS = "filed_submissions"


def unit_home(request):
    """The unit's home page: search, categories and life events that have services here."""
    return render(request, "portal/home.html", {
        "service_count": service_count(),
        "categories": Category.objects.all(), "life_events": LifeEvent.objects.all(),
    })


def search(request):
    text = request.GET.get("q", "").strip()[:200]
    results = service_search(text) if text else []
    template = "portal/_search_results.html" if request.headers.get("HX-Request") else "portal/search.html"
    response = render(request, template, {"query": text, "results": results})
    patch_vary_headers(response, ["HX-Request"])  # the fragment and the page share one address
    return response


def category_services(request, slug):
    category = get_object_or_404(Category, slug=slug)
    return render(request, "portal/service_list.html", {
        "heading": category.name, "kind": _("Category"),
        "services": service_list(category=slug),
    })


def life_event_services(request, slug):
    event = get_object_or_404(LifeEvent, slug=slug)
    return render(request, "portal/service_list.html", {
        "heading": event.name, "kind": _("Life event"),
        "services": service_list(life_event=slug),
    })


def _card_or_404(kind, slug):
    try:
        return service_card_get(kind=kind, slug=slug)
    except LookupError:
        raise Http404(_("This unit does not offer this service."))


def service_card(request, slug, kind=STANDARD):
    return render(request, "portal/service_card.html", {"card": _card_or_404(kind, slug)})


@require_http_methods(["GET", "POST"])
def service_form(request, slug, kind=STANDARD):
    """Fill in and file a service's form. Signed-in residents can save a draft and come back to it; the draft
    keeps the form version it was started with, so what they filled in still fits."""
    card = _card_or_404(kind, slug)
    if card.form is None:
        raise Http404(_("This service cannot be applied for online."))
    draft = draft_get(owner=request.user, service_key=card.key)
    definition = draft.form_version if draft else card.form
    kept = {attachment.field: attachment.original_name for attachment in draft.attachments.all()} if draft else {}
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, definition=definition, kept_attachments=kept)
        if "save_draft" in request.POST and request.user.is_authenticated:
            draft_save(owner=request.user, service_key=card.key, form=form)
            messages.success(request, _("Your draft is saved. You can come back to it at any time."))
            return redirect(card.form_url)
        if "save_draft" in request.POST:  # signed out meanwhile: keep what was typed and say how to save it
            form.is_valid()
            messages.error(request, _("Your session has ended, so the draft could not be saved. Sign in in another "
                                      "tab and save again, or submit the application now."))
        elif form.is_valid():
            try:
                submission = submission_create(form=form, service_key=card.key, service_name=card.name,
                                               submitted_by=request.user, draft=draft)
            except DraftAlreadyFiled:
                messages.error(request, _("This draft has just been filed; see your applications."))
                return redirect("resident-account")
            request.session[SESSION_SUBMISSIONS] = [*request.session.get(SESSION_SUBMISSIONS, []),
                                                    str(submission.reference)]
            return redirect("submission-confirmation", reference=submission.reference)
    else:
        form = ApplicationForm(initial=draft.data if draft else None, definition=definition, kept_attachments=kept)
    return render(request, "portal/service_form.html", {
        "card": card, "form": form, "draft": draft, "kept": kept,
    })


def submission_confirmation(request, reference):
    """Shown to the browser that filed it (or its signed-in author), to nobody else."""
    submission = get_object_or_404(Submission.objects.prefetch_related("attachments"), reference=reference)
    filed_here = str(reference) in request.session.get(SESSION_SUBMISSIONS, [])
    if not filed_here and not (request.user.is_authenticated and submission.submitted_by_id == request.user.pk):
        raise Http404
    return render(request, "portal/confirmation.html", {"submission": submission})
