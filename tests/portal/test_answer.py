"""The resident answers the office's request for documents on their case page (portal/answer_views.py): signed in as
the applicant or with the case's access code; the answer gets its register number and its receipt (UPO)."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from shared_services.inbox import upo
from shared_services.inbox.models import Case, CaseStatus, EntryKind, RegisterEntry
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.answers import REQUEST_TEXT, case_awaiting_resident
from tests.support.letters import LUBICZ, PDF, TORUN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


@pytest.fixture
def applicant(unit_a):
    with tenant_context(unit_a):
        return local_account(email="anna@example.pl")


def answer(client, awaiting, host=TORUN, **changes):
    data = {
        "text": "Przesyłam skan dowodu.",
        "files": [SimpleUploadedFile("dowod.pdf", PDF)],
        "document_id": str(uuid.uuid4()),
        **changes,
    }
    return client.post(f"/wnioski/{awaiting.reference}/sprawa/odpowiedz/", data, HTTP_HOST=host)


def answers_in(unit):
    with tenant_context(unit):
        return list(RegisterEntry.objects.filter(kind=EntryKind.ANSWER).select_related("receipt"))


def test_the_signed_in_applicant_answers_on_the_case_page_and_gets_a_receipt(full_catalogue, client, unit_a, applicant):
    awaiting = case_awaiting_resident(unit_a, submitted_by=applicant)
    signed_in(client, unit_a, applicant)
    case_page = f"/wnioski/{awaiting.reference}/sprawa/"
    page = client.get(case_page, HTTP_HOST=TORUN).content.decode()
    assert REQUEST_TEXT in page and "Odpowiedz urzędowi" in page
    assert f'action="/wnioski/{awaiting.reference}/sprawa/odpowiedz/"' in page and 'type="file"' in page
    assert "urząd czeka na Twoje dokumenty" in page and "zostanie 30 dni" in page  # asked the day it was filed

    response = answer(client, awaiting)
    [entry] = answers_in(unit_a)
    confirmation = f"/wnioski/{awaiting.reference}/odpowiedzi/{entry.document_id}/"
    assert response.status_code == 302 and response["Location"] == confirmation
    shown = client.get(confirmation, HTTP_HOST=TORUN).content.decode()
    assert "Odpowiedź przyjęta" in shown and f"<dd>{entry.label}</dd>" in shown and "dowod.pdf" in shown
    xml = client.get(f"{confirmation}upo.xml", HTTP_HOST=TORUN)
    verification = upo.receipt_verify(xml.content, {"dowod.pdf": PDF})
    assert xml.status_code == 200 and verification.valid and verification.all_documents_match
    assert verification.facts.document_id == str(entry.document_id)

    page = client.get(case_page, HTTP_HOST=TORUN).content.decode()
    assert "Twoje odpowiedzi" in page and f"{confirmation}upo.xml" in page and "Przesyłam skan dowodu." in page
    assert 'action="/wnioski/' not in page  # answered: the office no longer waits, no form
    file_url = f"{confirmation}pliki/{entry.files.get().pk}/"
    assert f'href="{file_url}"' in page
    assert b"".join(client.get(file_url, HTTP_HOST=TORUN).streaming_content) == PDF
    with tenant_context(unit_a):
        assert Case.objects.get(pk=awaiting.case.pk).status == CaseStatus.IN_PROGRESS


def test_whoever_has_the_access_code_answers_and_a_wrong_code_is_refused(full_catalogue, client, unit_a):
    awaiting = case_awaiting_resident(unit_a)
    wrong = client.post("/sprawa/", {"code": "AAAA-BBBB-CCCC"}, HTTP_HOST=TORUN)
    assert wrong.status_code == 200 and "Nie ma sprawy z takim kodem dostępu" in wrong.content.decode()
    assert answer(client, awaiting).status_code == 404  # the wrong code opened nothing
    page = client.post("/sprawa/", {"code": awaiting.access_code}, HTTP_HOST=TORUN).content.decode()
    assert REQUEST_TEXT in page and "Odpowiedz urzędowi" in page
    response = answer(client, awaiting, files=[])
    assert response.status_code == 302
    [entry] = answers_in(unit_a)
    assert entry.text == "Przesyłam skan dowodu." and not entry.files.exists()


def test_nobody_else_can_see_or_answer_the_request(full_catalogue, client, unit_a, unit_b, applicant):
    awaiting = case_awaiting_resident(unit_a, submitted_by=applicant)
    form_url = f"/wnioski/{awaiting.reference}/sprawa/odpowiedz/"
    assert client.get(form_url, HTTP_HOST=TORUN).status_code == 404  # an anonymous visitor without the code
    assert answer(client, awaiting).status_code == 404
    with tenant_context(unit_a):
        another = local_account(email="jan@example.pl")
    signed_in(client, unit_a, another)
    assert client.get(form_url, HTTP_HOST=TORUN).status_code == 404
    assert answer(client, awaiting).status_code == 404
    with tenant_context(unit_b):
        lubicz_resident = local_account(email="anna@example.pl")
    signed_in(client, unit_b, lubicz_resident)
    assert answer(client, awaiting, host=LUBICZ).status_code == 404
    signed_in(client, unit_b, staff_account(unit_b, "wojt", "unit_admin"))
    assert answer(client, awaiting, host=LUBICZ).status_code == 404
    assert answers_in(unit_a) == []


def test_a_case_not_waiting_for_the_resident_cannot_be_answered(full_catalogue, client, unit_a, applicant):
    awaiting = case_awaiting_resident(unit_a, submitted_by=applicant, asked=False)
    signed_in(client, unit_a, applicant)
    page = client.get(f"/wnioski/{awaiting.reference}/sprawa/odpowiedz/", HTTP_HOST=TORUN)
    assert page.status_code == 200 and "nie ma tu na co odpowiadać" in page.content.decode()
    refused = answer(client, awaiting)
    assert refused.status_code == 409 and "Urząd nie czeka już na dokumenty" in refused.content.decode()
    assert answers_in(unit_a) == []


def test_the_same_answer_sent_twice_is_registered_once(full_catalogue, client, unit_a, applicant):
    awaiting = case_awaiting_resident(unit_a, submitted_by=applicant)
    signed_in(client, unit_a, applicant)
    token = str(uuid.uuid4())
    first = answer(client, awaiting, document_id=token)
    second = answer(client, awaiting, document_id=token, files=[SimpleUploadedFile("dowod.pdf", PDF)])
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert len(answers_in(unit_a)) == 1


def test_bad_answers_are_refused_with_polish_messages(full_catalogue, client, unit_a, applicant):
    awaiting = case_awaiting_resident(unit_a, submitted_by=applicant)
    signed_in(client, unit_a, applicant)
    empty = answer(client, awaiting, text="", files=[])
    program = answer(client, awaiting, files=[SimpleUploadedFile("dowod.pdf", b"MZ\x90\x00" + b"\x00" * 200)])
    too_many = answer(client, awaiting, files=[SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(6)])
    assert empty.status_code == program.status_code == too_many.status_code == 400
    assert "Napisz odpowiedź albo dołącz dokumenty." in empty.content.decode()
    assert "dowod.pdf: Zawartość pliku to" in program.content.decode()
    assert "Dołącz najwyżej 5 plików." in too_many.content.decode()
    assert answers_in(unit_a) == []


def test_the_case_page_with_its_answers_costs_a_fixed_number_of_queries(
    full_catalogue, client, unit_a, applicant, django_assert_max_num_queries
):
    awaiting = case_awaiting_resident(unit_a, submitted_by=applicant)
    signed_in(client, unit_a, applicant)
    answer(client, awaiting)
    case_page = f"/wnioski/{awaiting.reference}/sprawa/"
    client.get(case_page, HTTP_HOST=TORUN)
    with django_assert_max_num_queries(12) as captured:
        assert client.get(case_page, HTTP_HOST=TORUN).status_code == 200
    one_answer = len(captured.captured_queries)
    with tenant_context(unit_a):
        Case.objects.filter(pk=awaiting.case.pk).update(status=CaseStatus.AWAITING_RESIDENT)
    answer(client, awaiting)
    with django_assert_max_num_queries(one_answer):  # a second answer with its files: no more queries
        assert client.get(case_page, HTTP_HOST=TORUN).status_code == 200
