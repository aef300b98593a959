"""Resident portal views; thin: reads come from the offer's selectors, writes go through eforms' services."""

import functools
import uuid

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from platform_core.rate_limits import ACCESS_CODE, RECEIPT_EMAIL, limits_count, limits_reached, too_many_requests
from shared_services.catalogue.models import Category, LifeEvent
from shared_services.eforms.answers import submission_answers
from shared_services.eforms.definition import DefinitionUnusable
from shared_services.eforms.filers import filed_submission_remember, is_filer
from shared_services.eforms.filling import ApplicationForm, kept_attachments_posted
from shared_services.eforms.models import Submission
from shared_services.eforms.services import DraftAlreadyFiled, draft_form, draft_get, draft_save
from shared_services.inbox.downloads import receipt_pdf_response, receipt_xml_response, submission_document_response
from shared_services.inbox.selectors import entry_by_access_code, resident_messages
from shared_services.inbox.services import AlreadyFiled
from shared_services.offer.selectors import (
    STANDARD,
    ServiceRetired,
    service_card_get,
    service_count,
    service_list,
    service_search,
    service_to_file_get,
)
from shared_services.payments.checkout import payment_access_grant, payment_go
from shared_services.payments.services import application_receive_with_fee


def unit_home(request):
    """The unit's home page: search, categories and life events that have services here."""
    return render(
        request,
        "portal/home.html",
        {
            "service_count": service_count(),
            "categories": Category.objects.all(),
            "life_events": LifeEvent.objects.all(),
        },
    )


def search(request):
    text = request.GET.get("q", "").strip()[:200]
    results = service_search(text) if text else []
    template = "portal/_search_results.html" if request.headers.get("HX-Request") else "portal/search.html"
    response = render(request, template, {"query": text, "results": results})
    patch_vary_headers(response, ["HX-Request"])  # the fragment and the page share one address
    return response


def category_services(request, slug):
    category = get_object_or_404(Category, slug=slug)
    return _service_list_page(request, heading=category.name, kind=_("Category"), services=service_list(category=slug))


def life_event_services(request, slug):
    event = get_object_or_404(LifeEvent, slug=slug)
    return _service_list_page(request, heading=event.name, kind=_("Life event"), services=service_list(life_event=slug))


def _service_list_page(request, *, heading, kind, services):
    return render(request, "portal/service_list.html", {"heading": heading, "kind": kind, "services": services})


def _or_404(selector, kind, slug):
    try:
        return selector(kind=kind, slug=slug)
    except ServiceRetired:
        raise  # the views say so (_no_longer_offered), rather than "not found"
    except LookupError:
        raise Http404(_("This unit does not offer this service.")) from None


def _no_longer_offered(request, retired: ServiceRetired):
    """A card the region retired: residents who kept its address are told it is no longer offered (410 Gone)."""
    return render(request, "portal/service_retired.html", {"retired": retired}, status=410)


def service_card(request, slug, kind=STANDARD):
    try:
        card = _or_404(service_card_get, kind, slug)
    except ServiceRetired as retired:
        return _no_longer_offered(request, retired)
    return render(request, "portal/service_card.html", {"card": card})


def _service_with_form(kind, slug):
    card = _or_404(service_to_file_get, kind, slug)
    if card.form is None:
        raise Http404(_("This service cannot be applied for online."))
    return card


def _check_url(card) -> str:
    return reverse("service-form-check" if card.kind == STANDARD else "own-service-form-check", args=[card.slug])


# The drafts of a visitor without an account, by service: their browser is all that knows them.
SESSION_DRAFTS = "visitor_drafts"


def _draft_of(request, card):
    return draft_get(
        owner=request.user, service_key=card.key, key=request.session.get(SESSION_DRAFTS, {}).get(card.key)
    )


def _draft_remember(request, card, draft) -> None:
    if draft.owner_id is None:
        request.session[SESSION_DRAFTS] = {**request.session.get(SESSION_DRAFTS, {}), card.key: str(draft.key)}


def _form_usable(view):
    """A form version saved before today's checks that fails them cannot be filled in: the resident is told so,
    as for a service without a form (404), instead of meeting an error. Nor can the form of a service whose
    card the region retired: nothing is filed, and the resident is told why (410)."""

    @functools.wraps(view)
    def answered(request, slug, kind=STANDARD):
        try:
            return view(request, slug, kind)
        except ServiceRetired as retired:
            return _no_longer_offered(request, retired)
        except DefinitionUnusable:
            card = _service_with_form(kind, slug)
            return render(request, "portal/form_unusable.html", {"card": card}, status=404)

    return answered


@require_http_methods(["GET", "POST"])
@_form_usable
def service_form(request, slug, kind=STANDARD):
    """Fill in a service's form; what the resident sends is kept as a draft (files that passed their checks
    too, so none is asked for twice) and, once valid, shown on the check page, from which it is filed.
    Signed-in residents also save a draft to come back to; a draft keeps the form version it was started
    with, so what they filled in still fits."""
    card = _service_with_form(kind, slug)
    draft = _draft_of(request, card)
    definition = draft.form_version if draft else card.form
    kept = {attachment.field: attachment.original_name for attachment in draft.attachments.all()} if draft else {}
    if request.method == "POST":
        kept = kept_attachments_posted(kept, request.POST)
        form = ApplicationForm(request.POST, request.FILES, definition=definition, kept_attachments=kept)
        if "save_draft" in request.POST and not request.user.is_authenticated:
            # Signed out meanwhile: keep what was typed on the page and say how to save it.
            form.is_valid()
            messages.error(
                request,
                _(
                    "Your session has ended, so the draft could not be saved. Sign in in another "
                    "tab and save again, or go on to check and send the application now."
                ),
            )
        else:
            draft = draft_save(owner=request.user, service_key=card.key, form=form, draft=draft)
            _draft_remember(request, card, draft)
            if "save_draft" in request.POST:
                messages.success(request, _("Your draft is saved. You can come back to it at any time."))
                return redirect(card.form_url)
            checked = draft_form(draft)
            if checked.is_valid():
                return redirect(_check_url(card))
            # The errors of what was sent (a refused file says why); the files kept by now show as attached.
            for name, original_name in checked.kept_attachments.items():
                form.kept_file_show(name, original_name)
    else:
        form = ApplicationForm(initial=draft.data if draft else None, definition=definition, kept_attachments=kept)
    return render(
        request,
        "portal/service_form.html",
        # A visitor's draft only carries their answers between the form and the check page: no "draft" to them.
        {"card": card, "form": form, "draft": draft if draft and draft.owner_id else None},
    )


@require_http_methods(["GET", "POST"])
@_form_usable
def service_form_check(request, slug, kind=STANDARD):
    """The answers as they will be filed, with their labels, and the fee: "correct" goes back to the form
    with every answer and file kept; "send" files them through the intake, once."""
    card = _service_with_form(kind, slug)
    if request.method == "POST":
        return _file(request, card)
    draft = _draft_of(request, card)
    form = draft_form(draft) if draft else None
    if form is None or not form.is_valid():
        messages.info(request, _("Fill in the form first; then check your answers before sending them."))
        return redirect(card.form_url)
    attachments = [attachment for attachment in draft.attachments.all() if attachment.field not in form.hidden_fields]
    return render(
        request,
        "portal/check_answers.html",
        {
            "card": card,
            "draft": draft,
            "title": form.definition.json_schema.get("title") or card.name,
            "answers": submission_answers(form.definition, form.document(), attachments=attachments),
        },
    )


def _file(request, card):
    """File the checked draft named in the request. Its key is the intake's idempotency key, so a second
    click or a replayed request shows the application filed the first time instead of filing it again."""
    try:
        key = uuid.UUID(request.POST.get("draft", ""))
    except ValueError:
        return HttpResponseBadRequest(_("The request does not say which answers to send. Go back to the form."))
    draft = _draft_of(request, card)
    if draft is None or draft.key != key:
        return _answers_gone(request, card, key)
    form = draft_form(draft)
    if not form.is_valid():  # a check failed since the check page (a form changed): the form says which
        messages.error(request, _("Some answers need correcting before the application can be sent."))
        return redirect(card.form_url)
    refused_emails = []

    def receipt_email_allowed(address):
        """The receipt's e-mail goes to whatever address was typed: limited per address and per client address.
        Past a limit the application is filed all the same; only the e-mail is left out, and the page says so."""
        if limits_reached(request, RECEIPT_EMAIL, value=address) is not None:
            refused_emails.append(address)
            return False
        limits_count(request, RECEIPT_EMAIL, value=address)
        return True

    try:
        # The fee's payment (if any) is created in the intake's own transaction.
        entry, access_code, payment = application_receive_with_fee(
            fee_grosze=card.fee_grosze,
            form=form,
            service_key=card.key,
            service_name=card.name,
            submitted_by=request.user,
            draft=draft,
            jrwa=card.jrwa,
            deadline_days=card.deadline_days,
            idempotency_key=draft.key,
            receipt_email_allowed=receipt_email_allowed,
        )
    except (DraftAlreadyFiled, AlreadyFiled):
        # Another request filed this very draft meanwhile (a double click): this one shows that application.
        return _answers_gone(request, card, key)
    # Only now, with the application, its register entry and its receipt committed, is it acknowledged.
    visitor_drafts = request.session.get(SESSION_DRAFTS, {})
    if str(key) in visitor_drafts.values():
        request.session[SESSION_DRAFTS] = {
            service: held for service, held in visitor_drafts.items() if held != str(key)
        }
    reference = str(entry.submission.reference)
    filed_submission_remember(request, reference)
    request.session[f"access_code:{reference}"] = access_code  # shown once, on the confirmation
    if refused_emails:
        request.session[f"receipt_not_emailed:{reference}"] = True  # said there too
    if payment is not None and payment.provider != "office":
        return payment_go(request, payment)  # to the provider's page; its return page links back here
    return redirect("submission-confirmation", reference=reference)


def _answers_gone(request, card, key):
    """The draft named by `key` is not waiting here any more: filed (by an earlier click, or a replay of this
    request), which its filer is shown; or never this browser's, or removed."""
    earlier = Submission.objects.filter(idempotency_key=key).first()
    # The browser that held a visitor's draft may see what was filed from it: when the first of two clicks
    # filed it, this request's session does not list the application yet.
    held_here = str(key) in request.session.get(SESSION_DRAFTS, {}).values()
    if earlier is None or not (held_here or is_filer(request, earlier)):
        messages.error(request, _("These answers are no longer waiting to be sent. Check the form and send it again."))
        return redirect(card.form_url)
    reference = str(earlier.reference)
    if not is_filer(request, earlier):
        filed_submission_remember(request, reference)
    messages.info(request, _("This application had already been sent; here is its confirmation."))
    return redirect("submission-confirmation", reference=reference)


def _own_submission(request, reference) -> Submission:
    """The application, if this browser filed it or the signed-in resident is its author; 404 for anyone
    else, so that another visitor cannot even learn that it exists."""
    submission = get_object_or_404(
        Submission.objects.select_related("register_entry__receipt").prefetch_related("attachments"),
        reference=reference,
    )
    if not is_filer(request, submission):
        raise Http404
    return submission


def submission_confirmation(request, reference):
    submission = _own_submission(request, reference)
    return render(
        request,
        "portal/confirmation.html",
        {
            "submission": submission,
            "entry": submission.register_entry,
            "receipt": submission.register_entry.receipt,
            "access_code": request.session.pop(f"access_code:{reference}", None),
            "receipt_not_emailed": request.session.pop(f"receipt_not_emailed:{reference}", False),
        },
    )


def my_case(request, reference):
    """A resident's own case: status, what the office asked or replied, documents."""
    submission = _own_submission(request, reference)
    return _case_page(request, submission.register_entry)


class AccessCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Access code"),
        max_length=20,
        help_text=gettext_lazy("From the e-mail with the receipt, e.g. ABCD-EFGH-JKLM."),
    )


def case_by_access_code(request):
    """Anyone who filed without an account follows the case with the code from the receipt's e-mail. Wrong codes
    are counted per client address and per unit; past either limit the form answers 429 for a while."""
    if request.method == "POST" and (wait := limits_reached(request, ACCESS_CODE)) is not None:
        return too_many_requests(request, wait)
    form = AccessCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = entry_by_access_code(form.cleaned_data["code"])
        if entry is not None:
            payment_access_grant(request, entry)  # the code opens the case's fee (pay or resume) too
            _followed_case_remember(request, entry)  # and the files the office sent with its messages
            return _case_page(request, entry)
        limits_count(request, ACCESS_CODE)
        form.add_error("code", _("No case has this access code in this office. Check the code and the office."))
    return render(request, "portal/access_code.html", {"form": form})


def _case_page(request, entry):
    return render(
        request,
        "portal/case.html",
        {
            "entry": entry,
            "case": entry.case,
            "submission": entry.submission,
            "messages_to_resident": _with_attachment_names(resident_messages(entry.case)),
        },
    )


def _with_attachment_names(notes) -> list:
    notes = list(notes)
    for note in notes:
        note.attachment_name = note.attachment.name.rsplit("/", 1)[-1] if note.attachment else ""
    return notes


# The cases this browser opened with their access code: their messages' files download without an account.
SESSION_FOLLOWED_CASES = "followed_cases"


def _followed_case_remember(request, entry) -> None:
    reference = str(entry.submission.reference)
    followed = request.session.get(SESSION_FOLLOWED_CASES, [])
    if reference not in followed:
        request.session[SESSION_FOLLOWED_CASES] = [*followed, reference][-20:]


def followed_case_get(request, reference):
    """The case of the application `reference` for whoever may see it: the browser that filed it, its signed-in
    author, or the browser that opened it with its access code; 404 for anyone else."""
    submission = get_object_or_404(Submission.objects.select_related("register_entry__case"), reference=reference)
    if not (is_filer(request, submission) or str(reference) in request.session.get(SESSION_FOLLOWED_CASES, [])):
        raise Http404
    return submission.register_entry.case


def case_message_attachment(request, reference, note_id):
    """The file the office sent with a request or a reply, for whoever may see the case. Never an internal
    note's."""
    case = followed_case_get(request, reference)
    note = get_object_or_404(resident_messages(case).exclude(attachment=""), pk=note_id)
    return FileResponse(
        note.attachment.open("rb"), as_attachment=True, filename=note.attachment.name.rsplit("/", 1)[-1]
    )


def receipt_download(request, reference, what):
    """The receipt as signed XML (the proof), its PDF copy once rendered, or the application as filed."""
    entry = _own_submission(request, reference).register_entry
    responses = {"xml": receipt_xml_response, "json": submission_document_response, "pdf": receipt_pdf_response}
    return responses[what](entry)
