"""Addresses resolved by a geocoder in the shape of GUGiK's UUG (settings.GEOCODER_URL):

    GET {GEOCODER_URL}?request=GetAddress&address=Toruń, Wały gen. Sikorskiego 8
    {"found objects": 1, "results": {"1": {"city": "Toruń", "street": "Wały gen. Sikorskiego", "number": "8",
     "teryt": "046301_1", "x": "473428.02", "y": "571867.09", "accuracy": "1"}}}

x and y are PUWG 1992 (EPSG:2180) easting and northing. GUGiK publishes no formal specification of UUG: the shape
follows its public answers and third-party clients (docs/places.md)."""

import hashlib
import json

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from ...base import Found, LookupUnavailable, PlaceProvider
from ...geometry import Shape, puwg92_to_wgs84

CACHE_SECONDS = 24 * 3600
MAX_ANSWER_BYTES = 1024 * 1024


class UugGeocoder(PlaceProvider):
    key = "uug"
    name = _("GUGiK address geocoder (UUG)")
    kinds = frozenset({"address"})

    def lookup(self, place: dict) -> Found | None:
        address = place["identifier"]
        key = f"places:uug:{hashlib.sha256(address.encode()).hexdigest()}"
        cached = cache.get(key)
        if isinstance(cached, dict):
            return _found(cached) if cached.get("x") is not None else None
        answer = self._ask(address)
        cache.set(key, answer, CACHE_SECONDS)
        return _found(answer) if answer.get("x") is not None else None

    def _ask(self, address: str) -> dict:
        try:
            response = requests.get(
                settings.GEOCODER_URL,
                params={"request": "GetAddress", "address": address},
                timeout=(3.05, settings.PLACES_LOOKUP_TIMEOUT),
                stream=True,
            )
            if response.status_code != 200:
                raise LookupUnavailable(f"geocoder: HTTP {response.status_code}")
            body = response.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
            document = json.loads(body[:MAX_ANSWER_BYTES])
        except requests.RequestException as error:
            raise LookupUnavailable(f"geocoder: {type(error).__name__}") from error
        except ValueError as error:
            raise LookupUnavailable("geocoder: not JSON") from error
        if not isinstance(document, dict):
            raise LookupUnavailable("geocoder: not a JSON object")
        results = document.get("results")
        if not results:
            return {"x": None}
        first = results.get("1") if isinstance(results, dict) else None
        if not isinstance(first, dict):
            raise LookupUnavailable("geocoder: results without a first one")
        try:
            x, y = float(first["x"]), float(first["y"])
        except (KeyError, TypeError, ValueError) as error:
            raise LookupUnavailable("geocoder: a result without coordinates") from error
        label = ", ".join(
            part
            for part in (
                str(first.get("city", "")),
                " ".join(filter(None, (str(first.get("street") or ""), str(first.get("number") or "")))),
            )
            if part
        )
        return {"x": x, "y": y, "label": label[:300], "teryt": str(first.get("teryt", ""))[:8]}


def _found(answer: dict) -> Found:
    lat, lon = puwg92_to_wgs84(answer["x"], answer["y"])
    return Found(
        shape=Shape(polygons=(), point=(lon, lat)), label=answer.get("label", ""), teryt=answer.get("teryt", "")
    )
