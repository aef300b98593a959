"""Open data at stable addresses: on a unit's host its registers' files (/dane/<slug>.csv|.json|.jsonld and the
CSV's description), its DCAT-AP catalogue (/dane/katalog.ttl|.jsonld|.rdf) and its dane.gov.pl feed
(/dane/dane-gov-pl.xml and .md5); on the platform's domain the regional catalogue.

Everything answers conditional GET (ETag and Last-Modified from the public mirror, so a harvester's unchanged
request costs one or two queries and no serialisation) and says it may be kept but must be revalidated: the
files are the same for everybody and carry nothing personal."""

from django import forms
from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition, require_safe

from platform_core.hosts import unit_root_url
from shared_services.catalogue.models import OpenDataLicence
from shared_services.identity.access import Area, area_required

from . import opendata
from .opendata_selectors import (
    dataset_from,
    region_open_data,
    register_columns_and_records,
    register_features,
    register_open_data,
    unit_catalogue_head,
    unit_licence,
    unit_open_data,
)
from .opendata_services import open_data_licence_choose

_CSV_TYPE = "text/csv; charset=utf-8; header=present"
_TYPES = {"csv": _CSV_TYPE, "json": "application/json", "jsonld": "application/ld+json"}
_TYPES[opendata.GEOJSON.key] = opendata.GEOJSON.media_type


def _shared(response: HttpResponse) -> HttpResponse:
    """The same for everybody: caches may keep it, but ask again each time (the ETag makes that cheap)."""
    if response.status_code in (200, 304):
        patch_cache_control(response, public=True, no_cache=True)
    return response


def _memo(request, name: str, read):
    """The validators and the view read the same state: once per request."""
    if not hasattr(request, name):
        setattr(request, name, read())
    return getattr(request, name)


# --- one register's files --------------------------------------------------------------------------------


def _register(request, slug: str, fmt: str = "", **_kwargs):
    """The register's state; None when it publishes nothing here, or has no file of the format `fmt` (GeoJSON is
    only for a register whose records have a place), so that neither answers 304 nor 200."""
    state = _memo(request, "_opendata_register", lambda: register_open_data(connection.tenant, slug))
    if state and fmt == opendata.GEOJSON.key and not state.listing.has_place:
        return None
    return state


def _register_etag(request, slug: str, fmt: str):
    state = _register(request, slug, fmt)
    return f"{state.etag}-{fmt}" if state else None


def _register_modified(request, slug: str, fmt: str):
    state = _register(request, slug, fmt)
    return state.last_modified if state else None


@require_safe
@condition(etag_func=_register_etag, last_modified_func=_register_modified)
def register_file(request, slug: str, fmt: str):
    state = _register(request, slug, fmt)
    if state is None:
        raise Http404("No such register is published here.")
    publisher = state.publisher
    if fmt == opendata.GEOJSON.key:
        columns, records, place = register_features(state.listing.register_id)
        if place is None:  # the mirror is behind a definition that lost its place
            raise Http404("This register's records have no place.")
        dataset = dataset_from(state.listing, columns)
        content = opendata.json_bytes(opendata.geojson_document(dataset, records, place))
    else:
        columns, records = register_columns_and_records(state.listing.register_id)
        dataset = dataset_from(state.listing, columns)
    if fmt == "csv":
        content = opendata.csv_bytes(dataset, records)
    elif fmt == "json":
        content = opendata.json_bytes(opendata.json_document(publisher, dataset, records))
    elif fmt == "jsonld":
        content = opendata.json_bytes(opendata.jsonld_document(publisher, dataset, records))
    response = HttpResponse(content, content_type=_TYPES[fmt])
    response["Content-Disposition"] = f'inline; filename="{dataset.slug}.{fmt}"'
    response["Link"] = opendata.link_header(publisher, dataset)
    return _shared(response)


@require_safe
@condition(
    etag_func=lambda request, slug: _register_etag(request, slug, "csvm"),
    last_modified_func=lambda request, slug: _register_modified(request, slug, "csvm"),
)
def register_description(request, slug: str):
    """The CSV's column description (CSV on the Web), at the CSV's address + -metadata.json."""
    state = _register(request, slug)
    if state is None:
        raise Http404("No such register is published here.")
    columns, _records = register_columns_and_records(state.listing.register_id, records=False)
    dataset = dataset_from(state.listing, columns)
    content = opendata.json_bytes(opendata.csvw_metadata(state.publisher, dataset))
    response = HttpResponse(content, content_type="application/csvm+json")
    response["Link"] = f'<{state.publisher.licence.url}>; rel="license"'
    return _shared(response)


# --- the unit's catalogue and feed ----------------------------------------------------------------------


def _unit(request, *args, **kwargs):
    return _memo(request, "_opendata_unit", lambda: unit_open_data(connection.tenant))


def _unit_etag(request, fmt: str):
    return f"{_unit(request).etag}-{fmt}"


def _unit_modified(request, fmt: str):
    return _unit(request).last_modified


@require_safe
@condition(etag_func=_unit_etag, last_modified_func=_unit_modified)
def unit_catalogue(request, fmt: str):
    state = _unit(request)
    entries = [(state.publisher, dataset) for dataset in state.datasets()]
    graph = opendata.dcat_graph(unit_catalogue_head(connection.tenant, state.publisher), entries)
    response = _rdf_response(graph, fmt)
    response["Link"] = f'<{state.publisher.licence.url}>; rel="license"'
    return response


def _rdf_response(graph, fmt: str) -> HttpResponse:
    _rdflib_format, media_type = opendata.RDF_FORMATS[fmt]
    charset = "; charset=utf-8" if fmt == "ttl" else ""
    return _shared(HttpResponse(opendata.rdf_bytes(graph, fmt), content_type=media_type + charset))


def _feed_bytes(request) -> bytes:
    if not _unit(request).listings:  # the schema asks for at least one dataset: no valid empty feed exists
        raise Http404("This unit publishes no registers yet.")
    return _memo(
        request, "_opendata_feed", lambda: opendata.harvest_xml(_unit(request).publisher, _unit(request).datasets())
    )


@require_safe
@condition(
    etag_func=lambda request: _unit_etag(request, "xml"),
    last_modified_func=lambda request: _unit_modified(request, "xml"),
)
def harvest_feed(request):
    """The XML file that dane.gov.pl harvests (Content-Type application/xml, no spaces in its name)."""
    response = HttpResponse(_feed_bytes(request), content_type="application/xml")
    response["Link"] = f'<{_unit(request).publisher.licence.url}>; rel="license"'
    return _shared(response)


@require_safe
@condition(
    etag_func=lambda request: _unit_etag(request, "md5"),
    last_modified_func=lambda request: _unit_modified(request, "md5"),
)
def harvest_feed_checksum(request):
    """The MD5 of the feed's exact bytes, beside it (its address + .md5), as the harvester asks."""
    return _shared(HttpResponse(opendata.md5_hex(_feed_bytes(request)), content_type="text/plain; charset=us-ascii"))


@require_safe
def unit_index(request):
    """People's page of the unit's open data: each register with its files, the catalogue and the feed."""
    state = _unit(request)
    publisher = state.publisher
    registers = [
        {
            "dataset": dataset,
            "files": [
                (fmt.key.upper(), opendata.file_url(publisher, dataset, fmt.key))
                for fmt in opendata.formats_of(dataset)
            ],
            "description": opendata.metadata_url(publisher, dataset),
        }
        for dataset in state.datasets()
    ]
    return render(
        request,
        "registers/opendata_index.html",
        {
            "registers": registers,
            "licence": publisher.licence,
            "catalogue_url": opendata.catalogue_url(publisher.root_url),
            "feed_url": opendata.feed_url(publisher),
        },
    )


# --- the region's catalogue (platform domain) -----------------------------------------------------------


def _region(request, *args, **kwargs):
    return _memo(request, "_opendata_region", region_open_data)


@require_safe
@condition(
    etag_func=lambda request, fmt: f"{_region(request).etag}-{fmt}",
    last_modified_func=lambda request, fmt: _region(request).last_modified,
)
def region_catalogue(request, fmt: str):
    state = _region(request)
    return _rdf_response(opendata.dcat_graph(state.head, state.entries), fmt)


# --- the office: the unit's choice of licence -------------------------------------------------------------


class LicenceForm(forms.Form):
    licence = forms.ChoiceField(
        label=gettext_lazy("Licence of the registers' data"),
        choices=OpenDataLicence.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "CC0 1.0: anyone may re-use the data without conditions. CC BY 4.0: anyone may re-use them, naming "
            "the office as their source."
        ),
    )


@area_required(Area.OFFICE_ADMIN)
def licence_edit(request):
    """The administrator chooses the licence every register file, catalogue and feed of the unit states."""
    form = LicenceForm(request.POST or None, initial={"licence": unit_licence(connection.tenant)})
    if request.method == "POST" and form.is_valid():
        open_data_licence_choose(licence=form.cleaned_data["licence"], actor=request.user.get_username())
        messages.success(request, _("The licence of the open data is saved."))
        return redirect("clerk-open-data")
    publisher_url = unit_root_url(connection.tenant)
    return render(
        request,
        "registers/opendata_licence.html",
        {
            "form": form,
            "index_url": f"{publisher_url}dane/",
            "catalogue_url": opendata.catalogue_url(publisher_url),
            "feed_url": f"{publisher_url}dane/{opendata.FEED_FILE_NAME}",
        },
        status=400 if request.method == "POST" else 200,
    )
