"""Open data: a unit's published registers as machine-readable files, by standard.

Pure functions from a small interface (`Publisher`, `Dataset`, `Column` and the records as mappings) to bytes
or documents, so that they know nothing of where the records are kept:

- per register: CSV (UTF-8, a header row of the column keys) with its CSV on the Web description
  (https://www.w3.org/TR/tabular-metadata/, found at the CSV's address + `-metadata.json`), JSON and JSON-LD
  (schema.org's `DataFeed`, also a `dcat:Dataset`); and, for a register whose records have a place, GeoJSON
  (RFC 7946: a FeatureCollection in WGS 84, longitude first);
- per unit and for the region: a DCAT-AP catalogue (https://semiceu.github.io/DCAT-AP/) as an rdflib graph,
  one dataset per register and one distribution per format;
- per unit: the XML feed that the national portal dane.gov.pl harvests, in its schema 1.10
  (`schemas/xml_import_otwarte_dane_1_10.xsd`, see its README for why that version).
"""

import csv
import datetime
import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

HARVESTER_VERSION = "1.10"
HARVESTER_NAMESPACE = f"urn:otwarte-dane:harvester:{HARVESTER_VERSION}"
FEED_FILE_NAME = "dane-gov-pl.xml"  # no spaces: the harvester refuses them

EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

# The themes of the EU data-theme vocabulary; dane.gov.pl's categories are the same thirteen codes.
THEMES = ("AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN")

# The harvester's update frequencies and the EU frequency vocabulary's words for them.
FREQUENCIES = {
    "notApplicable": "IRREG",
    "yearly": "ANNUAL",
    "everyHalfYear": "ANNUAL_2",
    "quarterly": "QUARTERLY",
    "monthly": "MONTHLY",
    "weekly": "WEEKLY",
    "daily": "DAILY",
}


@dataclass(frozen=True)
class Licence:
    key: str
    name: str
    url: str  # the licence's deed, stated in the files and in the Link header
    eu_url: str  # its IRI in the EU licence vocabulary (DCAT-AP recommends it)
    harvester_name: str | None  # the harvester's `dbOrCopyrightedLicenseChosen`; 1.10 lists no CC0


LICENCES = {
    "cc0": Licence(
        key="cc0",
        name="CC0 1.0",
        url="https://creativecommons.org/publicdomain/zero/1.0/",
        eu_url="http://publications.europa.eu/resource/authority/licence/CC0",
        harvester_name=None,
    ),
    "cc-by-4.0": Licence(
        key="cc-by-4.0",
        name="CC BY 4.0",
        url="https://creativecommons.org/licenses/by/4.0/",
        eu_url="http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        harvester_name="CC BY 4.0",
    ),
}
DEFAULT_LICENCE = "cc-by-4.0"


@dataclass(frozen=True)
class Format:
    key: str  # the file name's extension
    media_type: str
    eu_file_type: str
    title_pl: str
    title_en: str


FORMATS = (
    Format("csv", "text/csv", "CSV", "Plik CSV", "CSV file"),
    Format("json", "application/json", "JSON", "Plik JSON", "JSON file"),
    Format("jsonld", "application/ld+json", "JSON_LD", "Plik JSON-LD", "JSON-LD file"),
)
FORMATS_BY_KEY = {fmt.key: fmt for fmt in FORMATS}
# Only a register whose definition gives its records a place has it (see `place_fields`).
GEOJSON = Format("geojson", "application/geo+json", "GEOJSON", "Plik GeoJSON", "GeoJSON file")


def formats_of(dataset: "Dataset") -> tuple[Format, ...]:
    return (*FORMATS, GEOJSON) if dataset.has_place else FORMATS


# Column types, as CSV on the Web datatypes (the same names as XML Schema's).
COLUMN_TYPES = ("string", "integer", "decimal", "boolean", "date", "dateTime", "anyURI")


@dataclass(frozen=True)
class Publisher:
    """The unit that publishes: its name, TERYT code and the root of its site (`https://…/`)."""

    name: str
    code: str  # the TERYT TERC code (or the platform's internal code of a unit GUS does not list)
    root_url: str
    licence: Licence

    @property
    def teryt(self) -> str | None:
        """The TERC code, which is all digits; an internal code (INT0001) names no territory."""
        return self.code if self.code.isdigit() else None


@dataclass(frozen=True)
class Column:
    key: str
    title_pl: str
    title_en: str
    datatype: str = "string"
    description_pl: str = ""


@dataclass(frozen=True)
class Dataset:
    """One register of one unit, as open data."""

    slug: str  # the part of the files' addresses: /dane/<slug>.csv
    ident: str  # stable and at most 36 characters: the harvester's extIdent
    title_pl: str
    title_en: str
    description_pl: str
    description_en: str
    theme: str  # one of THEMES
    update_frequency: str  # a key of FREQUENCIES
    keywords_pl: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    issued: datetime.datetime | None = None
    modified: datetime.datetime | None = None
    record_count: int = 0
    has_place: bool = False  # its records have a place: it also has a GeoJSON file


def file_url(publisher: Publisher, dataset: Dataset, fmt: str) -> str:
    return f"{publisher.root_url}dane/{dataset.slug}.{fmt}"


def metadata_url(publisher: Publisher, dataset: Dataset) -> str:
    """The CSV's description, where a CSV on the Web processor looks for it (the CSV's address + -metadata.json)."""
    return f"{file_url(publisher, dataset, 'csv')}-metadata.json"


def page_url(publisher: Publisher, dataset: Dataset) -> str:
    return f"{publisher.root_url}dane/#{dataset.slug}"


def catalogue_url(root_url: str) -> str:
    return f"{root_url}dane/katalog"


def feed_url(publisher: Publisher) -> str:
    return f"{publisher.root_url}dane/{FEED_FILE_NAME}"


def link_header(publisher: Publisher, dataset: Dataset) -> str:
    """The Link header of every file of a register: its licence and its description."""
    return (
        f'<{publisher.licence.url}>; rel="license", '
        f'<{metadata_url(publisher, dataset)}>; rel="describedby"; type="application/csvm+json"'
    )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(_cell(item) for item in value)
    return str(value)


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)  # amounts in złoty: far below where a double loses a grosz
    return value


def csv_bytes(dataset: Dataset, records: Iterable[Mapping]) -> bytes:
    """UTF-8 (no byte-order mark), a header row of the column keys, one row per record, CRLF as RFC 4180 says."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.key for column in dataset.columns])
    for record in records:
        writer.writerow([_cell(record.get(column.key)) for column in dataset.columns])
    return out.getvalue().encode("utf-8")


def _dataset_summary(publisher: Publisher, dataset: Dataset) -> dict:
    return {
        "title": {"pl": dataset.title_pl, "en": dataset.title_en},
        "description": {"pl": dataset.description_pl, "en": dataset.description_en},
        "publisher": {"name": publisher.name, "teryt": publisher.code, "url": publisher.root_url},
        "license": {"name": publisher.licence.name, "url": publisher.licence.url},
        "modified": _json_value(dataset.modified),
        "records": dataset.record_count,
    }


def csvw_metadata(publisher: Publisher, dataset: Dataset) -> dict:
    """The published column description of the CSV: a CSV on the Web (CSVW) table description."""
    summary = _dataset_summary(publisher, dataset)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "pl"}],
        "url": file_url(publisher, dataset, "csv"),
        "dc:title": [{"@value": dataset.title_pl, "@language": "pl"}, {"@value": dataset.title_en, "@language": "en"}],
        "dc:description": [
            {"@value": dataset.description_pl, "@language": "pl"},
            {"@value": dataset.description_en, "@language": "en"},
        ],
        "dc:publisher": {"schema:name": publisher.name, "schema:identifier": publisher.code},
        "dc:license": {"@id": publisher.licence.url},
        "dc:modified": summary["modified"],
        "dialect": {"encoding": "utf-8", "header": True, "delimiter": ","},
        "tableSchema": {
            "columns": [
                {
                    "name": column.key,
                    "titles": {"pl": column.title_pl, "en": column.title_en},
                    "datatype": column.datatype,
                    **({"dc:description": column.description_pl} if column.description_pl else {}),
                }
                for column in dataset.columns
            ]
        },
    }


def json_document(publisher: Publisher, dataset: Dataset, records: Iterable[Mapping]) -> dict:
    """Plain JSON: the register's description (licence included), its columns and its records."""
    return {
        "dataset": _dataset_summary(publisher, dataset),
        "columns": [
            {"key": column.key, "title": {"pl": column.title_pl, "en": column.title_en}, "type": column.datatype}
            for column in dataset.columns
        ],
        "records": [
            {column.key: _json_value(record.get(column.key)) for column in dataset.columns} for record in records
        ],
    }


_JSONLD_TYPES = {"integer": "xsd:integer", "decimal": "xsd:decimal", "boolean": "xsd:boolean", "date": "xsd:date"}
_JSONLD_TYPES["dateTime"] = "xsd:dateTime"
_JSONLD_TYPES["anyURI"] = "@id"


def jsonld_document(publisher: Publisher, dataset: Dataset, records: Iterable[Mapping]) -> dict:
    """JSON-LD: the register as a schema.org `DataFeed` (and a `dcat:Dataset`) whose elements are the records.

    The records' properties are the columns, in the register's own vocabulary (the CSV description's address
    + `#`), scoped to the feed's elements so that a column called `name` is never schema.org's name."""
    column_base = metadata_url(publisher, dataset) + "#"
    column_terms = {}
    for column in dataset.columns:
        term = {"@id": column_base + column.key}
        if column.datatype in _JSONLD_TYPES:
            term["@type"] = _JSONLD_TYPES[column.datatype]
        column_terms[column.key] = term
    dataset_url = file_url(publisher, dataset, "jsonld")
    elements = []
    for number, record in enumerate(records, start=1):
        element = {"@id": f"{dataset_url}#{record.get('id', number)}"}
        element.update({column.key: _json_value(record.get(column.key)) for column in dataset.columns})
        elements.append({key: value for key, value in element.items() if value not in (None, "")})
    return {
        "@context": {
            "@vocab": "https://schema.org/",
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "license": {"@id": "https://schema.org/license", "@type": "@id"},
            "dateModified": {"@id": "https://schema.org/dateModified", "@type": "xsd:dateTime"},
            "dataFeedElement": {"@id": "https://schema.org/dataFeedElement", "@context": column_terms},
        },
        "@id": dataset_url,
        "@type": ["DataFeed", "dcat:Dataset"],
        "name": [{"@value": dataset.title_pl, "@language": "pl"}, {"@value": dataset.title_en, "@language": "en"}],
        "description": [
            {"@value": dataset.description_pl, "@language": "pl"},
            {"@value": dataset.description_en, "@language": "en"},
        ],
        "license": publisher.licence.url,
        "publisher": {"@type": "GovernmentOrganization", "name": publisher.name, "identifier": publisher.code},
        "isBasedOn": {"@id": file_url(publisher, dataset, "csv")},
        **({"dateModified": _json_value(dataset.modified)} if dataset.modified else {}),
        "dataFeedElement": elements,
    }


# --- GeoJSON ---------------------------------------------------------------------------------------------

# A definition's coordinates by the fields' names: the standard registers call them `szerokosc` and `dlugosc`.
LATITUDE_FIELDS = ("szerokosc", "latitude", "lat")
LONGITUDE_FIELDS = ("dlugosc", "longitude", "lon")


@dataclass(frozen=True)
class PlaceFields:
    """Where a definition keeps its records' place: a pair of WGS 84 number fields and/or location fields."""

    latitude: str = ""
    longitude: str = ""
    locations: tuple[str, ...] = ()


def place_fields(properties: Mapping) -> PlaceFields | None:
    """The fields that place a definition's records (numbers named as in LATITUDE_FIELDS/LONGITUDE_FIELDS, and
    eforms' `x-location` answers); None when it has no place."""

    def number_field(names):
        return next((name for name in names if (properties.get(name) or {}).get("type") == "number"), "")

    latitude, longitude = number_field(LATITUDE_FIELDS), number_field(LONGITUDE_FIELDS)
    if not (latitude and longitude):
        latitude = longitude = ""
    locations = tuple(name for name, spec in properties.items() if isinstance(spec, dict) and spec.get("x-location"))
    return PlaceFields(latitude, longitude, locations) if latitude or locations else None


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _position(lat, lon) -> list[float] | None:
    """RFC 7946's position: longitude first."""
    lat, lon = _number(lat), _number(lon)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return [lon, lat]


def _geometry(record: Mapping, place: PlaceFields) -> dict | None:
    """The record's points: its coordinates, then each point of its location answers (a parcel or an address
    has no coordinates of its own in the answer). None (allowed by RFC 7946) when it has none."""
    positions = []
    if place.latitude:
        positions.append(_position(record.get(place.latitude), record.get(place.longitude)))
    for name in place.locations:
        answer = record.get(name)
        for item in answer if isinstance(answer, list) else ():
            if isinstance(item, Mapping) and item.get("kind") == "point":
                positions.append(_position(item.get("lat"), item.get("lon")))
    positions = [position for position in positions if position]
    if not positions:
        return None
    if len(positions) == 1:
        return {"type": "Point", "coordinates": positions[0]}
    return {"type": "MultiPoint", "coordinates": positions}


def geojson_document(dataset: Dataset, records: Iterable[Mapping], place: PlaceFields) -> dict:
    """RFC 7946: one Feature per record, its values as properties (in the columns' order)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": record.get("id"),
                "geometry": _geometry(record, place),
                "properties": {column.key: _json_value(record.get(column.key)) for column in dataset.columns},
            }
            for record in records
        ],
    }


def json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


# --- DCAT-AP ---------------------------------------------------------------------------------------------


def _publisher_node(graph: Graph, publisher: Publisher) -> URIRef:
    node = URIRef(f"{publisher.root_url}#jednostka")
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, FOAF.name, Literal(publisher.name, lang="pl")))
    graph.add((node, DCTERMS.identifier, Literal(publisher.code)))
    graph.add((node, FOAF.homepage, URIRef(publisher.root_url)))
    return node


def _location_node(graph: Graph, publisher: Publisher) -> URIRef:
    """The area the data cover: the unit's territory, named by its TERYT (TERC) code. An IRI, not a blank node:
    every dataset of the unit shares it, and RDF/XML can nest a blank node under one of them only."""
    node = URIRef(f"{publisher.root_url}#obszar")
    graph.add((node, RDF.type, DCTERMS.Location))
    graph.add((node, DCTERMS.identifier, Literal(publisher.code)))
    graph.add((node, SKOS.prefLabel, Literal(publisher.name, lang="pl")))
    return node


def _moment(value: datetime.datetime) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def add_dataset(graph: Graph, catalogue: URIRef, publisher: Publisher, dataset: Dataset) -> URIRef:
    """One register as a dcat:Dataset with one dcat:Distribution per format."""
    node = URIRef(f"{publisher.root_url}dane/{dataset.slug}")
    graph.add((catalogue, DCAT.dataset, node))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(f"{publisher.code}/{dataset.ident}")))
    for lang, title, description in (
        ("pl", dataset.title_pl, dataset.description_pl),
        ("en", dataset.title_en, dataset.description_en),
    ):
        graph.add((node, DCTERMS.title, Literal(title, lang=lang)))
        graph.add((node, DCTERMS.description, Literal(description, lang=lang)))
    graph.add((node, DCTERMS.publisher, _publisher_node(graph, publisher)))
    graph.add((node, DCTERMS.license, URIRef(publisher.licence.eu_url)))
    graph.add((node, DCAT.theme, EU_THEME[dataset.theme]))
    graph.add((node, DCTERMS.accrualPeriodicity, EU_FREQUENCY[FREQUENCIES[dataset.update_frequency]]))
    if publisher.teryt:
        graph.add((node, DCTERMS.spatial, _location_node(graph, publisher)))
    graph.add((node, DCAT.landingPage, URIRef(page_url(publisher, dataset))))
    for lang, words in (("pl", dataset.keywords_pl), ("en", dataset.keywords_en)):
        for word in words:
            graph.add((node, DCAT.keyword, Literal(word, lang=lang)))
    if dataset.issued:
        graph.add((node, DCTERMS.issued, _moment(dataset.issued)))
    if dataset.modified:
        graph.add((node, DCTERMS.modified, _moment(dataset.modified)))
    for fmt in formats_of(dataset):
        url = URIRef(file_url(publisher, dataset, fmt.key))
        distribution = URIRef(f"{url}#dystrybucja")
        graph.add((node, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.mediaType, URIRef(IANA_MEDIA_TYPE + fmt.media_type)))
        graph.add((distribution, DCTERMS["format"], EU_FILE_TYPE[fmt.eu_file_type]))
        graph.add((distribution, DCTERMS.license, URIRef(publisher.licence.eu_url)))
        graph.add((distribution, DCTERMS.title, Literal(f"{dataset.title_pl} — {fmt.title_pl}", lang="pl")))
        graph.add((distribution, DCTERMS.title, Literal(f"{dataset.title_en} — {fmt.title_en}", lang="en")))
        if dataset.modified:
            graph.add((distribution, DCTERMS.modified, _moment(dataset.modified)))
        if fmt.key == "csv":
            graph.add((distribution, DCTERMS.conformsTo, URIRef(metadata_url(publisher, dataset))))
    return node


@dataclass(frozen=True)
class CatalogueHead:
    """Who the catalogue belongs to: a unit, or the region's platform."""

    url: str
    title_pl: str
    title_en: str
    description_pl: str
    description_en: str
    publisher: Publisher
    homepage: str


def dcat_graph(head: CatalogueHead, entries: Iterable[tuple[Publisher, Dataset]]) -> Graph:
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("skos", SKOS)
    graph.bind("vcard", VCARD)
    catalogue = URIRef(head.url)
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal(head.title_pl, lang="pl")))
    graph.add((catalogue, DCTERMS.title, Literal(head.title_en, lang="en")))
    graph.add((catalogue, DCTERMS.description, Literal(head.description_pl, lang="pl")))
    graph.add((catalogue, DCTERMS.description, Literal(head.description_en, lang="en")))
    graph.add((catalogue, DCTERMS.publisher, _publisher_node(graph, head.publisher)))
    graph.add((catalogue, FOAF.homepage, URIRef(head.homepage)))
    graph.add((catalogue, DCTERMS.language, URIRef("http://publications.europa.eu/resource/authority/language/POL")))
    graph.add((catalogue, DCTERMS.license, URIRef(head.publisher.licence.eu_url)))
    latest = None
    for publisher, dataset in entries:
        add_dataset(graph, catalogue, publisher, dataset)
        if dataset.modified and (latest is None or dataset.modified > latest):
            latest = dataset.modified
    if latest:
        graph.add((catalogue, DCTERMS.modified, _moment(latest)))
    return graph


# The catalogue's serialisations: the format key in its address, rdflib's name for it, its media type.
RDF_FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
}


def rdf_bytes(graph: Graph, fmt: str) -> bytes:
    rdflib_format, _media_type = RDF_FORMATS[fmt]
    return graph.serialize(format=rdflib_format, encoding="utf-8")


# --- dane.gov.pl harvest feed ----------------------------------------------------------------------------


def _sub(parent, name: str, text: str | None = None, **attributes):
    """A child element in the harvester's namespace: schema 1.10 qualifies every element (earlier ones only the
    root), so the whole file is written in its default namespace."""
    element = etree.SubElement(parent, f"{{{HARVESTER_NAMESPACE}}}{name}", **attributes)
    element.text = text
    return element


def _bilingual(parent, name: str, polish: str, english: str, limit: int) -> None:
    element = _sub(parent, name)
    _sub(element, "polish", _clip(polish, limit))
    if english:
        _sub(element, "english", _clip(english, limit))


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split()) or "-"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _harvest_moment(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def harvest_xml(publisher: Publisher, datasets: Sequence[Dataset]) -> bytes:
    """The unit's feed for dane.gov.pl: one dataset per register, one resource per format (https addresses)."""
    namespace = HARVESTER_NAMESPACE
    root = etree.Element(f"{{{namespace}}}datasets", nsmap={None: namespace})
    for dataset in datasets:
        node = _sub(root, "dataset", status="published")
        _sub(node, "extIdent", dataset.ident[:36])
        _bilingual(node, "title", dataset.title_pl, dataset.title_en, 300)
        _bilingual(node, "description", dataset.description_pl, dataset.description_en, 1000)
        _sub(node, "url", _https(page_url(publisher, dataset)))
        _sub(node, "updateFrequency", dataset.update_frequency)
        categories = _sub(node, "categories")
        _sub(categories, "category", dataset.theme)
        conditions = _sub(node, "conditions")
        _sub(conditions, "source", "true" if publisher.licence.harvester_name else "false")
        _sub(conditions, "modification", "false")
        if publisher.licence.harvester_name:
            _sub(conditions, "dbOrCopyrighted", publisher.licence.url)
            _sub(conditions, "dbOrCopyrightedLicenseChosen", publisher.licence.harvester_name)
        resources = _sub(node, "resources")
        for fmt in formats_of(dataset):
            resource = _sub(resources, "resource", status="published")
            _sub(resource, "extIdent", f"{dataset.ident[: 36 - len(fmt.key) - 1]}-{fmt.key}")
            _sub(resource, "url", _https(file_url(publisher, dataset, fmt.key)))
            label = fmt.key.upper()
            _bilingual(resource, "title", f"{dataset.title_pl} ({label})", f"{dataset.title_en} ({label})", 300)
            _bilingual(resource, "description", dataset.description_pl, dataset.description_en, 1000)
            _sub(resource, "availability", "remote")
            if dataset.modified:
                _sub(resource, "dataDate", dataset.modified.date().isoformat())
                _sub(resource, "lastUpdateDate", _harvest_moment(dataset.modified))
            if publisher.teryt:
                regions = _sub(resource, "regions")
                _sub(regions, "terytIdent", publisher.teryt)
        tags = _sub(node, "tags")
        for lang, words in (("pl", dataset.keywords_pl or (dataset.title_pl,)), ("en", dataset.keywords_en)):
            for word in words:
                _sub(tags, "tag", word, lang=lang)
        if dataset.modified:
            _sub(node, "lastUpdateDate", _harvest_moment(dataset.modified))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _https(url: str) -> str:
    """The harvester takes only https addresses; a development server's http ones are named as they will be."""
    return "https://" + url.split("://", 1)[1] if url.startswith("http://") else url


def md5_hex(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()
