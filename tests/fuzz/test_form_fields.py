"""Generated answers to a form with every kind of field the forms engine supports (shared_services/eforms: text,
free text, a pattern, e-mail, number, whole number, money, date, a list, a choice of options and of numbers, a
box, a box that must be ticked, PESEL, NIP, REGON, postal code, account number, a file, and a field shown under
a condition; there is no multiple choice, so several values for one field are among the hostile answers), sent
through the real portal pages as a visitor sends them: the form, then the check page, then "send" (issue 15,
item 5). No answer may end in a 5xx: the form comes back with its errors (200), or the answers go on to the check
page and are filed (302 to the confirmation, which shows them, as the case page shows them to the office).

What is generated (Hypothesis): for each example, valid answers to every field, of which up to four are replaced
by hostile ones — any code point (lone surrogates too, sent as the bytes they would be), NUL and other control
characters, bidirectional overrides, 100,000 characters, numbers too large or small for any field, dates that do
not exist, text where a number or a file belongs, a file of any bytes under any name, several values for one
field, or nothing at all. Half the examples are sent as multipart (with the file), half URL-encoded. Besides, each
tricky character and each hostile value is sent for sure, once in every field. Bound: MAX_EXAMPLES generated
examples (derandomized) and 63 fixed ones, about twenty seconds.
"""

import re
from urllib.parse import quote_from_bytes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django_tenants.utils import tenant_context
from hypothesis import given
from hypothesis import strategies as st

from shared_services.eforms.models import UnitForm
from shared_services.eforms.services import form_version_create
from shared_services.identity.access import StaffRole
from shared_services.inbox.models import Case
from shared_services.offer.models import UnitService
from shared_services.offer.services import unit_service_save
from tenants.models import Tenant
from tests.conftest import UNIT_A
from tests.support.accounts import signed_in, staff_account
from tests.support.generated_input import (
    HOSTILE_VALUES,
    TRICKY_CHARACTERS,
    bounded,
    hostile_text,
    spoiled,
    utf8_or_not,
)
from tests.support.letters import PDF, TORUN

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 200
FORM_URL = "/uslugi-lokalne/wszystkie-pola/wniosek/"
CHECK_URL = FORM_URL + "sprawdz/"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)

EVERY_FIELD = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Każde pole",
    "type": "object",
    "properties": {
        "tekst": {"type": "string", "title": "Tekst", "minLength": 1, "maxLength": 200},
        "opis": {"type": "string", "title": "Opis", "maxLength": 5000},
        "znak": {"type": "string", "title": "Znak", "pattern": "^[A-Z]{2}[0-9]{4}$", "maxLength": 6},
        "email": {"type": "string", "title": "E-mail", "format": "email", "maxLength": 254},
        "powierzchnia": {"type": "number", "title": "Powierzchnia", "minimum": 0, "maximum": 1000000},
        "liczba_osob": {"type": "integer", "title": "Liczba osób", "minimum": -100, "maximum": 100},
        "kwota": {"type": "integer", "title": "Kwota", "x-money": True, "minimum": 100, "maximum": 10000000},
        "data": {"type": "string", "title": "Data", "format": "date"},
        "kolor": {"type": "string", "title": "Kolor", "enum": ["czerwony", "zielony"]},
        "rodzaj": {
            "type": "string",
            "title": "Rodzaj",
            "oneOf": [{"const": "osoba", "title": "Osoba"}, {"const": "firma", "title": "Firma"}],
        },
        "pietro": {"type": "integer", "title": "Piętro", "enum": [0, 1, 2]},
        "newsletter": {"type": "boolean", "title": "Newsletter"},
        "oswiadczenie": {"type": "boolean", "title": "Oświadczenie", "const": True},
        "nip": {"type": "string", "title": "NIP", "format": "nip"},
        "pesel": {"type": "string", "title": "PESEL", "format": "pesel"},
        "regon": {"type": "string", "title": "REGON", "format": "regon"},
        "kod_pocztowy": {"type": "string", "title": "Kod pocztowy", "format": "postal-code"},
        "konto": {"type": "string", "title": "Konto", "format": "iban"},
        "skan": {
            "type": "string",
            "title": "Skan",
            "x-attachment": {"mediaTypes": ["application/pdf", "image/png"], "maxBytes": 100_000},
        },
    },
    "required": ["tekst", "email", "rodzaj", "oswiadczenie"],
    "allOf": [
        {"if": {"properties": {"rodzaj": {"const": "firma"}}, "required": ["rodzaj"]}, "then": {"required": ["nip"]}}
    ],
}
LAYOUT = {
    "widgets": {"opis": "textarea", "rodzaj": "radio"},
    "show_when": {"nip": {"field": "rodzaj", "equals": "firma"}},
    "autocomplete": {"email": "email"},
}
TEXT_FIELDS = [name for name, spec in EVERY_FIELD["properties"].items() if "x-attachment" not in spec]
FREE_TEXT = ("tekst", "opis")  # where any character may stay, so that the answers are filed with it
# A complete, valid answer to each field.
EXAMPLE = {
    "tekst": "Anna Kowalska",
    "opis": "Proszę o wydanie zaświadczenia.",
    "znak": "AB1234",
    "email": "anna@example.pl",
    "powierzchnia": "120.5",
    "liczba_osob": "3",
    "kwota": "17,50",
    "data": "2026-03-01",
    "kolor": "zielony",
    "rodzaj": "firma",
    "pietro": "1",
    "newsletter": "on",
    "oswiadczenie": "on",
    "nip": "5260250274",
    "pesel": "44051401359",
    "regon": "012100784",
    "kod_pocztowy": "87-100",
    "konto": "PL61109010140000071219812874",
}


def _variants(*values: str) -> st.SearchStrategy[str]:
    """Valid answers as people type them: as given, or with the spaces they copy along."""
    return st.sampled_from(values).flatmap(
        lambda value: st.sampled_from([value, f" {value} ", value.replace("-", " - ")])
    )


VALID = {
    "tekst": st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]), min_size=1, max_size=200).filter(
        str.strip
    ),
    "opis": st.text(max_size=300),
    "znak": st.from_regex(r"[A-Z]{2}[0-9]{4}", fullmatch=True),
    "email": st.sampled_from(["anna@example.pl", "Jan.Nowak+urzad@poczta.example.com"]),
    "powierzchnia": st.decimals(0, 1000000, places=2).map(str),
    "liczba_osob": st.integers(-100, 100).map(str),
    "kwota": st.integers(100, 10000000).map(lambda grosze: f"{grosze // 100},{grosze % 100:02d}"),
    "data": st.dates().map(lambda day: day.isoformat()),
    "kolor": st.sampled_from(["czerwony", "zielony", ""]),
    "rodzaj": st.sampled_from(["osoba", "firma"]),
    "pietro": st.sampled_from(["0", "1", "2", ""]),
    "newsletter": st.sampled_from(["on", ""]),
    "oswiadczenie": st.just("on"),
    "nip": _variants("5260250274", "526-025-02-74"),
    "pesel": _variants("44051401359", "02070803628"),
    "regon": _variants("012100784", "123456785"),
    "kod_pocztowy": _variants("87-100", "00-950"),
    "konto": _variants("PL61109010140000071219812874", "61 1090 1014 0000 0712 1981 2874"),
}
FILES = st.one_of(
    st.tuples(st.sampled_from(["skan.pdf", "zdjęcie.png"]), st.sampled_from([PDF, PNG])),
    st.tuples(hostile_text().filter(bool), st.binary(max_size=300)),
    st.tuples(st.just("pusty.pdf"), st.just(b"")),
    st.tuples(st.just("duzy.pdf"), st.just(PDF + bytes(100_001))),
)


@st.composite
def answers(draw) -> dict[str, list[bytes]]:
    """Every text field with a valid answer, but up to four with a hostile one: a valid one with a tricky
    character in it, hostile text, several values, or none at all."""
    answered = {name: [draw(strategy)] for name, strategy in VALID.items()}
    for name in draw(st.lists(st.sampled_from(TEXT_FIELDS), max_size=4, unique=True)):
        answered[name] = draw(
            st.one_of(
                spoiled(VALID[name]).map(lambda value: [value]),
                st.lists(hostile_text(), max_size=3),
                st.lists(st.sampled_from(["", "on", "1", "True", "osoba", "firma"]), min_size=2, max_size=3),
            )
        )
    return {name: [utf8_or_not(value) for value in values] for name, values in answered.items() if values}


@pytest.fixture(scope="module")
def every_field_service(django_db_setup, django_db_blocker):
    """Toruń's own service whose form has every kind of field, for the module (rolled back after it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with tenant_context(Tenant.objects.get(code=UNIT_A["code"])):
                form = UnitForm.objects.create(slug="wszystkie-pola", name="Każde pole")
                form_version_create(form=form, json_schema=EVERY_FIELD, layout=LAYOUT)
                unit_service_save(
                    service=UnitService(
                        slug="wszystkie-pola", name="Każde pole", short_description="Każde pole.", unit_form=form
                    )
                )
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def office(unit_a):
    """A browser of Toruń's administrator, who opens each filed application's case."""
    browser = Client()
    signed_in(browser, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    return browser


def send(client, fields: dict[str, list[bytes]], upload: tuple[str, bytes] | None, multipart: bool):
    """The form as a browser sends it: multipart with the file, or URL-encoded without it."""
    if not multipart:
        body = "&".join(f"{name}={quote_from_bytes(value)}" for name, values in fields.items() for value in values)
        return client.post(FORM_URL, body, content_type="application/x-www-form-urlencoded", HTTP_HOST=TORUN)
    data = dict(fields)
    if upload is not None:
        # The test client writes a file's name as text; what a browser sends is UTF-8 in any case.
        name = upload[0].encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        data["skan"] = SimpleUploadedFile(name, upload[1])
    return client.post(FORM_URL, data, HTTP_HOST=TORUN)


def assert_answered_without_error(office, unit, fields, upload=None, multipart=True):
    """Send the answers as a visitor; the form comes back with what to correct, or they are filed, the
    confirmation shows them and so does the case page to the office."""
    visitor = Client()
    sent = send(visitor, fields, upload, multipart)
    assert sent.status_code in (200, 302), sent.status_code
    if sent.status_code == 200:
        assert 'id="error-summary"' in sent.content.decode()
        return
    assert sent["Location"] == CHECK_URL
    check = visitor.get(CHECK_URL, HTTP_HOST=TORUN)
    assert check.status_code == 200, check.status_code
    key = re.search(r'name="draft" value="([0-9a-f-]+)"', check.content.decode()).group(1)
    filed = visitor.post(CHECK_URL, {"draft": key}, HTTP_HOST=TORUN)
    confirmation = re.fullmatch(r"/wnioski/([0-9a-f-]+)/", filed["Location"]) if filed.status_code == 302 else None
    assert confirmation, filed.status_code
    assert visitor.get(filed["Location"], HTTP_HOST=TORUN).status_code == 200
    with tenant_context(unit):
        case = Case.objects.get(register_entry__submission__reference=confirmation[1])
    assert office.get(f"/urzad/sprawy/{case.pk}/", HTTP_HOST=TORUN).status_code == 200


def _middle(value: str, character: str) -> str:
    return value[: len(value) // 2] + character + value[len(value) // 2 :]


@pytest.mark.usefixtures("every_field_service")
@pytest.mark.parametrize("character", TRICKY_CHARACTERS)
@pytest.mark.parametrize("fields", [FREE_TEXT, TEXT_FIELDS], ids=["free text", "every field"])
def test_each_tricky_character_in_the_answers(office, unit_a, character, fields):
    """Each character for sure, not only when the generation happens on it: in the free text, which is then
    filed, and in every field at once."""
    answers = {
        name: [utf8_or_not(_middle(value, character) if name in fields else value)] for name, value in EXAMPLE.items()
    }
    assert_answered_without_error(office, unit_a, answers, ("skan.pdf", PDF))


@pytest.mark.usefixtures("every_field_service")
@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_each_hostile_value_as_every_answer(office, unit_a, value):
    assert_answered_without_error(office, unit_a, {name: [utf8_or_not(value)] for name in EXAMPLE})


@pytest.mark.usefixtures("every_field_service")
@given(fields=answers(), upload=st.none() | FILES, multipart=st.booleans())
@bounded(MAX_EXAMPLES)
def test_no_generated_answers_end_in_a_server_error(office, unit_a, fields, upload, multipart):
    assert_answered_without_error(office, unit_a, fields, upload, multipart)
