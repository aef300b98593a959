"""The files the office sends with a request or a reply reach the resident on their case page, and nobody else:
not another resident, not an anonymous visitor, not another unit; an internal note's file never."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole
from shared_services.inbox.case_services import case_write
from shared_services.inbox.models import Case, CaseNote
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, LUBICZ, PDF, TORUN, application_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


def office_writes(unit):
    """An administrator's internal note, request and reply on the unit's only case, each with a file."""
    admin = staff_account(unit, "admin", StaffRole.UNIT_ADMIN)
    with tenant_context(unit):
        case = Case.objects.get()
        notes = {
            kind: case_write(
                user=admin,
                case=case,
                kind=kind,
                text=f"Pismo: {kind}.",
                attachment=SimpleUploadedFile(f"{kind}-pismo.pdf", PDF, content_type="application/pdf"),
            )
            for kind in (CaseNote.Kind.NOTE, CaseNote.Kind.REQUEST, CaseNote.Kind.REPLY)
        }
    return notes


def download(client, location, note, host=TORUN):
    return client.get(f"{location}pisma/{note.pk}/", HTTP_HOST=host)


def test_the_signed_in_resident_downloads_the_offices_files_but_not_an_internal_notes(full_catalogue, client, unit_a):
    with tenant_context(unit_a):
        resident = local_account(email="anna@example.pl")
    signed_in(client, unit_a, resident)
    location = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"]
    notes = office_writes(unit_a)
    signed_in(client, unit_a, resident)
    page = client.get(f"{location}sprawa/", HTTP_HOST=TORUN).content.decode()
    for kind in (CaseNote.Kind.REQUEST, CaseNote.Kind.REPLY):
        assert f'href="{location}pisma/{notes[kind].pk}/"' in page and f"{kind}-pismo.pdf" in page
        response = download(client, location, notes[kind])
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert f"{kind}-pismo.pdf" in response["Content-Disposition"]
    assert "note-pismo.pdf" not in page
    assert download(client, location, notes[CaseNote.Kind.NOTE]).status_code == 404


def test_another_resident_an_anonymous_visitor_and_another_units_people_are_refused(
    full_catalogue, client, unit_a, unit_b
):
    with tenant_context(unit_a):
        resident, other = local_account(email="anna@example.pl"), local_account(email="jan@example.pl")
    signed_in(client, unit_a, resident)
    location = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"]
    reply = office_writes(unit_a)[CaseNote.Kind.REPLY]
    signed_in(client, unit_a, other)
    assert download(client, location, reply).status_code == 404
    assert download(Client(), location, reply).status_code == 404
    # Toruń's office reads the file on its own case page, not through the resident's door.
    signed_in(client, unit_a, staff_account(unit_a, "kierownik", StaffRole.UNIT_ADMIN))
    assert download(client, location, reply).status_code == 404
    with tenant_context(unit_b):
        lubicz_resident = local_account(email="anna@example.pl")
    signed_in(client, unit_b, lubicz_resident)
    assert download(client, location, reply, host=LUBICZ).status_code == 404
    signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
    assert download(client, location, reply, host=LUBICZ).status_code == 404


def test_whoever_opens_the_case_with_its_access_code_downloads_its_files(full_catalogue, client, unit_a):
    location = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"]
    code = re.search(r'class="access-code">([A-Z0-9-]+)<', client.get(location, HTTP_HOST=TORUN).content.decode())
    reply = office_writes(unit_a)[CaseNote.Kind.REPLY]
    follower = Client()
    assert download(follower, location, reply).status_code == 404
    page = follower.post("/sprawa/", {"code": code.group(1)}, HTTP_HOST=TORUN).content.decode()
    assert f'href="{location}pisma/{reply.pk}/"' in page
    assert download(follower, location, reply).status_code == 200
    assert follower.post("/sprawa/", {"code": "AAAA-BBBB-CCCC"}, HTTP_HOST=TORUN).status_code == 200
    assert download(Client(), location, reply).status_code == 404  # the code opened it in that browser only
