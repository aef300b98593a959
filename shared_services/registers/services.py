"""Writes to a unit's registers: adopting the standard ones, entering, publishing and withdrawing records,
importing them from a file, and the record a closed case proposes.

A record becomes public only by being published to BIP (shared_services.bip), which keeps its every version with
the act's metadata and its withdrawal; each such change also refreshes the public open-data mirror
(opendata_services) in the same transaction, and is audited in the unit's trail."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_services.audit.services import audit_record
from shared_services.bip.services import (
    publication_for_source_save,
    publication_withdraw,
    section_ensure,
    subscribers_announce,
)
from shared_services.catalogue.models import StandardRegisterVersion
from shared_services.catalogue.register_selectors import registers_linked_to_service, standard_registers_for_kind
from shared_services.eforms.filling import ApplicationForm

from .models import Record, RecordImport, RecordStatus, Register
from .opendata_services import register_listing_refresh
from .selectors import record_definition, record_rows, record_title, register_definition

SOURCE_APP = "registers"
TENANT_URLCONF = "platform_core.urls_tenant"  # the BIP addresses, also from commands run outside a request
EDITABLE = (RecordStatus.DRAFT, RecordStatus.PROPOSED, RecordStatus.PUBLISHED)


def subscription_key(register: Register) -> str:
    return f"register:{register.slug}"


@transaction.atomic
def registers_adopt_defaults(*, unit_kind: str) -> int:
    """Keep, in the current unit, every standard register meant for its kind; returns how many were added.
    Registers kept already stay as they are (their adopted version too: see register_upgrade)."""
    kept = set(Register.objects.values_list("slug", flat=True))
    new = [
        Register(slug=standard.slug, version=standard.current.number)
        for standard in standard_registers_for_kind(unit_kind)
        if standard.slug not in kept
    ]
    Register.objects.bulk_create(new)
    return len(new)


def _audit(actor: str, action: str, record: Record, before=None, after=None) -> None:
    audit_record(
        actor=actor,
        action=f"registers.{action}",
        target=f"register_record:{record.register.slug}/{record.number}",
        before=before,
        after=after,
    )


def _state(record: Record) -> dict:
    return {"status": record.status, "data": record.data}


@transaction.atomic
def record_create(
    *,
    register: Register,
    data: dict,
    produced_by: str,
    produced_on: datetime.date,
    actor: str,
    status: str = RecordStatus.DRAFT,
    source_case=None,
) -> Record:
    """A new record (a draft, unless published at once with record_publish), numbered next in its register.
    `data` is a document already checked against the register's definition (by its form)."""
    register = Register.objects.select_for_update().get(pk=register.pk)
    number = (register.records.aggregate(last=Max("number"))["last"] or 0) + 1
    record = Record.objects.create(
        register=register,
        number=number,
        definition_version=register.version,
        data=data,
        status=status,
        produced_by=produced_by,
        produced_on=produced_on,
        created_by=actor,
        source_case=source_case,
    )
    _audit(actor, "create", record, after=_state(record))
    return record


@transaction.atomic
def record_change(
    *, record: Record, data: dict, produced_by: str, produced_on: datetime.date, actor: str, entered_by: str
) -> Record:
    """Change a record's values; a published record gets a new BIP version at once (its change register)."""
    record = Record.objects.select_for_update().select_related("register").get(pk=record.pk)
    if record.status not in EDITABLE:
        raise ValidationError(_("A withdrawn record cannot be changed."))
    before = _state(record)
    record.data, record.produced_by, record.produced_on = data, produced_by, produced_on
    record.definition_version = record.register.version
    if record.status == RecordStatus.PROPOSED:  # a clerk has reviewed what the case proposed
        record.status = RecordStatus.DRAFT
    if record.status == RecordStatus.PUBLISHED:
        _publish(record, actor=actor, entered_by=entered_by, change_note=_("Record changed"))
    else:
        record.save()
    _audit(actor, "change", record, before=before, after=_state(record))
    return record


@transaction.atomic
def record_publish(*, record: Record, actor: str, entered_by: str) -> Record:
    """Publish a draft to BIP with the act's metadata; the register's subscribers are told. A record a case
    proposed is published only after a clerk has reviewed and saved it (record_change makes it a draft)."""
    record = Record.objects.select_for_update().select_related("register").get(pk=record.pk)
    if record.status == RecordStatus.PROPOSED:
        raise ValidationError(_("Review the proposed record and save it before publishing it."))
    if record.status != RecordStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    before = _state(record)
    record.status = RecordStatus.PUBLISHED
    _publish(record, actor=actor, entered_by=entered_by)
    _audit(actor, "publish", record, before=before, after=_state(record))
    definition = record_definition(record)
    subscribers_announce(
        key=subscription_key(record.register),
        title=f"{definition.name}: {record_title(record.data, definition)}"[:300],
        path=reverse("bip-publication", args=[record.publication_id], urlconf=TENANT_URLCONF),
    )
    return record


def _publish(record: Record, *, actor: str, entered_by: str, change_note: str = "") -> None:
    definition = record_definition(record)
    section = section_ensure(key=f"rejestr-{record.register.slug}", title=definition.name, title_en=definition.name_en)
    title = record_title(record.data, definition) or f"#{record.number}"
    record.publication = publication_for_source_save(
        actor=actor,
        source_app=SOURCE_APP,
        source_key=f"{record.register.slug}/{record.number}",
        section=section,
        change_note=change_note,
        title=f"{definition.name}: {title}"[:300],
        produced_by=record.produced_by,
        produced_on=record.produced_on,
        entered_by=entered_by,
        data={
            "register": record.register.slug,
            "number": record.number,
            "rows": [list(row) for row in record_rows(record.data, definition)],
        },
    )
    record.save()
    register_listing_refresh(record.register)  # counts the published records, this one's state included


@transaction.atomic
def record_withdraw(*, record: Record, reason: str, actor: str, entered_by: str) -> Record:
    """Withdraw a published record: BIP keeps it in the change register with the reason; the open data drops it."""
    record = Record.objects.select_for_update(of=("self",)).select_related("register", "publication").get(pk=record.pk)
    if record.status != RecordStatus.PUBLISHED:
        raise ValidationError(_("Only a published record can be withdrawn."))
    before = _state(record)
    publication_withdraw(actor=actor, publication=record.publication, reason=reason, entered_by=entered_by)
    record.status = RecordStatus.WITHDRAWN
    record.save(update_fields=["status", "updated_at"])
    register_listing_refresh(record.register)
    _audit(actor, "withdraw", record, before=before, after={"status": record.status, "reason": reason})
    return record


@transaction.atomic
def record_discard(*, record: Record, actor: str) -> None:
    """Delete a draft or a proposal nobody saw (a refused permit's proposal, say); published records are
    withdrawn instead, so that their trace stays."""
    record = Record.objects.select_for_update().select_related("register").get(pk=record.pk)
    if record.status not in (RecordStatus.DRAFT, RecordStatus.PROPOSED) or record.publication_id:
        raise ValidationError(_("Only a draft can be discarded."))
    _audit(actor, "discard", record, before=_state(record))
    record.delete()


# Import


@transaction.atomic
def record_import_prepare(*, register: Register, file_name: str, documents: list[dict], actor: str) -> RecordImport:
    """Keep a checked file's documents until the clerk confirms them (nothing is a record yet)."""
    return RecordImport.objects.create(
        register=register,
        file_name=file_name[:255],
        definition_version=register.version,
        rows=documents,
        created_by=actor,
    )


@transaction.atomic
def record_import_confirm(
    *,
    pending: RecordImport,
    produced_by: str,
    produced_on: datetime.date,
    publish: bool,
    actor: str,
    entered_by: str,
) -> list[Record]:
    """Write every row of a checked file as a record (published at once with `publish`), all or none."""
    pending = RecordImport.objects.select_for_update().select_related("register").get(pk=pending.pk)
    if pending.confirmed_at is not None:
        raise ValidationError(_("This file has been imported already."))
    if pending.definition_version != pending.register.version:
        raise ValidationError(_("The register's fields changed since the file was checked: send it again."))
    records = [
        record_create(
            register=pending.register, data=document, produced_by=produced_by, produced_on=produced_on, actor=actor
        )
        for document in pending.rows
    ]
    if publish:
        records = [record_publish(record=record, actor=actor, entered_by=entered_by) for record in records]
    pending.confirmed_at = timezone.now()
    pending.save(update_fields=["confirmed_at"])
    return records


# A case feeds a register


def case_proposal_data(*, definition: StandardRegisterVersion, answers: dict) -> dict:
    """The record's values a case's application gives, by the definition's mapping; only answers the record's
    field accepts are kept (the clerk fills in the rest when reviewing the proposal)."""
    mapped = {
        field: answers[source]
        for field, source in definition.case_fields.items()
        if isinstance(answers, dict) and answers.get(source) not in (None, "", [])
    }
    form = ApplicationForm(data=mapped, definition=definition)
    form.is_valid()  # the fields not mapped are missing; each mapped answer is checked by its own field
    return {name: value for name, value in mapped.items() if name not in form.errors}


@transaction.atomic
def records_propose_from_case(*, case) -> list[Record]:
    """When a case of a standard service that feeds a register is closed, propose a record in each such register
    the unit keeps, prefilled from the application; a clerk completes, publishes or discards it. Nothing is
    published here. Once per case and register."""
    submission = getattr(case.register_entry, "submission", None)
    if submission is None or not submission.service_key.startswith("standard:"):
        return []
    service_slug = submission.service_key.split(":", 1)[1]
    proposals = []
    for standard in registers_linked_to_service(service_slug):
        register = Register.objects.filter(slug=standard.slug, enabled=True).first()
        if register is None or Record.objects.filter(register=register, source_case=case).exists():
            continue
        definition = register_definition(register)
        proposals.append(
            record_create(
                register=register,
                data=case_proposal_data(definition=definition, answers=submission.data),
                produced_by="",
                produced_on=timezone.localdate(),
                actor="system",
                status=RecordStatus.PROPOSED,
                source_case=case,
            )
        )
    return proposals
