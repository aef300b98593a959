"""One register's files on its unit's host (/dane/<register>.csv|.json|.jsonld and the CSV's description):
published records only, the licence stated, conditional GET, and the public mirror kept by the refresh that the
register's services call when they publish or withdraw."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from shared_services.catalogue.models import RegisterListing, RegisterTheme, StandardRegister, StandardRegisterVersion
from shared_services.registers.models import Record, RecordStatus, Register
from shared_services.registers.opendata_services import (
    open_data_licence_choose,
    register_listing_refresh,
    register_listings_rebuild,
)

pytestmark = pytest.mark.django_db
TORUN, LUBICZ = {"HTTP_HOST": "torun.localhost"}, {"HTTP_HOST": "lubicz.localhost"}

SCHEMA = {
    "type": "object",
    "properties": {
        "numer": {"type": "string", "title": "Numer uchwały", "x-title-en": "Resolution number", "maxLength": 50},
        "data_podjecia": {"type": "string", "format": "date", "title": "Data podjęcia"},
        "kwota": {"type": "integer", "x-money": True, "title": "Kwota", "description": "W złotych"},
        "name": {"type": "string", "title": "Przedmiot", "maxLength": 300},
    },
    "required": ["numer"],
}


def standard_definition(slug: str, schema: dict, fields: list[str], **described) -> StandardRegisterVersion:
    """A standard register's first definition, current."""
    register = StandardRegister.objects.create(slug=slug)
    version = StandardRegisterVersion.objects.create(
        register=register,
        number=1,
        json_schema=schema,
        # The columns' order is the layout's: PostgreSQL keeps a JSON object's keys in an order of its own.
        layout={"steps": [{"title": described.get("name", slug), "fields": fields}]},
        unit_kinds=[],
        title_field=fields[0],
        **described,
    )
    register.current = version
    register.save()
    return version


@pytest.fixture
def standard(db):
    return standard_definition(
        "uchwaly-rady",
        SCHEMA,
        ["numer", "data_podjecia", "kwota", "name"],
        name="Uchwały rady",
        name_en="Council resolutions",
        description="Uchwały podjęte przez radę.",
        description_en="Resolutions adopted by the council.",
        theme=RegisterTheme.AUTHORITY_LAW,
        category="GOVE",
        update_frequency="monthly",
        tags=["uchwały"],
        tags_en=["resolutions"],
    )


def kept_register(unit, records, slug="uchwaly-rady"):
    """The unit's register with records of the given statuses; the mirror refreshed as publishing does."""
    with tenant_context(unit):
        register = Register.objects.create(slug=slug, version=1)
        for number, (status, data) in enumerate(records, start=1):
            Record.objects.create(
                register=register,
                number=number,
                definition_version=1,
                data=data,
                status=status,
                produced_by="Rada",
                produced_on=datetime.date(2026, 11, number),
                created_by="urzednik",
            )
        register_listing_refresh(register)
    connection.set_schema_to_public()
    return register


@pytest.fixture
def torun_register(standard, unit_a):
    return kept_register(
        unit_a,
        [
            (RecordStatus.PUBLISHED, {"numer": "XII/1/2026", "data_podjecia": "2026-11-02", "kwota": 125050}),
            (RecordStatus.DRAFT, {"numer": "SZKIC-TAJNY"}),
            (RecordStatus.PROPOSED, {"numer": "PROPOZYCJA-Z-SPRAWY"}),
            (RecordStatus.WITHDRAWN, {"numer": "WYCOFANA"}),
            (RecordStatus.PUBLISHED, {"numer": "XII/5/2026", "name": 'Ulica Różana, "nowa"'}),
        ],
    )


def test_the_csv_has_the_published_records_only_with_a_header_row(client, torun_register):
    response = client.get("/dane/uchwaly-rady.csv", **TORUN)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows == [
        ["nr_wpisu", "numer", "data_podjecia", "kwota", "name"],
        ["1", "XII/1/2026", "2026-11-02", "1250.50", ""],
        ["5", "XII/5/2026", "", "", 'Ulica Różana, "nowa"'],
    ]
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in response["Link"]
    assert "uchwaly-rady.csv-metadata.json" in response["Link"]


def test_the_column_description_is_published_beside_the_csv(client, torun_register):
    response = client.get("/dane/uchwaly-rady.csv-metadata.json", **TORUN)

    assert response.status_code == 200 and response["Content-Type"] == "application/csvm+json"
    description = json.loads(response.content)
    columns = {column["name"]: column for column in description["tableSchema"]["columns"]}
    assert list(columns) == ["nr_wpisu", "numer", "data_podjecia", "kwota", "name"]
    assert columns["numer"]["titles"] == {"pl": "Numer uchwały", "en": "Resolution number"}
    assert (columns["data_podjecia"]["datatype"], columns["kwota"]["datatype"]) == ("date", "decimal")
    assert columns["kwota"]["dc:description"] == "W złotych"
    assert description["dc:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}


def test_json_and_json_ld_carry_the_same_records_and_the_units_licence(client, torun_register, unit_a):
    with tenant_context(unit_a):
        open_data_licence_choose(licence="cc0", actor="admin")
    connection.set_schema_to_public()

    document = json.loads(client.get("/dane/uchwaly-rady.json", **TORUN).content)
    assert [record["numer"] for record in document["records"]] == ["XII/1/2026", "XII/5/2026"]
    assert document["records"][0]["kwota"] == 1250.5
    assert document["dataset"]["license"]["name"] == "CC0 1.0"
    assert document["dataset"]["publisher"] == {
        "name": "Miasto Toruń",
        "teryt": "0463011",
        "url": "http://torun.localhost:8000/",
    }

    response = client.get("/dane/uchwaly-rady.jsonld", **TORUN)
    assert response["Content-Type"] == "application/ld+json"
    assert "publicdomain/zero/1.0" in response["Link"]
    graph = Graph().parse(data=response.content, format="json-ld")
    base = "http://torun.localhost:8000/dane/uchwaly-rady"
    column = f"{base}.csv-metadata.json#"
    assert (URIRef(f"{base}.jsonld"), URIRef("https://schema.org/license"), None) in graph
    assert (
        URIRef(f"{base}.jsonld#1"),
        URIRef(column + "data_podjecia"),
        Literal("2026-11-02", datatype=XSD.date),
    ) in graph
    assert len(set(graph.subjects(URIRef(column + "numer")))) == 2


def test_no_draft_proposal_or_withdrawn_record_appears_anywhere(client, torun_register):
    for path in ("/dane/uchwaly-rady.csv", "/dane/uchwaly-rady.json", "/dane/uchwaly-rady.jsonld"):
        body = client.get(path, **TORUN).content.decode()
        assert "XII/1/2026" in body
        for hidden in ("SZKIC-TAJNY", "PROPOZYCJA-Z-SPRAWY", "WYCOFANA"):
            assert hidden not in body, (path, hidden)


def test_files_answer_conditional_get_until_the_register_changes(client, torun_register, unit_a):
    first = client.get("/dane/uchwaly-rady.csv", **TORUN)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]

    assert client.get("/dane/uchwaly-rady.csv", HTTP_IF_NONE_MATCH=etag, **TORUN).status_code == 304
    assert client.get("/dane/uchwaly-rady.csv", HTTP_IF_MODIFIED_SINCE=modified, **TORUN).status_code == 304
    assert client.get("/dane/uchwaly-rady.json", HTTP_IF_NONE_MATCH=etag, **TORUN).status_code == 200

    with tenant_context(unit_a):
        Record.objects.filter(register=torun_register, number=2).update(status=RecordStatus.PUBLISHED)
        register_listing_refresh(torun_register, now=timezone.now() + datetime.timedelta(seconds=2))
    connection.set_schema_to_public()
    changed = client.get("/dane/uchwaly-rady.csv", HTTP_IF_NONE_MATCH=etag, **TORUN)
    assert changed.status_code == 200 and "SZKIC-TAJNY" in changed.content.decode()
    assert changed["ETag"] != etag


def test_a_harvesters_unchanged_request_costs_two_queries(client, torun_register, django_assert_num_queries):
    etag = client.get("/dane/uchwaly-rady.csv", **TORUN)["ETag"]
    with django_assert_num_queries(2):  # search path; the listing with the licence
        assert client.get("/dane/uchwaly-rady.csv", HTTP_IF_NONE_MATCH=etag, **TORUN).status_code == 304
    with django_assert_num_queries(5):  # and the register, its definition, its published records
        assert client.get("/dane/uchwaly-rady.csv", **TORUN).status_code == 200


def test_the_mirror_follows_publication_and_withdrawal(torun_register, unit_a, unit_b, standard):
    listing = RegisterListing.objects.get(unit=unit_a)
    assert (listing.slug, listing.key, listing.record_count, listing.theme) == (
        "uchwaly-rady",
        "uchwaly-rady",
        2,
        "GOVE",
    )
    assert (listing.title_en, listing.keywords_en, listing.update_frequency) == (
        "Council resolutions",
        ["resolutions"],
        "monthly",
    )
    first_published = listing.first_published_at

    with tenant_context(unit_a):
        Record.objects.filter(register=torun_register).update(status=RecordStatus.WITHDRAWN)
        register_listing_refresh(torun_register)
    listing.refresh_from_db()
    assert listing.record_count == 0 and listing.first_published_at == first_published  # listed, empty

    with tenant_context(unit_a):
        torun_register.enabled = False
        torun_register.save()
        register_listing_refresh(torun_register)
    assert not RegisterListing.objects.filter(unit=unit_a).exists()

    # A register that never published anything is not open data yet.
    kept_register(unit_b, [(RecordStatus.DRAFT, {"numer": "1"})])
    assert not RegisterListing.objects.filter(unit=unit_b).exists()


def test_another_units_host_serves_only_its_own_register(torun_register, standard, unit_b):
    kept_register(unit_b, [(RecordStatus.PUBLISHED, {"numer": "LUBICZ/1"})])
    visitor = Client()

    lubicz = visitor.get("/dane/uchwaly-rady.csv", **LUBICZ).content.decode()
    torun = visitor.get("/dane/uchwaly-rady.csv", **TORUN).content.decode()

    assert "LUBICZ/1" in lubicz and "XII/1/2026" not in lubicz
    assert "XII/1/2026" in torun and "LUBICZ/1" not in torun
    assert visitor.get("/dane/nie-ma-takiego.csv", **TORUN).status_code == 404


def test_the_mirror_is_rebuilt_from_the_units_schema(torun_register, unit_a):
    """After an import from an archive the rows came without the register's services: the rebuild lists them."""
    RegisterListing.objects.filter(unit=unit_a).delete()
    with tenant_context(unit_a):
        assert register_listings_rebuild() == 1
    listing = RegisterListing.objects.get(unit=unit_a)
    assert (listing.register_id, listing.record_count) == (torun_register.pk, 2)


def test_offboarding_takes_the_units_registers_out_of_the_catalogues_and_import_brings_them_back(
    torun_register, unit_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from onboarding.actors import Actor
    from onboarding.services import unit_offboard

    settings.UNIT_EXPORT_ROOT = tmp_path / "exports"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = str(tmp_path / "media" / "%s")
    with django_capture_on_commit_callbacks(execute=True):
        stored = unit_offboard(unit=unit_a, confirmation="torun", actor=Actor(label="operator", ip_address=None))
    assert not RegisterListing.objects.filter(unit=unit_a).exists()

    call_command("import_unit", str(settings.UNIT_EXPORT_ROOT / stored.key))
    assert RegisterListing.objects.get(unit=unit_a).record_count == 2


def test_publishing_through_the_registers_services_keeps_the_files_and_catalogues_current(client, standard, unit_a):
    """The register engine's own publish and withdraw, end to end: the mirror, the files and the feed follow."""
    from shared_services.registers.services import record_create, record_publish, record_withdraw

    with tenant_context(unit_a):
        register = Register.objects.create(slug="uchwaly-rady", version=1)
        draft = record_create(
            register=register,
            data={"numer": "I/1/2027", "data_podjecia": "2027-01-04"},
            produced_by="Rada Miasta",
            produced_on=datetime.date(2027, 1, 4),
            actor="urzednik",
        )
    connection.set_schema_to_public()
    assert not RegisterListing.objects.filter(unit=unit_a).exists()  # a draft is not open data
    assert client.get("/dane/uchwaly-rady.csv", **TORUN).status_code == 404

    with tenant_context(unit_a):
        record_publish(record=draft, actor="urzednik", entered_by="Jan Urzędnik")
    connection.set_schema_to_public()
    assert RegisterListing.objects.get(unit=unit_a, register_id=register.pk).record_count == 1
    published = client.get("/dane/uchwaly-rady.csv", **TORUN)
    assert "I/1/2027" in published.content.decode()
    assert b"<extIdent>uchwaly-rady</extIdent>" in client.get("/dane/dane-gov-pl.xml", **TORUN).content

    with tenant_context(unit_a):
        record_withdraw(record=draft, reason="Uchylona", actor="urzednik", entered_by="Jan Urzędnik")
    connection.set_schema_to_public()
    assert RegisterListing.objects.get(unit=unit_a, register_id=register.pk).record_count == 0
    withdrawn = client.get("/dane/uchwaly-rady.csv", HTTP_IF_NONE_MATCH=published["ETag"], **TORUN)
    assert withdrawn.status_code == 200 and "I/1/2027" not in withdrawn.content.decode()


def test_every_seeded_standard_register_is_valid_open_data(client, unit_a):
    """The twelve seeded registers, each with a published record: the feed is valid against the harvester's XSD,
    the catalogue has every dataset DCAT-AP asks for, and every file and column description answers."""
    from lxml import etree

    from shared_services.catalogue.register_services import REGISTERS_SEED_FILE, standard_registers_load
    from shared_services.registers.services import registers_adopt_defaults
    from tests.registers.test_opendata import assert_dcat_ap, harvest_schema

    standard_registers_load(document=json.loads(REGISTERS_SEED_FILE.read_text(encoding="utf-8")))
    with tenant_context(unit_a):
        registers_adopt_defaults(unit_kind=unit_a.kind)
        registers = list(Register.objects.all())
        for register in registers:
            Record.objects.create(
                register=register,
                number=1,
                definition_version=register.version,
                data={},
                status=RecordStatus.PUBLISHED,
                produced_by="Urząd",
                produced_on=datetime.date(2026, 12, 1),
                created_by="urzednik",
            )
            register_listing_refresh(register)
    connection.set_schema_to_public()
    assert len(registers) >= 10

    feed = etree.fromstring(client.get("/dane/dane-gov-pl.xml", **TORUN).content)
    schema = harvest_schema()
    assert schema.validate(feed), schema.error_log
    assert len(feed) == len(registers)
    assert_dcat_ap(
        Graph().parse(data=client.get("/dane/katalog.ttl", **TORUN).content, format="turtle"),
        expected_datasets=len(registers),
    )
    for register in registers:
        for suffix in ("csv", "json", "jsonld", "csv-metadata.json"):
            response = client.get(f"/dane/{register.slug}.{suffix}", **TORUN)
            assert response.status_code == 200, (register.slug, suffix)


def test_a_register_without_a_place_has_no_geojson(client, torun_register):
    """Only a register whose records have a place has a GeoJSON file (tests/registers/test_opendata_geojson.py)."""
    assert RegisterListing.objects.get(slug="uchwaly-rady").has_place is False
    etag = client.get("/dane/uchwaly-rady.csv", **TORUN)["ETag"].replace("-csv", "-geojson")

    assert client.get("/dane/uchwaly-rady.geojson", **TORUN).status_code == 404
    assert client.get("/dane/uchwaly-rady.geojson", HTTP_IF_NONE_MATCH=etag, **TORUN).status_code == 404
    assert client.get("/dane/nie-ma.geojson", **TORUN).status_code == 404
