"""The case file (metryka sprawy) as PDF: read back, it names the unit, the znak sprawy, the title, the JRWA class
and the archival category and lists every step of a case taken through register, assign, note, request, the
resident's answer, reply and close, with who (name and position) and the documents; who may download it; and a
fixed number of queries however long the case's life."""

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from shared_services.identity.access import StaffRole
from shared_services.inbox.case_file_pdf import case_file_rows
from shared_services.inbox.correspondence import answer_receive
from shared_services.inbox.models import Case, RegisterCounter
from shared_services.staff.models import Department
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.cases import YEAR, cases_filed
from tests.support.letters import LUBICZ, PDF, TORUN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office(unit_a):
    with tenant_context(unit_a):
        citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
        taxes = Department.objects.create(name="Wydział Podatków i Opłat", code="FN")
        [case] = cases_filed(1, sender_name="Anna Kowalska", subject="Wydanie dowodu osobistego")
        RegisterCounter.objects.update_or_create(year=YEAR, defaults={"last_number": 1})  # as intake leaves it
    people = {
        "head": staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD, citizens),
        "clerk": staff_account(unit_a, "urzednik", StaffRole.CLERK, citizens),
        "other_head": staff_account(unit_a, "inny", StaffRole.DEPARTMENT_HEAD, taxes),
    }
    with tenant_context(unit_a):
        for (first, last), user in zip(
            [("Halina", "Kierownik"), ("Ulryk", "Urzędnik"), ("Ignacy", "Inny")], people.values(), strict=True
        ):
            user.first_name, user.last_name = first, last
            user.save()
    return {"case": case, "citizens": citizens, **people}


def act(client, case, action, files=None, **data):
    response = client.post(
        f"/urzad/sprawy/{case.pk}/{action}/",
        {**{f"{action}-{key}": value for key, value in data.items()}, **(files or {})},
        HTTP_HOST=TORUN,
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def case_file_text(client, case, host=TORUN) -> str:
    response = client.get(f"/urzad/sprawy/{case.pk}/metryka.pdf", HTTP_HOST=host)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def worked_through(client, office, unit_a) -> Case:
    """The case registered, assigned, noted, asked about, answered by the resident, replied to and closed."""
    case = office["case"]
    signed_in(client, unit_a, office["head"])
    act(client, case, "register", department=office["citizens"].pk, jrwa="5340", archival_category="B10")
    act(client, case, "assign", assignee=office["clerk"].pk)
    signed_in(client, unit_a, office["clerk"])
    act(client, case, "note", text="Sprawdzono dane w rejestrze PESEL.")
    act(client, case, "request", text="Proszę o aktualne zdjęcie.")
    with tenant_context(unit_a):
        answer_receive(
            case=Case.objects.get(pk=case.pk),
            text="Przesyłam zdjęcie.",
            files=[],
            document_id=uuid.uuid4(),
            actor="resident",
        )
    attachment = {"reply-attachment": SimpleUploadedFile("zawiadomienie.pdf", PDF, "application/pdf")}
    act(client, case, "reply", files=attachment, text="Dowód do odbioru w urzędzie.")
    act(client, case, "close", resolution="Wydano dowód osobisty.")
    return case


class TestTheCaseFile:
    def test_it_lists_every_step_with_who_what_and_the_documents(self, office, client, unit_a):
        case = worked_through(client, office, unit_a)
        text = case_file_text(client, case)
        sign = f"SO.5340.1.{YEAR}"
        assert f"Metryka sprawy: {sign}" in text
        for fact in (
            "Jednostka: Miasto Toruń",
            f"Znak sprawy: {sign}",
            "Tytuł sprawy: Wydanie dowodu osobistego",
            "Symbol klasyfikacyjny JRWA: 5340",
            "Kategoria archiwalna: B10",
        ):
            assert fact in text
        with tenant_context(unit_a):
            rows = case_file_rows(Case.objects.select_related("register_entry", "department").get(pk=case.pk))
        # Every step, in order: filed, registered, assigned, the note, the request (the deadline stops), the
        # answer (it resumes), the reply and the close.
        kinds = [re.match(r"[^.]+", row.what).group(0) for row in rows]
        for step in (
            "Złożono",
            "Zarejestrowano",
            "Przydzielono",
            "Notatka wewnętrzna",
            "Wezwanie do uzupełnienia",
            "Odpowiedź mieszkańca",
            "Odpowiedź dla mieszkańca",
            "Zamknięto",
        ):
            assert step in kinds
        assert kinds.index("Zarejestrowano") < kinds.index("Wezwanie do uzupełnienia") < kinds.index("Zamknięto")
        for row in rows:  # the PDF holds each row whole, however its cells wrapped
            for cell in (row.when, row.who, row.what, row.documents):
                assert flat(cell) in text
        assert "Halina Kierownik, kierownik wydziału, Wydział Spraw Obywatelskich" in text
        assert "Ulryk Urzędnik, urzędnik, Wydział Spraw Obywatelskich" in text
        assert "Anna Kowalska, wnioskodawca" in text
        for said in ("Sprawdzono dane w rejestrze PESEL.", "Proszę o aktualne zdjęcie.", "Przesyłam zdjęcie."):
            assert said in text
        assert "Dowód do odbioru w urzędzie." in text and "Wydano dowód osobisty." in text
        assert f"Nr w rejestrze 1/{YEAR}" in text and "zawiadomienie.pdf" in text
        assert "Strona 1 z" in text

    def test_a_long_note_wraps_onto_further_pages(self, office, client, unit_a):
        case = office["case"]
        signed_in(client, unit_a, office["head"])
        act(client, case, "note", text="Długa notatka o sprawie. " * 400)
        response = client.get(f"/urzad/sprawy/{case.pk}/metryka.pdf", HTTP_HOST=TORUN)
        reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
        pages = len(reader.pages)
        assert pages > 1 and f"Strona {pages} z {pages}" in flat(reader.pages[-1].extract_text())
        assert response["Content-Disposition"] == f'attachment; filename="metryka-1-{YEAR}.pdf"'

    def test_the_case_page_header_links_to_it(self, office, client, unit_a):
        signed_in(client, unit_a, office["head"])
        page = client.get(f"/urzad/sprawy/{office['case'].pk}/", HTTP_HOST=TORUN).content.decode()
        assert f'href="/urzad/sprawy/{office["case"].pk}/metryka.pdf" download>Metryka sprawy (PDF)</a>' in page

    def test_it_takes_the_same_queries_however_long_the_cases_life(
        self, office, client, unit_a, django_assert_num_queries
    ):
        case = office["case"]
        signed_in(client, unit_a, office["head"])
        act(client, case, "register", department=office["citizens"].pk, jrwa="5340", archival_category="B10")
        case_file_text(client, case)  # the host's unit is then in the routing cache
        with django_assert_num_queries(QUERIES_OF_A_CASE_FILE):
            case_file_text(client, case)
        act(client, case, "assign", assignee=office["clerk"].pk)
        for number in range(6):
            act(client, case, "note", text=f"Notatka {number}")
        with django_assert_num_queries(QUERIES_OF_A_CASE_FILE):
            assert "Notatka 5" in case_file_text(client, case)


# The unit's search path, session, user, role and their department (a head sees it), the case; the timeline's six
# reads; the positions (roles, departments); the application's attachments.
QUERIES_OF_A_CASE_FILE = 15


class TestWhoMayDownloadIt:
    def path(self, office):
        return f"/urzad/sprawy/{office['case'].pk}/metryka.pdf"

    def test_staff_who_do_not_see_the_case_get_404(self, office, client, unit_a):
        signed_in(client, unit_a, office["head"])
        act(client, office["case"], "register", department=office["citizens"].pk, jrwa="5340", archival_category="B10")
        signed_in(client, unit_a, office["other_head"])  # another department's head
        assert client.get(self.path(office), HTTP_HOST=TORUN).status_code == 404
        signed_in(client, unit_a, office["clerk"])  # not assigned to them
        assert client.get(self.path(office), HTTP_HOST=TORUN).status_code == 404

    def test_residents_anonymous_visitors_and_another_units_staff_are_refused(self, office, client, unit_a, unit_b):
        assert client.get(self.path(office), HTTP_HOST=TORUN).status_code == 302  # to sign in
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
        signed_in(client, unit_a, resident)
        response = client.get(self.path(office), HTTP_HOST=TORUN)
        assert response.status_code == 403 and "Kowalska" not in response.content.decode()
        with tenant_context(unit_b):
            lubicz_resident = local_account(email="jan@example.pl")
        signed_in(client, unit_b, lubicz_resident)
        assert client.get(self.path(office), HTTP_HOST=LUBICZ).status_code == 403
        signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
        with tenant_context(unit_b):
            assert not Case.objects.filter(pk=office["case"].pk).exists()
        assert client.get(self.path(office), HTTP_HOST=LUBICZ).status_code == 404  # no such case in Lubicz
        assert client.get(self.path(office), HTTP_HOST=TORUN).status_code == 302  # nobody in Toruń
