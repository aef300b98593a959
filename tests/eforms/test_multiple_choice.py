"""A multiple choice: an array of text options in the schema, checkboxes in the form, every ticked option kept in
the answer, the draft and the check page."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import tenant_context

from shared_services.eforms.definition import definition_check
from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.models import FormDraft, Submission
from shared_services.eforms.services import unit_form_save
from shared_services.offer.models import UnitService
from shared_services.offer.services import unit_service_save
from tests.support.accounts import local_account, signed_in
from tests.support.letters import TORUN, application_file

pytestmark = pytest.mark.django_db

EQUIPMENT = {
    "type": "array",
    "title": "Wyposażenie sali",
    "items": {
        "type": "string",
        "oneOf": [
            {"const": "rzutnik", "title": "Rzutnik"},
            {"const": "naglosnienie", "title": "Nagłośnienie"},
            {"const": "krzesla", "title": "Dodatkowe krzesła"},
        ],
    },
    "uniqueItems": True,
}
SCHEMA = {
    "type": "object",
    "title": "Wynajem sali",
    "properties": {"wyposazenie": EQUIPMENT, "email": {"type": "string", "format": "email", "maxLength": 254}},
    "required": ["wyposazenie", "email"],
    "additionalProperties": False,
}


def test_a_multiple_choice_is_a_valid_definition():
    definition_check(SCHEMA, {})


@pytest.mark.parametrize(
    "spec",
    [
        {"type": "array", "items": {"type": "string", "enum": ["a"]}},  # uniqueItems missing
        {"type": "array", "items": {"type": "integer", "enum": [1]}, "uniqueItems": True},
        {"type": "array", "items": {"type": "string"}, "uniqueItems": True},  # free text items
        {"type": "array", "uniqueItems": True},
        {"type": "array", "items": {"type": "string", "oneOf": [{"title": "x"}]}, "uniqueItems": True},
    ],
)
def test_any_other_list_is_refused(spec):
    with pytest.raises(ValidationError):
        definition_check({"type": "object", "properties": {"lista": spec}}, {})


@pytest.fixture
def version(unit_a):
    with tenant_context(unit_a):
        version = unit_form_save(unit_form=None, name="Sala", slug="sala", json_schema=SCHEMA, layout={})
        unit_service_save(
            service=UnitService(slug="sala", name="Wynajem sali", short_description="Sala.", unit_form=version.form)
        )
    return version


def test_every_ticked_option_is_the_answer(version):
    form = ApplicationForm(
        _query({"wyposazenie": ["rzutnik", "krzesla"], "email": "jan@example.pl"}), definition=version
    )
    assert form.is_valid(), form.errors
    assert form.document() == {"wyposazenie": ["rzutnik", "krzesla"], "email": "jan@example.pl"}
    assert 'type="checkbox" name="wyposazenie" value="naglosnienie"' in str(form["wyposazenie"])


@pytest.mark.parametrize("ticked", [[], ["rzutnik", "telewizor"]])
def test_none_or_an_unknown_option_is_refused(version, ticked):
    form = ApplicationForm(_query({"wyposazenie": ticked, "email": "jan@example.pl"}), definition=version)
    assert not form.is_valid() and "wyposazenie" in form.errors


def test_a_resident_files_it_and_a_draft_keeps_every_option(version, client, unit_a):
    with tenant_context(unit_a):
        resident = local_account(email="jan@example.pl")
    signed_in(client, unit_a, resident)
    url = "/uslugi-lokalne/sala/wniosek/"
    saved = client.post(url, {"wyposazenie": ["rzutnik", "krzesla"], "save_draft": "1"}, HTTP_HOST=TORUN)
    assert saved.status_code == 302
    with tenant_context(unit_a):
        assert FormDraft.objects.get().data["wyposazenie"] == ["rzutnik", "krzesla"]
    again = client.get(url, HTTP_HOST=TORUN).content.decode()
    assert again.count("checked") >= 2
    filed = application_file(
        client, url, {"wyposazenie": ["rzutnik", "krzesla"], "email": "jan@example.pl"}, HTTP_HOST=TORUN
    )
    assert filed.status_code == 302
    with tenant_context(unit_a):
        assert Submission.objects.get().data["wyposazenie"] == ["rzutnik", "krzesla"]


def test_the_check_page_shows_the_options_by_their_titles(version, unit_a):
    client = Client()
    checked = client.post(
        "/uslugi-lokalne/sala/wniosek/",
        {"wyposazenie": ["rzutnik", "krzesla"], "email": "jan@example.pl", "check_answers": "1"},
        HTTP_HOST=TORUN,
    )
    assert checked.status_code == 302
    page = client.get(checked["Location"], HTTP_HOST=TORUN).content.decode()
    assert "Rzutnik, Dodatkowe krzesła" in page


def _query(data: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query
