"""The office's registers at /urzad/rejestry/: staff enter records through the register's rendered form (Polish
errors, 400), editors publish and withdraw; files are imported with a preview, line-numbered errors and nothing
written on error; another unit's staff, residents and anonymous visitors are refused; the public sees only
published records."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import Workbook

from shared_services.bip.models import Publication
from shared_services.identity.access import StaffRole
from shared_services.registers.models import Record, RecordImport, RecordStatus, Register
from shared_services.registers.services import record_create
from tests.registers.conftest import RESOLUTION, resolution_publish
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db
BASE = "/urzad/rejestry/"
STOPS = "/urzad/rejestry/przystanki/"
META = {"meta-produced_by": "Wydział Komunikacji", "meta-produced_on": "2026-11-30"}


@pytest.fixture
def head(registers_a):
    return staff_account(registers_a, "kierownik", StaffRole.DEPARTMENT_HEAD)


@pytest.fixture
def clerk(registers_a):
    return staff_account(registers_a, "urzednik", StaffRole.CLERK)


def _resolution_post(**changes):
    return {**RESOLUTION, "przedmiot": "Budżet.", **META, **changes}


def test_staff_see_the_registers_and_enter_a_record_through_its_form(client, registers_a, clerk):
    signed_in(client, registers_a, clerk)
    page = client.get(BASE, HTTP_HOST=TORUN)
    assert page.status_code == 200 and "Rejestr uchwał rady" in page.content.decode()
    form = client.get(f"{BASE}uchwaly-rady/nowy/", HTTP_HOST=TORUN).content.decode()
    assert 'name="numer"' in form and "Numer uchwały" in form and 'name="meta-produced_by"' in form
    response = client.post(f"{BASE}uchwaly-rady/nowy/", _resolution_post(), HTTP_HOST=TORUN)
    assert response.status_code == 302
    with tenant_context(registers_a):
        record = Record.objects.get()
        assert record.status == RecordStatus.DRAFT and record.data["numer"] == "XII/123/2026"
        assert record.produced_on == date(2026, 11, 30)
    detail = client.get(response["Location"], HTTP_HOST=TORUN).content.decode()
    assert "XII/123/2026" in detail and "Publish" not in detail  # a clerk does not publish


def test_a_wrong_record_is_refused_with_polish_errors(client, registers_a, clerk):
    signed_in(client, registers_a, clerk)
    response = client.post(
        f"{BASE}uchwaly-rady/nowy/",
        _resolution_post(numer="123/2026", status="", **{"meta-produced_on": ""}),
        HTTP_HOST=TORUN,
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Popraw" in page or "popraw" in page
    assert "To pole jest wymagane." in page
    with tenant_context(registers_a):
        assert not Record.objects.exists()


def test_an_editor_publishes_changes_and_withdraws(client, registers_a, head):
    signed_in(client, registers_a, head)
    client.post(f"{BASE}uchwaly-rady/nowy/", _resolution_post(), HTTP_HOST=TORUN)
    record_url = f"{BASE}uchwaly-rady/1/"
    assert client.post(f"{record_url}publikuj/", HTTP_HOST=TORUN).status_code == 302
    with tenant_context(registers_a):
        publication = Publication.objects.get()
    assert client.get(f"/bip/pozycje/{publication.pk}/", HTTP_HOST=TORUN).status_code == 200
    changed = _resolution_post(status="uchylona")
    assert client.post(f"{record_url}zmien/", changed, HTTP_HOST=TORUN).status_code == 302
    assert client.post(f"{record_url}wycofaj/", {"reason": ""}, HTTP_HOST=TORUN).status_code == 400
    assert client.post(f"{record_url}wycofaj/", {"reason": "Błąd w numerze"}, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(registers_a):
        assert sorted(publication.versions.values_list("kind", flat=True)) == ["changed", "created", "withdrawn"]
    page = client.get(record_url, HTTP_HOST=TORUN).content.decode()
    assert "Błąd w numerze" in page


def test_a_clerk_cannot_publish(client, registers_a, clerk):
    with tenant_context(registers_a):
        record_create(
            register=Register.objects.get(slug="uchwaly-rady"),
            data=RESOLUTION,
            produced_by="Rada",
            produced_on=date(2026, 1, 1),
            actor="k",
        )
    signed_in(client, registers_a, clerk)
    assert client.post(f"{BASE}uchwaly-rady/1/publikuj/", HTTP_HOST=TORUN).status_code == 403
    with tenant_context(registers_a):
        assert not Publication.objects.exists()


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("przystanki.csv", text.encode("utf-8-sig"), content_type="text/csv")


GOOD_CSV = (
    "kod;Nazwa;ulica;szerokosc;dlugosc;wiata;zarzadca\n"
    "P01;Lubicz Dolny – szkoła;ul. Toruńska;53,0321;18,7512;tak;Gmina Lubicz\n"
    "P02;Grabowiec – kościół;ul. Kościelna;53,0412;18,7021;nie;Gmina Lubicz\n"
)


def test_a_good_csv_is_previewed_then_written_in_one_go(client, registers_a, head):
    signed_in(client, registers_a, head)
    preview = client.post(f"{STOPS}import/", {"file": _csv(GOOD_CSV)}, HTTP_HOST=TORUN)
    assert preview.status_code == 200
    with tenant_context(registers_a):
        assert not Record.objects.exists()  # only the preview so far
        pending = RecordImport.objects.get()
    confirm = {**META, "meta-publish": "on"}
    response = client.post(f"{STOPS}import/{pending.pk}/", confirm, HTTP_HOST=TORUN)
    assert response.status_code == 302
    with tenant_context(registers_a):
        records = list(Record.objects.order_by("number"))
        assert [r.data["kod"] for r in records] == ["P01", "P02"]
        assert records[0].data["szerokosc"] == 53.0321 and records[0].data["wiata"] is True
        assert all(r.status == RecordStatus.PUBLISHED for r in records)
    assert client.post(f"{STOPS}import/{pending.pk}/", confirm, HTTP_HOST=TORUN).status_code == 404  # once


def test_a_bad_csv_shows_line_numbered_errors_and_writes_nothing(client, registers_a, clerk):
    signed_in(client, registers_a, clerk)
    bad = GOOD_CSV + "P03;;ul. Polna;60,1;18,7;może;Gmina Lubicz\n"
    response = client.post(f"{STOPS}import/", {"file": _csv(bad)}, HTTP_HOST=TORUN)
    assert response.status_code == 400
    page = response.content.decode()
    # line 4 (the header is line 1): the name missing, the latitude outside Poland, "może" for a yes/no column
    assert page.count("<td>4</td>") == 3 and "<td>2</td>" not in page and "<td>3</td>" not in page
    assert "<td>Nazwa</td>" in page and "<td>Szerokość geograficzna</td>" in page and "<td>Wiata</td>" in page
    with tenant_context(registers_a):
        assert not Record.objects.exists() and not RecordImport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.csv", b"kod;kolor\nP1;zielony\n", "kolor"),
        ("p.csv", b"kod;nazwa\nP1;A\n", "ulica"),  # a required column is missing
        ("p.csv", "kod;nazwa\n".encode("utf-16"), "UTF-8"),
        ("p.xlsx", b"not a zip", "XLSX"),
        ("p.pdf", b"%PDF-1.4", "CSV"),
        ("p.csv", b"", ""),
    ],
)
def test_a_file_that_cannot_be_read_is_a_400(client, registers_a, clerk, name, content, message):
    signed_in(client, registers_a, clerk)
    upload = SimpleUploadedFile(name, content)
    response = client.post(f"{STOPS}import/", {"file": upload}, HTTP_HOST=TORUN)
    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(registers_a):
        assert not Record.objects.exists()


def test_a_too_large_file_is_refused(client, registers_a, clerk, settings):
    signed_in(client, registers_a, clerk)
    big = SimpleUploadedFile("p.csv", b"kod;nazwa\n" + b"x" * (2 * 1024 * 1024 + 10))
    response = client.post(f"{STOPS}import/", {"file": big}, HTTP_HOST=TORUN)
    assert response.status_code in (400, 413)


def test_an_xlsx_file_is_imported(client, registers_a, head):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Numer umowy", "Data zawarcia", "Wykonawca", "NIP", "Przedmiot umowy", "Wartość brutto", "Tryb udzielenia"]
    )
    sheet.append(
        ["RI.272.15.2026", date(2026, 3, 2), "Budimex S.A.", "5260250274", "Przebudowa ul. Polnej", 125000.5, "pzp"]
    )
    sheet.append(
        ["RI.272.16.2026", "2026-03-09", "Usługi Leśne Jan Nowak", "5260250274", "Wycinka drzew", 8400, "ponizej_progu"]
    )
    content = io.BytesIO()
    workbook.save(content)
    signed_in(client, registers_a, head)
    upload = SimpleUploadedFile("umowy.xlsx", content.getvalue())
    assert client.post(f"{BASE}rejestr-umow/import/", {"file": upload}, HTTP_HOST=TORUN).status_code == 200
    with tenant_context(registers_a):
        pending = RecordImport.objects.get()
    assert client.post(f"{BASE}rejestr-umow/import/{pending.pk}/", META, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(registers_a):
        records = {r.data["numer"]: r for r in Record.objects.all()}
        assert records["RI.272.15.2026"].data["kwota"] == 12500050  # grosze
        assert records["RI.272.15.2026"].data["data_zawarcia"] == "2026-03-02"
        assert records["RI.272.16.2026"].status == RecordStatus.DRAFT  # not published unless asked


def test_other_units_staff_residents_and_anonymous_are_refused(client, registers_a, registers_b):
    with tenant_context(registers_a):
        record = resolution_publish()
    stranger = staff_account(registers_b, "obcy", StaffRole.UNIT_ADMIN)
    with tenant_context(registers_a):
        resident = local_account()
    pages = [
        BASE,
        f"{BASE}uchwaly-rady/",
        f"{BASE}uchwaly-rady/nowy/",
        f"{BASE}uchwaly-rady/1/",
        f"{BASE}uchwaly-rady/import/",
    ]
    for page in pages:
        response = client.get(page, HTTP_HOST=TORUN)
        assert response.status_code == 302 and "logowanie" in response["Location"]  # anonymous: sign in first
    signed_in(client, registers_a, resident)
    for page in pages:
        assert client.get(page, HTTP_HOST=TORUN).status_code == 403
    client.logout()
    signed_in(client, registers_b, stranger)  # a session on Lubicz's host carries nothing to Toruń's
    assert client.get(f"{BASE}uchwaly-rady/1/", HTTP_HOST=LUBICZ).status_code == 404  # Lubicz has no such record
    for page in pages:
        assert client.get(page, HTTP_HOST=TORUN).status_code in (302, 403)
    assert client.post(f"{BASE}uchwaly-rady/1/wycofaj/", {"reason": "x"}, HTTP_HOST=TORUN).status_code in (302, 403)
    with tenant_context(registers_a):
        record.refresh_from_db()
        assert record.status == RecordStatus.PUBLISHED


def test_the_public_sees_published_records_never_drafts(client, registers_a):
    with tenant_context(registers_a):
        published = resolution_publish()
        record_create(
            register=Register.objects.get(slug="uchwaly-rady"),
            data={**RESOLUTION, "numer": "XII/124/2026"},
            produced_by="Rada",
            produced_on=date(2026, 1, 1),
            actor="k",
        )
    section = client.get("/bip/dzial/rejestr-uchwaly-rady/", HTTP_HOST=TORUN)
    listing = client.get("/dane/uchwaly-rady.csv", HTTP_HOST=TORUN)
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "XII/123/2026" in text and "XII/124/2026" not in text
    if section.status_code == 200:
        assert "XII/124/2026" not in section.content.decode()
    assert client.get(f"/bip/pozycje/{published.publication_id}/", HTTP_HOST=TORUN).status_code == 200
