"""PUWG 1992 (EPSG:2180) ↔ WGS 84 (EPSG:4326) against the system's published definition, and WKT read into
boxes, centroids and GeoJSON.

The reference is the definition of the PL-1992 system in the regulation on the national spatial reference system
(Rozporządzenie Rady Ministrów z dnia 15 października 2012 r. w sprawie państwowego systemu odniesień
przestrzennych, Dz.U. 2012 poz. 1247, § 6 and annex 1): the GRS 80 ellipsoid, the Gauss-Krüger (transverse
Mercator) projection with the central meridian 19° E, scale 0.9993 on it, and the point where the central meridian
crosses the equator at x = −5 300 000 m (northing), y = 500 000 m (easting). On the central meridian the northing
is 0.9993 × the meridian arc − 5 300 000 m; the arc is computed here from GRS 80's constants with Helmert's
series, independently of PROJ."""

import math

import pytest

from shared_services.places.geometry import (
    WktUnreadable,
    distance_metres,
    puwg92_to_wgs84,
    wgs84_to_puwg92,
    wkt_read,
)

GRS80_A = 6_378_137.0
GRS80_F = 1 / 298.257222101
SCALE = 0.9993
FALSE_NORTHING = -5_300_000.0
FALSE_EASTING = 500_000.0


def meridian_arc(lat_degrees: float) -> float:
    """The length of the meridian from the equator to the latitude on GRS 80 (Helmert's series in n)."""
    n = GRS80_F / (2 - GRS80_F)
    phi = math.radians(lat_degrees)
    a0 = GRS80_A / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    return a0 * (
        phi
        - (3 * n / 2 - 9 * n**3 / 16) * math.sin(2 * phi)
        + (15 * n**2 / 16 - 15 * n**4 / 32) * math.sin(4 * phi)
        - (35 * n**3 / 48) * math.sin(6 * phi)
        + (315 * n**4 / 512) * math.sin(8 * phi)
    )


def test_the_false_origin_is_where_the_central_meridian_crosses_the_equator():
    easting, northing = wgs84_to_puwg92(0.0, 19.0)
    assert easting == pytest.approx(FALSE_EASTING, abs=0.001)
    assert northing == pytest.approx(FALSE_NORTHING, abs=0.001)
    lat, lon = puwg92_to_wgs84(FALSE_EASTING, FALSE_NORTHING)
    assert (lat, lon) == (pytest.approx(0.0, abs=1e-9), pytest.approx(19.0, abs=1e-9))


@pytest.mark.parametrize("lat", [49.0, 50.5, 52.0, 53.0102, 54.8])
def test_points_on_the_central_meridian_lie_at_the_scaled_meridian_arc(lat):
    easting, northing = wgs84_to_puwg92(lat, 19.0)
    assert easting == pytest.approx(FALSE_EASTING, abs=0.001)
    assert northing == pytest.approx(SCALE * meridian_arc(lat) + FALSE_NORTHING, abs=0.001)


def test_points_either_side_of_the_central_meridian_mirror_each_other():
    west, west_north = wgs84_to_puwg92(52.0, 16.0)
    east, east_north = wgs84_to_puwg92(52.0, 22.0)
    assert west + east == pytest.approx(2 * FALSE_EASTING, abs=0.001)
    assert west_north == pytest.approx(east_north, abs=0.001)


@pytest.mark.parametrize(
    "lat, lon",
    [
        (53.01022, 18.60480),  # Toruń, the old town market
        (53.12320, 18.00030),  # Bydgoszcz, the old market
        (54.83570, 18.33880),  # Rozewie, near the northernmost point
        (49.00240, 22.89070),  # Opołonek, the southernmost (south-east) point
        (51.27160, 14.12310),  # the westernmost point, near Osinów Dolny's latitude range
    ],
)
def test_round_trips_keep_a_point_to_a_millimetre(lat, lon):
    easting, northing = wgs84_to_puwg92(lat, lon)
    back_lat, back_lon = puwg92_to_wgs84(easting, northing)
    # 1e-8 degrees is about a millimetre.
    assert back_lat == pytest.approx(lat, abs=1e-8)
    assert back_lon == pytest.approx(lon, abs=1e-8)
    assert 100_000 < easting < 900_000 and 100_000 < northing < 800_000  # inside the system's range for Poland


def test_a_polygon_in_2180_is_read_into_wgs84_with_its_box_and_centroid():
    ewkt = "SRID=2180;POLYGON((473479.08 571688.33,473516.25 571696.23,473505.44 571747.09,473468.27 571739.19,473479.08 571688.33))"
    shape = wkt_read(ewkt)
    min_lat, min_lon, max_lat, max_lon = shape.box()
    lat, lon = shape.centroid()
    assert min_lat < lat < max_lat and min_lon < lon < max_lon
    assert lat == pytest.approx(53.01022, abs=0.0001) and lon == pytest.approx(18.6048, abs=0.0001)
    assert distance_metres(min_lat, min_lon, max_lat, max_lon) < 100  # a parcel of 38 × 52 m
    geojson = shape.geojson()
    assert geojson["type"] == "Polygon" and len(geojson["coordinates"][0]) == 5
    assert wkt_read(shape.wkt()).box() == pytest.approx(shape.box(), abs=1e-7)


def test_multipolygons_and_points_are_read():
    multi = wkt_read("MULTIPOLYGON(((18 53,18.1 53,18.1 53.1,18 53,18 53)),((19 52,19.1 52,19.1 52.1,19 52)))")
    assert multi.geojson()["type"] == "MultiPolygon"
    assert multi.box() == (52, 18, 53.1, 19.1)
    assert wkt_read("POINT(18.6 53.0)").centroid() == (53.0, 18.6)


@pytest.mark.parametrize(
    "text",
    [
        "LINESTRING(1 2,3 4)",
        "POLYGON((1 2,3 4)",
        "POLYGON((1 2,3 4,5 6))",
        "SRID=3857;POINT(1 2)",
        "POINT(200 100)",
        "POLYGON((a b,c d,e f,a b))",
        "",
    ],
)
def test_what_is_not_a_readable_outline_is_refused(text):
    with pytest.raises(WktUnreadable):
        wkt_read(text)
