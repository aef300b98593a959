"""The demo units' cases get places, so that the maps and the spatial filters have something to show: parcels that
the development parcel service knows (infra/devservices/devuldk/data.py — the same identifiers), two cases on one
parcel (the case page lists the other), an office address, and in Toruń a parcel of Lubicz (flagged as outside the
unit). Added as a clerk adds them (audited) and looked up at once; a lookup that fails now is retried by the worker.
Idempotent: cases that already have places are left alone."""

from shared_services.inbox.models import Case
from shared_services.places.models import Place
from shared_services.places.services import place_add, place_resolve


def _parcel(identifier: str) -> dict:
    return {"kind": "parcel", "parcel": identifier}


def _address(locality: str, street: str, number: str) -> dict:
    return {"kind": "address", "locality": locality, "street": street, "number": number}


# Per unit (TERC code): the places of its oldest cases, one list per case.
DEMO_PLACES = {
    "0463011": [  # Miasto Toruń
        [_parcel("046301_1.0012.123/4")],
        [_parcel("046301_1.0012.123/4"), _parcel("046301_1.0012.123/5")],  # the same parcel as the case before
        [_parcel("046301_1.0031.57")],
        [_parcel("046301_1.0047.8/12")],
        [_address("Toruń", "Wały gen. Sikorskiego", "8")],
        [_parcel("041504_2.0008.112/3")],  # in Lubicz: outside Toruń
    ],
    "0461011": [  # Miasto Bydgoszcz
        [_parcel("046101_1.0101.45/2")],
        [_parcel("046101_1.0230.301")],
        [_address("Bydgoszcz", "Jezuicka", "1")],
    ],
    "0415042": [  # Gmina Lubicz
        [_parcel("041504_2.0008.112/3")],
        [_parcel("041504_2.0009.24")],
        [_parcel("041504_2.0011.AR_2.57")],
        [_address("Lubicz Górny", "Toruńska", "21")],
    ],
    "0415": [  # Powiat toruński
        [_parcel("041504_2.0009.24")],
        [_parcel("041504_2.0011.AR_2.57")],
    ],
    "04": [  # Województwo kujawsko-pomorskie
        [_parcel("046301_1.0031.57")],
        [_parcel("046101_1.0230.301")],
    ],
}


def demo_places_load(*, unit, actor: str) -> int:
    """Give the unit's oldest cases their demo places; returns how many places were added now."""
    plans = DEMO_PLACES.get(unit.code, [])
    cases = list(Case.objects.order_by("register_entry__received_at", "pk")[: len(plans)])
    added = 0
    for case, answers in zip(cases, plans, strict=False):
        if Place.objects.filter(case=case).exists():
            continue
        for answer in answers:
            place = place_add(answer, actor=actor, case=case, entry=case.register_entry)
            place_resolve(place.pk)
            added += 1
    return added
