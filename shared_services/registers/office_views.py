"""The office's registers (/urzad/rejestry/): every member of staff lists records, enters and corrects drafts,
reviews what closed cases proposed and imports files; publishing to BIP and withdrawing are for those who edit
the unit's BIP (administrators and department heads), as in BIP itself. Every write goes through services.py;
a refused write is a 400 with the form and its message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_services.bip.selectors import public_versions
from shared_services.eforms.filling import ApplicationForm
from shared_services.identity.access import Area, Verdict, area_required, decide

from . import selectors, services
from .forms import ImportConfirmForm, ImportForm, RecordMetaForm, WithdrawForm
from .imports import MAX_SHOWN_ERRORS, ImportFileError, records_file_check
from .models import RecordStatus

PAGE_SIZE = 50


def _actor(request) -> str:
    return request.user.get_username()


def _person(request) -> str:
    return request.user.get_full_name() or request.user.get_username()


def _register(slug):
    register = selectors.register_by_slug(slug)
    if register is None:
        raise Http404
    try:
        return register, selectors.register_definition(register)
    except LookupError:
        raise Http404 from None


def _record(register, number):
    record = selectors.record_of(register, number)
    if record is None:
        raise Http404
    return record


def _publishes(request) -> bool:
    return decide(request.user, Area.OFFICE_EDITOR) is Verdict.ALLOWED


@area_required(Area.OFFICE)
def register_list(request):
    return render(request, "registers/office/registers.html", {"rows": selectors.office_registers()})


@area_required(Area.OFFICE)
def record_list(request, slug):
    register, definition = _register(slug)
    status = request.GET.get("stan")
    status = status if status in RecordStatus.values else None
    records = selectors.register_records(register, status=status)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("strona"))
    rows = [(record, selectors.record_title(record.data, definition)) for record in page]
    return render(
        request,
        "registers/office/records.html",
        {
            "register": register,
            "definition": definition,
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": RecordStatus.choices,
        },
    )


def _edit_page(request, *, register, definition, form, meta, record=None, status=200):
    return render(
        request,
        "registers/office/record_edit.html",
        {"register": register, "definition": definition, "form": form, "meta": meta, "record": record},
        status=status,
    )


@area_required(Area.OFFICE)
def record_new(request, slug):
    register, definition = _register(slug)
    if request.method != "POST":
        return _edit_page(
            request,
            register=register,
            definition=definition,
            form=ApplicationForm(definition=definition),
            meta=RecordMetaForm(prefix="meta"),
        )
    form = ApplicationForm(request.POST, definition=definition)
    meta = RecordMetaForm(request.POST, prefix="meta")
    if not (form.is_valid() and meta.is_valid()):
        return _edit_page(request, register=register, definition=definition, form=form, meta=meta, status=400)
    record = services.record_create(register=register, data=form.document(), actor=_actor(request), **meta.cleaned_data)
    messages.success(request, _("The record has been saved as a draft."))
    return redirect("clerk-register-record", slug=slug, number=record.number)


@area_required(Area.OFFICE)
def record_edit(request, slug, number):
    register, _definition = _register(slug)
    record = _record(register, number)
    if record.status == RecordStatus.WITHDRAWN:
        raise Http404
    if record.status == RecordStatus.PUBLISHED and not _publishes(request):
        return redirect("clerk-register-record", slug=slug, number=number)  # a change republishes it
    definition = _definition  # a record is corrected against the register's current definition
    if request.method != "POST":
        meta_initial = {"produced_by": record.produced_by, "produced_on": record.produced_on}
        return _edit_page(
            request,
            register=register,
            definition=definition,
            record=record,
            form=ApplicationForm(definition=definition, initial=record.data),
            meta=RecordMetaForm(prefix="meta", initial=meta_initial),
        )
    form = ApplicationForm(request.POST, definition=definition)
    meta = RecordMetaForm(request.POST, prefix="meta")
    if not (form.is_valid() and meta.is_valid()):
        return _edit_page(
            request, register=register, definition=definition, record=record, form=form, meta=meta, status=400
        )
    try:
        services.record_change(
            record=record, data=form.document(), actor=_actor(request), entered_by=_person(request), **meta.cleaned_data
        )
    except ValidationError as error:
        meta.add_error(None, error.messages)
        return _edit_page(
            request, register=register, definition=definition, record=record, form=form, meta=meta, status=400
        )
    messages.success(request, _("The record has been saved."))
    return redirect("clerk-register-record", slug=slug, number=number)


def _detail_page(request, register, record, *, withdraw=None, status=200):
    definition = selectors.record_definition(record)
    return render(
        request,
        "registers/office/record.html",
        {
            "register": register,
            "definition": definition,
            "record": record,
            "title": selectors.record_title(record.data, definition),
            "rows": selectors.record_rows(record.data, definition),
            "versions": public_versions(record.publication) if record.publication_id else [],
            "publishes": _publishes(request),
            "withdraw": withdraw or WithdrawForm(),
        },
        status=status,
    )


@area_required(Area.OFFICE)
def record_detail(request, slug, number):
    register, _definition = _register(slug)
    return _detail_page(request, register, _record(register, number))


@require_POST
@area_required(Area.OFFICE_EDITOR)
def record_publish(request, slug, number):
    register, _definition = _register(slug)
    record = _record(register, number)
    try:
        services.record_publish(record=record, actor=_actor(request), entered_by=_person(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail_page(request, register, record, status=400)
    messages.success(request, _("The record has been published in BIP."))
    return redirect("clerk-register-record", slug=slug, number=number)


@require_POST
@area_required(Area.OFFICE_EDITOR)
def record_withdraw(request, slug, number):
    register, _definition = _register(slug)
    record = _record(register, number)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, register, record, withdraw=form, status=400)
    try:
        services.record_withdraw(
            record=record, reason=form.cleaned_data["reason"], actor=_actor(request), entered_by=_person(request)
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _detail_page(request, register, record, withdraw=form, status=400)
    messages.success(request, _("The record has been withdrawn; BIP keeps its trace."))
    return redirect("clerk-register-record", slug=slug, number=number)


@require_POST
@area_required(Area.OFFICE)
def record_discard(request, slug, number):
    register, _definition = _register(slug)
    record = _record(register, number)
    try:
        services.record_discard(record=record, actor=_actor(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail_page(request, register, record, status=400)
    messages.success(request, _("The draft has been discarded."))
    return redirect("clerk-register-records", slug=slug)


def _import_page(request, *, register, definition, form, check=None, pending=None, confirm=None, status=200):
    return render(
        request,
        "registers/office/import.html",
        {
            "register": register,
            "definition": definition,
            "form": form,
            "check": check,
            "errors": check.errors[:MAX_SHOWN_ERRORS] if check else [],
            "pending": pending,
            "confirm": confirm,
            "columns": [
                (
                    name,
                    definition.properties[name].get("title", name),
                    name in definition.json_schema.get("required", []),
                )
                for name in definition.field_order()
            ],
        },
        status=status,
    )


@area_required(Area.OFFICE)
def record_import(request, slug):
    """Upload → a preview: every row's errors by line, or a summary to confirm. Nothing is written on error."""
    register, definition = _register(slug)
    if request.method != "POST":
        return _import_page(request, register=register, definition=definition, form=ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, register=register, definition=definition, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        check = records_file_check(upload, definition)
    except ImportFileError as error:
        form.add_error("file", str(error))
        return _import_page(request, register=register, definition=definition, form=form, status=400)
    if check.errors:
        return _import_page(request, register=register, definition=definition, form=form, check=check, status=400)
    pending = services.record_import_prepare(
        register=register, file_name=upload.name, documents=check.documents, actor=_actor(request)
    )
    return _import_page(
        request,
        register=register,
        definition=definition,
        form=ImportForm(),
        check=check,
        pending=pending,
        confirm=ImportConfirmForm(prefix="meta"),
    )


@require_POST
@area_required(Area.OFFICE)
def record_import_confirm(request, slug, pk):
    register, definition = _register(slug)
    pending = selectors.pending_import(register, pk)
    if pending is None:
        raise Http404
    confirm = ImportConfirmForm(request.POST, prefix="meta")
    if confirm.is_valid() and confirm.cleaned_data["publish"] and not _publishes(request):
        confirm.add_error("publish", _("Only those who edit the unit's BIP may publish."))
    if not confirm.is_valid():
        return _import_page(
            request,
            register=register,
            definition=definition,
            form=ImportForm(),
            pending=pending,
            confirm=confirm,
            status=400,
        )
    try:
        records = services.record_import_confirm(
            pending=pending, actor=_actor(request), entered_by=_person(request), **confirm.cleaned_data
        )
    except ValidationError as error:
        confirm.add_error(None, error.messages)
        return _import_page(
            request,
            register=register,
            definition=definition,
            form=ImportForm(),
            pending=pending,
            confirm=confirm,
            status=400,
        )
    messages.success(request, _("%(count)s records have been imported.") % {"count": len(records)})
    return redirect("clerk-register-records", slug=slug)
