"""Form definitions: checked before use, immutable once saved, rendered accessibly and validated in Polish."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from shared_services.catalogue.services import form_definitions_read
from shared_services.eforms.definition import DefinitionNotEditable, definition_check
from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.models import Submission, UnitForm
from shared_services.identity.access import StaffRole
from shared_services.offer.models import UnitService
from shared_services.offer.services import unit_service_save
from tests.support.accounts import signed_in
from tests.support.letters import application_file

pytestmark = pytest.mark.django_db
TORUN = "torun.localhost"
HALL_RENTAL = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Wniosek o wynajem sali",
    "type": "object",
    "properties": {
        "nazwa": {"type": "string", "title": "Najemca", "minLength": 1, "maxLength": 200},
        "data": {"type": "string", "format": "date", "title": "Dzień wynajmu"},
        "osoby": {"type": "integer", "title": "Liczba osób", "minimum": 1, "maximum": 50},
    },
    "required": ["nazwa", "data", "osoby"],
}


class TestDefinitions:
    @pytest.mark.parametrize("definition", form_definitions_read(), ids=lambda definition: definition["slug"])
    def test_every_seeded_form_is_a_valid_definition(self, definition):
        definition_check(definition["json_schema"], definition["layout"])

    @pytest.mark.parametrize(
        "schema, layout, problem",
        [
            ({"type": "object", "properties": {"a": {"type": "strin"}}}, {}, "JSON Schema"),
            ({"type": "array"}, {}, "object with properties"),
            (HALL_RENTAL, {"steps": [{"title": "A", "fields": ["nazwa", "brak"]}]}, "brak"),
            (HALL_RENTAL, {"steps": [{"title": "A", "fields": ["nazwa"]}]}, "osoby"),
            (HALL_RENTAL, {"widgets": {"nazwa": "slider"}}, "slider"),
            (HALL_RENTAL, {"show_when": {"osoby": {"field": "nieznane", "equals": 1}}}, "osoby"),
        ],
    )
    def test_a_broken_definition_is_refused_saying_what_is_wrong(self, english, schema, layout, problem):
        with pytest.raises(ValidationError) as refused:
            definition_check(schema, layout)
        assert problem in " ".join(refused.value.messages)

    def test_a_saved_version_cannot_be_changed(self, unit_a):
        from shared_services.eforms.services import unit_form_save

        with tenant_context(unit_a):
            version = unit_form_save(unit_form=None, name="Sala", slug="sala", json_schema=HALL_RENTAL, layout={})
            version.json_schema = {**HALL_RENTAL, "title": "inny"}
            with pytest.raises(DefinitionNotEditable):
                version.save()


class TestRendering:
    @pytest.fixture
    def letter(self, full_catalogue):
        from shared_services.catalogue.models import StandardForm

        return StandardForm.objects.get(slug="wniosek-o-informacje-publiczna").current

    def test_steps_are_fieldsets_with_legends_and_fields_have_labels_and_hints(self, letter, client, unit_a):
        body = client.get("/uslugi/dostep-do-informacji-publicznej/wniosek/", HTTP_HOST=TORUN).content.decode()
        assert '<fieldset class="step">' in body and "<legend>1. Wniosek</legend>" in body
        assert '<label for="id_email">' in body and 'id="id_email_helptext"' in body
        # Radio buttons are grouped under their question.
        assert '<fieldset class="choices"><legend>Sposób udostępnienia' in body
        # A conditional field says when to fill it in, for browsers without JavaScript.
        assert "Wypełnij tylko wtedy, gdy w polu „Sposób udostępnienia” wybrano „Pocztą na adres”." in body
        assert 'data-show-when="sposob" data-show-equals="poczta"' in body

    def test_an_error_summary_links_to_each_field_in_error(self, letter, client, unit_a):
        body = application_file(
            client, "/uslugi/dostep-do-informacji-publicznej/wniosek/", {}, HTTP_HOST=TORUN
        ).content.decode()
        assert 'role="alert"' in body
        for field in ("email", "zakres"):
            assert f'href="#id_{field}"' in body and f'id="id_{field}_error"' in body

    def test_answers_are_stored_as_json_types(self, unit_a):
        with tenant_context(unit_a):
            from shared_services.eforms.services import unit_form_save

            version = unit_form_save(unit_form=None, name="Sala", slug="sala", json_schema=HALL_RENTAL, layout={})
        form = ApplicationForm({"nazwa": "Koło Gospodyń", "data": "2026-12-24", "osoby": "30"}, definition=version)
        assert form.is_valid(), form.errors
        assert form.document() == {"nazwa": "Koło Gospodyń", "data": "2026-12-24", "osoby": 30}
        too_many = ApplicationForm({"nazwa": "X", "data": "2026-12-24", "osoby": "51"}, definition=version)
        assert not too_many.is_valid() and "osoby" in too_many.errors


class TestUnitForms:
    @pytest.fixture
    def clerk(self, client, unit_a):
        with tenant_context(unit_a):
            user = User.objects.create_user("urzednik")
            user.groups.add(Group.objects.get_or_create(name=StaffRole.UNIT_ADMIN)[0])
        signed_in(client, unit_a, user)

    def post(self, client, **changes):
        data = {"name": "Wynajem sali", "slug": "wynajem-sali", "json_schema": json.dumps(HALL_RENTAL), "layout": ""}
        return client.post("/urzad/formularze/nowy/", {**data, **changes}, HTTP_HOST=TORUN)

    def test_bad_json_is_explained_and_nothing_is_saved(self, clerk, client, unit_a):
        body = self.post(client, json_schema='{"type": "object",').content.decode()
        assert "To nie jest poprawny JSON. Wiersz 1" in body
        body = self.post(
            client, json_schema='{"type": "object", "properties": {"a": {"type": "tekst"}}}'
        ).content.decode()
        assert "Schemat JSON jest nieprawidłowy" in body
        with tenant_context(unit_a):
            assert not UnitForm.objects.exists()

    def test_a_unit_form_serves_an_own_service_and_a_new_version_keeps_the_old_submissions(
        self, clerk, client, unit_a, unit_b
    ):
        assert self.post(client).status_code == 302
        with tenant_context(unit_a):
            unit_form = UnitForm.objects.get()
            unit_service_save(
                service=UnitService(
                    slug="wynajem-sali",
                    name="Wynajem sali wiejskiej",
                    short_description="Sala na 50 osób.",
                    unit_form=unit_form,
                )
            )
        answer = {"nazwa": "Koło Gospodyń", "data": "2026-12-24", "osoby": "30"}
        assert (
            application_file(client, "/uslugi-lokalne/wynajem-sali/wniosek/", answer, HTTP_HOST=TORUN).status_code
            == 302
        )
        changed = {**HALL_RENTAL, "title": "Wniosek o wynajem sali (nowy)"}
        assert (
            client.post(
                "/urzad/formularze/wynajem-sali/",
                {"name": "Wynajem sali", "slug": "wynajem-sali", "json_schema": json.dumps(changed), "layout": ""},
                HTTP_HOST=TORUN,
            ).status_code
            == 302
        )
        with tenant_context(unit_a):
            assert UnitForm.objects.get().current.number == 2
            assert Submission.objects.get().unit_form_version.number == 1
        with tenant_context(unit_b):
            assert not UnitForm.objects.exists()
        assert client.get("/uslugi-lokalne/wynajem-sali/wniosek/", HTTP_HOST="lubicz.localhost").status_code == 404


class TestValidationAcrossFields:
    def test_a_rule_over_several_answers_is_reported_even_without_a_field(self, unit_a):
        from shared_services.eforms.services import unit_form_save

        schema = {
            "type": "object",
            "properties": {
                "telefon": {"type": "string", "title": "Telefon", "maxLength": 30},
                "email": {"type": "string", "title": "E-mail", "maxLength": 254},
            },
            "anyOf": [{"required": ["telefon"]}, {"required": ["email"]}],
        }
        with tenant_context(unit_a):
            version = unit_form_save(unit_form=None, name="Kontakt", slug="kontakt", json_schema=schema, layout={})
        empty = ApplicationForm({}, definition=version)
        assert not empty.is_valid() and empty.non_field_errors()
        assert ApplicationForm({"email": "a@b.pl"}, definition=version).is_valid()

    def test_a_stored_document_passes_its_own_schema_with_numbers_and_false(self, unit_a):
        from jsonschema import Draft202012Validator

        from shared_services.eforms.services import unit_form_save

        schema = {
            "type": "object",
            "properties": {
                "powierzchnia": {"type": "number", "title": "Powierzchnia", "minimum": 0},
                "pietro": {"type": "integer", "title": "Piętro", "enum": [0, 1, 2]},
                "winda": {"type": "boolean", "title": "Winda"},
            },
        }
        with tenant_context(unit_a):
            version = unit_form_save(unit_form=None, name="Lokal", slug="lokal", json_schema=schema, layout={})
        form = ApplicationForm({"powierzchnia": "48.5", "pietro": "2"}, definition=version)
        assert form.is_valid(), form.errors
        assert form.document() == {"powierzchnia": 48.5, "pietro": 2, "winda": False}
        assert not list(Draft202012Validator(schema).iter_errors(form.document()))

    @pytest.mark.parametrize(
        "properties, layout, problem",
        [
            ({"a": {"type": "string", "oneOf": [{"title": "bez wartości"}]}}, {}, "const"),
            ({"a": {"type": "string", "x-attachment": {"maxBytes": 10}}}, {}, "mediaTypes"),
            ({"a": True}, {}, "object"),
            ({"a": {"type": "array", "items": {"type": "string"}}}, {}, "multiple choice"),
            ({"a": {"type": "string"}}, {"steps": "a"}, "list"),
            (
                {"a": {"type": "string", "x-attachment": {"mediaTypes": ["application/pdf"], "maxBytes": 10**12}}},
                {},
                "size",
            ),
        ],
    )
    def test_definitions_the_rendering_cannot_serve_are_refused(self, english, properties, layout, problem):
        with pytest.raises(ValidationError) as refused:
            definition_check({"type": "object", "properties": properties}, layout)
        assert problem in " ".join(refused.value.messages)
