"""The "location" field: parcel identifiers good and bad (format, map sheets, another gmina), addresses and points,
the confirmation a parcel of another unit needs, the draft, and filing that stores the places with the case."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django_tenants.utils import tenant_context

from shared_services.eforms.answers import answer_text
from shared_services.eforms.definition import definition_check
from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.locations import (
    location_field_schema,
    parcel_identifier_parse,
    parcel_in_unit,
    validate_parcel_identifier,
)
from shared_services.eforms.models import FormDraft
from shared_services.eforms.services import unit_form_save
from shared_services.inbox.models import RegisterEntry
from shared_services.offer.models import UnitService
from shared_services.offer.services import unit_service_save
from shared_services.places.models import Place, Resolution
from tests.support.accounts import local_account, signed_in
from tests.support.letters import TORUN, application_file

PLACES = location_field_schema("Działki, których dotyczy wniosek", max_places=3)
SCHEMA = {
    "type": "object",
    "title": "Wycinka drzew",
    "properties": {"miejsca": PLACES, "email": {"type": "string", "format": "email", "maxLength": 254}},
    "required": ["miejsca", "email"],
    "additionalProperties": False,
}


# --- The identifier -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, normal",
    [
        ("046301_1.0012.123/4", "046301_1.0012.123/4"),
        (" 046301_1.0012.123/4 ", "046301_1.0012.123/4"),
        ("046301_1.0012.57", "046301_1.0012.57"),
        ("141201_1.0001.1867/2", "141201_1.0001.1867/2"),  # the example of the 2001 regulation's annex
        ("041504_2.0011.AR_2.57", "041504_2.0011.AR_2.57"),  # numbered within map sheet 2
        ("041504_2.0011.ar_02.57", "041504_2.0011.AR_2.57"),
        ("146502_8.0101.12/3", "146502_8.0101.12/3"),  # a Warsaw district
        ("041503_5.0004.88", "041503_5.0004.88"),  # the rural area of an urban-rural gmina
    ],
)
def test_good_identifiers_are_accepted_in_their_normal_form(typed, normal):
    assert validate_parcel_identifier(typed) == normal
    assert parcel_identifier_parse(typed).identifier == normal


@pytest.mark.parametrize(
    "typed, code",
    [
        ("123/4", "parcel_format"),
        ("04630_1.0012.123/4", "parcel_format"),  # five digits of TERYT
        ("046301-1.0012.123/4", "parcel_format"),
        ("046301_1.12.123/4", "parcel_format"),  # the precinct has four digits
        ("046301_1.0012.123/", "parcel_format"),
        ("046301_1.0012.AR5.123", "parcel_sheet"),
        ("046301_6.0012.123/4", "parcel_kind"),
        ("046301_0.0012.123/4", "parcel_kind"),
        ("046301_1.0000.123/4", "parcel_precinct"),
        ("046301_1.0012.0", "parcel_number"),
        ("046301_1.0012.12/0", "parcel_number"),
        ("046301_1.0012." + "1" * 70, "parcel_length"),
    ],
)
def test_bad_identifiers_are_refused_saying_why(typed, code):
    with pytest.raises(ValidationError) as refused:
        validate_parcel_identifier(typed)
    assert refused.value.code == code
    assert parcel_identifier_parse(typed) is None


@pytest.mark.parametrize(
    "teryt, unit_code, inside",
    [
        ("046301_1", "0463011", True),  # Toruń in Toruń
        ("041504_2", "0463011", False),  # Lubicz is another gmina
        ("046101_1", "0463011", False),  # Bydgoszcz
        ("041504_2", "0415042", True),
        ("041504_3", "0415042", False),  # the same digits but another kind
        ("041503_4", "0415033", True),  # the town of an urban-rural gmina
        ("041503_5", "0415033", True),  # its rural area
        ("041503_4", "0415032", False),  # a town is no part of a rural gmina
        ("146502_8", "1465011", True),  # a Warsaw district in Warsaw
        ("126102_9", "1261011", True),  # a Kraków district in Kraków
        ("126102_9", "1262011", False),  # not in another powiat's town
        ("041504_2", "0415", True),  # the powiat holds its gminas
        ("046301_1", "0415", False),
        ("046301_1", "04", True),  # the voivodeship holds them all
        ("146502_8", "04", False),
    ],
)
def test_a_parcel_is_in_a_unit_by_its_teryt_code(teryt, unit_code, inside):
    assert parcel_in_unit(teryt, unit_code) is inside


def test_a_unit_without_a_terc_code_cannot_tell():
    assert parcel_in_unit("046301_1", "INT0001") is None


# --- The field ----------------------------------------------------------------------------------------------------


def test_a_location_field_is_a_valid_definition_and_a_tampered_one_is_not():
    definition_check(SCHEMA, {})
    tampered = {**PLACES, "items": {"type": "string"}}
    with pytest.raises(ValidationError):
        definition_check({**SCHEMA, "properties": {"miejsca": tampered}}, {})
    with pytest.raises(ValidationError):
        definition_check({**SCHEMA, "properties": {"miejsca": {**PLACES, "maxItems": 500}}}, {})


@pytest.fixture
def version(unit_a):
    with tenant_context(unit_a):
        version = unit_form_save(unit_form=None, name="Wycinka", slug="wycinka", json_schema=SCHEMA, layout={})
        unit_service_save(
            service=UnitService(
                slug="wycinka", name="Wycinka drzew", short_description="Drzewa.", unit_form=version.form
            )
        )
    return version


def _posted(rows: list[dict], **extra) -> QueryDict:
    query = QueryDict(mutable=True)
    for index, row in enumerate(rows):
        for part, value in row.items():
            query[f"miejsca-{index}-{part}"] = value
    for key, value in {"email": "jan@example.pl", **extra}.items():
        query[key] = value
    return query


def test_parcels_addresses_and_points_are_the_answer(version, unit_a):
    with tenant_context(unit_a):
        form = ApplicationForm(
            _posted(
                [
                    {"parcel": "046301_1.0012.123/4 "},
                    {"locality": "Toruń", "street": "Wały gen. Sikorskiego", "number": "8"},
                    {"lat": "53,0102", "lon": "18.6048"},
                ]
            ),
            definition=version,
        )
        assert form.is_valid(), form.errors
    assert form.document()["miejsca"] == [
        {"kind": "parcel", "parcel": "046301_1.0012.123/4"},
        {"kind": "address", "locality": "Toruń", "street": "Wały gen. Sikorskiego", "number": "8"},
        {"kind": "point", "lat": 53.0102, "lon": 18.6048},
    ]
    text = answer_text(form.document()["miejsca"], PLACES)
    assert "046301_1.0012.123/4" in text and "Toruń, Wały gen. Sikorskiego 8" in text


@pytest.mark.parametrize(
    "row, message",
    [
        ({"parcel": "123/4"}, "WWPPGG_R.OOOO.NR"),
        ({"parcel": "046301_1.0012.1", "street": "Szeroka"}, "not several"),
        ({"street": "Szeroka", "number": "1"}, "locality"),
        ({"lat": "north", "lon": "18"}, "as numbers"),
        ({"lat": "95", "lon": "18"}, "from -90 to 90"),
    ],
)
def test_a_bad_place_is_refused_with_its_number(version, unit_a, row, message, english):
    with tenant_context(unit_a):
        form = ApplicationForm(_posted([{"parcel": "046301_1.0012.1"}, row]), definition=version)
        assert not form.is_valid()
    errors = " ".join(form.errors["miejsca"])
    assert "Place 2" in errors and message in errors


def test_no_place_at_all_is_refused(version, unit_a):
    with tenant_context(unit_a):
        form = ApplicationForm(_posted([]), definition=version)
        assert not form.is_valid() and "miejsca" in form.errors


def test_a_parcel_of_another_gmina_must_be_confirmed(version, unit_a, english):
    lubicz = [{"parcel": "041504_2.0008.112/3"}]
    with tenant_context(unit_a):
        warned = ApplicationForm(_posted(lubicz), definition=version)
        assert not warned.is_valid()
        assert "does not lie in this office's area" in " ".join(warned.errors["miejsca"])
        page = str(warned["miejsca"])
        assert 'name="miejsca__outside_confirmed"' in page and "041504_2.0008.112/3" in page
        confirmed = ApplicationForm(_posted(lubicz, miejsca__outside_confirmed="1"), definition=version)
        assert confirmed.is_valid(), confirmed.errors
        own = ApplicationForm(_posted([{"parcel": "046301_1.0012.123/4"}]), definition=version)
        assert own.is_valid() and 'name="miejsca__outside_confirmed"' not in str(own["miejsca"])


def test_the_form_shows_one_more_empty_group_than_filled_up_to_the_limit(version, unit_a):
    with tenant_context(unit_a):
        one = str(ApplicationForm(_posted([{"parcel": "046301_1.0012.1"}]), definition=version)["miejsca"])
        assert 'name="miejsca-1-parcel"' in one and 'name="miejsca-2-parcel"' not in one
        empty = str(ApplicationForm(definition=version)["miejsca"])
        assert 'name="miejsca-0-parcel"' in empty and 'name="miejsca-1-parcel"' not in empty
        assert 'id="id_miejsca-0-lat"' in empty  # the map picker fills these


def test_a_draft_keeps_the_places_as_typed(version, client, unit_a):
    with tenant_context(unit_a):
        resident = local_account(email="jan@example.pl")
    signed_in(client, unit_a, resident)
    url = "/uslugi-lokalne/wycinka/wniosek/"
    saved = client.post(url, {"miejsca-0-parcel": "046301_1.0012.12", "save_draft": "1"}, HTTP_HOST=TORUN)
    assert saved.status_code == 302
    with tenant_context(unit_a):
        assert FormDraft.objects.get().data["miejsca"]["rows"][0]["parcel"] == "046301_1.0012.12"
    again = client.get(url, HTTP_HOST=TORUN).content.decode()
    assert 'value="046301_1.0012.12"' in again


def test_filing_stores_the_places_with_the_case_and_flags_another_gmina(version, client, unit_a):
    filed = application_file(
        client,
        "/uslugi-lokalne/wycinka/wniosek/",
        {
            "miejsca-0-parcel": "046301_1.0012.123/4",
            "miejsca-1-parcel": "041504_2.0008.112/3",
            "miejsca-2-lat": "53.0102",
            "miejsca-2-lon": "18.6048",
            "miejsca__outside_confirmed": "1",
            "email": "jan@example.pl",
        },
        HTTP_HOST=TORUN,
    )
    assert filed.status_code == 302, filed.content.decode()
    with tenant_context(unit_a):
        entry = RegisterEntry.objects.get()
        places = list(Place.objects.filter(case=entry.case).order_by("position"))
    assert [place.identifier for place in places] == [
        "046301_1.0012.123/4",
        "041504_2.0008.112/3",
        "53.0102000,18.6048000",
    ]
    assert [place.outside_unit for place in places] == [False, True, False]
    assert all(place.submission_id == entry.submission_id and place.register_entry_id == entry.pk for place in places)
    assert all(place.status == Resolution.PENDING for place in places) and places[2].located


def test_the_form_builder_offers_a_location_field_and_reads_it_back():
    from shared_services.eforms.builder import LOCATION, builder_form_new, definition_read, definition_write, field_add

    form = builder_form_new("Wycinka drzew")
    (name,) = field_add(form, LOCATION, step=0)
    schema, layout = definition_write(form)
    definition_check(schema, layout)
    assert schema["properties"][name]["x-location"] is True and schema["properties"][name]["maxItems"] == 5
    reading = definition_read(schema, layout)
    assert reading.problems == [] and reading.form.fields[name].kind == LOCATION
