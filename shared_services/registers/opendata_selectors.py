"""Reads for open data: a unit's registers and the region's, from the public mirror (`catalogue.RegisterListing`)
and each unit's licence (`catalogue.OpenDataPublisher`); only a register's own files read its records, in the
unit's schema."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q

from platform_core.hosts import platform_root_url, unit_root_url
from shared_services.catalogue.models import (
    OpenDataLicence,
    OpenDataPublisher,
    RegisterListing,
    StandardRegisterVersion,
)
from tenants.models import Tenant, UnitStatus

from . import opendata
from .models import Record, RecordStatus, Register
from .opendata import LICENCES, CatalogueHead, Dataset, Publisher

# Who publishes the regional catalogue: the platform that aggregates the units' catalogues (each dataset keeps
# its own unit as publisher).
REGION_PUBLISHER = "Ratusz — regionalna platforma e-administracji"


def publisher_for(unit: Tenant, licence_key: str | None) -> Publisher:
    return Publisher(
        name=unit.name,
        code=unit.code,
        root_url=unit_root_url(unit),
        licence=LICENCES[licence_key or OpenDataLicence.CC_BY_4],
    )


def dataset_from(listing: RegisterListing, columns: tuple[opendata.Column, ...] = ()) -> Dataset:
    return Dataset(
        slug=listing.slug,
        ident=listing.key,
        title_pl=listing.title_pl,
        title_en=listing.title_en,
        description_pl=listing.description_pl or listing.title_pl,
        description_en=listing.description_en or listing.title_en,
        theme=listing.theme if listing.theme in opendata.THEMES else "GOVE",
        update_frequency=listing.update_frequency
        if listing.update_frequency in opendata.FREQUENCIES
        else "notApplicable",
        keywords_pl=tuple(listing.keywords_pl),
        keywords_en=tuple(listing.keywords_en),
        columns=columns,
        issued=listing.first_published_at,
        modified=listing.last_published_at,
        record_count=listing.record_count,
        has_place=listing.has_place,
    )


def unit_licence(unit: Tenant) -> str:
    return _licence_of(unit)[0] or OpenDataLicence.CC_BY_4


def _licence_of(unit: Tenant) -> tuple[str | None, object]:
    row = OpenDataPublisher.objects.filter(unit=unit).values_list("licence", "changed_at").first()
    return row if row else (None, None)


@dataclass(frozen=True)
class UnitOpenData:
    """What a unit's catalogue and feed say, read in two queries, and the validators of conditional GET."""

    publisher: Publisher
    listings: list[RegisterListing]
    etag: str
    last_modified: object  # datetime | None

    def datasets(self) -> list[Dataset]:
        return [dataset_from(listing) for listing in self.listings]


def _validators(parts: list, moments: list) -> tuple[str, object]:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]
    present = [moment for moment in moments if moment]
    return digest, max(present) if present else None


def unit_open_data(unit: Tenant) -> UnitOpenData:
    licence, licence_changed = _licence_of(unit)
    listings = list(RegisterListing.objects.filter(unit=unit).order_by("title_pl", "pk"))
    publisher = publisher_for(unit, licence)
    etag, last_modified = _validators(
        [unit.name, unit.code, publisher.root_url, publisher.licence.key]
        + [f"{listing.pk}@{listing.changed_at.isoformat()}" for listing in listings],
        [licence_changed, *(listing.changed_at for listing in listings)],
    )
    return UnitOpenData(publisher, listings, etag, last_modified)


@dataclass(frozen=True)
class RegisterOpenData:
    publisher: Publisher
    listing: RegisterListing
    etag: str
    last_modified: object


def register_open_data(unit: Tenant, slug: str) -> RegisterOpenData | None:
    """One register of the unit by its address, in one query; None when it publishes nothing under that name."""
    listing = RegisterListing.objects.filter(unit=unit, slug=slug).select_related("unit__open_data").first()
    if listing is None:
        return None
    choice = listing.unit.open_data if _has_open_data(listing.unit) else None
    publisher = publisher_for(unit, choice.licence if choice else None)
    etag, last_modified = _validators(
        [unit.name, unit.code, publisher.root_url, publisher.licence.key, listing.pk, listing.changed_at.isoformat()],
        [listing.changed_at, choice.changed_at if choice else None],
    )
    return RegisterOpenData(publisher, listing, etag, last_modified)


def _has_open_data(unit: Tenant) -> bool:
    try:
        unit.open_data  # noqa: B018 - cached by select_related; raises when the unit has no row
    except OpenDataPublisher.DoesNotExist:
        return False
    return True


@dataclass(frozen=True)
class RegionOpenData:
    head: CatalogueHead
    entries: list[tuple[Publisher, Dataset]]
    etag: str
    last_modified: object


def region_open_data() -> RegionOpenData:
    """Every active unit's registers, from the mirror alone: one query, whatever the number of units."""
    listings = list(
        RegisterListing.objects.filter(unit__status=UnitStatus.ACTIVE)
        .select_related("unit", "unit__open_data")
        .order_by("unit__name", "title_pl", "pk")
    )
    publishers: dict[int, Publisher] = {}
    entries = []
    parts, moments = [], []
    for listing in listings:
        unit = listing.unit
        choice = unit.open_data if _has_open_data(unit) else None
        if unit.pk not in publishers:
            publishers[unit.pk] = publisher_for(unit, choice.licence if choice else None)
            parts += [unit.pk, unit.name, unit.code, unit.slug, publishers[unit.pk].licence.key]
            moments.append(choice.changed_at if choice else None)
        entries.append((publishers[unit.pk], dataset_from(listing)))
        parts.append(f"{listing.pk}@{listing.changed_at.isoformat()}")
        moments.append(listing.changed_at)
    etag, last_modified = _validators(parts, moments)
    root = platform_root_url()
    platform = Publisher(
        name=REGION_PUBLISHER,
        code="",
        root_url=root,
        licence=LICENCES[OpenDataLicence.CC0],
    )
    head = CatalogueHead(
        url=opendata.catalogue_url(root),
        title_pl="Regionalny katalog otwartych danych",
        title_en="Regional open data catalogue",
        description_pl="Rejestry publiczne jednostek samorządu terytorialnego uczestniczących w platformie Ratusz.",
        description_en="The public registers of the local governments taking part in the Ratusz platform.",
        publisher=platform,
        homepage=root,
    )
    return RegionOpenData(head, entries, etag, last_modified)


def unit_catalogue_head(unit: Tenant, publisher: Publisher) -> CatalogueHead:
    return CatalogueHead(
        url=opendata.catalogue_url(publisher.root_url),
        title_pl=f"Katalog otwartych danych — {unit.name}",
        title_en=f"Open data catalogue — {unit.name}",
        description_pl=f"Rejestry publiczne prowadzone przez jednostkę {unit.name}, do ponownego wykorzystania.",
        description_en=f"The public registers kept by {unit.name}, for re-use.",
        publisher=publisher,
        homepage=publisher.root_url,
    )


@dataclass(frozen=True)
class FreshnessRow:
    unit_name: str
    unit_code: str
    unit_slug: str
    register_title: str
    register_slug: str
    record_count: int
    last_published_at: object
    licence: str


def region_register_freshness() -> tuple[list[FreshnessRow], list[dict]]:
    """The operators' view: every (unit, register) with its record count and last publication, and each active
    unit's number of registers published (units publishing none included). Two queries."""
    listings = (
        RegisterListing.objects.filter(unit__status=UnitStatus.ACTIVE)
        .select_related("unit", "unit__open_data")
        .order_by("unit__name", "title_pl", "pk")
    )
    rows = [
        FreshnessRow(
            unit_name=listing.unit.name,
            unit_code=listing.unit.code,
            unit_slug=listing.unit.slug,
            register_title=listing.title_pl,
            register_slug=listing.slug,
            record_count=listing.record_count,
            last_published_at=listing.last_published_at,
            licence=LICENCES[
                listing.unit.open_data.licence if _has_open_data(listing.unit) else OpenDataLicence.CC_BY_4
            ].name,
        )
        for listing in listings
    ]
    units = list(
        Tenant.objects.filter(status=UnitStatus.ACTIVE)
        .annotate(
            registers=Count("register_listings", filter=Q(register_listings__record_count__gt=0)),
            latest=Max("register_listings__last_published_at"),
        )
        .order_by("name")
        .values("name", "code", "registers", "latest")
    )
    return rows, units


# The first column of every register's files: the record's number in the register, stable across versions.
NUMBER_COLUMN = opendata.Column(
    "nr_wpisu", "Numer wpisu w rejestrze", "Number of the record in the register", "integer"
)


def column_of(name: str, spec: dict) -> opendata.Column:
    """A definition's field as a column: JSON Schema's type and format as a CSV on the Web datatype."""
    spec = spec if isinstance(spec, dict) else {}
    kind, fmt = spec.get("type"), spec.get("format")
    if spec.get("x-money") or kind == "number":
        datatype = "decimal"  # money as złoty with two decimals, not the grosze it is kept in
    elif kind in ("integer", "boolean"):
        datatype = kind
    elif fmt == "date":
        datatype = "date"
    elif fmt == "date-time":
        datatype = "dateTime"
    elif fmt == "uri":
        datatype = "anyURI"
    else:
        datatype = "string"
    title = str(spec.get("title") or name)
    return opendata.Column(
        key=name,
        title_pl=title,
        title_en=str(spec.get("x-title-en") or title),
        datatype=datatype,
        description_pl=str(spec.get("description") or ""),
    )


def cell_of(spec: dict, value):
    """A record's value as the file says it: money in złoty, everything else as kept (dates are ISO text)."""
    if isinstance(spec, dict) and spec.get("x-money") and isinstance(value, int) and not isinstance(value, bool):
        return (Decimal(value) / 100).quantize(Decimal("0.01"))
    return value


def register_columns_and_records(register_id: int, *, records: bool = True):
    """The register's columns (its adopted definition's fields, after the record number) and, with `records`, its
    published records as mappings, oldest first; in the unit's schema, two or three queries. Drafts, proposals
    and withdrawn records never appear."""
    register = Register.objects.get(pk=register_id)
    definition = StandardRegisterVersion.objects.get(register__slug=register.slug, number=register.version)
    return _columns_and_records(register, definition, records=records)


def register_features(register_id: int):
    """As `register_columns_and_records`, and the fields that place the records (None: the register has none)."""
    register = Register.objects.get(pk=register_id)
    definition = StandardRegisterVersion.objects.get(register__slug=register.slug, number=register.version)
    columns, rows = _columns_and_records(register, definition, records=True)
    return columns, rows, opendata.place_fields(definition.properties)


def _columns_and_records(register: Register, definition: StandardRegisterVersion, *, records: bool):
    properties = definition.properties
    names = definition.field_order()
    columns = (NUMBER_COLUMN, *(column_of(name, properties.get(name)) for name in names))
    if not records:
        return columns, []
    rows = []
    published = Record.objects.filter(register=register, status=RecordStatus.PUBLISHED).order_by("number")
    for record in published.only("number", "data"):
        data = record.data if isinstance(record.data, dict) else {}
        row = {"id": record.number, NUMBER_COLUMN.key: record.number}
        row.update({name: cell_of(properties.get(name), data.get(name)) for name in names})
        rows.append(row)
    return columns, rows
