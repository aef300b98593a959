"""The regional catalogue's cards in the operators' console: the list, the editor, review and publishing,
retiring, and each card's history. Views are thin: forms validate, onboarding.catalogue_services act."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shared_services.catalogue.diff import card_diff
from shared_services.catalogue.models import StandardService, StandardServiceVersion, VersionStatus
from shared_services.catalogue.selectors import card_history, card_units_offering_count, console_cards
from shared_services.catalogue.services import CatalogueError, service_open_version
from shared_services.identity.access import Area, area_required

from .actors import Actor
from .catalogue_forms import CardFilterForm, CardForm, RetireForm, ReturnForm, card_initial
from .catalogue_services import (
    card_create,
    card_discard,
    card_draft_save,
    card_publish,
    card_restore,
    card_retire,
    card_return,
    card_submit,
)
from .models import OperatorAction, OperatorActionKind

operator_required = area_required(Area.CONSOLE)
CARDS_PER_PAGE = 50


@operator_required
def card_list(request):
    form = CardFilterForm(request.GET or None)
    form.is_valid()  # a bad value drops its own filter only: the others keep theirs
    filters = getattr(form, "cleaned_data", {})
    cards = console_cards(
        text=filters.get("q", ""),
        category=filters.get("category", ""),
        life_event=filters.get("life_event", ""),
        unit_kind=filters.get("unit_kind", ""),
        maturity_level=filters.get("maturity_level"),
        status=filters.get("status", ""),
    )
    page = Paginator(cards, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "onboarding/console/catalogue/card_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "searched": bool(filters.get("q"))},
    )


def _card(slug) -> StandardService:
    return get_object_or_404(StandardService.objects.select_related("published"), slug=slug)


def _card_name(service, version=None) -> str:
    """What the card is called on its pages: its published name, else its draft's, else its address."""
    if service.published_id:
        return service.published.name
    return version.name if version is not None else service.slug


def _versions_with_terms():
    return StandardServiceVersion.objects.select_related("form").prefetch_related(
        Prefetch("categories"), Prefetch("life_events")
    )


def _open_version(service) -> StandardServiceVersion | None:
    return (
        _versions_with_terms()
        .filter(service=service, status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW])
        .first()
    )


def _published_version(service) -> StandardServiceVersion | None:
    return _versions_with_terms().filter(pk=service.published_id).first() if service.published_id else None


def _last_return(version) -> OperatorAction | None:
    """The reviewer's note when the open version came back from review (it is in the audit log)."""
    if version is None or version.status != VersionStatus.DRAFT:
        return None
    return (
        OperatorAction.objects.filter(
            action=OperatorActionKind.CARD_RETURN,
            details__slug=version.service.slug,
            details__version=version.number,
        )
        .order_by("-at", "-id")
        .first()
    )


@operator_required
def card_detail(request, slug):
    return _card_page(request, _card(slug), retire_form=RetireForm())


def _card_page(request, service, *, retire_form, status=200):
    """The card's page: its state, the work on its open version, its history, retiring it."""
    open_version = service_open_version(service)
    return render(
        request,
        "onboarding/console/catalogue/card_detail.html",
        {
            "service": service,
            "card_name": _card_name(service, open_version),
            "open_version": open_version,
            "returned": _last_return(open_version),
            "units": card_units_offering_count(service),
            "history": card_history(service),
            "retire_form": retire_form,
            "return_form": ReturnForm(),
        },
        status=status,
    )


def _editor(request, form, *, service=None, open_version=None, status=200):
    return render(
        request,
        "onboarding/console/catalogue/card_edit.html",
        {
            "form": form,
            "service": service,
            "card_name": _card_name(service, open_version) if service else "",
            "open_version": open_version,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@operator_required
def card_new(request):
    form = CardForm(request.POST or None, new_card=True)
    if request.method == "POST":
        if form.is_valid():
            try:
                draft = card_create(
                    slug=form.cleaned_data["slug"],
                    changes=form.changes(),
                    categories=form.cleaned_data["categories"],
                    life_events=form.cleaned_data["life_events"],
                    actor=Actor.from_request(request),
                )
            except CatalogueError as error:
                form.add_error("slug", str(error))
            except ValidationError as error:  # the model's own checks, should the form's ever miss one
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, _("The new card is saved as a draft; nobody sees it until it is published."))
                return redirect("console-card", slug=draft.service.slug)
        return _editor(request, form, status=400)
    return _editor(request, form)


@require_http_methods(["GET", "POST"])
@operator_required
def card_edit(request, slug):
    """Edit the card's open draft; with none, the published card is copied into a new draft when saved."""
    service = _card(slug)
    open_version = _open_version(service)
    if open_version is not None and open_version.status == VersionStatus.IN_REVIEW:
        messages.info(request, _("This version is in review and cannot be edited; return it to draft first."))
        return redirect("console-card", slug=slug)
    if request.method == "POST":
        form = CardForm(request.POST)
        if form.is_valid():
            try:
                draft = card_draft_save(
                    service=service,
                    changes=form.changes(),
                    categories=form.cleaned_data["categories"],
                    life_events=form.cleaned_data["life_events"],
                    actor=Actor.from_request(request),
                )
            except CatalogueError as error:
                messages.error(request, str(error))
                return redirect("console-card", slug=slug)
            except ValidationError as error:  # the model's own checks, should the form's ever miss one
                form.add_error(None, " ".join(error.messages))
                return _editor(request, form, service=service, open_version=open_version, status=400)
            messages.success(
                request,
                _("Version %(number)d is saved as a draft. Check the changes and send it for review.")
                % {"number": draft.number},
            )
            return redirect("console-card-diff", slug=slug)
        return _editor(request, form, service=service, open_version=open_version, status=400)
    base = open_version or _published_version(service)
    initial = card_initial(base, change_note=open_version.change_note if open_version else "") if base else {}
    return _editor(request, CardForm(initial=initial), service=service, open_version=open_version)


@operator_required
def card_diff_view(request, slug):
    """What the open version changes against the published card, before it is sent or published."""
    service = _card(slug)
    open_version = _open_version(service)
    if open_version is None:
        messages.info(request, _("The card has no draft: the published version is all there is."))
        return redirect("console-card", slug=slug)
    return render(
        request,
        "onboarding/console/catalogue/card_diff.html",
        {**_changes_context(service, open_version), "return_form": ReturnForm()},
    )


def _changes_context(service, open_version) -> dict:
    """What the diff and publish pages show: the open version against the published card, and its reach."""
    return {
        "service": service,
        "card_name": _card_name(service, open_version),
        "open_version": open_version,
        "changes": card_diff(_published_version(service), open_version),
        "units": card_units_offering_count(service),
    }


@require_http_methods(["GET", "POST"])
@operator_required
def card_publish_view(request, slug):
    """GET: what publishing will do (the units it reaches at once, the changes); POST: publish."""
    service = _card(slug)
    open_version = _open_version(service)
    if open_version is None or open_version.status != VersionStatus.IN_REVIEW:
        messages.error(request, _("Only a version in review can be published; send the draft for review first."))
        return redirect("console-card", slug=slug)
    if request.method == "POST":
        try:
            card_publish(version=open_version, actor=Actor.from_request(request))
        except CatalogueError as error:
            messages.error(request, str(error))
            return redirect("console-card", slug=slug)
        messages.success(
            request,
            _("Version %(number)d is published: every unit offering the card shows it now.")
            % {"number": open_version.number},
        )
        return redirect("console-card", slug=slug)
    return render(request, "onboarding/console/catalogue/card_publish.html", _changes_context(service, open_version))


def _open_version_action(act, success_message, *, form_class=None):
    """A POST that moves the card's open version (send for review, return, discard), back to the card's page."""

    @require_POST
    @operator_required
    def view(request, slug):
        service = _card(slug)
        open_version = service_open_version(service)
        if open_version is None:
            messages.error(request, _("The card has no draft or version in review; nothing was changed."))
            return redirect("console-card", slug=slug)
        extra = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
                return redirect("console-card", slug=slug)
            extra = form.cleaned_data
        try:
            remains = act(version=open_version, actor=Actor.from_request(request), **extra)
        except CatalogueError as error:
            messages.error(request, str(error))
            return redirect("console-card", slug=slug)
        messages.success(request, success_message % {"number": open_version.number})
        if remains is None:  # a new card's only draft, discarded with its card
            return redirect("console-cards")
        return redirect("console-card", slug=slug)

    return view


card_submit_view = _open_version_action(card_submit, _("Version %(number)d is sent for review."))
card_return_view = _open_version_action(
    card_return, _("Version %(number)d is back in draft, with your note."), form_class=ReturnForm
)
card_discard_view = _open_version_action(card_discard, _("The draft of version %(number)d is discarded."))


@require_POST
@operator_required
def card_retire_view(request, slug):
    service = _card(slug)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            card_retire(service=service, reason=form.cleaned_data["reason"], actor=Actor.from_request(request))
        except CatalogueError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request, _("The card is retired: residents see it as no longer offered; units keep their history.")
            )
            return redirect("console-card", slug=slug)
    return _card_page(request, service, retire_form=form, status=400)


@require_POST
@operator_required
def card_restore_view(request, slug):
    service = _card(slug)
    try:
        card_restore(service=service, actor=Actor.from_request(request))
    except CatalogueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The card is offered again in every unit that had adopted it."))
    return redirect("console-card", slug=slug)


@operator_required
def card_version(request, slug, number):
    """One version as it was (read-only), with what it changed against the version before it."""
    service = _card(slug)
    version = get_object_or_404(_versions_with_terms(), service=service, number=number)
    previous = _versions_with_terms().filter(service=service, number__lt=number).order_by("-number").first()
    return render(
        request,
        "onboarding/console/catalogue/card_version.html",
        {
            "service": service,
            "card_name": _card_name(service, version),
            "version": version,
            "previous": previous,
            "changes": card_diff(previous, version),
        },
    )
