"""The register for a period as PDF, CSV and XLSX: what each holds (read back), text that a spreadsheet would run
as a formula made harmless, the period's checks (400 on the register page, never a 500), who may download it, and
a fixed number of queries however long the period."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from django_tenants.utils import tenant_context
from openpyxl import load_workbook
from pypdf import PdfReader

from shared_services.identity.access import StaffRole
from shared_services.inbox.models import Channel, EntryKind, RegisterEntry
from shared_services.staff.models import Department
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.cases import YEAR, cases_filed
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db
EXPORT = "/urzad/rejestr/eksport/"
HEADINGS = ["Nr", "Wpłynął", "Nadawca", "Sprawa", "Sposób wpływu", "Znak sprawy", "Wydział"]


def period(days_back=60):
    today = timezone.localdate()
    return {"od": (today - timedelta(days=days_back)).isoformat(), "do": today.isoformat()}


def download(client, file_format, host=TORUN, **dates):
    response = client.get(EXPORT, {**(dates or period()), "format": file_format}, HTTP_HOST=host)
    return response, (b"".join(response.streaming_content) if response.status_code == 200 else b"")


@pytest.fixture
def register(unit_a):
    """Toruń's register: two applications (one registered in a department) and a paper letter for that case."""
    with tenant_context(unit_a):
        citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
        first, second = cases_filed(2, sender_name="Anna Kowalska", subject="Dowód osobisty")
        first.sign, first.department = f"SO.5340.1.{YEAR}", citizens
        first.save()
        RegisterEntry.objects.create(
            year=YEAR,
            number=3,
            received_at=timezone.now() - timedelta(days=1),
            channel=Channel.PAPER,
            kind=EntryKind.LETTER,
            for_case=first,
            sender_name='=HYPERLINK("http://zlo.example")',
            subject="+48 600 000 000; -1; @SUM(A1)",
        )
    return {"first": first, "second": second}


def expected_rows():
    rows = []
    for entry in RegisterEntry.objects.order_by("number"):
        case = entry.owning_case
        rows.append(
            [
                entry.label,
                timezone.localtime(entry.received_at).replace(tzinfo=None, microsecond=0),
                entry.sender_name,
                entry.subject,
                entry.get_channel_display(),
                case.sign if case else "",
                case.department.name if case and case.department else "",
            ]
        )
    return rows


@pytest.fixture
def head(unit_a, client):
    person = staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD)
    signed_in(client, unit_a, person)
    return person


class TestWhatItHolds:
    def test_csv_is_utf8_with_a_bom_semicolons_and_the_registers_rows(self, register, head, client, unit_a):
        response, body = download(client, "csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith('attachment; filename="rejestr-torun-')
        assert body.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == HEADINGS
        with tenant_context(unit_a):
            expected = expected_rows()
        for row in expected:
            row[1] = row[1].strftime("%Y-%m-%d %H:%M:%S")
        # Text that a spreadsheet would run as a formula gets an apostrophe in front; the rest is as it was.
        expected[2][2] = "'" + expected[2][2]
        expected[2][3] = "'" + expected[2][3]
        assert rows[1:] == expected
        with translation.override("pl"):
            assert rows[3][4] == Channel.PAPER.label and rows[3][5] == f"SO.5340.1.{YEAR}"  # the first case's letter

    def test_xlsx_reads_back_as_the_same_rows_with_formulas_kept_as_text(self, register, head, client, unit_a):
        response, body = download(client, "xlsx")
        assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet.title == "Rejestr przesyłek wpływających"
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        with tenant_context(unit_a):
            expected = [[value if value != "" else None for value in row] for row in expected_rows()]
        assert values == [HEADINGS, *expected]
        formula_like = sheet.cell(row=4, column=3)
        assert formula_like.data_type == "s" and formula_like.value.startswith("=HYPERLINK")

    def test_pdf_has_the_unit_the_period_and_every_entry(self, register, head, client, unit_a):
        dates = period()
        response, body = download(client, "pdf", **dates)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages)
        assert "Rejestr przesyłek wpływających — Miasto Toruń" in text
        assert f"Okres: od {dates['od']} do {dates['do']}" in text
        for number in (1, 2, 3):
            assert f"{number}/{YEAR}" in text
        assert "Anna Kowalska" in text and "Wydział Spraw Obywatelskich" in text
        with translation.override("pl"):
            assert str(Channel.PAPER.label) in text and str(Channel.ELECTRONIC.label) in text
        assert "Strona 1 z 1" in text

    def test_the_period_takes_only_its_days(self, register, head, client, unit_a):
        yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
        _, body = download(client, "csv", od=yesterday, do=yesterday)
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        assert [row[0] for row in rows[1:]] == [f"3/{YEAR}"]

    def test_the_export_reads_a_fixed_number_of_queries_however_many_entries(
        self, head, client, unit_a, django_assert_num_queries
    ):
        download(client, "csv")  # the host's unit is then in the routing cache, as for every later request
        with tenant_context(unit_a):
            cases_filed(3)
        for file_format in ("csv", "xlsx", "pdf"):
            with django_assert_num_queries(QUERIES_OF_AN_EXPORT):
                assert download(client, file_format)[0].status_code == 200
        with tenant_context(unit_a):
            cases_filed(40, first_number=4)
        for file_format in ("csv", "xlsx", "pdf"):
            with django_assert_num_queries(QUERIES_OF_AN_EXPORT):
                response, body = download(client, file_format)
            assert response.status_code == 200
        assert f"43/{YEAR}" in PdfReader(io.BytesIO(body)).pages[-1].extract_text()


# The unit's search path, the session, the user, their role, and the entries with their cases (one cursor).
QUERIES_OF_AN_EXPORT = 5


class TestThePeriod:
    @pytest.mark.parametrize(
        ("since", "until", "message"),
        [
            ("2026-02-30", "2026-03-01", "Wpisz poprawną datę."),
            ("wczoraj", "2026-03-01", "Wpisz poprawną datę."),
            ("2026-03-02", "2026-03-01", "Koniec okresu jest wcześniejszy niż jego początek."),
            ("2025-03-01", "2026-03-01", "Okres może obejmować najwyżej rok."),
            ("2026-01-01", "9999-12-31", "Okres może obejmować najwyżej rok."),
            ("", "2026-03-01", "Podaj pierwszy dzień okresu."),
        ],
    )
    def test_a_period_that_cannot_be_read_is_explained_on_the_register_page(
        self, register, head, client, since, until, message
    ):
        response = client.get(EXPORT, {"od": since, "do": until, "format": "csv"}, HTTP_HOST=TORUN)
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page and 'class="error-summary"' in page
        assert "Rejestr przesyłek wpływających" in page and 'action="/urzad/rejestr/eksport/"' in page

    def test_a_year_ending_on_the_last_day_of_9999_is_a_period_with_nothing_in_it(self, register, head, client):
        response, body = download(client, "xlsx", od="9999-01-01", do="9999-12-31")
        assert response.status_code == 200
        assert list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)) == [tuple(HEADINGS)]

    def test_a_whole_year_is_allowed_and_an_unknown_format_is_refused(self, register, head, client):
        assert download(client, "csv", od=f"{YEAR}-01-01", do=f"{YEAR}-12-31")[0].status_code == 200
        response = client.get(EXPORT, {**period(), "format": "docx"}, HTTP_HOST=TORUN)
        assert response.status_code == 400 and "Wybierz PDF, CSV albo XLSX." in response.content.decode()

    def test_the_register_page_offers_the_download_for_the_year_shown(self, register, head, client):
        page = client.get("/urzad/rejestr/", {"rok": "2025"}, HTTP_HOST=TORUN).content.decode()
        assert 'action="/urzad/rejestr/eksport/"' in page
        assert 'name="od" value="2025-01-01"' in page and 'name="do" value="2025-12-31"' in page


class TestWhoMayDownload:
    def test_the_administrator_may_and_a_clerk_may_not(self, register, client, unit_a):
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        assert download(client, "csv")[0].status_code == 200
        signed_in(client, unit_a, staff_account(unit_a, "urzednik", StaffRole.CLERK))
        assert download(client, "csv")[0].status_code == 403
        assert client.get("/urzad/rejestr/", HTTP_HOST=TORUN).status_code == 403  # the same rule as the page

    def test_residents_of_this_and_another_unit_and_anonymous_visitors_are_refused(
        self, register, client, unit_a, unit_b
    ):
        assert download(client, "csv")[0].status_code == 302  # to sign in
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
        signed_in(client, unit_a, resident)
        response, _ = download(client, "csv")
        assert response.status_code == 403 and "Kowalska" not in response.content.decode()
        with tenant_context(unit_b):
            lubicz_resident = local_account(email="jan@example.pl")
        signed_in(client, unit_b, lubicz_resident)
        assert download(client, "csv", host=LUBICZ)[0].status_code == 403
        assert download(client, "csv")[0].status_code == 302  # nobody in Toruń

    def test_another_units_staff_download_only_their_own_register(self, register, client, unit_b):
        with tenant_context(unit_b):
            cases_filed(1, sender_name="Zofia Lubiczanka")
        signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
        response, body = download(client, "csv", host=LUBICZ)
        text = body.decode("utf-8-sig")
        assert response.status_code == 200 and "Zofia Lubiczanka" in text
        assert "Kowalska" not in text and "HYPERLINK" not in text
        assert download(client, "csv")[0].status_code == 302  # on Toruń's host they are nobody


def test_a_date_field_accepts_the_last_day_there_is():
    from shared_services.inbox.register_export import RegisterPeriodForm

    form = RegisterPeriodForm({"od": "9999-01-01", "do": "9999-12-31", "format": "pdf"})
    assert form.is_valid() and form.cleaned_data["do"] == date.max
