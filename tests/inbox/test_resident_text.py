"""A resident's answer and a letter registered by the office reach the register without characters that disguise
a name or a file's name, and without control characters."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole
from shared_services.inbox.correspondence import answer_receive
from shared_services.inbox.entry_files import IncomingFile
from shared_services.inbox.models import RegisterEntry
from tests.support.accounts import signed_in, staff_account
from tests.support.answers import case_awaiting_resident
from tests.support.letters import PDF, TORUN

pytestmark = pytest.mark.django_db
RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


def test_an_answer_and_its_files_names_are_cleaned(full_catalogue, unit_a):
    awaiting = case_awaiting_resident(unit_a)
    scan = IncomingFile(upload=SimpleUploadedFile(f"dowod{RLO}fdp.exe", PDF), media_type="application/pdf")
    with tenant_context(unit_a):
        entry = answer_receive(
            case=awaiting.case,
            text=f"W załączeniu\x07 skan.\r\n{LRI}Pozdrawiam{PDI}\x1b[0m",
            files=[scan],
            document_id=uuid.uuid4(),
            actor="resident",
        )
        entry = RegisterEntry.objects.select_related("receipt").get(pk=entry.pk)
        names = list(entry.files.values_list("original_name", flat=True))
    assert entry.text == "W załączeniu skan.\r\nPozdrawiam[0m"
    assert names == ["dowodfdp.exe"]
    # The receipt names the file as the register does.
    assert '"nazwa":"dowodfdp.exe"' in bytes(entry.receipt.document_json).decode()


def test_a_letters_sender_subject_and_scan_are_cleaned(full_catalogue, client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    letter = {
        "channel": "paper",
        "received_on": timezone.localdate().isoformat(),
        "sender_name": f"Jan{RLO}kawoN",
        "sender_address": "ul. Długa 1\x1b[2J, 87-100 Toruń",
        "subject": f"Wniosek\x07 o {LRI}wycinkę{PDI}",
        "text": "Prośba\x7f o zgodę.\nDziękuję.",
        "scan": SimpleUploadedFile(f"skan{RLO}fdp.exe", PDF),
        "document_id": str(uuid.uuid4()),
    }
    assert client.post("/urzad/rejestr/nowe-pismo/", letter, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(unit_a):
        entry = RegisterEntry.objects.get()
        scan = entry.files.get()
    assert (entry.sender_name, entry.sender_address, entry.subject, entry.text) == (
        "JankawoN",
        "ul. Długa 1[2J, 87-100 Toruń",
        "Wniosek o wycinkę",
        "Prośba o zgodę.\nDziękuję.",
    )
    assert scan.original_name == "skanfdp.exe"
