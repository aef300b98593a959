"""Letters on a case: a request or a reply drafted from a template with the case's facts, edited by the clerk,
sent as a PDF on the unit's letterhead that the resident downloads — and nobody who does not see the case
drafts one."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from shared_services.branding.services import branding_update
from shared_services.identity.access import StaffRole
from shared_services.inbox.models import Case, CaseNote
from shared_services.letters.models import LetterTemplate
from shared_services.letters.services import letter_templates_seed
from shared_services.staff.models import Department
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, LUBICZ, PDF, TORUN, application_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office(full_catalogue, client, unit_a):
    """Anna Kowalska's application in Toruń, registered in SO and assigned to the clerk, who is signed in."""
    with tenant_context(unit_a):
        resident = local_account(email="anna@example.pl")
    signed_in(client, unit_a, resident)
    location = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"]
    with tenant_context(unit_a):
        letter_templates_seed(unit_kind=unit_a.kind)
        branding_update(address="ul. Wały gen. Sikorskiego 8\n87-100 Toruń", phone="56 611 88 88")
        citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
        templates = {template.seed_key: template for template in LetterTemplate.objects.all()}
    admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, citizens)
    with tenant_context(unit_a):
        clerk.first_name, clerk.last_name = "Jan", "Urzędniczy"
        clerk.save()
        case = Case.objects.get()
    client.cookies.clear()
    signed_in(client, unit_a, admin)
    act(client, case, "register", department=citizens.pk, jrwa="5340", archival_category="B10")
    act(client, case, "assign", assignee=clerk.pk)
    signed_in(client, unit_a, clerk)
    with tenant_context(unit_a):
        case.refresh_from_db()
    return {"case": case, "templates": templates, "clerk": clerk, "resident": resident, "location": location}


HTMX = {"HTTP_HX_REQUEST": "true"}


def act(client, case, action, files=None, headers=None, **data):
    response = client.post(
        f"/urzad/sprawy/{case.pk}/{action}/",
        {**{f"{action}-{key}": value for key, value in data.items()}, **(files or {})},
        HTTP_HOST=TORUN,
        **(headers or {}),
    )
    assert response.status_code != 500
    return response


def draft(client, case, action, template, headers=None):
    return client.post(
        f"/urzad/sprawy/{case.pk}/{action}/",
        {f"{action}-template": template.pk if template else "", f"{action}-text": "", "draft": "1"},
        HTTP_HOST=TORUN,
        **(headers or {}),
    )


def textarea(body: str, action: str) -> str:
    found = re.search(rf'<textarea name="{action}-text"[^>]*>(.*?)</textarea>', body, re.S)
    return found.group(1)


def test_drafting_fills_the_request_with_the_cases_facts_without_javascript(office, client):
    case = office["case"]
    response = draft(client, case, "request", office["templates"]["wezwanie-do-uzupelnienia-brakow"])
    assert response.status_code == 200
    body = response.content.decode()
    assert re.findall(r'<details class="case-action" id="action-(\w+)" open>', body) == ["request"]
    text = textarea(body, "request")
    assert "Prezydent Miasta wzywa do uzupełnienia braków formalnych wniosku z dnia" in text
    assert f"(nr w rejestrze {case.register_entry.label}) w sprawie: Wydanie dowodu osobistego" in text
    assert f"w sprawie {case.sign}" in text and "ul. Wały gen. Sikorskiego 8, 87-100 Toruń" in text
    assert 'name="request-subject"' in body and "Wydanie dowodu osobistego" in body


def test_with_htmx_only_the_letter_part_of_the_form_comes_back_filled(office, client):
    response = draft(client, office["case"], "reply", office["templates"]["odpowiedz-na-wniosek"], HTMX)
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="letter-fields" id="letter-reply">') and "<html" not in body
    text = textarea(body, "reply")
    assert "Sprawę prowadzi Jan Urzędniczy, Wydział Spraw Obywatelskich, tel. 56 611 88 88" in text
    assert "autofocus" in re.search(r'<textarea name="reply-text"[^>]*>', body).group(0)


def test_inserting_without_a_template_asks_for_one_in_polish(office, client):
    response = draft(client, office["case"], "reply", None)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Wybierz szablon, z którego wstawić pismo." in body and "To pole jest wymagane" not in body


def test_each_action_offers_its_kinds_of_active_templates(office, client, unit_a):
    with tenant_context(unit_a):
        LetterTemplate.objects.filter(seed_key="postanowienie").update(active=False)
    body = client.get(f"/urzad/sprawy/{office['case'].pk}/", HTTP_HOST=TORUN).content.decode()

    def offered(action):
        select = re.search(rf'<select name="{action}-template".*?</select>', body, re.S).group(0)
        return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)

    assert offered("request") == ["Wezwanie do uzupełnienia braków formalnych (art. 64 § 2 KPA)"]
    assert "Odpowiedź na wniosek" in offered("reply") and "Decyzja (szkielet)" in offered("reply")
    assert "Postanowienie (szkielet)" not in offered("reply")
    assert not any("art. 64" in name for name in offered("reply"))


def test_the_edited_letter_is_sent_as_a_pdf_the_resident_downloads(office, client, unit_a):
    case, template = office["case"], office["templates"]["wezwanie-do-uzupelnienia-brakow"]
    text = textarea(draft(client, case, "request", template).content.decode(), "request")
    edited = text.replace("[wskazać brakujący dokument lub informację]", "skan dowodu osobistego")
    response = act(client, case, "request", template=template.pk, subject="", text=edited)
    assert response.status_code == 302
    with tenant_context(unit_a):
        note = CaseNote.objects.get(case=case, kind=CaseNote.Kind.REQUEST)
        assert Case.objects.get(pk=case.pk).status == "awaiting_resident"
        assert note.attachment.name.endswith(f"pismo-{case.sign.replace('.', '-')}.pdf")  # SO-5340-1-2026
        with note.attachment.open("rb") as stored:
            pdf = stored.read()
    letter = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in (
        "Miasto Toruń",
        f"Znak sprawy: {case.sign}",
        "Toruń, dnia",
        "Anna Kowalska",
        "ul. Szeroka 12/4",
        "Wezwanie do uzupełnienia braków formalnych wniosku —",  # the template's subject, the form's left empty
        "skan dowodu osobistego",
        "Jan Urzędniczy",
        "Urzędnik",
    ):
        assert expected in letter, expected
    signed_in(client, unit_a, office["resident"])
    page = client.get(f"{office['location']}sprawa/", HTTP_HOST=TORUN).content.decode()
    assert f'href="{office["location"]}pisma/{note.pk}/"' in page
    download = client.get(f"{office['location']}pisma/{note.pk}/", HTTP_HOST=TORUN)
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf


def test_a_second_letter_on_the_case_keeps_its_name_readable(office, client, unit_a):
    """Storage keeps every suffix of a name as its extension and puts its tie-breaker before them: a sign's dots
    would have made the second letter "pismo-SO_x1y2z3a.5340.1.2026.pdf"."""
    case, templates = office["case"], office["templates"]
    request = templates["wezwanie-do-uzupelnienia-brakow"]
    act(client, case, "request", template=request.pk, subject="", text="Proszę o skan.")
    reply = next(template for template in templates.values() if template.kind == "reply")
    act(client, case, "reply", template=reply.pk, subject="", text="Sprawa załatwiona.")
    stem = case.sign.replace(".", "-")
    with tenant_context(unit_a):
        names = [note.attachment.name.split("/")[-1] for note in CaseNote.objects.filter(case=case).order_by("pk")]
    # (The first may meet a file of that name left in storage by another test, and take a tie-breaker too.)
    assert all(re.fullmatch(rf"pismo-{stem}(_\w{{7}})?\.pdf", name) for name in names) and len(set(names)) == 2, names


def test_a_letter_and_the_clerks_own_file_are_not_sent_together(office, client, unit_a):
    own = SimpleUploadedFile("skan.pdf", PDF, content_type="application/pdf")
    response = act(
        client,
        office["case"],
        "reply",
        files={"reply-attachment": own},
        template=office["templates"]["odpowiedz-na-wniosek"].pk,
        text="Odpowiadam.",
    )
    assert response.status_code == 400
    assert "Pismo z szablonu wysyła się samo, jako PDF." in response.content.decode()
    own.seek(0)
    assert act(client, office["case"], "reply", files={"reply-attachment": own}, text="Plik.").status_code == 302
    with tenant_context(unit_a):
        assert [note.attachment.name.split("/")[-1] for note in CaseNote.objects.filter(kind="reply")] == ["skan.pdf"]


def test_nobody_who_does_not_see_the_case_drafts_from_its_facts(office, client, unit_a, unit_b):
    case, template = office["case"], office["templates"]["odpowiedz-na-wniosek"]
    assert draft(Client(), case, "reply", template).status_code == 302  # to sign in
    with tenant_context(unit_a):
        taxes = Department.objects.create(name="Wydział Podatków i Opłat", code="FN")
    signed_in(client, unit_a, staff_account(unit_a, "inny", StaffRole.CLERK, taxes))
    assert draft(client, case, "reply", template).status_code == 404
    signed_in(client, unit_a, office["resident"])
    assert draft(client, case, "reply", template).status_code == 403
    signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
    response = client.post(
        f"/urzad/sprawy/{case.pk}/reply/",
        {"reply-template": template.pk, "draft": "1"},
        HTTP_HOST=LUBICZ,
    )
    assert response.status_code == 404
    with tenant_context(unit_a):
        assert not CaseNote.objects.filter(case=case).exists()
