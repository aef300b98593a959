"""The ULDK client and the geocoder against the development server (infra/devservices/devuldk): found, not found,
an outage and the later resolution; and the protocol's plain-text answers parsed."""

import pytest

from shared_services.places import services, tasks
from shared_services.places.base import LookupUnavailable
from shared_services.places.contrib.uldk.client import UldkClient, UldkRefused, UldkUnavailable, answer_parse
from shared_services.places.models import Place, Resolution
from shared_services.places.registry import provider_for
from tests.places.factories import case_make

pytestmark = pytest.mark.django_db


def test_the_client_gets_a_parcel_by_its_identifier(dev_uldk):
    parcel = UldkClient(dev_uldk.base_url).parcel_by_id("046301_1.0012.123/4")
    assert parcel.wkt.startswith("SRID=2180;POLYGON((473479.08 571688.33,")
    assert (parcel.teryt, parcel.commune, parcel.region, parcel.parcel) == (
        "046301_1.0012.123/4",
        "Toruń",
        "Toruń-Starówka",
        "123/4",
    )
    assert "request=GetParcelById" in dev_uldk.requests[-1] and "srid=2180" in dev_uldk.requests[-1]


def test_the_client_gets_the_parcel_at_a_point_and_a_map_sheet_parcel(dev_uldk):
    client = UldkClient(dev_uldk.base_url)
    assert client.parcel_by_xy(473490.0, 571720.0).teryt == "046301_1.0012.123/4"
    assert client.parcel_by_xy(100.0, 100.0) is None
    assert client.parcel_by_id("041504_2.0011.AR_2.57").region == "Grębocin"
    assert client.parcel_by_id("041504_2.0011.57") is None  # without its map sheet it is not found


def test_the_protocol_answers_are_parsed():
    assert answer_parse("-1 brak wyników\n") is None
    with pytest.raises(UldkRefused):
        answer_parse("-1 błędny parametr result\n")
    with pytest.raises(UldkUnavailable):
        answer_parse("<html>Service Unavailable</html>")
    with pytest.raises(UldkUnavailable):
        answer_parse("0\nSRID=2180;POINT(1 2)|only two")


def test_an_outage_is_unavailable_not_not_found(dev_uldk):
    dev_uldk.outage = True
    with pytest.raises(UldkUnavailable):
        UldkClient(dev_uldk.base_url).parcel_by_id("046301_1.0012.123/4")


def test_a_closed_port_is_unavailable(settings):
    settings.ULDK_URL = "http://127.0.0.1:9/"
    with pytest.raises(LookupUnavailable):
        provider_for("parcel").lookup({"identifier": "046301_1.0012.123/4"})


def _pending(case, answer):
    return Place.objects.create(case=case, **services.place_fields(answer, unit_code="0463011"))


def test_a_parcel_is_resolved_into_its_outline_and_cached(unit_a, in_unit, dev_uldk):
    with in_unit(unit_a):
        place = _pending(case_make(), {"kind": "parcel", "parcel": "046301_1.0012.123/4"})
        assert services.place_resolve(place.pk) == "resolved"
        place.refresh_from_db()
        assert place.status == Resolution.RESOLVED and place.provider == "uldk" and place.attempts == 1
        assert place.lat == pytest.approx(53.01022, abs=0.0001) and place.lon == pytest.approx(18.6048, abs=0.0001)
        assert place.min_lat < place.lat < place.max_lat
        assert place.outline_wkt.startswith("POLYGON((18.60")
        assert place.resolved_label == "Toruń, Toruń-Starówka, dz. 123/4"
        asked = len(dev_uldk.requests)
        again = _pending(case_make(), {"kind": "parcel", "parcel": "046301_1.0012.123/4"})
        assert services.place_resolve(again.pk) == "resolved"
        assert len(dev_uldk.requests) == asked  # from the cache


def test_an_unknown_parcel_is_not_found(unit_a, in_unit, dev_uldk):
    with in_unit(unit_a):
        place = _pending(case_make(), {"kind": "parcel", "parcel": "046301_1.0012.999"})
        assert services.place_resolve(place.pk) == "not_found"
        place.refresh_from_db()
        assert place.status == Resolution.NOT_FOUND and place.lat is None


def test_an_address_is_geocoded(unit_a, in_unit, dev_uldk):
    with in_unit(unit_a):
        place = _pending(
            case_make(), {"kind": "address", "locality": "Toruń", "street": "Wały gen. Sikorskiego", "number": "8"}
        )
        assert services.place_resolve(place.pk) == "resolved"
        place.refresh_from_db()
        assert place.lat == pytest.approx(53.01156, abs=0.00001) and place.lon == pytest.approx(18.60383, abs=0.00001)
        assert place.min_lat == place.max_lat == place.lat and place.outline_wkt == ""
        unknown = _pending(
            case_make(), {"kind": "address", "locality": "Toruń", "street": "Nieistniejąca", "number": "1"}
        )
        assert services.place_resolve(unknown.pk) == "not_found"


def test_during_an_outage_the_place_waits_and_is_resolved_later(unit_a, in_unit, dev_uldk):
    with in_unit(unit_a):
        place = _pending(case_make(), {"kind": "parcel", "parcel": "046301_1.0031.57"})
        dev_uldk.outage = True
        assert services.place_resolve(place.pk) == "unavailable"
        place.refresh_from_db()
        assert place.status == Resolution.PENDING and place.attempts == 1 and "503" in place.last_error
        # The task asks Celery to try again later, with a growing pause.
        with pytest.raises(Exception) as retried:
            tasks.place_resolve.apply(args=(place.pk,), throw=True)
        assert type(retried.value).__name__ == "Retry"
        place.refresh_from_db()
        assert place.attempts == 2
        dev_uldk.outage = False
        assert tasks.places_resolve_sweep.run() >= 1  # the sweep finds it (in every unit)
        place.refresh_from_db()
        assert place.status == Resolution.RESOLVED and place.attempts == 3 and place.last_error == ""


def test_after_the_attempts_are_used_up_the_place_is_failed_and_can_be_asked_again(unit_a, in_unit, dev_uldk):
    with in_unit(unit_a):
        place = _pending(case_make(), {"kind": "parcel", "parcel": "046301_1.0031.57"})
        Place.objects.filter(pk=place.pk).update(attempts=services.MAX_ATTEMPTS - 1)
        dev_uldk.outage = True
        assert services.place_resolve(place.pk) == "failed"
        place.refresh_from_db()
        assert place.status == Resolution.FAILED
        dev_uldk.outage = False
        services.place_lookup_again(place, actor="user:1")
        assert services.place_resolve(place.pk) == "resolved"


def test_a_point_is_located_at_once_and_named_by_the_parcel_it_lies_in(unit_a, in_unit, dev_uldk):
    with in_unit(unit_a):
        place = _pending(case_make(), {"kind": "point", "lat": 53.01022, "lon": 18.6048})
        assert place.located and place.min_lat == place.max_lat == 53.01022
        assert services.place_resolve(place.pk) == "resolved"
        place.refresh_from_db()
        assert place.resolved_label.startswith("046301_1.0012.123/4: Toruń, Toruń-Starówka")
        assert (place.lat, place.lon, place.teryt, place.outline_wkt) == (53.01022, 18.6048, "046301_1", "")
        assert "request=GetParcelByXY" in dev_uldk.requests[-1]
        nowhere = _pending(case_make(), {"kind": "point", "lat": 50.0, "lon": 20.0})
        assert services.place_resolve(nowhere.pk) == "not_found"
        nowhere.refresh_from_db()
        assert nowhere.located  # still where it was picked
