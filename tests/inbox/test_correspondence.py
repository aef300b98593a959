"""The register as the office's whole dziennik podawczy: a resident's answer (inbox.correspondence.answer_receive),
letters registered from paper or e-mail (the page /urzad/rejestr/nowe-pismo/), and the deadline that stands still
while the office waits for the resident (KPA art. 35 § 5)."""

import datetime
import os
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.audit.selectors import audit_check
from shared_services.identity.access import StaffRole
from shared_services.inbox import upo
from shared_services.inbox.case_services import case_assign, case_close, case_write
from shared_services.inbox.correspondence import AlreadyReceived, NotAwaitingAnswer, answer_receive
from shared_services.inbox.counts import office_counts
from shared_services.inbox.entry_files import IncomingFile, entry_files_orphans_remove, entry_files_storage
from shared_services.inbox.models import Case, CaseStatus, Channel, EntryFile, EntryKind, OutboxMessage, RegisterEntry
from shared_services.inbox.signals import resident_answered
from shared_services.staff.models import Department
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.answers import case_awaiting_resident
from tests.support.letters import LUBICZ, PDF, TORUN

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LETTER_URL = "/urzad/rejestr/nowe-pismo/"


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


def pdf_file(name="skan.pdf", content=PDF) -> IncomingFile:
    return IncomingFile(upload=SimpleUploadedFile(name, content), media_type="application/pdf")


def answered(awaiting, **changes):
    arguments = {
        "case": awaiting.case,
        "text": "W załączeniu skan dowodu.",
        "files": [pdf_file()],
        "document_id": uuid.uuid4(),
        "actor": "resident",
    }
    return answer_receive(**{**arguments, **changes})


class TestDeadlinePause:
    def test_five_days_of_waiting_move_the_deadline_by_five_days(self):
        case = Case(status=CaseStatus.IN_PROGRESS, deadline=datetime.date(2026, 3, 20))
        case.deadline_pause(datetime.date(2026, 3, 2))
        case.status = CaseStatus.AWAITING_RESIDENT
        # While it waits, the days left stand as they were when it stopped, and it is never overdue.
        assert case.deadline_paused and case.days_left(datetime.date(2026, 3, 30)) == 18 and not case.overdue
        assert case.deadline_resume(datetime.date(2026, 3, 7)) == 5
        assert (case.deadline, case.original_deadline, case.paused_days) == (
            datetime.date(2026, 3, 25),
            datetime.date(2026, 3, 20),
            5,
        )
        assert not case.deadline_paused and case.days_left(datetime.date(2026, 3, 7)) == 18
        # A second wait adds up; the original deadline stays visible.
        case.deadline_pause(datetime.date(2026, 3, 10))
        case.deadline_pause(datetime.date(2026, 3, 11))  # asked again while waiting: still since the 10th
        assert case.deadline_resume(datetime.date(2026, 3, 13)) == 3
        assert (case.deadline, case.original_deadline, case.paused_days) == (
            datetime.date(2026, 3, 28),
            datetime.date(2026, 3, 20),
            8,
        )

    def test_a_paused_case_is_not_overdue_in_the_counts_but_awaits_the_resident(self, full_catalogue, unit_a):
        awaiting = case_awaiting_resident(unit_a)
        with tenant_context(unit_a):
            Case.objects.filter(pk=awaiting.case.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=3))
            counts = office_counts(awaiting.admin)
            rows = dict(counts.rows)
            assert counts.overdue_now.number == 0 and rows["awaiting_resident"]["today"].number == 1
            assert not Case.objects.filter(Case.overdue_q(timezone.localdate())).exists()
            Case.objects.filter(pk=awaiting.case.pk).update(paused_since=None, status=CaseStatus.IN_PROGRESS)
            assert office_counts(awaiting.admin).overdue_now.number == 1

    def test_the_request_pauses_the_deadline_and_the_answer_resumes_it_moved_by_the_days_waited(
        self, full_catalogue, unit_a
    ):
        awaiting = case_awaiting_resident(unit_a)
        case = awaiting.case
        assert case.status == CaseStatus.AWAITING_RESIDENT and case.paused_since == timezone.localdate()
        original = case.deadline
        with tenant_context(unit_a):
            # Five days of waiting, as if the request had been written five days ago.
            Case.objects.filter(pk=case.pk).update(paused_since=timezone.localdate() - datetime.timedelta(days=5))
            answered(awaiting)
            case.refresh_from_db()
            assert (case.status, case.paused_since, case.paused_days) == (CaseStatus.IN_PROGRESS, None, 5)
            assert case.deadline == original + datetime.timedelta(days=5) and case.original_deadline == original
            actions = list(
                AuditEntry.objects.filter(target=f"case:{case.pk}")
                .order_by("sequence")
                .values_list("action", flat=True)
            )
            assert actions == ["case.open", "case.request", "case.pause", "case.answer", "case.resume"]
            resumed = AuditEntry.objects.get(action="case.resume")
            assert resumed.after["days"] == 5 and resumed.before["paused_since"] is not None
            assert audit_check() == []

    def test_closing_a_waiting_case_ends_the_wait(self, full_catalogue, unit_a):
        awaiting = case_awaiting_resident(unit_a)
        with tenant_context(unit_a):
            case_close(user=awaiting.admin, case=awaiting.case, resolution="Wycofano wniosek.")
            case = Case.objects.get(pk=awaiting.case.pk)
        assert case.status == CaseStatus.CLOSED and not case.deadline_paused


class TestAnswer:
    def test_the_answer_enters_the_register_with_its_files_and_a_signed_receipt(self, full_catalogue, unit_a):
        awaiting = case_awaiting_resident(unit_a)
        heard = []

        def listener(sender, case, entry, **kwargs):
            heard.append((case.pk, entry.pk, entry.number))  # inside the transaction: the number is taken after

        resident_answered.connect(listener)
        try:
            with tenant_context(unit_a):
                entry = answered(awaiting, files=[pdf_file("dowod.pdf"), pdf_file("zdjecie.png", PNG)])
        finally:
            resident_answered.disconnect(listener)
        with tenant_context(unit_a):
            entry = RegisterEntry.objects.select_related("receipt").get(pk=entry.pk)
            files = list(entry.files.all())
            verification = upo.receipt_verify(
                bytes(entry.receipt.signed_xml),
                {
                    upo.SUBMISSION_DOCUMENT_NAME: bytes(entry.receipt.document_json),
                    "dowod.pdf": PDF,
                    "zdjecie.png": PNG,
                },
            )
            outbox = set(OutboxMessage.objects.values_list("key", flat=True))
        assert (entry.kind, entry.channel, entry.for_case_id, entry.label) == (
            EntryKind.ANSWER,
            Channel.ELECTRONIC,
            awaiting.case.pk,
            f"2/{entry.year}",  # the application was number 1: one register, numbers in order
        )
        assert verification.valid and verification.all_documents_match, verification.documents
        assert verification.facts.document_id == str(entry.document_id)
        assert entry.sender_name == "Anna Kowalska" and entry.text == "W załączeniu skan dowodu."
        assert [(file.original_name, file.size) for file in files] == [
            ("dowod.pdf", len(PDF)),
            ("zdjecie.png", len(PNG)),
        ]
        assert heard == [(awaiting.case.pk, entry.pk, None)]
        receipt_id = entry.receipt.receipt_id
        assert {f"receipt_pdf:{receipt_id}", f"receipt_email:{receipt_id}"} <= outbox  # to anna@example.pl

    def test_only_a_case_waiting_for_the_resident_can_be_answered(self, full_catalogue, unit_a):
        awaiting = case_awaiting_resident(unit_a, asked=False)
        with tenant_context(unit_a), pytest.raises(NotAwaitingAnswer):
            answered(awaiting)
        with tenant_context(unit_a):
            assert not RegisterEntry.objects.filter(kind=EntryKind.ANSWER).exists()

    def test_the_same_form_sent_twice_registers_one_answer(self, full_catalogue, unit_a):
        awaiting = case_awaiting_resident(unit_a)
        document_id = uuid.uuid4()
        with tenant_context(unit_a):
            first = answered(awaiting, document_id=document_id)
            with pytest.raises(AlreadyReceived) as again:
                answered(awaiting, document_id=document_id)
            assert again.value.entry == first
            assert RegisterEntry.objects.filter(kind=EntryKind.ANSWER).count() == 1

    def test_a_failed_answer_stores_nothing_and_gives_its_number_back(self, full_catalogue, unit_a, settings):
        awaiting = case_awaiting_resident(unit_a)
        folder = Path(settings.MEDIA_ROOT) / unit_a.schema_name / "korespondencja"
        before = set(folder.iterdir()) if folder.exists() else set()
        settings.UPO_KEYS_DIR = Path("/proc/no-keys-here")  # the receipt cannot be signed
        with tenant_context(unit_a):
            with pytest.raises(OSError):
                answered(awaiting)
            assert not RegisterEntry.objects.filter(kind=EntryKind.ANSWER).exists()
            assert Case.objects.get(pk=awaiting.case.pk).status == CaseStatus.AWAITING_RESIDENT
        assert (set(folder.iterdir()) if folder.exists() else set()) == before

    def test_the_timeline_shows_the_answer_and_its_file_downloads_for_the_office_only(
        self, full_catalogue, client, unit_a, unit_b
    ):
        awaiting = case_awaiting_resident(unit_a)
        with tenant_context(unit_a):
            entry = answered(awaiting)
            entry_file = entry.files.get()
        case_url = f"/urzad/sprawy/{awaiting.case.pk}/"
        file_url = f"{case_url}korespondencja/{entry_file.pk}/"
        signed_in(client, unit_a, awaiting.admin)
        page = client.get(case_url, HTTP_HOST=TORUN).content.decode()
        assert "Odpowiedź mieszkańca" in page and "W załączeniu skan dowodu." in page
        assert f'href="{file_url}"' in page and "Bieg terminu wstrzymany" in page and "Bieg terminu wznowiony" in page
        response = client.get(file_url, HTTP_HOST=TORUN)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK)  # not assigned: does not see the case
        signed_in(client, unit_a, clerk)
        assert client.get(file_url, HTTP_HOST=TORUN).status_code == 404
        with tenant_context(unit_a):
            signed_in(client, unit_a, local_account(email="anna@example.pl"))
        assert client.get(file_url, HTTP_HOST=TORUN).status_code == 403
        signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
        assert client.get(file_url, HTTP_HOST=LUBICZ).status_code == 404
        client.logout()
        assert client.get(file_url, HTTP_HOST=TORUN).status_code == 302  # to sign in


def letter(**changes) -> dict:
    return {
        "channel": "paper",
        "received_on": timezone.localdate().isoformat(),
        "sender_name": "Jan Nowak",
        "sender_address": "ul. Długa 1, 87-100 Toruń",
        "subject": "Wniosek o wycinkę drzewa",
        "text": "Prośba o zgodę na wycinkę.",
        "document_id": str(uuid.uuid4()),
        **changes,
    }


class TestPaperLetter:
    def test_an_administrator_registers_a_paper_letter_that_opens_a_case(self, full_catalogue, client, unit_a):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        deadline = timezone.localdate() + datetime.timedelta(days=30)
        sent = letter(scan=SimpleUploadedFile("skan.pdf", PDF), deadline=deadline.isoformat())
        response = client.post(LETTER_URL, sent, HTTP_HOST=TORUN)
        with tenant_context(unit_a):
            entry = RegisterEntry.objects.select_related("case").get()
            case, scan = entry.case, entry.files.get()
            counts = dict(office_counts(admin).rows)
        assert response.status_code == 302 and response["Location"] == f"/urzad/sprawy/{case.pk}/"
        assert (entry.channel, entry.kind, entry.label, entry.sender_address) == (
            Channel.PAPER,
            EntryKind.LETTER,
            f"1/{entry.year}",
            "ul. Długa 1, 87-100 Toruń",
        )
        assert case.status == CaseStatus.NEW and case.deadline == deadline and scan.sha256
        assert not hasattr(entry, "receipt")  # a paper letter gets no electronic receipt
        assert (counts["new_paper"]["today"].number, counts["new_electronic"]["today"].number) == (1, 0)
        page = client.get(f"/urzad/sprawy/{case.pk}/", HTTP_HOST=TORUN)
        assert page.status_code == 200 and f"korespondencja/{scan.pk}/" in page.content.decode()
        assert client.get(f"/urzad/sprawy/{case.pk}/dokumenty/upo.xml", HTTP_HOST=TORUN).status_code == 404
        register = client.get("/urzad/rejestr/", HTTP_HOST=TORUN).content.decode()
        assert "papier" in register and "Wniosek o wycinkę drzewa" in register and LETTER_URL in register
        # Sent again (a double click, the back button): one letter.
        again = client.post(LETTER_URL, {**sent, "scan": SimpleUploadedFile("skan.pdf", PDF)}, HTTP_HOST=TORUN)
        with tenant_context(unit_a):
            assert again.status_code == 302 and RegisterEntry.objects.count() == 1

    def test_a_letter_to_a_waiting_case_is_the_residents_answer_and_resumes_it(self, full_catalogue, client, unit_a):
        awaiting = case_awaiting_resident(unit_a)
        with tenant_context(unit_a):
            department = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
        clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, department)
        with tenant_context(unit_a):
            case_assign(user=awaiting.admin, case=awaiting.case, assignee=clerk)
        signed_in(client, unit_a, clerk)
        response = client.post(LETTER_URL, letter(case_reference=awaiting.case.register_entry.label), HTTP_HOST=TORUN)
        assert response.status_code == 302 and response["Location"] == f"/urzad/sprawy/{awaiting.case.pk}/"
        with tenant_context(unit_a):
            entry = RegisterEntry.objects.get(channel=Channel.PAPER)
            case = Case.objects.get(pk=awaiting.case.pk)
            assert AuditEntry.objects.filter(action="case.letter", actor=clerk.username).exists()
        assert (entry.kind, entry.for_case_id) == (EntryKind.ANSWER, case.pk)
        assert case.status == CaseStatus.IN_PROGRESS and not case.deadline_paused

    def test_a_clerk_registers_letters_only_into_their_own_cases(self, full_catalogue, client, unit_a):
        awaiting = case_awaiting_resident(unit_a)  # nobody's yet
        clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK)
        signed_in(client, unit_a, clerk)
        form = client.get(LETTER_URL, HTTP_HOST=TORUN).content.decode()
        assert 'name="deadline"' not in form  # a clerk opens no cases
        without_case = client.post(LETTER_URL, letter(), HTTP_HOST=TORUN)
        not_theirs = client.post(LETTER_URL, letter(case_reference=awaiting.case.register_entry.label), HTTP_HOST=TORUN)
        assert without_case.status_code == not_theirs.status_code == 400
        assert "To pole jest wymagane." in without_case.content.decode()
        assert "Żadna ze spraw, które widzisz" in not_theirs.content.decode()
        with tenant_context(unit_a):
            assert not RegisterEntry.objects.filter(channel=Channel.PAPER).exists()

    def test_bad_input_is_refused_with_polish_messages(self, full_catalogue, client, unit_a):
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        future = client.post(LETTER_URL, letter(received_on=tomorrow), HTTP_HOST=TORUN)
        program = client.post(
            LETTER_URL, letter(scan=SimpleUploadedFile("skan.pdf", b"MZ\x90\x00" + b"\x00" * 200)), HTTP_HOST=TORUN
        )
        unknown_case = client.post(LETTER_URL, letter(case_reference="XX.1.1.2026"), HTTP_HOST=TORUN)
        assert future.status_code == program.status_code == unknown_case.status_code == 400
        assert "Data wpływu nie może być z przyszłości." in future.content.decode()
        assert "skan.pdf: Zawartość pliku to" in program.content.decode()
        with tenant_context(unit_a):
            assert not RegisterEntry.objects.exists()

    def test_the_page_is_refused_to_residents_other_units_and_anonymous_visitors(self, client, unit_a, unit_b):
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
        signed_in(client, unit_a, resident)
        assert client.get(LETTER_URL, HTTP_HOST=TORUN).status_code == 403
        assert client.post(LETTER_URL, letter(), HTTP_HOST=TORUN).status_code == 403
        signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
        assert client.get(LETTER_URL, HTTP_HOST=TORUN).status_code in (302, 403)  # Lubicz's session is not Toruń's
        client.logout()
        assert client.post(LETTER_URL, letter(), HTTP_HOST=TORUN).status_code == 302  # to sign in
        with tenant_context(unit_a):
            assert not RegisterEntry.objects.exists()


def test_the_sweep_removes_only_files_no_entry_points_at(full_catalogue, unit_a):
    awaiting = case_awaiting_resident(unit_a)
    with tenant_context(unit_a):
        kept = answered(awaiting).files.get().file.name
        stray = entry_files_storage.save("korespondencja/stray", SimpleUploadedFile("x.pdf", PDF))
        fresh = entry_files_storage.save("korespondencja/fresh", SimpleUploadedFile("y.pdf", PDF))
        an_hour_ago = time.time() - 3700
        for name in (kept, stray):
            os.utime(entry_files_storage.path(name), (an_hour_ago, an_hour_ago))
        assert entry_files_orphans_remove() == [stray]
        assert entry_files_storage.exists(kept) and entry_files_storage.exists(fresh)
        entry_files_storage.delete(fresh)
        assert EntryFile.objects.count() == 1


def test_a_waiting_case_is_not_overdue_on_the_case_page_and_in_the_list(full_catalogue, client, unit_a):
    awaiting = case_awaiting_resident(unit_a)
    with tenant_context(unit_a):
        Case.objects.filter(pk=awaiting.case.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=2))
    signed_in(client, unit_a, awaiting.admin)
    page = client.get(f"/urzad/sprawy/{awaiting.case.pk}/", HTTP_HOST=TORUN).content.decode()
    listing = client.get("/urzad/skrzynka/", HTTP_HOST=TORUN).content.decode()
    assert "wstrzymany na czas oczekiwania na mieszkańca" in page and 'class="overdue"' not in page
    assert 'class="paused"' in listing and 'class="overdue"' not in listing
    with tenant_context(unit_a):
        case_write(user=awaiting.admin, case=awaiting.case, kind="note", text="Czekamy.")
        assert Case.objects.get(pk=awaiting.case.pk).deadline_paused  # a note does not end the wait
