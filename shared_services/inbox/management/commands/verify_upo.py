from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_services.inbox.upo import MATCH, SUBMISSION_DOCUMENT_NAME, document_status_label, receipt_verify


class Command(BaseCommand):
    help = (
        "Verify an official receipt (UPO) against the platform's signing certificates and, optionally, "
        f"whether documents are the ones it names (the application as {SUBMISSION_DOCUMENT_NAME}, "
        "attachments by file name). Exits with 0 when the receipt is valid and every document matches."
    )

    def add_arguments(self, parser):
        parser.add_argument("receipt", help="the receipt's signed XML file")
        parser.add_argument("documents", nargs="*", help="files to check against the receipt")

    def handle(self, *args, receipt, documents, **options):
        verification = receipt_verify(_read(receipt), {Path(path).name: _read(path) for path in documents})
        if not verification.valid:
            raise CommandError(_("The receipt is NOT valid: %(problem)s") % {"problem": verification.problem})
        facts = verification.facts
        lines = [
            _("The receipt is valid: it was issued by this platform and has not been changed since."),
            _("Signing key: %(key_id)s") % {"key_id": verification.key_id},
            _("Unit: %(name)s (TERC %(terc)s)") % {"name": facts.addressee_name, "terc": facts.addressee_terc},
            _("Sender: %(name)s %(email)s") % {"name": facts.sender_name, "email": facts.sender_email},
            _("Service: %(service)s") % {"service": facts.service_name},
            _("Received: %(moment)s") % {"moment": _moment(facts.received_at)},
            _("Receipt produced: %(moment)s") % {"moment": _moment(facts.produced_at)},
            _("Document: %(document_id)s, SHA-256 %(sha256)s")
            % {"document_id": facts.document_id, "sha256": facts.document_sha256},
        ]
        if facts.register_number:  # receipts of earlier versions name it
            lines.insert(-1, _("Register number: %(number)s") % {"number": facts.register_number})
        lines += [
            _("Attachment: %(name)s, SHA-256 %(sha256)s") % {"name": name, "sha256": sha256}
            for name, sha256 in facts.attachments
        ]
        lines += [f"{name}: {document_status_label(status)}" for name, status in verification.documents]
        self.stdout.write("\n".join(line.rstrip() for line in lines))
        if not verification.all_documents_match:
            mismatched = [name for name, status in verification.documents if status != MATCH]
            raise CommandError(
                _("Not every document is the one the receipt names: %(names)s") % {"names": ", ".join(mismatched)}
            )


def _moment(moment) -> str:
    # In the platform's time zone with its offset: unambiguous, and what the office's register shows.
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from error
