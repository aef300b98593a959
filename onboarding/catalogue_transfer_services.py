"""The operators' export and import of the whole catalogue, and their categories and life events, each written to
the operators' audit log in the same transaction as the change (shared_services.catalogue knows nothing of the
console).

An uploaded catalogue is kept, between its preview and the confirmation, as a file in the platform's private
storage named by the SHA-256 of its content: the confirmation applies exactly the bytes that were previewed
(their hash is checked again) and the plan that was shown (its digest is checked inside the transaction).
Nothing is written to the catalogue before the confirmation.
"""

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from shared_services.catalogue.terms import term_delete, term_save
from shared_services.catalogue.transfer import (
    CataloguePlan,
    catalogue_apply,
    catalogue_document_parse,
    catalogue_export,
    catalogue_export_bytes,
)

from .actors import Actor
from .models import OperatorAction, OperatorActionKind
from .services import operator_action_record

UPLOADS = "catalogue-imports"
UPLOAD_KEPT_FOR = timedelta(days=1)  # a preview nobody confirmed is forgotten after this


@transaction.atomic
def catalogue_export_for(*, actor: Actor) -> bytes:
    """The whole catalogue as the JSON document an import and the seed loader take; recorded as exported."""
    document = catalogue_export()
    content = catalogue_export_bytes(document)
    operator_action_record(
        actor=actor,
        action=OperatorActionKind.CATALOGUE_EXPORT,
        unit=None,
        cards=len(document["services"]),
        forms=len(document["forms"]),
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    return content


def catalogue_upload_keep(content: bytes) -> str:
    """Validate an uploaded catalogue (CatalogueDocumentInvalid says what is wrong) and keep it for its preview
    and confirmation; returns its SHA-256, by which it is found again."""
    catalogue_document_parse(content)
    sha256 = hashlib.sha256(content).hexdigest()
    storage, name = _storage(), _upload_name(sha256)
    if not storage.exists(name):
        storage.save(name, ContentFile(content))
    _uploads_expire(storage)
    return sha256


def catalogue_upload_read(sha256: str) -> dict | None:
    """The kept upload with this hash as a validated document; None when it is gone or is not what was kept."""
    storage, name = _storage(), _upload_name(sha256)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as kept:
        content = kept.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        return None
    return catalogue_document_parse(content)


def catalogue_import(*, sha256: str, expected_digest: str, actor: Actor) -> tuple[CataloguePlan, OperatorAction]:
    """Import the kept upload `sha256` exactly as previewed (CataloguePlanChanged when the catalogue changed
    since, LookupError when the upload is gone), record it, and forget the upload. Returns the plan carried
    out and its record in the audit log."""
    document = catalogue_upload_read(sha256)
    if document is None:
        raise LookupError(sha256)
    with transaction.atomic():
        plan = catalogue_apply(document, actor_label=actor.label, expected_digest=expected_digest)
        action = operator_action_record(
            actor=actor,
            action=OperatorActionKind.CATALOGUE_IMPORT,
            unit=None,
            sha256=sha256,
            **{key: count for key, count in plan.counts().items() if count},
        )
    _storage().delete(_upload_name(sha256))
    return plan, action


@transaction.atomic
def term_save_for(*, kind: str, slug: str, name: str, name_en: str, actor: Actor):
    term, created = term_save(kind=kind, slug=slug, name=name, name_en=name_en)
    operator_action_record(
        actor=actor, action=OperatorActionKind.TERM_SAVE, unit=None, term=kind, slug=slug, name=name, created=created
    )
    return term, created


@transaction.atomic
def term_delete_for(*, kind: str, term, actor: Actor) -> None:
    slug, name = term.slug, term.name
    term_delete(term=term)
    operator_action_record(
        actor=actor, action=OperatorActionKind.TERM_DELETE, unit=None, term=kind, slug=slug, name=name
    )


def _storage():
    # The console runs on the platform domain, in the public schema: the default storage's folder of no unit,
    # private like every stored file (files are served only by views, after their checks).
    return default_storage


def _upload_name(sha256: str) -> str:
    if len(sha256) != 64 or not all(char in "0123456789abcdef" for char in sha256):
        raise ValueError("not a SHA-256")
    return f"{UPLOADS}/{sha256}.json"


def _uploads_expire(storage) -> None:
    try:
        _folders, names = storage.listdir(UPLOADS)
    except FileNotFoundError:
        return
    oldest_kept = timezone.now() - UPLOAD_KEPT_FOR
    for name in names:
        path = f"{UPLOADS}/{name}"
        try:
            if storage.get_modified_time(path) < oldest_kept:
                storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
