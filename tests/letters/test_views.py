"""The office's letter templates at /urzad/szablony-pism/: the administrator keeps them, the rest of the staff
read them and their preview, and nobody else — another unit's staff, residents, anonymous visitors — sees or
changes them."""

import io
import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from shared_services.branding.services import branding_update
from shared_services.identity.access import StaffRole
from shared_services.letters.models import LetterKind, LetterTemplate
from shared_services.letters.services import letter_templates_seed
from shared_services.staff.models import Department
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db
LIST = "/urzad/szablony-pism/"
NEW = {"kind": LetterKind.REPLY, "name": "Odpowiedź krótka", "subject": "Sprawa {{ znak_sprawy }}", "body": "Tak."}


@pytest.fixture
def torun(unit_a):
    with tenant_context(unit_a):
        letter_templates_seed(unit_kind=unit_a.kind)
        branding_update(address="ul. Wały gen. Sikorskiego 8\n87-100 Toruń")
        citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
        request = LetterTemplate.objects.get(seed_key="wezwanie-do-uzupelnienia-brakow")
    return {
        "request": request,
        "admin": staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN),
        "head": staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD, citizens),
        "clerk": staff_account(unit_a, "urzednik", StaffRole.CLERK, citizens),
    }


def test_the_administrator_creates_a_template_and_finds_it_in_the_list(client, unit_a, torun):
    signed_in(client, unit_a, torun["admin"])
    response = client.post(f"{LIST}nowy/", {**NEW, "save": ""}, HTTP_HOST=TORUN)
    assert response.status_code == 302 and response["Location"] == LIST
    body = client.get(LIST, HTTP_HOST=TORUN).content.decode()
    assert "Zapisano szablon „Odpowiedź krótka”." in body
    assert "Odpowiedź krótka" in body and "Wezwanie do uzupełnienia braków formalnych (art. 64 § 2 KPA)" in body


def test_an_unknown_field_is_refused_on_the_page_in_polish_with_the_available_fields(client, unit_a, torun):
    signed_in(client, unit_a, torun["admin"])
    response = client.post(f"{LIST}nowy/", {**NEW, "body": "Dotyczy {{ pesel }}.", "save": ""}, HTTP_HOST=TORUN)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nieznane pola: {{ pesel }}." in body and "Dostępne pola:" in body and "{{ znak_sprawy }}" in body
    with tenant_context(unit_a):
        assert not LetterTemplate.objects.filter(name=NEW["name"]).exists()


def test_the_preview_fills_the_unsaved_text_with_the_sample_case_and_saves_nothing(client, unit_a, torun):
    signed_in(client, unit_a, torun["admin"])
    url = f"{LIST}{torun['request'].pk}/"
    assert "Anna Przykładowa" not in client.get(url, HTTP_HOST=TORUN).content.decode()
    response = client.post(
        url, {**NEW, "body": "Dla {{ wnioskodawca }}, {{ adres_urzedu }}.", "preview": ""}, HTTP_HOST=TORUN
    )
    assert response.status_code == 200
    preview = re.search(r'<section class="letter-preview".*?</section>', response.content.decode(), re.S).group(0)
    assert "Sprawa SO.5340.1.2026" in preview
    assert "Dla Anna Przykładowa, ul. Wały gen. Sikorskiego 8, 87-100 Toruń." in preview
    with tenant_context(unit_a):
        assert LetterTemplate.objects.get(pk=torun["request"].pk).name != NEW["name"]


def test_the_preview_pdf_is_the_letter_to_the_sample_case_on_the_units_letterhead(client, unit_a, torun):
    signed_in(client, unit_a, torun["clerk"])
    response = client.get(f"{LIST}{torun['request'].pk}/podglad.pdf", HTTP_HOST=TORUN)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Miasto Toruń" in text and "Toruń, dnia" in text and "Znak sprawy: SO.5340.1.2026" in text
    assert "Prezydent Miasta wzywa" in text and "Anna Przykładowa" in text


def test_switching_off_takes_a_template_off_the_cases_and_on_again(client, unit_a, torun):
    signed_in(client, unit_a, torun["admin"])
    url = f"{LIST}{torun['request'].pk}/aktywny/"
    assert client.post(url, {"active": "0"}, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(unit_a):
        assert not LetterTemplate.objects.get(pk=torun["request"].pk).active
    assert "wyłączony" in client.get(LIST, HTTP_HOST=TORUN).content.decode()
    client.post(url, {"active": "1"}, HTTP_HOST=TORUN)
    with tenant_context(unit_a):
        assert LetterTemplate.objects.get(pk=torun["request"].pk).active


@pytest.mark.parametrize("person", ["head", "clerk"])
def test_heads_and_clerks_read_templates_but_change_nothing(client, unit_a, torun, person):
    signed_in(client, unit_a, torun[person])
    listing = client.get(LIST, HTTP_HOST=TORUN).content.decode()
    assert "Wezwanie do uzupełnienia" in listing and "Nowy szablon" not in listing and "/aktywny/" not in listing
    detail = client.get(f"{LIST}{torun['request'].pk}/", HTTP_HOST=TORUN)
    assert detail.status_code == 200
    assert "<textarea" not in detail.content.decode() and "Prezydent Miasta wzywa" in detail.content.decode()
    assert client.post(f"{LIST}{torun['request'].pk}/", {**NEW, "save": ""}, HTTP_HOST=TORUN).status_code == 403
    assert client.get(f"{LIST}nowy/", HTTP_HOST=TORUN).status_code == 403
    assert client.post(f"{LIST}{torun['request'].pk}/aktywny/", {"active": "0"}, HTTP_HOST=TORUN).status_code == 403
    with tenant_context(unit_a):
        template = LetterTemplate.objects.get(pk=torun["request"].pk)
        assert template.active and template.name != NEW["name"]


def test_another_units_staff_residents_and_anonymous_visitors_neither_see_nor_change_them(
    client, unit_a, unit_b, torun
):
    detail, switch = f"{LIST}{torun['request'].pk}/", f"{LIST}{torun['request'].pk}/aktywny/"
    anonymous = Client()
    assert anonymous.get(LIST, HTTP_HOST=TORUN).status_code == 302  # to sign in
    assert anonymous.get(f"{detail}podglad.pdf", HTTP_HOST=TORUN).status_code == 302
    assert anonymous.post(switch, {"active": "0"}, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(unit_a):
        resident = local_account(email="anna@example.pl")
    signed_in(client, unit_a, resident)
    for url in (LIST, detail, f"{detail}podglad.pdf"):
        assert client.get(url, HTTP_HOST=TORUN).status_code == 403, url
    assert client.post(switch, {"active": "0"}, HTTP_HOST=TORUN).status_code == 403
    # Lubicz's administrator, on Toruń's host, is nobody; on Lubicz's own, Toruń's template does not exist.
    lubicz_admin = staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN)
    signed_in(client, unit_b, lubicz_admin)
    assert client.get(LIST, HTTP_HOST=TORUN).status_code == 302  # its session lives in Lubicz's schema only
    assert client.post(switch, {"active": "0"}, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(unit_b):
        assert not LetterTemplate.objects.filter(pk=torun["request"].pk).exists()
    signed_in(client, unit_b, lubicz_admin)
    assert client.get(detail, HTTP_HOST=LUBICZ).status_code == 404
    assert client.post(switch, {"active": "0"}, HTTP_HOST=LUBICZ).status_code == 404
    with tenant_context(unit_b):
        lubicz_resident = local_account(email="anna@example.pl")
    signed_in(client, unit_b, lubicz_resident)
    assert client.get(LIST, HTTP_HOST=LUBICZ).status_code == 403
    with tenant_context(unit_a):
        assert LetterTemplate.objects.get(pk=torun["request"].pk).active


def test_the_list_takes_the_same_queries_however_many_templates(client, unit_a, torun, django_assert_max_num_queries):
    """Session and user, role, the templates: one read for the list, whatever its length."""
    signed_in(client, unit_a, torun["admin"])
    client.get(LIST, HTTP_HOST=TORUN)
    with django_assert_max_num_queries(6):
        assert client.get(LIST, HTTP_HOST=TORUN).status_code == 200
