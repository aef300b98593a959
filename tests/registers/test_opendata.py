"""The open-data formats on their own (shared_services/registers/opendata.py): no database, no views."""

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from shared_services.registers import opendata
from shared_services.registers.opendata import LICENCES, Column, Dataset, Publisher

SCHEMA = Path(opendata.__file__).parent / "schemas" / "xml_import_otwarte_dane_1_10.xsd"

PUBLISHER = Publisher("Miasto Toruń", "0463011", "http://torun.localhost:8000/", LICENCES["cc-by-4.0"])
DATASET = Dataset(
    slug="uchwaly-rady",
    ident="uchwaly-rady",
    title_pl="Uchwały rady",
    title_en="Council resolutions",
    description_pl="Uchwały rady miasta, z datą i przedmiotem.",
    description_en="The city council's resolutions, with date and subject.",
    theme="GOVE",
    update_frequency="monthly",
    keywords_pl=("uchwały", "rada"),
    keywords_en=("resolutions",),
    columns=(
        Column("numer", "Numer", "Number"),
        Column("data", "Data podjęcia", "Date adopted", "date", "Dzień, w którym rada podjęła uchwałę"),
        Column("name", "Przedmiot", "Subject"),
        Column("glosy", "Głosy za", "Votes for", "integer"),
    ),
    modified=datetime.datetime(2026, 11, 30, 9, 15, tzinfo=datetime.UTC),
    record_count=2,
)
RECORDS = [
    {"id": 7, "numer": "XII/1/2026", "data": datetime.date(2026, 11, 2), "name": 'Budżet, "zmiana"', "glosy": 15},
    {"id": 9, "numer": "XII/2/2026", "data": datetime.date(2026, 11, 3), "name": "Ulica Różana", "glosy": None},
]


def harvest_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def test_csv_is_utf8_with_a_header_row_of_the_column_keys():
    content = opendata.csv_bytes(DATASET, RECORDS)

    assert not content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows == [
        ["numer", "data", "name", "glosy"],
        ["XII/1/2026", "2026-11-02", 'Budżet, "zmiana"', "15"],
        ["XII/2/2026", "2026-11-03", "Ulica Różana", ""],
    ]


def test_the_csv_description_names_every_column_and_the_licence():
    description = opendata.csvw_metadata(PUBLISHER, DATASET)

    assert description["url"] == "http://torun.localhost:8000/dane/uchwaly-rady.csv"
    assert description["dc:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    columns = description["tableSchema"]["columns"]
    assert [column["name"] for column in columns] == ["numer", "data", "name", "glosy"]
    assert columns[1] == {
        "name": "data",
        "titles": {"pl": "Data podjęcia", "en": "Date adopted"},
        "datatype": "date",
        "dc:description": "Dzień, w którym rada podjęła uchwałę",
    }


def test_json_states_the_licence_and_carries_the_records():
    document = opendata.json_document(PUBLISHER, DATASET, RECORDS)

    assert document["dataset"]["license"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert document["dataset"]["publisher"]["teryt"] == "0463011"
    assert document["records"][0] == {
        "numer": "XII/1/2026",
        "data": "2026-11-02",
        "name": 'Budżet, "zmiana"',
        "glosy": 15,
    }
    json.loads(opendata.json_bytes(document))


def test_json_ld_is_rdf_with_the_records_in_the_registers_own_vocabulary():
    content = opendata.json_bytes(opendata.jsonld_document(PUBLISHER, DATASET, RECORDS))
    graph = Graph().parse(data=content, format="json-ld")

    dataset = URIRef("http://torun.localhost:8000/dane/uchwaly-rady.jsonld")
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert (dataset, URIRef("https://schema.org/license"), URIRef(LICENCES["cc-by-4.0"].url)) in graph
    record = URIRef("http://torun.localhost:8000/dane/uchwaly-rady.jsonld#7")
    column = "http://torun.localhost:8000/dane/uchwaly-rady.csv-metadata.json#"
    assert (record, URIRef(column + "data"), Literal("2026-11-02", datatype=URIRef(str(opendata.XSD.date)))) in graph
    # A column called "name" is the register's, never schema.org's name of the dataset.
    assert (record, URIRef(column + "name"), Literal('Budżet, "zmiana"')) in graph
    assert (record, URIRef("https://schema.org/name"), None) not in graph


def test_the_harvest_feed_is_valid_against_the_portals_schema():
    content = opendata.harvest_xml(PUBLISHER, [DATASET])

    document = etree.fromstring(content)
    schema = harvest_schema()
    assert schema.validate(document), schema.error_log
    assert document.tag == "{urn:otwarte-dane:harvester:1.10}datasets"
    ns = {"h": opendata.HARVESTER_NAMESPACE}
    dataset = document.find("h:dataset", ns)
    assert dataset.findtext("h:extIdent", namespaces=ns) == "uchwaly-rady"
    assert dataset.findtext("h:title/h:english", namespaces=ns) == "Council resolutions"
    assert dataset.findtext("h:conditions/h:dbOrCopyrightedLicenseChosen", namespaces=ns) == "CC BY 4.0"
    assert [tag.get("lang") for tag in dataset.iterfind("h:tags/h:tag", ns)] == ["pl", "pl", "en"]
    resources = dataset.findall("h:resources/h:resource", ns)
    assert [resource.findtext("h:url", namespaces=ns) for resource in resources] == [
        "https://torun.localhost:8000/dane/uchwaly-rady.csv",
        "https://torun.localhost:8000/dane/uchwaly-rady.json",
        "https://torun.localhost:8000/dane/uchwaly-rady.jsonld",
    ]
    assert {resource.findtext("h:regions/h:terytIdent", namespaces=ns) for resource in resources} == {"0463011"}


def test_the_harvest_feed_stays_valid_at_the_limits():
    """Long titles and descriptions are cut to the schema's limits, a long key to 36 characters; CC0, which 1.10
    does not list among the licences, is stated by naming none; an internal code names no region."""
    long = Dataset(
        **{
            **DATASET.__dict__,
            "ident": "x" * 40,
            "title_pl": "Tytuł " * 80,
            "description_pl": "Opis " * 300,
            "keywords_pl": (),
            "modified": None,
        }
    )
    publisher = Publisher("Związek gmin", "INT0001", "https://zwiazek.example.pl/", LICENCES["cc0"])

    document = etree.fromstring(opendata.harvest_xml(publisher, [long]))

    schema = harvest_schema()
    assert schema.validate(document), schema.error_log
    ns = {"h": opendata.HARVESTER_NAMESPACE}
    assert len(document.findtext("h:dataset/h:extIdent", namespaces=ns)) == 36
    assert document.find("h:dataset/h:conditions/h:dbOrCopyrightedLicenseChosen", ns) is None
    assert document.find(".//h:regions", ns) is None


def test_the_portals_own_schema_refuses_what_it_should():
    """The copy of the schema really checks: a feed without the namespace, or with a category it does not know,
    is invalid."""
    content = opendata.harvest_xml(PUBLISHER, [DATASET])
    schema = harvest_schema()
    assert not schema.validate(etree.fromstring(content.replace(b"harvester:1.10", b"harvester:1.9")))
    assert not schema.validate(etree.fromstring(content.replace(b">GOVE<", b">CITY<")))


def test_md5_is_the_hex_digest_of_the_exact_bytes():
    assert opendata.md5_hex(b"") == "d41d8cd98f00b204e9800998ecf8427e"


@pytest.mark.parametrize("fmt", sorted(opendata.RDF_FORMATS))
def test_the_dcat_catalogue_is_rdf_with_everything_dcat_ap_asks_of_a_dataset(fmt):
    head = opendata.CatalogueHead(
        url="http://torun.localhost:8000/dane/katalog",
        title_pl="Katalog",
        title_en="Catalogue",
        description_pl="Rejestry",
        description_en="Registers",
        publisher=PUBLISHER,
        homepage=PUBLISHER.root_url,
    )
    content = opendata.rdf_bytes(opendata.dcat_graph(head, [(PUBLISHER, DATASET)]), fmt)
    rdflib_format = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}[fmt]
    graph = Graph().parse(data=content, format=rdflib_format)

    assert_dcat_ap(graph, expected_datasets=1)
    dataset = URIRef("http://torun.localhost:8000/dane/uchwaly-rady")
    assert (dataset, DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")) in graph
    assert (dataset, DCTERMS.title, Literal("Council resolutions", lang="en")) in graph
    spatial = graph.value(dataset, DCTERMS.spatial)
    assert graph.value(spatial, DCTERMS.identifier) == Literal("0463011")
    frequency = URIRef("http://publications.europa.eu/resource/authority/frequency/MONTHLY")
    assert (dataset, DCTERMS.accrualPeriodicity, frequency) in graph


def assert_dcat_ap(graph: Graph, *, expected_datasets: int) -> None:
    """Every dataset has a title and a description in Polish and English, a publisher, a licence and
    distributions, each with an access URL and a media type."""
    catalogues = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogues) == 1
    datasets = list(graph.objects(catalogues[0], DCAT.dataset))
    assert len(datasets) == expected_datasets
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        for predicate in (DCTERMS.title, DCTERMS.description):
            assert {literal.language for literal in graph.objects(dataset, predicate)} == {"pl", "en"}
        assert graph.value(graph.value(dataset, DCTERMS.publisher), opendata.FOAF.name)
        assert graph.value(dataset, DCTERMS.license) is not None
        distributions = list(graph.objects(dataset, DCAT.distribution))
        media_types = {str(graph.value(distribution, DCAT.mediaType)) for distribution in distributions}
        every_register = {opendata.IANA_MEDIA_TYPE + fmt.media_type for fmt in opendata.FORMATS}
        # a register whose records have a place also has its GeoJSON
        assert media_types in (
            every_register,
            every_register | {opendata.IANA_MEDIA_TYPE + opendata.GEOJSON.media_type},
        )
        assert len(distributions) == len(media_types)
        for distribution in distributions:
            assert graph.value(distribution, DCAT.accessURL) is not None
            assert str(graph.value(distribution, DCAT.mediaType)).startswith(opendata.IANA_MEDIA_TYPE)
            assert graph.value(distribution, DCTERMS.license) is not None
