"""Reads of places, and the spatial questions a unit asks of its cases: which concern this parcel, which lie
within this area, which are near this point, which others share a case's parcel.

The places app sits below the inbox, so these answer with case ids (a `values` queryset, usable as a subquery:
`Case.objects.filter(id__in=case_ids_in_box(…))`) and never import the inbox. Every spatial filter goes through
the box of the place (models.place_box), which the GiST index `places_place_box_gist` serves; the index is
partial (resolved places only), so each filter also says `min_lat IS NOT NULL`."""

from django.db.models import QuerySet

from shared_services.eforms.locations import parcel_identifier_parse

from .geometry import WktUnreadable, box_around, distance_metres, wkt_read
from .models import Place, PlaceKind, box_value, place_box


def places_of_case(case_id: int) -> list[Place]:
    return list(Place.objects.filter(case_id=case_id))


def places_of_entry(entry_id: int) -> list[Place]:
    """The places of a register entry (a letter, or an application's entry)."""
    return list(Place.objects.filter(register_entry_id=entry_id))


def places_of_submission(submission_id: int) -> list[Place]:
    return list(Place.objects.filter(submission_id=submission_id))


def places_of_cases(case_ids) -> dict[int, list[Place]]:
    """The places of many cases at once (a map of cases): case id → its places, in one query."""
    places: dict[int, list[Place]] = {}
    for place in Place.objects.filter(case_id__in=case_ids).order_by("case_id", "position", "id"):
        places.setdefault(place.case_id, []).append(place)
    return places


def place_get(place_id: int) -> Place | None:
    return Place.objects.filter(id=place_id).first()


def parcel_normal(typed: str) -> str:
    """A typed parcel identifier in its normal form (as stored in Place.identifier), or the text stripped when it is
    not one (a search then finds nothing rather than failing)."""
    parsed = parcel_identifier_parse(typed)
    return parsed.identifier if parsed else typed.strip()


def case_ids_for_parcel(identifier: str) -> QuerySet:
    """Ids of the cases concerning a parcel (by its identifier, typed in any accepted form)."""
    return (
        Place.objects.filter(kind=PlaceKind.PARCEL, identifier=parcel_normal(identifier), case_id__isnull=False)
        .order_by()
        .values("case_id")
        .distinct()
    )


def case_ids_for_street(street: str, locality: str = "") -> QuerySet:
    """Ids of the cases with an address on a street (case-insensitive, "ul." optional)."""
    street = street.strip()
    for prefix in ("ul. ", "ul.", "al. ", "pl. "):
        if street.lower().startswith(prefix):
            street = street[len(prefix) :].strip()
            break
    places = Place.objects.filter(kind=PlaceKind.ADDRESS, street__icontains=street, case_id__isnull=False)
    if locality.strip():
        places = places.filter(locality__iexact=locality.strip())
    return places.order_by().values("case_id").distinct()


def places_in_box(min_lat: float, min_lon: float, max_lat: float, max_lon: float) -> QuerySet:
    """Located places whose box overlaps the given one (index: places_place_box_gist)."""
    return Place.objects.alias(box=place_box()).filter(
        min_lat__isnull=False, box__overlaps=box_value(min_lat, min_lon, max_lat, max_lon)
    )


def case_ids_in_box(min_lat: float, min_lon: float, max_lat: float, max_lon: float) -> QuerySet:
    """Ids of the cases with a place overlapping the box (an area drawn on the map or typed as four numbers)."""
    return (
        places_in_box(min_lat, min_lon, max_lat, max_lon)
        .filter(case_id__isnull=False)
        .order_by()
        .values("case_id")
        .distinct()
    )


def cases_near(lat: float, lon: float, metres: float, *, limit: int = 200) -> list[tuple[int, float]]:
    """(case id, distance in metres) of cases with a place within `metres` of the point, nearest first: the
    index finds the places whose box overlaps a box around the point, then the exact great-circle distance to
    each place's nearest box edge (0 inside) decides."""
    nearest: dict[int, float] = {}
    candidates = (
        places_in_box(*box_around(lat, lon, metres))
        .filter(case_id__isnull=False)
        .values_list("case_id", "min_lat", "min_lon", "max_lat", "max_lon")
    )
    for case_id, min_lat, min_lon, max_lat, max_lon in candidates.iterator():
        closest_lat, closest_lon = min(max(lat, min_lat), max_lat), min(max(lon, min_lon), max_lon)
        distance = distance_metres(lat, lon, closest_lat, closest_lon)
        if distance <= metres and distance < nearest.get(case_id, float("inf")):
            nearest[case_id] = distance
    return sorted(nearest.items(), key=lambda item: (item[1], item[0]))[:limit]


def other_case_ids_on_same_parcels(case_id: int) -> QuerySet:
    """Ids of the other cases concerning any parcel of this case."""
    parcels = Place.objects.filter(case_id=case_id, kind=PlaceKind.PARCEL).values("identifier")
    return (
        Place.objects.filter(kind=PlaceKind.PARCEL, identifier__in=parcels, case_id__isnull=False)
        .exclude(case_id=case_id)
        .order_by()
        .values("case_id")
        .distinct()
    )


def places_pending(limit: int = 100) -> QuerySet:
    """Places still waiting for their lookup, oldest first (the sweep that requeues lost tasks)."""
    return Place.objects.filter(status="pending").order_by("id")[:limit]


def place_feature(place: Place, *, properties: dict | None = None) -> dict | None:
    """The place as a GeoJSON Feature (its outline, else its centroid), or None while it is not located."""
    if place.outline_wkt:
        try:
            geometry = wkt_read(place.outline_wkt).geojson()
        except WktUnreadable:
            geometry = None
    else:
        geometry = None
    if geometry is None and place.located:
        geometry = {"type": "Point", "coordinates": [place.lon, place.lat]}
    if geometry is None:
        return None
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "id": place.id,
            "kind": place.kind,
            "identifier": place.identifier,
            "case": place.case_id,
            **(properties or {}),
        },
    }
