"""Parcels resolved by GUGiK's ULDK (or the development server infra/devservices/devuldk): settings.ULDK_URL."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from ...base import Found, LookupUnavailable, PlaceProvider
from ...geometry import WktUnreadable, wgs84_to_puwg92, wkt_read
from .client import UldkClient, UldkRefused, UldkUnavailable

CACHE_FOUND_SECONDS = 24 * 3600  # parcels change rarely (a division gives new numbers)
CACHE_NOT_FOUND_SECONDS = 3600


class UldkParcels(PlaceProvider):
    key = "uldk"
    name = _("GUGiK parcel service (ULDK)")
    kinds = frozenset({"parcel", "point"})  # a point: the parcel it lies in (GetParcelByXY)

    def client(self) -> UldkClient:
        return UldkClient(settings.ULDK_URL, timeout=settings.PLACES_LOOKUP_TIMEOUT)

    def lookup(self, place: dict) -> Found | None:
        if place.get("kind") == "point":
            return self.parcel_at(place["lat"], place["lon"])
        identifier = place["identifier"]
        key = f"places:uldk:{hashlib.sha256(identifier.encode()).hexdigest()}"
        cached = cache.get(key)
        if isinstance(cached, dict):
            return _found(cached) if cached.get("wkt") else None
        try:
            parcel = self.client().parcel_by_id(identifier)
        except UldkUnavailable as error:
            raise LookupUnavailable(f"ULDK: {error}") from error
        except UldkRefused:
            parcel = None  # ULDK cannot read the identifier: for the resident, the parcel is not found
        answer = (
            {"wkt": parcel.wkt, "label": _label(parcel), "teryt": parcel.teryt} if parcel is not None else {"wkt": ""}
        )
        cache.set(key, answer, CACHE_FOUND_SECONDS if parcel else CACHE_NOT_FOUND_SECONDS)
        return _found(answer) if parcel else None

    def parcel_at(self, lat: float, lon: float) -> Found | None:
        """The parcel at a WGS 84 point (a point picked on a map)."""
        try:
            parcel = self.client().parcel_by_xy(*wgs84_to_puwg92(lat, lon))
        except UldkUnavailable as error:
            raise LookupUnavailable(f"ULDK: {error}") from error
        except UldkRefused:
            return None
        if parcel is None:
            return None
        return _found({"wkt": parcel.wkt, "label": f"{parcel.teryt}: {_label(parcel)}", "teryt": parcel.teryt})


def _label(parcel) -> str:
    return ", ".join(part for part in (parcel.commune, parcel.region, f"dz. {parcel.parcel}") if part)


def _found(answer: dict) -> Found:
    try:
        shape = wkt_read(answer["wkt"])
    except WktUnreadable as error:
        raise LookupUnavailable(f"ULDK: unreadable geometry ({error})") from error
    return Found(shape=shape, label=answer.get("label", ""), teryt=answer.get("teryt", ""))
