"""The narrow interface of a place lookup provider: a parcel service (GUGiK's ULDK) or an address geocoder (GUGiK's
UUG). A provider knows its protocol and answers with plain values; services.py keeps the places' state, their
attempts and the audit trail. A provider never writes to the database."""

from dataclasses import dataclass

from .geometry import Shape


class LookupUnavailable(Exception):
    """The service did not answer, or answered with something that is not its protocol: ask again later."""


@dataclass(frozen=True)
class Found:
    shape: Shape  # in WGS 84
    label: str  # what the service calls the place ("Toruń-Starówka, działka 123/4"; "Toruń, Szeroka 1")
    teryt: str = ""


NOT_FOUND = None  # what `lookup` returns when the service answered that there is no such place


class PlaceProvider:
    """Resolves places of some kinds (`kinds`: "parcel", "address", "point"). `lookup(place)` gets a dict with the
    place's kind and its parts (identifier, locality, street, number, lat, lon) and returns Found, or None when
    the service says there is no such place; it raises LookupUnavailable when it cannot tell."""

    key: str = ""
    name: str = ""
    kinds: frozenset = frozenset()

    def lookup(self, place: dict) -> Found | None:
        raise NotImplementedError
