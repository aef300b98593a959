"""Intake: what comes in electronically enters the unit's register and gets its official receipt, in one
transaction — an application filed through a form (here) and a resident's answer to the office's request
(correspondence.py, which also registers letters that came on paper or by e-mail). Both go through
`electronic_entry_store` and `register_number_take` below.

The order inside the transaction matters. Two rows stay locked from the moment they are written until
commit, and every other intake of the unit waits for them: the register's counter (numbers are gapless) and
the audit chain's head. So everything else is done first, the receipt's signature included: the
application, its files, its payment, the outbox rows, the register entry (without its number yet), the
signed receipt and the case. Last come the number, written onto the entry, and the audit entries, all at
once.
The receipt therefore does not name the register number (ePUAP's UPP has none either); the confirmation
page, the receipt's PDF and the case do.
"""

import hashlib
import json
import uuid

from django.db import IntegrityError, connection
from django.utils import timezone

from platform_core.metrics import IntakeTimer
from shared_services.audit.services import audit_batch
from shared_services.eforms.models import Submission
from shared_services.eforms.services import submission_create
from shared_services.places.services import places_from_submission

from . import upo
from .access_codes import access_code_hash, access_code_new
from .case_services import case_open_at_intake
from .models import Channel, EntryKind, OutboxMessage, Receipt, RegisterCounter, RegisterEntry
from .outbox import wake_worker_after_commit
from .signals import application_received

# Fields of the standard forms that name who is writing, most specific first.
_SENDER_FIELDS = (("imie", "nazwisko"), ("nazwa_przedsiebiorcy",), ("nazwa_firmy",), ("nazwa",), ("wnioskodawca",))


class AlreadyFiled(Exception):
    """The same form was already sent and filed (its idempotency key is taken)."""

    def __init__(self, submission: Submission):
        super().__init__(str(submission.reference))
        self.submission = submission


def application_receive(
    *,
    form,
    service_key: str,
    service_name: str,
    submitted_by=None,
    draft=None,
    jrwa: str = "",
    deadline_days: int | None = None,
    idempotency_key=None,
    also=None,
    received_at=None,
    receipt_email_allowed=None,
) -> tuple[RegisterEntry, str]:
    """File a valid application: store it with its files, enter it in the register, open its case (with the
    service card's JRWA class and deadline) and issue its receipt, all or nothing. The work after intake
    (the receipt's PDF, e-mails) is queued in the outbox. Returns the entry and the case's access code, which
    exists only here, on the confirmation page and in the receipt's e-mail. A form sent again with the same
    idempotency key raises AlreadyFiled with the application filed the first time.

    `also(submission)` stores more of the application (its payment) in the same transaction, before the
    register number is taken. (A transaction around this one would do the same, but would make this one's a
    savepoint: two more round trips.)

    `received_at` backdates the application's receipt in the register (and so its deadline): for the demo
    consortium's correspondence only (onboarding/demo_cases.py); an application is received when it is filed.

    `receipt_email_allowed(address)` says whether the receipt may be e-mailed to the address given in the form
    (the portal's abuse limit); when it says no, the application is filed all the same, without that e-mail."""
    entries = []
    code = access_code_new()

    def register(submission, attachments):
        with audit_batch():
            if also is not None:
                also(submission)
            entries.append(
                _register(
                    submission,
                    attachments,
                    access_code=code,
                    jrwa=jrwa,
                    deadline_days=deadline_days,
                    received_at=received_at or submission.submitted_at,
                    email_receipt=bool(submission.contact_email)
                    and (receipt_email_allowed is None or receipt_email_allowed(submission.contact_email)),
                )
            )

    with IntakeTimer() as intake:  # ratusz_intake_duration_seconds (/metrics)
        try:
            submission_create(
                form=form,
                service_key=service_key,
                service_name=service_name,
                submitted_by=submitted_by,
                draft=draft,
                then=register,
                idempotency_key=idempotency_key,
            )
        except IntegrityError:
            # The same form sent again (or twice at the same moment): the application filed first stands.
            earlier = Submission.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
            if earlier is None:
                raise
            intake.outcome = "already_filed"
            raise AlreadyFiled(earlier) from None
    return entries[0], code


def submission_document(submission: Submission, attachments) -> bytes:
    """The application as filed, as canonical JSON: the bytes the receipt's SHA-256 is of, offered to the
    resident as `wniosek.json`."""
    document = {
        "identyfikator": str(submission.reference),
        "usluga": submission.service_name,
        "formularz": {
            "wersja": submission.form_version.number,
            "tytul": submission.form_version.json_schema.get("title", ""),
        },
        "dane": submission.data,
        "zalaczniki": [
            {"nazwa": attachment.original_name, "pole": attachment.field, "sha256": attachment.sha256}
            for attachment in attachments
        ],
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _register(
    submission: Submission,
    attachments,
    *,
    access_code: str,
    jrwa: str,
    deadline_days: int | None,
    received_at,
    email_receipt: bool,
) -> RegisterEntry:
    """The register entry, the signed receipt and the case; the register number is taken last (see above)."""
    entry = RegisterEntry(
        year=register_year(received_at),
        received_at=received_at,
        channel=Channel.ELECTRONIC,
        kind=EntryKind.APPLICATION,
        submission=submission,
        sender_name=_sender_name(submission),
        sender_email=submission.contact_email,
        subject=submission.service_name[:300],
        access_code_hash=access_code_hash(access_code),
    )
    electronic_entry_store(
        entry,
        document=submission_document(submission, attachments),
        document_id=str(submission.reference),
        service_name=submission.service_name,
        attachments=[(attachment.original_name, attachment.sha256) for attachment in attachments],
        access_code=access_code,
        email_receipt=email_receipt,
    )
    case = case_open_at_intake(entry=entry, jrwa=jrwa, deadline_days=deadline_days)
    # The places the application names (its location answers): stored as typed, looked up after commit.
    places_from_submission(submission, entry=entry, case=case)
    # Before the number: what the apps above write (a usage fact) is not done under the register's lock.
    application_received.send(sender=RegisterEntry, entry=entry, case=case)
    register_number_take(entry)
    return entry


def register_year(received_at) -> int:
    return received_at.astimezone(timezone.get_current_timezone()).year


def electronic_entry_store(
    entry: RegisterEntry,
    *,
    document: bytes,
    document_id: str,
    service_name: str,
    attachments: list[tuple[str, str]],
    access_code: str | None = None,
    email_receipt: bool = True,
) -> Receipt:
    """Store `entry` (not yet saved, without its number), which came in electronically, with its signed receipt
    of `document` (the exact bytes the receipt's SHA-256 is of) and of the `attachments` ((name, SHA-256)); the
    outbox renders the receipt's PDF and, when the entry has the sender's address (and `email_receipt`), e-mails
    the receipt (with the access code, if given). The caller takes the register number last
    (register_number_take)."""
    receipt_id = str(uuid.uuid4())
    _outbox_for_receipt(receipt_id, email=email_receipt and bool(entry.sender_email), access_code=access_code)
    entry.save()
    unit = connection.tenant
    facts = upo.ReceiptFacts(
        receipt_id=receipt_id,
        addressee_name=unit.name,
        addressee_terc=unit.code,
        sender_name=entry.sender_name,
        sender_email=entry.sender_email,
        received_at=entry.received_at,
        produced_at=timezone.now(),
        document_id=document_id,
        service_name=service_name,
        document_sha256=hashlib.sha256(document).hexdigest(),
        attachments=tuple(attachments),
    )
    signed = upo.receipt_sign(upo.receipt_xml(facts))
    return Receipt.objects.create(
        receipt_id=receipt_id,
        register_entry=entry,
        produced_at=facts.produced_at,
        document_sha256=facts.document_sha256,
        document_json=document,
        signed_xml=signed,
        key_id=upo.signing_key_id(signed),
    )


def register_number_take(entry: RegisterEntry) -> None:
    """Give the saved `entry` the next number of its year's register: the last write of an intake but its audit
    entries, because the counter's row stays locked until commit (see above)."""
    entry.number = _register_number(entry.year)
    with connection.cursor() as cursor:  # under the register's lock: one plain statement, no ORM
        cursor.execute(f"UPDATE {RegisterEntry._meta.db_table} SET number = %s WHERE id = %s", [entry.number, entry.pk])


def _outbox_for_receipt(receipt_id: str, *, email: bool, access_code: str | None) -> None:
    """The receipt's PDF and, when the sender gave an address, its e-mail (which carries the access code, if
    any, until it is sent; then the payload is emptied). Written before the receipt itself, in the same
    transaction."""
    due = timezone.now()
    messages = [
        OutboxMessage(
            kind="receipt_pdf", key=f"receipt_pdf:{receipt_id}", payload={"receipt_id": receipt_id}, next_attempt_at=due
        )
    ]
    if email:
        payload = {"receipt_id": receipt_id} | ({"access_code": access_code} if access_code else {})
        messages.append(
            OutboxMessage(kind="receipt_email", key=f"receipt_email:{receipt_id}", payload=payload, next_attempt_at=due)
        )
    OutboxMessage.objects.bulk_create(messages)
    wake_worker_after_commit()


def _register_number(year: int) -> int:
    """The next number of the year's register, in one statement that also locks the counter's row until
    commit: numbers are never shared, and a rolled-back intake gives its number back, so none is skipped."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RegisterCounter._meta.db_table} (year, last_number) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last_number = {RegisterCounter._meta.db_table}.last_number + 1 "
            "RETURNING last_number",
            [year],
        )
        return cursor.fetchone()[0]


def _sender_name(submission: Submission) -> str:
    data = submission.data
    for fields in _SENDER_FIELDS:
        if all(data.get(field) for field in fields):
            return " ".join(str(data[field]) for field in fields)[:300]
    if submission.submitted_by_id:
        return submission.submitted_by.email[:300]
    return submission.contact_email or "—"
