"""The inbox's questions about where its cases are, over the places app's spatial selectors: the area typed or
drawn as a filter, the cases of a list as map features, and the other cases on the same parcels as a case."""

import re

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from platform_core.maps import map_data
from shared_services.places.models import PlaceKind
from shared_services.places.selectors import (
    other_case_ids_on_same_parcels,
    place_feature,
    places_of_case,
    places_of_cases,
)

from .permissions import visible_cases

# At most this many cases go on the clerk's map (and its list): more is a sign to narrow the filters.
MAP_CASES_AT_MOST = 500
# An area wider than this (degrees) is not a place any more: the whole of Poland is about 10° by 6°.
AREA_SPAN_AT_MOST = 12.0
_NUMBER = re.compile(r"-?\d{1,3}(?:[.,]\d+)?")


def area_parse(text: str) -> tuple[float, float, float, float]:
    """ "south, west, north, east" in degrees as (min_lat, min_lon, max_lat, max_lon); ValueError saying what is
    wrong. Numbers are separated by commas, spaces or semicolons; with spaces or semicolons between them a
    decimal comma is fine too ("53,00 18,59 53,02 18,62")."""
    parts = _area_numbers(text)
    if len(parts) != 4 or not all(_NUMBER.fullmatch(part) for part in parts):
        raise ValueError(
            _("Give the area as four numbers: south latitude, west longitude, north latitude, east longitude.")
        )
    south, west, north, east = (float(part.replace(",", ".")) for part in parts)
    if not (-90 <= south <= 90 and -90 <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise ValueError(_("Latitudes are from -90 to 90 and longitudes from -180 to 180."))
    if south > north or west > east:
        raise ValueError(_("The south edge must be below the north one and the west edge left of the east one."))
    if north - south > AREA_SPAN_AT_MOST or east - west > AREA_SPAN_AT_MOST:
        raise ValueError(_("The area is too large: draw or type a smaller one."))
    return south, west, north, east


def _area_numbers(text: str) -> list[str]:
    text = text.strip()
    if ";" in text:
        parts = text.split(";")
    else:
        parts = [part.strip(",") for part in text.split()]
        if len(parts) != 4:
            parts = text.split(",")
    return [part.strip() for part in parts if part.strip()]


def case_map_rows(cases: QuerySet) -> tuple[list[dict], bool]:
    """The located cases among `cases` (at most MAP_CASES_AT_MOST, in the list's order), each with its places and
    a point for the map; and whether there were more. Cases without a located place are left out."""
    cases = list(cases.filter(places__lat__isnull=False).distinct()[: MAP_CASES_AT_MOST + 1])
    more = len(cases) > MAP_CASES_AT_MOST
    cases = cases[:MAP_CASES_AT_MOST]
    places = places_of_cases([case.pk for case in cases])
    rows = []
    for case in cases:
        located = [place for place in places.get(case.pk, []) if place.located]
        if located:
            rows.append({"case": case, "places": places.get(case.pk, []), "point": located[0]})
    return rows, more


def case_map_features(rows: list[dict]) -> list[dict]:
    """One point per case (its first located place), with a popup linking to the case: what the clerk's map
    clusters."""
    features = []
    for row in rows:
        case, point = row["case"], row["point"]
        entry = case.register_entry
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                "properties": {
                    "label": case.sign or entry.label,
                    "url": reverse("clerk-case", args=[case.pk]),
                    "details": [entry.subject, case.get_status_display(), str(point)],
                },
            }
        )
    return features


def case_place_features(places) -> list[dict]:
    """A case's own places as they are drawn: parcels' outlines, other places' points."""
    return [place_feature(place, properties={"label": str(place)}) for place in places]


def case_places_context(user, case) -> dict:
    """What the case page shows of where the case is: its places, their map (parcels' outlines drawn), and the
    other cases the person may see on the same parcels (asked only when the case has a parcel)."""
    places = places_of_case(case.pk)
    located = [place for place in places if place.located]
    has_parcel = any(place.kind == PlaceKind.PARCEL for place in places)
    return {
        "places": places,
        "places_map": map_data(
            features=case_place_features(located), texts={"plain": _("No basemap: the unit's outline and the places")}
        )
        if located
        else None,
        "same_parcel_cases": other_cases_on_same_parcels(user, case) if has_parcel else [],
    }


def other_cases_on_same_parcels(user, case) -> list:
    """The other cases `user` may see that concern a parcel of `case`, newest first (at most 50)."""
    return list(
        visible_cases(user)
        .filter(pk__in=other_case_ids_on_same_parcels(case.pk))
        .select_related("register_entry")
        .order_by("-register_entry__received_at", "-pk")[:50]
    )
