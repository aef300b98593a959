"""Form definitions that would break the form page or filing are refused on save, and one stored before these
checks gives the resident a clear error page instead of a 500, a fetch from the network or a hung worker."""

import json
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from shared_services.eforms.definition import definition_check
from shared_services.eforms.models import UnitForm, UnitFormVersion
from shared_services.identity.access import StaffRole
from shared_services.offer.models import UnitService
from shared_services.offer.services import unit_service_save
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import TORUN, application_file

pytestmark = pytest.mark.django_db
FORM_URL = "/uslugi-lokalne/zgloszenie/wniosek/"
# With Python's backtracking `re`, each of these takes seconds on SLOW_INPUT (measured: 0.8 s, 1.2 s and 1.6 s
# at 24 characters), and doubles with every character more: hours at 40. RE2 answers at once.
NESTED_QUANTIFIERS = r"^(a+)+$"
NESTED_WITH_BACKREFERENCE = r"^(a+)+\1$"
CARELESS_EMAIL = (
    r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$"
)
CARELESS_EMAIL_WITH_LOOKAHEAD = r"^(?=.{1,254}$)(([a-zA-Z0-9]+)+[._-]?)+@[a-z0-9-]+(\.[a-z]{2,})+$"
SLOW_INPUT = "a" * 40 + "!"


def schema_with(**field) -> dict:
    return {
        "type": "object",
        "title": "Zgłoszenie",
        "properties": {
            "rodzaj": {"type": "string", "title": "Rodzaj", "enum": ["osoba", "firma"]},
            "kod": {"type": "string", "title": "Kod", "maxLength": 100, **field},
        },
    }


def refusal(json_schema: dict, layout: dict | None = None) -> str:
    with pytest.raises(ValidationError) as refused:
        definition_check(json_schema, layout or {})
    return " ".join(refused.value.messages)


@pytest.fixture(autouse=True)
def english_pages(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def stored(unit_a):
    """Store a definition as it may have been saved before these checks (straight into the table), offered as
    Toruń's own service at FORM_URL."""

    def store(json_schema: dict, layout: dict | None = None) -> UnitFormVersion:
        with tenant_context(unit_a):
            form = UnitForm.objects.create(slug="zgloszenie", name="Zgłoszenie")
            version = UnitFormVersion.objects.create(form=form, number=1, json_schema=json_schema, layout=layout or {})
            form.current = version
            form.save()
            unit_service_save(
                service=UnitService(
                    slug="zgloszenie", name="Zgłoszenie", short_description="Zgłoszenie.", unit_form=form
                )
            )
        return version

    return store


@pytest.fixture
def administrator(client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))


def saved_page(client, json_schema, layout="") -> str:
    text = json_schema if isinstance(json_schema, str) else json.dumps(json_schema)
    data = {"name": "Zgłoszenie", "slug": "zgloszenie", "json_schema": text, "layout": layout}
    response = client.post("/urzad/formularze/nowy/", data, HTTP_HOST=TORUN)
    assert response.status_code == 200
    return unescape(response.content.decode())


def assert_unusable_page(response):
    assert response.status_code == 404
    assert "This form cannot be filled in at the moment" in unescape(response.content.decode())


class TestConditionWithoutItsValue:
    LAYOUT = {"show_when": {"kod": {"field": "rodzaj"}}}

    def test_is_refused_on_save(self, english):
        assert "kod" in refusal(schema_with(), self.LAYOUT)

    def test_stored_one_gives_an_error_page_not_500(self, stored, client):
        stored(schema_with(), self.LAYOUT)
        assert_unusable_page(client.get(FORM_URL, HTTP_HOST=TORUN))
        assert_unusable_page(client.post(FORM_URL, {"rodzaj": "osoba", "kod": "x"}, HTTP_HOST=TORUN))


class TestReferences:
    def test_an_unresolvable_reference_is_refused_on_save(self, english):
        assert "#/$defs/brak" in refusal(schema_with(**{"$ref": "#/$defs/brak"}))

    def test_a_reference_outside_the_definition_is_refused_and_never_fetched(self, english):
        # Resolved only within the definition: jsonschema's default would fetch this address while filing.
        assert "http://127.0.0.1:9/schemat.json" in refusal(schema_with(**{"$ref": "http://127.0.0.1:9/schemat.json"}))

    def test_a_circular_reference_is_refused_on_save(self, english):
        schema = {**schema_with(**{"$ref": "#/$defs/petla"}), "$defs": {"petla": {"$ref": "#/$defs/petla"}}}
        assert "#/$defs/petla" in refusal(schema)

    def test_references_that_multiply_are_refused_on_save(self, english):
        # Each level doubles the work of checking one answer: 2**40 checks at filing.
        defs = {f"p{level}": {"allOf": [{"$ref": f"#/$defs/p{level - 1}"}] * 2} for level in range(1, 41)}
        schema = {**schema_with(**{"$ref": "#/$defs/p40"}), "$defs": {"p0": {"minLength": 1}, **defs}}
        assert "reference" in refusal(schema)

    def test_a_local_reference_works(self, stored, client, unit_a):
        schema = {**schema_with(**{"$ref": "#/$defs/kod"}), "$defs": {"kod": {"pattern": "^[0-9]{2}$"}}}
        definition_check(schema, {})
        stored(schema)
        refused = client.post(FORM_URL, {"rodzaj": "osoba", "kod": "abc"}, HTTP_HOST=TORUN)
        assert refused.status_code == 200 and "The value has the wrong format." in unescape(refused.content.decode())
        assert application_file(client, FORM_URL, {"rodzaj": "osoba", "kod": "12"}, HTTP_HOST=TORUN).status_code == 302

    def test_a_stored_unresolvable_reference_gives_an_error_page_not_500(self, stored, client):
        stored(schema_with(**{"$ref": "#/$defs/brak"}))
        assert_unusable_page(client.post(FORM_URL, {"rodzaj": "osoba", "kod": "x"}, HTTP_HOST=TORUN))


class TestPatterns:
    @pytest.mark.parametrize("pattern", [NESTED_WITH_BACKREFERENCE, CARELESS_EMAIL_WITH_LOOKAHEAD])
    def test_a_pattern_that_needs_backtracking_is_refused_on_save(self, english, pattern):
        assert "regex" in refusal(schema_with(pattern=pattern))

    def test_the_office_is_told_why(self, administrator, client, unit_a):
        page = saved_page(client, schema_with(pattern=NESTED_WITH_BACKREFERENCE))
        assert "is not a regular expression the platform can check" in page
        with tenant_context(unit_a):
            assert not UnitForm.objects.exists()

    @pytest.mark.parametrize("pattern", [NESTED_QUANTIFIERS, CARELESS_EMAIL])
    def test_a_stored_pattern_is_matched_in_linear_time(self, stored, client, pattern):
        # Backtracking, this request would take hours; the linear-time engine (RE2) answers at once.
        stored(schema_with(pattern=pattern))
        response = client.post(FORM_URL, {"rodzaj": "osoba", "kod": SLOW_INPUT}, HTTP_HOST=TORUN)
        assert response.status_code == 200
        assert "The value has the wrong format." in unescape(response.content.decode())

    def test_a_stored_pattern_the_engine_cannot_run_gives_an_error_page(self, stored, client):
        stored(schema_with(pattern=NESTED_WITH_BACKREFERENCE))
        assert_unusable_page(client.post(FORM_URL, {"rodzaj": "osoba", "kod": SLOW_INPUT}, HTTP_HOST=TORUN))

    def test_patterns_of_property_names_are_matched_by_the_same_engine(self, stored, client):
        schema = schema_with()
        schema["properties"][SLOW_INPUT] = {"type": "string", "title": "Uwagi", "maxLength": 100}
        schema["propertyNames"] = {"not": {"pattern": NESTED_QUANTIFIERS}}
        definition_check(schema, {})
        stored(schema)
        answer = {"rodzaj": "osoba", "kod": "x", SLOW_INPUT: "uwaga"}
        assert application_file(client, FORM_URL, answer, HTTP_HOST=TORUN).status_code == 302

    def test_pattern_properties_which_jsonschema_matches_with_backtracking_are_refused(self, english):
        assert "patternProperties" in refusal({**schema_with(), "patternProperties": {"^k": {"type": "string"}}})


class TestLimits:
    @pytest.mark.parametrize(
        "field, problem",
        [
            ({"pattern": "[0-9]" * 300}, "pattern"),
            ({"maxLength": 10**9}, "maxLength"),
            ({"enum": [str(number) for number in range(5000)]}, "options"),
        ],
    )
    def test_a_field_beyond_the_limits_is_refused(self, english, field, problem):
        assert problem in refusal(schema_with(**field))

    def test_too_many_fields_are_refused(self, english):
        properties = {f"pole{number}": {"type": "string"} for number in range(1000)}
        assert "fields" in refusal({"type": "object", "properties": properties})

    def test_a_too_long_field_name_is_refused(self, english):
        assert "name" in refusal({"type": "object", "properties": {"p" * 101: {"type": "string"}}})

    def test_a_too_large_definition_is_refused(self, english):
        assert "large" in refusal({**schema_with(), "description": "x" * 300_000})

    def test_a_too_deep_definition_is_refused(self, english):
        deep = {"type": "string"}
        for _ in range(100):
            deep = {"not": deep}
        assert "deep" in refusal({**schema_with(), "allOf": [deep]})

    def test_infinite_numbers_are_refused(self, english):
        assert "number" in refusal(schema_with(type="integer", maximum=float("inf")))

    @pytest.mark.parametrize(
        "text",
        [
            "[" * 100_000,
            '{"type": "object", "properties": {"a": {"type": "integer", "maximum": 1e400}}}',
            '{"type": "object", "properties": {"a": {"type": "integer", "maximum": NaN}}}',
            '{"type": "object", "properties": {"a": {"type": "string", "maxLength": 1' + "0" * 5000 + "}}}",
            '{"type": "object", "properties": {"a": {"type": "string", "title": "\\ud800"}}}',
        ],
        ids=["deep", "overflow", "nan", "long integer", "lone surrogate"],
    )
    def test_json_the_database_cannot_keep_is_explained(self, administrator, client, unit_a, text):
        page = saved_page(client, text)
        assert "This is not valid JSON" in page or "The form cannot be used" in page
        with tenant_context(unit_a):
            assert not UnitForm.objects.exists()


class TestStoredDefinitions:
    @pytest.mark.parametrize(
        "json_schema, layout",
        [
            (["nie", "obiekt"], {}),
            ({"type": "object", "properties": {"a": True}}, {}),
            ({"type": "object", "properties": {"a": {"type": "number", "enum": [True]}}}, {}),
            (schema_with(), {"steps": [{"fields": ["brak"]}]}),
            (schema_with(), "nie obiekt"),
        ],
        ids=["schema not an object", "field not an object", "choice of the wrong type", "unknown step", "layout"],
    )
    def test_any_stored_definition_gives_a_clear_page(self, stored, client, json_schema, layout):
        stored(json_schema, layout)
        assert_unusable_page(client.get(FORM_URL, HTTP_HOST=TORUN))
        assert_unusable_page(client.post(FORM_URL, {"rodzaj": "osoba", "a": "1"}, HTTP_HOST=TORUN))

    def test_a_reply_address_longer_than_an_address_can_be_is_not_a_500(self, stored, client, unit_a):
        from shared_services.eforms.models import Submission

        schema = schema_with()
        schema["properties"]["email"] = {"type": "string", "title": "E-mail"}
        stored(schema)
        answer = {"rodzaj": "osoba", "kod": "x", "email": "a" * 300 + "@example.pl"}
        assert application_file(client, FORM_URL, answer, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(unit_a):
            assert Submission.objects.get().contact_email == ""


class TestTextLength:
    """Every free text field of a new definition has a maximum length: without one, an answer may be as long as
    a request (MAX_REQUEST_MB), kept in the database and shown in the office."""

    @pytest.mark.parametrize(
        "field",
        [{"type": "string"}, {"type": "string", "format": "email"}, {"type": "string", "pattern": "^[0-9]*$"}],
    )
    def test_a_text_field_without_a_maximum_length_is_refused_on_save(self, english, field):
        schema = {"type": "object", "properties": {"uwagi": {"title": "Uwagi", **field}}}
        with pytest.raises(ValidationError, match=r"maximum length.*uwagi"):
            definition_check(schema, {})

    @pytest.mark.parametrize(
        "field",
        [
            {"type": "string", "maxLength": 500},
            {"type": "string", "format": "pesel"},
            {"type": "string", "format": "date"},
            {"type": "string", "enum": ["a", "b"]},
            {"type": "string", "x-attachment": {"mediaTypes": ["application/pdf"]}},
            {"type": "integer"},
        ],
    )
    def test_fields_bounded_otherwise_need_none(self, field):
        definition_check({"type": "object", "properties": {"pole": {"title": "Pole", **field}}}, {})

    def test_a_stored_definition_from_before_the_rule_stays_usable(self, stored, client):
        schema = schema_with()
        schema["properties"]["uwagi"] = {"type": "string", "title": "Uwagi"}
        stored(schema)
        answer = {"rodzaj": "osoba", "kod": "x", "uwagi": "uwaga"}
        assert application_file(client, FORM_URL, answer, HTTP_HOST=TORUN).status_code == 302
