"""The office's side of BIP (/urzad/bip/), for the unit's administrators and department heads: the items
(new, change, schedule, withdraw, preview), the subject menu and the editorial office. Every write goes
through services.py; a refused write (ValidationError) is shown on the form with 400."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_services.identity.access import Area, area_required

from . import selectors
from .forms import ChangeForm, EditorForm, EditorialOfficeForm, PublicationForm, SectionForm, WithdrawForm
from .models import Editor, Publication, PublicationVersion, Section
from .renderers import data_render
from .services import (
    editor_remove,
    editor_save,
    editorial_office_save,
    publication_change,
    publication_create,
    publication_draft_discard,
    publication_draft_publish,
    publication_draft_update,
    publication_schedule_cancel,
    publication_withdraw,
    section_move,
    section_save,
)

PAGE_SIZE = 30
CONTENT = ("title", "summary", "body", "produced_by", "produced_on", "entered_by")
WITHHELD = ("withheld_scope", "withheld_basis", "withheld_by")


def _actor(request) -> str:
    return request.user.get_username()


def _person(request) -> str:
    return request.user.get_full_name() or request.user.get_username()


def _refused(form, error: ValidationError):
    form.add_error(None, error.messages)


def _button(request, write, done: str, then):
    """A button's POST: do `write()`, then go to `then` with `done` said, or with the refusal's words."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return then


@area_required(Area.OFFICE_EDITOR)
def publication_list(request):
    # A section's key is a slug; anything else (a NUL, which PostgreSQL refuses) names no section: the whole list.
    key = request.GET.get("dzial", "")
    section = Section.objects.filter(key=key).first() if slug_re.match(key) else None
    page = Paginator(selectors.office_publications(section=section), PAGE_SIZE).get_page(request.GET.get("strona"))
    return render(
        request,
        "bip/office/list.html",
        {
            "page": page,
            "sections": selectors.sections_menu(only_visible=False),
            "section": section,
            "now": timezone.now(),
        },
    )


def _form_page(request, form, *, publication=None, preview=None, status=200):
    return render(
        request,
        "bip/office/edit.html",
        {"form": form, "publication": publication, "preview": preview},
        status=status,
    )


def _preview(form, publication=None) -> PublicationVersion:
    """An unsaved version for the preview button, drawn like the public page would draw it."""
    data = {name: form.cleaned_data.get(name) for name in (*CONTENT, *WITHHELD)}
    return PublicationVersion(
        publication=publication,
        number=0,
        kind="created",
        publisher=connection.tenant.name,
        published_at=form.cleaned_data.get("published_at"),
        **data,
    )


@area_required(Area.OFFICE_EDITOR)
def publication_new(request):
    if request.method != "POST":
        form = PublicationForm(initial={"entered_by": _person(request)})
        return _form_page(request, form)
    form = PublicationForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    if "preview" in request.POST:
        return _form_page(request, form, preview=_preview(form))
    fields = {name: form.cleaned_data[name] for name in (*CONTENT, *WITHHELD)}
    try:
        publication = publication_create(
            actor=_actor(request),
            section=form.cleaned_data["section"],
            published_at=form.cleaned_data["published_at"],
            draft="draft" in request.POST,
            **fields,
        )
    except ValidationError as error:
        _refused(form, error)
        return _form_page(request, form, status=400)
    messages.success(request, _("The item is saved."))
    return redirect("clerk-bip-publication", pk=publication.pk)


@area_required(Area.OFFICE_EDITOR)
def publication_detail(request, pk: int):
    publication = get_object_or_404(Publication.objects.select_related("section"), pk=pk)
    versions = list(publication.versions.order_by("-number"))
    last = versions[0]
    return render(
        request,
        "bip/office/detail.html",
        {
            "publication": publication,
            "versions": versions,
            "last": last,
            "visible": selectors.visible_version(publication),
            "data_html": data_render(publication.source_app, last.data, request.LANGUAGE_CODE),
            "withdraw_form": WithdrawForm(initial={"entered_by": _person(request)}),
            "now": timezone.now(),
        },
    )


@area_required(Area.OFFICE_EDITOR)
def version_preview(request, pk: int, number: int):
    publication = get_object_or_404(Publication.objects.select_related("section"), pk=pk)
    version = get_object_or_404(PublicationVersion, publication=publication, number=number)
    return render(
        request,
        "bip/office/version.html",
        {
            "publication": publication,
            "version": version,
            "data_html": data_render(publication.source_app, version.data, request.LANGUAGE_CODE),
        },
    )


@area_required(Area.OFFICE_EDITOR)
def publication_edit(request, pk: int):
    """A draft is rewritten; a published item gets a new version (now or at a later time)."""
    publication = get_object_or_404(Publication, pk=pk)
    last = publication.versions.get(number=publication.last_number)
    draft = last.published_at is None
    form_class = PublicationForm if draft else ChangeForm
    if request.method != "POST":
        initial = {name: getattr(last, name) for name in (*CONTENT, *WITHHELD)}
        initial.update(section=publication.section_id, entered_by=_person(request) if not draft else last.entered_by)
        return _form_page(request, form_class(initial=initial), publication=publication)
    form = form_class(request.POST)
    if not form.is_valid():
        return _form_page(request, form, publication=publication, status=400)
    if "preview" in request.POST:
        return _form_page(request, form, publication=publication, preview=_preview(form, publication))
    fields = {name: form.cleaned_data[name] for name in (*CONTENT, *WITHHELD)}
    try:
        if draft:
            publication_draft_update(
                actor=_actor(request), publication=publication, section=form.cleaned_data["section"], **fields
            )
            if "draft" not in request.POST:
                publication_draft_publish(
                    actor=_actor(request), publication=publication, published_at=form.cleaned_data["published_at"]
                )
        else:
            publication_change(
                actor=_actor(request),
                publication=publication,
                change_note=form.cleaned_data["change_note"],
                published_at=form.cleaned_data["published_at"],
                section=form.cleaned_data["section"],
                **fields,
            )
    except ValidationError as error:
        _refused(form, error)
        return _form_page(request, form, publication=publication, status=400)
    messages.success(request, _("The item is saved."))
    return redirect("clerk-bip-publication", pk=publication.pk)


@require_POST
@area_required(Area.OFFICE_EDITOR)
def publication_withdraw_page(request, pk: int):
    """The withdrawal form is on the item's page; this page shows it again only with its errors."""
    publication = get_object_or_404(Publication, pk=pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            publication_withdraw(actor=_actor(request), publication=publication, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The item is withdrawn; it stays in the change register."))
            return redirect("clerk-bip-publication", pk=pk)
    return render(request, "bip/office/withdraw.html", {"publication": publication, "form": form}, status=400)


@require_POST
@area_required(Area.OFFICE_EDITOR)
def draft_publish(request, pk: int):
    publication = get_object_or_404(Publication, pk=pk)
    return _button(
        request,
        lambda: publication_draft_publish(actor=_actor(request), publication=publication),
        _("The item is published."),
        redirect("clerk-bip-publication", pk=pk),
    )


@require_POST
@area_required(Area.OFFICE_EDITOR)
def draft_discard(request, pk: int):
    publication = get_object_or_404(Publication, pk=pk)
    try:
        publication_draft_discard(actor=_actor(request), publication=publication)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("clerk-bip-publication", pk=pk)
    messages.success(request, _("The draft is discarded."))
    return redirect("clerk-bip")


@require_POST
@area_required(Area.OFFICE_EDITOR)
def schedule_cancel(request, pk: int):
    publication = get_object_or_404(Publication, pk=pk)
    return _button(
        request,
        lambda: publication_schedule_cancel(actor=_actor(request), publication=publication),
        _("The scheduled publication is cancelled."),
        redirect("clerk-bip-publication", pk=pk),
    )


# The subject menu


@area_required(Area.OFFICE_EDITOR)
def menu_page(request):
    form = SectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                section_save(actor=_actor(request), **form.cleaned_data)
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The section is added to the menu."))
                return redirect("clerk-bip-menu")
        status = 400
    return render(
        request,
        "bip/office/menu.html",
        {"sections": selectors.sections_menu(only_visible=False), "form": form},
        status=status,
    )


@area_required(Area.OFFICE_EDITOR)
def section_edit(request, section_id: int):
    section = get_object_or_404(Section, pk=section_id)
    if request.method != "POST":
        form = SectionForm(
            initial={
                "key": section.key,
                "title": section.title,
                "title_en": section.title_en,
                "description": section.description,
                "visible": section.visible,
            }
        )
        form.fields["key"].disabled = True
        return render(request, "bip/office/section.html", {"section": section, "form": form})
    form = SectionForm(request.POST, initial={"key": section.key})
    form.fields["key"].disabled = True
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("title", "title_en", "description", "visible")}
        try:
            section_save(actor=_actor(request), section=section, **fields)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The section is saved."))
            return redirect("clerk-bip-menu")
    return render(request, "bip/office/section.html", {"section": section, "form": form}, status=400)


@require_POST
@area_required(Area.OFFICE_EDITOR)
def section_move_view(request, section_id: int):
    section = get_object_or_404(Section, pk=section_id)
    section_move(actor=_actor(request), section=section, up=request.POST.get("direction") != "down")
    return redirect("clerk-bip-menu")


# The editorial office


@area_required(Area.OFFICE_EDITOR)
def editorial_edit(request):
    office = selectors.editorial_office()
    if request.method != "POST":
        initial = (
            {name: getattr(office, name) for name in ("name", "address", "phone", "email", "request_info")}
            if office
            else {}
        )
        form = EditorialOfficeForm(initial=initial)
        return _editorial_page(request, form)
    form = EditorialOfficeForm(request.POST)
    if form.is_valid():
        try:
            editorial_office_save(actor=_actor(request), **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The editorial office is saved."))
            return redirect("clerk-bip-editorial")
    return _editorial_page(request, form, status=400)


def _editorial_page(request, form, status=200):
    return render(
        request, "bip/office/editorial.html", {"form": form, "editors": list(selectors.editors())}, status=status
    )


@area_required(Area.OFFICE_EDITOR)
def editor_edit(request, editor_id: int | None = None):
    editor = get_object_or_404(Editor, pk=editor_id) if editor_id is not None else None
    if request.method != "POST":
        initial = {name: getattr(editor, name) for name in ("name", "role", "phone", "email")} if editor else {}
        return render(request, "bip/office/editor.html", {"form": EditorForm(initial=initial), "editor": editor})
    form = EditorForm(request.POST)
    if form.is_valid():
        try:
            editor_save(actor=_actor(request), editor=editor, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The editor is saved."))
            return redirect("clerk-bip-editorial")
    return render(request, "bip/office/editor.html", {"form": form, "editor": editor}, status=400)


@require_POST
@area_required(Area.OFFICE_EDITOR)
def editor_remove_view(request, editor_id: int):
    editor = get_object_or_404(Editor, pk=editor_id)
    return _button(
        request,
        lambda: editor_remove(actor=_actor(request), editor=editor),
        _("The editor is removed."),
        redirect("clerk-bip-editorial"),
    )
