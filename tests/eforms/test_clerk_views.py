"""A unit administrator saving a form definition is told what is wrong in words, not in the JSON parser's
or jsonschema's English."""

import json
from html import unescape

import pytest
from django.conf import settings
from django.utils import translation
from django_tenants.utils import tenant_context

from shared_services.eforms.forms import json_problem, schema_problems
from shared_services.eforms.models import UnitForm
from shared_services.identity.access import StaffRole
from tests.eforms.test_definition import HALL_RENTAL
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db
ENGLISH_OF_THE_TOOLS = ("Expecting", "delimiter", "is not valid under any", "is not of type", "char ")


@pytest.fixture
def administrator(client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))


def save(client, json_schema: str, layout: str = ""):
    data = {"name": "Wynajem sali", "slug": "wynajem-sali", "json_schema": json_schema, "layout": layout}
    response = client.post("/urzad/formularze/nowy/", data, HTTP_HOST=TORUN)
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.parametrize(
    "text,message",
    [
        (
            '{\n  "type": "object"\n  "properties": {}\n}',
            'To nie jest poprawny JSON. Wiersz 3, kolumna 3: brakuje przecinka przed „"properties"”.',
        ),
        (
            '{"type": "object",',
            "To nie jest poprawny JSON. Wiersz 1, kolumna 19: tekst kończy się za wcześnie: czegoś brakuje na "
            'końcu (zamykającego }, ] albo ").',
        ),
        (
            '{"type": "object", "properties": {},}',
            "To nie jest poprawny JSON. Wiersz 1, kolumna 37: przed „}” stoi przecinek: usuń go (JSON nie "
            "dopuszcza przecinka po ostatnim elemencie).",
        ),
        (
            "{'type': 'object'}",
            'To nie jest poprawny JSON. Wiersz 1, kolumna 2: nazwy i teksty ujmij w cudzysłów prosty "…", nie w '
            "apostrofy.",
        ),
        (
            '{"type": "object", "title": "Wniosek}',
            "To nie jest poprawny JSON. Wiersz 1, kolumna 29: tekst w cudzysłowie, który zaczyna się tutaj, nie ma "
            'zamykającego ".',
        ),
    ],
)
def test_a_json_mistake_is_explained_in_polish_with_its_line_and_column(administrator, client, unit_a, text, message):
    page = save(client, text)
    assert message in page
    assert not [words for words in ENGLISH_OF_THE_TOOLS if words in page]
    with tenant_context(unit_a):
        assert not UnitForm.objects.exists()


@pytest.mark.parametrize(
    "properties,message",
    [
        (
            {"a": {"type": "tekst"}},
            "Schemat JSON jest nieprawidłowy: pole „a” ma nieznany typ „tekst”; typ pola formularza to jeden z: "
            "array, boolean, integer, number, string.",
        ),
        (
            {"a": "string"},
            "Schemat JSON jest nieprawidłowy: pole „a” musi być obiektem {…}, a nie tekstem w cudzysłowie.",
        ),
        (
            {"a": {"type": "string", "maxLength": "5"}},
            "Schemat JSON jest nieprawidłowy: „maxLength” pola „a” musi być liczbą całkowitą, a nie tekstem w "
            "cudzysłowie.",
        ),
        (
            {"a": {"type": "string", "pattern": "[a-"}},
            "Schemat JSON jest nieprawidłowy: „pattern” pola „a” nie jest poprawnym wyrażeniem regularnym: „[a-”.",
        ),
    ],
)
def test_a_schema_mistake_is_explained_in_polish(administrator, client, unit_a, properties, message):
    page = save(client, json.dumps({"type": "object", "properties": properties}))
    assert message in page
    assert not [words for words in ENGLISH_OF_THE_TOOLS if words in page]
    with tenant_context(unit_a):
        assert not UnitForm.objects.exists()


def test_the_explanations_are_in_english_for_an_english_reader(administrator, client, unit_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = save(client, json.dumps({"type": "object", "properties": {"a": {"type": "tekst"}}}))
    assert "The JSON Schema is not valid: the field “a” has an unknown type “tekst”" in page
    page = save(client, '{"type": "object" "properties": {}}')
    assert 'This is not valid JSON. Line 1, column 19: a comma is missing before “"properties"”.' in page


def test_a_valid_definition_is_still_saved(administrator, client, unit_a):
    response = client.post(
        "/urzad/formularze/nowy/",
        {"name": "Wynajem sali", "slug": "wynajem-sali", "json_schema": json.dumps(HALL_RENTAL), "layout": ""},
        HTTP_HOST=TORUN,
    )
    assert response.status_code == 302
    with tenant_context(unit_a):
        assert UnitForm.objects.get().current.json_schema == HALL_RENTAL


@pytest.mark.parametrize(
    "text,problem",
    [
        ('{"a": 1 "b": 2}', 'a comma is missing before “"b"”'),
        ('{"a" 1}', "a colon is missing between a name and its value, before “1”"),
        (
            '{"a": True}',
            "a value is expected here (text in double quotes, a number, true, false, null, an object {…} "
            "or a list […]), not “True”",
        ),
        ("[1, 2,]", "there is a comma before “]”: remove it (JSON allows no comma after the last item)"),
        ('{"a": [1, 2}', "a “]” is missing before “}”"),
        ('{"a": {"b": 1}', 'the text ends too early: something is missing at the end (a closing }, ] or ")'),
        ('{"a": 1}}', "there is more after the end: only one object {…} is allowed (an extra } perhaps?)"),
        (
            '{"a": "ab\ncd"}',
            'the text in quotes breaks off at the end of the line: close it with " (write \\n for a '
            "new line within the text)",
        ),
        ('{"a": "\\x"}', 'a backslash \\ must be followed by ", \\, /, b, f, n, r, t or u; write \\\\ for a backslash'),
        ('{"a": "\\u12"}', "\\u must be followed by four hexadecimal digits"),
    ],
)
def test_each_kind_of_json_mistake_has_its_words(text, problem):
    with translation.override("en"), pytest.raises(json.JSONDecodeError) as error:
        json.loads(text)
    with translation.override("en"):
        assert json_problem(error.value) == problem


def test_several_schema_mistakes_are_listed_once_each():
    schema = {"type": "object", "required": ["a", "a"], "properties": {"a": "string", "b": {"type": "x"}}}
    with translation.override("en"):
        assert schema_problems(schema) == [
            "the field “a” must be an object {…}, not text in double quotes.",
            "the field “b” has an unknown type “x”; a form field's type is one of: array, boolean, integer, number, string.",
            "“required” of the schema lists the same value more than once.",
        ]
