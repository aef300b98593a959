"""The development parcel service (infra/devservices/devuldk) over HTTP: both SRIDs, a point in a parcel, the geocoder,
bad requests answered in the protocol's words, and the outage switch."""

import json
import urllib.error
import urllib.request

import pytest

from infra.devservices.devuldk import start_dev_uldk


@pytest.fixture(scope="module")
def server():
    running = start_dev_uldk()
    yield running
    running.stop()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_a_parcel_in_either_srid(server):
    url = f"{server.base_url}?request=GetParcelById&id=046301_1.0012.123/4&result=geom_wkt,region,parcel"
    in_2180 = _get(url).splitlines()
    assert in_2180[0] == "0" and in_2180[1].startswith("SRID=2180;POLYGON((473479.08 571688.33,")
    assert in_2180[1].endswith("|Toruń-Starówka|123/4")
    in_4326 = _get(url + "&srid=4326").splitlines()
    assert in_4326[1].startswith("SRID=4326;POLYGON((18.60")


def test_the_parcel_at_a_point_and_nothing_elsewhere(server):
    assert _get(f"{server.base_url}?request=GetParcelByXY&xy=473490,571720&result=id").splitlines() == [
        "0",
        "046301_1.0012.123/4",
    ]
    assert _get(f"{server.base_url}?request=GetParcelByXY&xy=18.6048,53.01022,4326&result=id").splitlines()[1] == (
        "046301_1.0012.123/4"
    )
    assert _get(f"{server.base_url}?request=GetParcelByXY&xy=1,1&result=id") == "-1 brak wyników\n"


def test_bad_requests_are_answered_in_the_protocols_words(server):
    assert _get(f"{server.base_url}?request=GetParcelById&id=x&result=colour").startswith("-1 ")
    assert _get(f"{server.base_url}?request=Nonsense").startswith("-1 ")


def test_the_geocoder(server):
    found = json.loads(
        _get(f"{server.geocoder_url}?request=GetAddress&address=Toru%C5%84,%20Wa%C5%82y%20gen.%20Sikorskiego%208")
    )
    assert found["found objects"] == 1 and found["results"]["1"]["teryt"] == "046301_1"
    assert json.loads(_get(f"{server.geocoder_url}?request=GetAddress&address=Nigdzie%201"))["results"] is None


def test_the_outage_switch(server):
    switch = urllib.request.Request(f"{server.base_url}__dev__/outage", data=b"on", method="POST")
    assert urllib.request.urlopen(switch, timeout=5).read() == b"on\n"
    with pytest.raises(urllib.error.HTTPError) as down:
        _get(f"{server.base_url}?request=GetParcelById&id=046301_1.0012.123/4&result=id")
    assert down.value.code == 503
    switch = urllib.request.Request(f"{server.base_url}__dev__/outage", data=b"off", method="POST")
    assert urllib.request.urlopen(switch, timeout=5).read() == b"off\n"
    assert _get(f"{server.base_url}?request=GetParcelById&id=046301_1.0012.123/4&result=id").startswith("0\n")
