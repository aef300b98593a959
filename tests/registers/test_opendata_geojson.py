"""A register whose records have a place (coordinates, or points of a location field) also publishes
/dane/<register>.geojson: RFC 7946, longitude first, published records only, listed in the unit's catalogue and
feed; a register without a place has no such file."""

import json

import pytest
from lxml import etree
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from shared_services.catalogue.models import RegisterListing, RegisterTheme
from shared_services.eforms.locations import location_field_schema
from shared_services.registers import opendata
from shared_services.registers.models import RecordStatus
from tests.registers.test_opendata import assert_dcat_ap, harvest_schema
from tests.registers.test_opendata_files import kept_register, standard_definition

pytestmark = pytest.mark.django_db
TORUN, LUBICZ = {"HTTP_HOST": "torun.localhost"}, {"HTTP_HOST": "lubicz.localhost"}

STOPS = {
    "type": "object",
    "properties": {
        "nazwa": {"type": "string", "title": "Nazwa przystanku"},
        "szerokosc": {"type": "number", "title": "Szerokość geograficzna"},
        "dlugosc": {"type": "number", "title": "Długość geograficzna"},
        "miejsce": location_field_schema("Miejsce", "Dodatkowe punkty"),
    },
}


@pytest.fixture
def stops_standard(db):
    return standard_definition(
        "przystanki",
        STOPS,
        ["nazwa", "szerokosc", "dlugosc", "miejsce"],
        name="Przystanki",
        name_en="Bus stops",
        description="Przystanki komunikacji.",
        description_en="Bus stops.",
        theme=RegisterTheme.TRANSPORT_ENVIRONMENT,
        category="TRAN",
        update_frequency="monthly",
    )


@pytest.fixture
def stops(stops_standard, unit_a, unit_b):
    kept_register(
        unit_a,
        [
            (RecordStatus.PUBLISHED, {"nazwa": "Plac Rapackiego", "szerokosc": 53.0102, "dlugosc": 18.6011}),
            (RecordStatus.DRAFT, {"nazwa": "SZKIC", "szerokosc": 53.02, "dlugosc": 18.62}),
            (RecordStatus.WITHDRAWN, {"nazwa": "WYCOFANY", "szerokosc": 53.03, "dlugosc": 18.63}),
            (
                RecordStatus.PUBLISHED,
                {
                    "nazwa": "Dworzec Główny",
                    "miejsce": [
                        {"kind": "point", "lat": 52.9936, "lon": 18.6140},
                        {"kind": "point", "lat": 52.9940, "lon": 18.6150},
                        {"kind": "parcel", "parcel": "046301_1.0012.123/4"},
                    ],
                },
            ),
            (RecordStatus.PUBLISHED, {"nazwa": "Bez współrzędnych"}),
        ],
        slug="przystanki",
    )
    kept_register(
        unit_b,
        [(RecordStatus.PUBLISHED, {"nazwa": "LUBICZ-OBCY", "szerokosc": 53.03, "dlugosc": 18.75})],
        slug="przystanki",
    )


def test_the_geojson_is_a_feature_collection_of_published_records_longitude_first(client, stops):
    response = client.get("/dane/przystanki.geojson", **TORUN)

    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in response["Link"]
    document = json.loads(response.content)
    assert document["type"] == "FeatureCollection"
    features = document["features"]
    assert [feature["properties"]["nazwa"] for feature in features] == [
        "Plac Rapackiego",
        "Dworzec Główny",
        "Bez współrzędnych",
    ]
    assert all(feature["type"] == "Feature" for feature in features)
    assert [feature["id"] for feature in features] == [1, 4, 5]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [18.6011, 53.0102]}
    assert features[0]["properties"]["nr_wpisu"] == 1 and features[0]["properties"]["szerokosc"] == 53.0102
    assert features[1]["geometry"] == {"type": "MultiPoint", "coordinates": [[18.614, 52.9936], [18.615, 52.994]]}
    assert features[2]["geometry"] is None  # RFC 7946 3.2: a feature without a place
    assert "LUBICZ-OBCY" not in response.content.decode()


def test_another_units_host_serves_only_its_own_records(client, stops):
    document = json.loads(client.get("/dane/przystanki.geojson", **LUBICZ).content)

    assert [feature["properties"]["nazwa"] for feature in document["features"]] == ["LUBICZ-OBCY"]
    assert document["features"][0]["geometry"]["coordinates"] == [18.75, 53.03]


def test_the_geojson_answers_conditional_get(client, stops):
    first = client.get("/dane/przystanki.geojson", **TORUN)

    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/dane/przystanki.geojson", HTTP_IF_NONE_MATCH=first["ETag"], **TORUN)
    assert again.status_code == 304
    assert first["ETag"] != client.get("/dane/przystanki.json", **TORUN)["ETag"]


def test_the_mirror_knows_the_register_has_a_place(stops):
    assert RegisterListing.objects.get(unit__slug="torun", slug="przystanki").has_place is True


def test_the_catalogue_and_the_feed_list_the_geojson_of_a_register_with_a_place(client, stops):
    graph = Graph().parse(data=client.get("/dane/katalog.ttl", **TORUN).content, format="turtle")
    assert_dcat_ap(graph, expected_datasets=1)
    geo = URIRef(opendata.IANA_MEDIA_TYPE + "application/geo+json")
    urls = {str(graph.value(node, DCAT.downloadURL)) for node in graph.subjects(DCAT.mediaType, geo)}
    assert [url.split("/dane/")[1] for url in urls] == ["przystanki.geojson"]

    document = etree.fromstring(client.get("/dane/dane-gov-pl.xml", **TORUN).content)
    schema = harvest_schema()
    assert schema.validate(document), schema.error_log
    ns = {"h": opendata.HARVESTER_NAMESPACE}
    urls = [node.text for node in document.iterfind(".//h:resource/h:url", ns)]
    geojson = [url for url in urls if url.endswith(".geojson")]
    assert len(geojson) == 1 and geojson[0].startswith("https://torun.localhost") and "/dane/przystanki." in geojson[0]


def test_the_index_links_the_geojson(client, stops):
    page = client.get("/dane/", **TORUN).content.decode()

    assert "/dane/przystanki.geojson" in page


def test_a_harvesters_unchanged_request_costs_two_queries(client, stops, django_assert_num_queries):
    etag = client.get("/dane/przystanki.geojson", **TORUN)["ETag"]
    with django_assert_num_queries(2):  # search path; the listing with the licence
        assert client.get("/dane/przystanki.geojson", HTTP_IF_NONE_MATCH=etag, **TORUN).status_code == 304
    with django_assert_num_queries(5):  # and the register, its definition, its published records
        assert client.get("/dane/przystanki.geojson", **TORUN).status_code == 200


def test_a_definition_is_placed_by_a_pair_of_coordinates_or_a_location_field():
    assert opendata.place_fields(STOPS["properties"]) == opendata.PlaceFields("szerokosc", "dlugosc", ("miejsce",))
    assert opendata.place_fields({"miejsce": location_field_schema("Miejsce", "")}) == opendata.PlaceFields(
        locations=("miejsce",)
    )
    assert opendata.place_fields({"szerokosc": {"type": "number"}}) is None  # half a pair places nothing
    assert opendata.place_fields({"numer": {"type": "string"}}) is None
