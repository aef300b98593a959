"""The catalogue's data in the console: categories and life events, and the whole catalogue's export and import
(upload → preview of the plan → confirmation). Views are thin: forms validate, services act and audit."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared_services.catalogue.terms import TERM_MODELS, TermInUse, terms_with_usage
from shared_services.catalogue.transfer import (
    CatalogueDocumentInvalid,
    CataloguePlanChanged,
    card_path_labels,
    catalogue_plan,
)
from shared_services.identity.access import Area, area_required

from .actors import Actor
from .catalogue_transfer_forms import CatalogueImportForm, TermForm
from .catalogue_transfer_services import (
    catalogue_export_for,
    catalogue_import,
    catalogue_upload_keep,
    catalogue_upload_read,
    term_delete_for,
    term_save_for,
)
from .models import OperatorAction, OperatorActionKind

operator_required = area_required(Area.CONSOLE)
# The session remembers which uploads this operator previewed: only those may be confirmed from it.
PREVIEWED = "catalogue_imports_previewed"
PREVIEWS_REMEMBERED = 5
# Said whole, not as "New {kind}": Polish inflects the adjective by the noun's gender.
NEW_TERM_HEADINGS = {"category": gettext_lazy("New category"), "life_event": gettext_lazy("New life event")}


@operator_required
def terms(request):
    return render(
        request,
        "onboarding/console/catalogue/terms.html",
        {
            "sections": [
                ("category", terms_with_usage("category"), _("Categories"), NEW_TERM_HEADINGS["category"]),
                ("life_event", terms_with_usage("life_event"), _("Life events"), NEW_TERM_HEADINGS["life_event"]),
            ]
        },
    )


@operator_required
def term_new(request, kind):
    form = TermForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        term, _created = term_save_for(kind=kind, actor=Actor.from_request(request), **form.cleaned_data)
        messages.success(request, _("“%(name)s” was added.") % {"name": term.name})
        return redirect("console-catalogue-terms")
    return _term_form(request, form, kind, None)


@operator_required
def term_edit(request, kind, slug):
    term = get_object_or_404(TERM_MODELS[kind], slug=slug)
    form = TermForm(request.POST or None, kind=kind, term=term)
    if request.method == "POST" and form.is_valid():
        term_save_for(kind=kind, slug=term.slug, actor=Actor.from_request(request), **form.cleaned_data)
        messages.success(request, _("“%(name)s” was saved.") % {"name": form.cleaned_data["name"]})
        return redirect("console-catalogue-terms")
    return _term_form(request, form, kind, term)


def _term_form(request, form, kind, term):
    return render(
        request,
        "onboarding/console/catalogue/term_form.html",
        {
            "form": form,
            "term": term,
            "heading": _("Edit “%(name)s”") % {"name": term.name} if term else NEW_TERM_HEADINGS[kind],
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
@operator_required
def term_delete(request, kind, slug):
    term = get_object_or_404(TERM_MODELS[kind], slug=slug)
    try:
        term_delete_for(kind=kind, term=term, actor=Actor.from_request(request))
    except TermInUse as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("“%(name)s” was deleted.") % {"name": term.name})
    return redirect("console-catalogue-terms")


@operator_required
def transfer(request):
    return _transfer_page(request, CatalogueImportForm())


def _transfer_page(request, form, status=200):
    return render(request, "onboarding/console/catalogue/transfer.html", {"form": form}, status=status)


@require_POST
@operator_required
def export(request):
    content = catalogue_export_for(actor=Actor.from_request(request))
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    name = f"katalog-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@operator_required
def import_upload(request):
    form = CatalogueImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sha256 = catalogue_upload_keep(form.cleaned_data["document"])
        except CatalogueDocumentInvalid as invalid:
            form.add_error("document", invalid.errors)
        else:
            previewed = [sha256, *(key for key in request.session.get(PREVIEWED, []) if key != sha256)]
            request.session[PREVIEWED] = previewed[:PREVIEWS_REMEMBERED]
            return redirect("console-catalogue-import-preview", sha256=sha256)
    return _transfer_page(request, form, status=400)


@operator_required
def import_preview(request, sha256):
    """GET: what importing the upload would do (nothing is written). POST: do it, as previewed."""
    if sha256 not in request.session.get(PREVIEWED, []):
        raise Http404  # an upload of another session, or one already imported
    document = catalogue_upload_read(sha256)
    if document is None:
        raise Http404
    if request.method == "POST":
        try:
            _plan, action = catalogue_import(
                sha256=sha256, expected_digest=request.POST.get("plan", ""), actor=Actor.from_request(request)
            )
        except CataloguePlanChanged:
            messages.error(
                request, _("The catalogue changed since this preview; check the new plan and confirm again.")
            )
        except LookupError:
            raise Http404 from None
        else:
            request.session[PREVIEWED] = [key for key in request.session[PREVIEWED] if key != sha256]
            return redirect("console-catalogue-import-done", action_id=action.pk)
    plan = catalogue_plan(document)
    labels = card_path_labels()
    return render(
        request,
        "onboarding/console/catalogue/import_preview.html",
        {
            "plan": plan,
            "sha256": sha256,
            "versioned": [(change, [labels[path] for path in change.fields]) for change in plan.cards_versioned],
            "document": document,
        },
        status=409 if request.method == "POST" else 200,
    )


@operator_required
def import_done(request, action_id):
    action = get_object_or_404(OperatorAction, pk=action_id, action=OperatorActionKind.CATALOGUE_IMPORT)
    return render(request, "onboarding/console/catalogue/import_done.html", {"action": action})
