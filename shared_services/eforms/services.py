"""Writes of residents' applications: drafts and submissions, with their files, in the unit's schema."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.forms import MultipleChoiceField
from django.utils import timezone

from platform_core.text import text_clean

from .definition import FormDefinition, definition_check
from .filling import ApplicationForm
from .locations import LocationField
from .models import PIN_FIELDS, Attachment, FormDraft, Submission, UnitForm
from .uploads import files_removed_on_failure, original_name, sha256_of, stray_files_remove


@transaction.atomic
def form_version_create(*, form, json_schema: dict, layout: dict) -> FormDefinition:
    """A new version of a form (a standard form or a unit's own), which residents fill in from now on;
    submissions and drafts keep the version they were filled in. Refuses a definition that does not work,
    saying why."""
    definition_check(json_schema, layout)
    form = type(form).objects.select_for_update().get(pk=form.pk)
    version = form.versions.create(number=form.versions.count() + 1, json_schema=json_schema, layout=layout)
    form.current = version
    form.save(update_fields=["current"])
    return version


@transaction.atomic
def unit_form_save(*, unit_form: UnitForm | None, name: str, slug: str, json_schema: dict, layout: dict):
    """Create one of the unit's own forms, or give it a new version; returns the new version."""
    if unit_form is None:
        unit_form = UnitForm(slug=slug)
    unit_form.name, unit_form.slug = name, slug
    unit_form.full_clean(exclude=["current"])
    unit_form.save()
    return form_version_create(form=unit_form, json_schema=json_schema, layout=layout)


def _pin(definition: FormDefinition) -> dict:
    """The fields of a draft or a submission that pin `definition`: its own kind's set, the other empty."""
    if getattr(definition, "pinned_as", None) not in PIN_FIELDS:
        raise TypeError(f"not a form version: {definition!r}")
    # A standard version is a public row no foreign key checks (platform_core/public_references.py): pinned only
    # as read from the database, never made up here. The catalogue never deletes a version it has published.
    if definition._state.adding:
        raise ValueError(f"not a stored form version: {definition!r}")
    return {field: definition if field == definition.pinned_as else None for field in PIN_FIELDS}


def _attachments_store(uploads: dict, media_types: dict, *, replacing: bool = True, **owner) -> list[Attachment]:
    """Store uploaded files (by field name) with the media type found in their content; a new file for a
    field replaces the one kept before (`replacing`: the owner may have one). Returns the attachments."""
    stored = []
    for field_name, upload in uploads.items():
        sha256 = sha256_of(upload)
        if replacing:
            _attachments_delete(Attachment.objects.filter(field=field_name, **owner))
        attachment = Attachment.objects.create(
            field=field_name,
            file=upload,
            original_name=original_name(upload),
            media_type=media_types[field_name],
            size=upload.size,
            sha256=sha256,
            **owner,
        )
        stored.append(attachment)
    return stored


def _attachments_delete(attachments) -> None:
    # The files go only once the rows are gone for good: a rolled-back transaction keeps both.
    names = [attachment.file.name for attachment in attachments]
    attachments.delete()
    storage = Attachment._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def draft_save(*, owner, service_key: str, form: ApplicationForm, draft: FormDraft | None = None) -> FormDraft:
    """Keep what a resident has filled in so far, valid or not; files that passed their checks are kept too.
    `draft` is the one the form was filled from (kept on its form version; a visitor's without an account
    passes to the resident once signed in); without it, a signed-in resident's draft of the service, or a new
    one a visitor's browser knows by its key. Kept files the form no longer lists are removed."""
    # As typed, for the form to show again, but cleaned as every answer is (PostgreSQL keeps no NUL in text).
    data = {
        name: text_clean(value)
        for name, value in form.data.items()
        if name in form.fields and name != "csrfmiddlewaretoken"
    }
    # A multiple choice sends each ticked option under its name: every one is kept, not only the last.
    for name, field in form.fields.items():
        if isinstance(field, MultipleChoiceField) and hasattr(form.data, "getlist") and name in form.data:
            data[name] = [text_clean(value) for value in form.data.getlist(name)]
        # A location answer is sent as a group of boxes per place (locations.py): kept as its rows.
        if isinstance(field, LocationField):
            data[name] = field.widget.draft_value(form.data, name, clean=text_clean)
    owner = owner if owner is not None and owner.is_authenticated else None
    if draft is not None:
        draft.data, draft.owner = data, draft.owner or owner
        draft.save(update_fields=["data", "owner", "updated_at"])
    elif owner is not None:
        draft, _ = FormDraft.objects.update_or_create(
            owner=owner, service_key=service_key, defaults={"data": data, **_pin(form.definition)}
        )
    else:
        draft = FormDraft.objects.create(service_key=service_key, data=data, **_pin(form.definition))
    # A file the resident no longer keeps (the box beside it unticked, or a page sent without it) goes.
    _attachments_delete(draft.attachments.exclude(field__in=form.kept_attachments))
    form.is_valid()  # runs the checks of the files; a draft may be incomplete, but no bad file is kept
    checked = {name: form.cleaned_data[name] for name in form.detected_media_types if name in form.cleaned_data}
    _attachments_store(checked, form.detected_media_types, draft=draft)
    return draft


def draft_get(*, owner, service_key: str, key=None) -> FormDraft | None:
    """The signed-in resident's draft of the service, else the draft of a visitor without an account that
    their browser knows by `key`."""
    drafts = FormDraft.objects.filter(service_key=service_key).select_related(
        "standard_form_version", "unit_form_version"
    )
    found = drafts.filter(owner=owner).first() if owner is not None and owner.is_authenticated else None
    if found is None and key is not None:
        found = drafts.filter(owner=None, key=key).first()
    return found


def draft_form(draft: FormDraft) -> ApplicationForm:
    """The draft's answers bound to its form version, its kept files standing in for uploads."""
    kept = {attachment.field: attachment.original_name for attachment in draft.attachments.all()}
    return ApplicationForm(draft.data, definition=draft.form_version, kept_attachments=kept)


def visitor_drafts_remove(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Remove the drafts of visitors without an account untouched for `older_than`, with their files: nobody
    can come back to them once their browser's session has ended. Returns how many."""
    with transaction.atomic():
        abandoned = FormDraft.objects.filter(owner=None, updated_at__lt=timezone.now() - older_than)
        _attachments_delete(Attachment.objects.filter(draft__in=abandoned))
        count, _ = abandoned.delete()
    return count


class DraftAlreadyFiled(Exception):
    """The draft was used up by another request (a second click on "submit") while this one was filling."""


def submission_create(
    *,
    form: ApplicationForm,
    service_key: str,
    service_name: str,
    submitted_by=None,
    draft: FormDraft | None = None,
    then=None,
    idempotency_key=None,
) -> Submission:
    """Store a valid application with its files in one transaction; the draft it came from is used up and
    its kept files (of the fields shown in this answer) move to the submission. `then(submission,
    attachments)` runs last inside the same transaction, with the submission's attachments by field (the
    inbox registers the application and issues its receipt there). Files written for a transaction that
    fails are removed again."""
    with files_removed_on_failure(Attachment._meta.get_field("file").storage) as written, transaction.atomic():
        submission, attachments = _submission_store(
            form=form,
            service_key=service_key,
            service_name=service_name,
            submitted_by=submitted_by,
            draft=draft,
            written=written,
            idempotency_key=idempotency_key,
        )
        if then is not None:
            then(submission, sorted(attachments, key=lambda attachment: (attachment.field, attachment.pk)))
        return submission


def _submission_store(
    *, form, service_key, service_name, submitted_by, draft, written, idempotency_key=None
) -> tuple[Submission, list[Attachment]]:
    if draft is not None:
        # Locked: of two submits of one draft, the second finds it gone instead of filing without its files.
        draft = FormDraft.objects.select_for_update().filter(pk=draft.pk).first()
        if draft is None:
            raise DraftAlreadyFiled
        kept = set(draft.attachments.values_list("field", flat=True))
        if set(form.kept_attachments) - kept:
            raise DraftAlreadyFiled
    document = form.document()
    submission = Submission.objects.create(
        service_key=service_key,
        service_name=service_name,
        data=document,
        submitted_by=submitted_by if submitted_by and submitted_by.is_authenticated else None,
        contact_email=_reply_address(document),
        idempotency_key=idempotency_key,
        **_pin(form.definition),
    )
    uploads = form.attachments()
    attachments = _attachments_store(uploads, form.detected_media_types, replacing=False, submission=submission)
    written += [attachment.file.name for attachment in attachments]
    if draft is not None:
        (
            draft.attachments.exclude(field__in=uploads)
            .exclude(field__in=form.hidden_fields)
            .update(draft=None, submission=submission)
        )
        _attachments_delete(draft.attachments.all())  # replaced, or of fields this answer does not show
        draft.delete()
        attachments = list(submission.attachments.all())  # with the draft's kept files
    return submission, attachments


def _reply_address(document: dict) -> str:
    """The answer "email", if replies can go to it: a unit's form may ask for it as any text."""
    address = document.get("email")
    max_length = Submission._meta.get_field("contact_email").max_length
    if not isinstance(address, str) or len(address) > max_length:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def orphan_files_remove(*, older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Remove the current unit's attachment files that no row points at: written by an intake whose process
    was killed before it committed (a failed one removes its own). Only files older than `older_than`, so an
    intake still in progress keeps its files. Returns the names removed."""
    return stray_files_remove(
        storage=Attachment._meta.get_field("file").storage,
        folder="zalaczniki",
        referenced=set(Attachment.objects.values_list("file", flat=True)),
        older_than=older_than,
    )
