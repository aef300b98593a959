"""Correspondence that is not an application: a resident's answer to the office's request for documents, and a
letter that came on paper or by e-mail. Each enters the register as an application does (inbox.services): one
transaction, with its files, the register number taken last and the audit entries with it; an answer, which
comes electronically, gets its signed receipt (UPO) too. An answer, or a letter that answers, resumes the case's
deadline (KPA art. 35 § 5) and returns the case to the clerk.

Files are written before commit and removed again if the transaction fails; a process killed in between leaves
them behind for the daily sweep (entry_files.entry_files_orphans_remove)."""

import datetime
import json
import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from platform_core.text import line_clean, text_clean
from shared_services.audit.services import audit_batch, audit_record
from shared_services.eforms.uploads import files_removed_on_failure, original_name, sha256_of

from .case_services import case_open_at_intake
from .entry_files import IncomingFile, entry_files_storage, entry_files_store
from .models import Case, CaseStatus, Channel, EntryKind, RegisterEntry
from .permissions import may_open_cases, visible_cases
from .services import electronic_entry_store, register_number_take, register_year
from .signals import letter_registered, resident_answered


class AlreadyReceived(Exception):
    """The same form was already sent and registered (its document id is taken)."""

    def __init__(self, entry: RegisterEntry):
        super().__init__(entry.label)
        self.entry = entry


class NotAwaitingAnswer(Exception):
    """The case does not wait for the resident's documents (it was never asked, or it was answered already)."""


def answer_subject(case: Case) -> str:
    # Kept in the register in the office's language, as its other entries are.
    return f"Odpowiedź na wezwanie: {case.register_entry.subject}"[:300]


def answer_receive(*, case: Case, text: str, files: list[IncomingFile], document_id: uuid.UUID, actor: str):
    """The resident's answer to the office's request on `case`: registered as incoming correspondence of the
    case with its files and its signed receipt; the case's deadline resumes and the case returns to the clerk.
    Raises NotAwaitingAnswer unless the case waits for the resident, and AlreadyReceived (with the entry) when
    the same form (`document_id`) was registered before. `actor` names the resident in the audit trail."""
    try:
        with files_removed_on_failure(entry_files_storage) as written, transaction.atomic(), audit_batch():
            case = _case_locked(case, document_id)
            if case.status != CaseStatus.AWAITING_RESIDENT:
                raise NotAwaitingAnswer
            opening = case.register_entry
            entry = RegisterEntry(
                year=register_year(timezone.now()),
                received_at=timezone.now(),
                channel=Channel.ELECTRONIC,
                kind=EntryKind.ANSWER,
                for_case=case,
                document_id=document_id,
                sender_name=opening.sender_name,
                sender_email=opening.sender_email,
                subject=answer_subject(case),
                text=text_clean(text),
            )
            hashes = [sha256_of(incoming.upload) for incoming in files]
            named = [(original_name(incoming.upload), sha256) for incoming, sha256 in zip(files, hashes, strict=True)]
            electronic_entry_store(
                entry,
                document=_answer_document(entry, case, named),
                document_id=str(document_id),
                service_name=entry.subject,
                attachments=named,
            )
            written += entry_files_store(entry, files, hashes)
            _case_answered(case, entry, actor=actor)
            register_number_take(entry)
    except IntegrityError:
        raise _already_received(document_id) from None
    return entry


def _answer_document(entry: RegisterEntry, case: Case, attachments: list[tuple[str, str]]) -> bytes:
    """The answer as received, as canonical JSON: the bytes its receipt's SHA-256 is of."""
    opening = case.register_entry
    document = {
        "identyfikator": str(entry.document_id),
        "rodzaj": "odpowiedz",
        "sprawa": {
            "numer_w_rejestrze": opening.label,
            "znak_sprawy": case.sign,
            "wniosek": str(opening.submission.reference) if opening.submission_id else None,
        },
        "tresc": entry.text,
        "zalaczniki": [{"nazwa": name, "sha256": sha256} for name, sha256 in attachments],
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def letter_register(
    *,
    user,
    channel: str,
    received_on: datetime.date,
    sender_name: str,
    sender_address: str = "",
    sender_email: str = "",
    subject: str,
    text: str = "",
    scan: IncomingFile | None = None,
    case: Case | None = None,
    deadline: datetime.date | None = None,
    document_id: uuid.UUID,
) -> RegisterEntry:
    """A letter that came on paper or by e-mail, registered by `user`: in the case it belongs to (a letter to a
    case waiting for the resident is their answer, and resumes it), or opening a new case as an application
    does, with `deadline` if it has one. The entry goes into this year's register; `received_on` is the day
    the letter came. Raises PermissionDenied when `user` may not see `case` or open a case, AlreadyReceived
    when the same form (`document_id`) was registered before."""
    if case is None and not may_open_cases(user):
        raise PermissionDenied("open a case")
    if case is not None and not visible_cases(user).filter(pk=case.pk).exists():
        raise PermissionDenied("case")
    now = timezone.now()
    received_at = now if received_on == timezone.localdate() else _local_midnight(received_on)
    try:
        with files_removed_on_failure(entry_files_storage) as written, transaction.atomic(), audit_batch():
            if case is not None:
                case = _case_locked(case, document_id)
            answers = case is not None and case.status == CaseStatus.AWAITING_RESIDENT
            entry = RegisterEntry.objects.create(
                year=register_year(now),
                received_at=received_at,
                channel=channel,
                kind=EntryKind.ANSWER if answers else EntryKind.LETTER,
                for_case=case,
                document_id=document_id,
                sender_name=line_clean(sender_name),
                sender_address=line_clean(sender_address),
                sender_email=line_clean(sender_email),
                subject=line_clean(subject),
                text=text_clean(text),
            )
            if scan is not None:
                written += entry_files_store(entry, [scan], [sha256_of(scan.upload)])
            actor = user.get_username()
            if case is None:
                days = (deadline - received_on).days if deadline else None
                case = case_open_at_intake(entry=entry, jrwa="", deadline_days=days)
                letter_registered.send(sender=RegisterEntry, entry=entry, case=case)
            elif answers:
                _case_answered(case, entry, actor=actor)
            audit_record(actor=actor, action="case.letter", target=f"case:{case.pk}", after=_entry_state(entry))
            register_number_take(entry)
    except IntegrityError:
        raise _already_received(document_id) from None
    return entry


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _case_locked(case: Case, document_id: uuid.UUID) -> Case:
    """The case, locked until commit (two answers to one request queue here, and the second finds the first);
    AlreadyReceived if this form was registered already."""
    case = Case.objects.select_for_update(of=("self",)).select_related("register_entry").get(pk=case.pk)
    earlier = RegisterEntry.objects.filter(document_id=document_id).first()
    if earlier is not None:
        raise AlreadyReceived(earlier)
    return case


def _already_received(document_id: uuid.UUID) -> Exception:
    earlier = RegisterEntry.objects.filter(document_id=document_id).first()
    return AlreadyReceived(earlier) if earlier is not None else IntegrityError(f"document {document_id}")


def _case_answered(case: Case, entry: RegisterEntry, *, actor: str) -> None:
    """The resident has answered: the deadline resumes, moved by the days it stood still, and the case is back
    in progress; audited, and told to the apps above the inbox inside this transaction."""
    before = _deadline_state(case)
    days = case.deadline_resume(timezone.localdate())
    case.status = CaseStatus.IN_PROGRESS
    case.save(update_fields=["status", "deadline", "paused_since", "paused_days"])
    audit_record(actor=actor, action="case.answer", target=f"case:{case.pk}", after=_entry_state(entry))
    audit_record(
        actor=actor,
        action="case.resume",
        target=f"case:{case.pk}",
        before=before,
        after={**_deadline_state(case), "days": days},
    )
    resident_answered.send(sender=Case, case=case, entry=entry)


def _deadline_state(case: Case) -> dict:
    return {
        "status": case.status,
        "deadline": case.deadline,
        "paused_since": case.paused_since,
        "paused_days": case.paused_days,
    }


def _entry_state(entry: RegisterEntry) -> dict:
    return {"entry": entry.pk, "channel": entry.channel, "kind": entry.kind, "subject": entry.subject}
