"""Coordinates and outlines: PUWG 1992 (EPSG:2180, metres, what GUGiK's services answer in) and WGS 84
(EPSG:4326, degrees, what maps and the database keep), transformed by PROJ through pyproj; WKT polygons read
into rings, their box and centroid, and GeoJSON for drawing.

Axis order is a trap in both systems: EPSG:2180 is officially northing, easting (x is north!) and EPSG:4326 is
latitude, longitude. `always_xy=True` makes pyproj take and give (easting, northing) and (longitude, latitude)
— the order of WKT and GeoJSON — whatever the authorities say, and this module names its arguments so that no
caller has to remember."""

import itertools
import math
import re
from dataclasses import dataclass
from functools import cache

from pyproj import Transformer

PUWG_1992 = "EPSG:2180"
WGS_84 = "EPSG:4326"
EARTH_RADIUS_METRES = 6_371_008.8  # the IUGG mean radius: distances to a few metres are all a gmina needs


@cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def puwg92_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """(lat, lon) in degrees of a PUWG 1992 point given in metres (x = easting, y = northing, WKT's order)."""
    lon, lat = _transformer(PUWG_1992, WGS_84).transform(easting, northing, errcheck=True)
    return lat, lon


def wgs84_to_puwg92(lat: float, lon: float) -> tuple[float, float]:
    """(easting, northing) in metres of a WGS 84 point: what GetParcelByXY takes as `x,y` with srid 2180."""
    return _transformer(WGS_84, PUWG_1992).transform(lon, lat, errcheck=True)


class WktUnreadable(ValueError):
    """The text is not a POINT, POLYGON or MULTIPOLYGON in WKT (optionally with an EWKT `SRID=…;` prefix)."""


@dataclass(frozen=True)
class Shape:
    """A point or polygons in WGS 84: `polygons` is a list of polygons, each a list of rings of (lon, lat)."""

    polygons: tuple
    point: tuple[float, float] | None = None  # (lon, lat)

    def coordinates(self):
        if self.point is not None:
            yield self.point
        for polygon in self.polygons:
            for ring in polygon:
                yield from ring

    def box(self) -> tuple[float, float, float, float]:
        """(min_lat, min_lon, max_lat, max_lon)."""
        lons, lats = zip(*self.coordinates(), strict=True)
        return min(lats), min(lons), max(lats), max(lons)

    def centroid(self) -> tuple[float, float]:
        """(lat, lon): the area-weighted centroid of the outer rings (a parcel is small enough for planar
        arithmetic in degrees), or the point."""
        if self.point is not None:
            return self.point[1], self.point[0]
        area_sum = x_sum = y_sum = 0.0
        for polygon in self.polygons:
            ring = polygon[0]
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                cross = x1 * y2 - x2 * y1
                area_sum += cross
                x_sum += (x1 + x2) * cross
                y_sum += (y1 + y2) * cross
        if abs(area_sum) < 1e-18:  # degenerate: the middle of the box
            min_lat, min_lon, max_lat, max_lon = self.box()
            return (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
        return y_sum / (3 * area_sum), x_sum / (3 * area_sum)

    def wkt(self) -> str:
        if self.point is not None:
            return f"POINT({_pair(self.point)})"
        polygons = [
            "(" + ",".join("(" + ",".join(map(_pair, ring)) + ")" for ring in polygon) + ")"
            for polygon in self.polygons
        ]
        if len(polygons) == 1:
            return f"POLYGON{polygons[0]}"
        return f"MULTIPOLYGON({','.join(polygons)})"

    def geojson(self) -> dict:
        if self.point is not None:
            return {"type": "Point", "coordinates": list(self.point)}
        rings = [[[list(position) for position in ring] for ring in polygon] for polygon in self.polygons]
        if len(rings) == 1:
            return {"type": "Polygon", "coordinates": rings[0]}
        return {"type": "MultiPolygon", "coordinates": rings}


def _pair(position) -> str:
    return f"{position[0]:.7f} {position[1]:.7f}"


_SRID = re.compile(r"^\s*SRID=(\d+)\s*;\s*", re.IGNORECASE)
_NUMBER_PAIR = re.compile(r"\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*")
MAX_WKT_CHARACTERS = 2_000_000  # a parcel's outline has tens to thousands of vertices, never this many


def wkt_read(text: str, *, srid: int | None = None) -> Shape:
    """The shape of a WKT or EWKT text, in WGS 84. Its SRID is the EWKT prefix's, else `srid`, else 4326;
    2180 is transformed, others refused."""
    if len(text) > MAX_WKT_CHARACTERS:
        raise WktUnreadable("the outline is too large")
    match = _SRID.match(text)
    if match:
        srid, text = int(match.group(1)), text[match.end() :]
    srid = srid or 4326
    if srid not in (2180, 4326):
        raise WktUnreadable(f"unsupported SRID {srid}")
    text = text.strip()
    kind, _, body = text.partition("(")
    kind = kind.strip().upper()
    body = "(" + body
    if kind == "POINT":
        inner = body.strip()
        if not (inner.startswith("(") and inner.endswith(")")):
            raise WktUnreadable("a POINT needs (x y)")
        point = _position(inner[1:-1], srid)
        return Shape(polygons=(), point=point)
    if kind == "POLYGON":
        return Shape(polygons=(_polygon(body, srid),))
    if kind == "MULTIPOLYGON":
        return Shape(polygons=tuple(_polygon(part, srid) for part in _parts(body)))
    raise WktUnreadable(f"unsupported geometry {kind[:20]!r}")


def _parts(text: str) -> list[str]:
    """The parenthesised items of "( (a), (b) )", each with its own parentheses."""
    text = text.strip()
    if not (text.startswith("(") and text.endswith(")")):
        raise WktUnreadable("unbalanced parentheses")
    inner, parts, depth, start = text[1:-1], [], 0, None
    for index, character in enumerate(inner):
        if character == "(":
            if depth == 0:
                start = index
            depth += 1
        elif character == ")":
            depth -= 1
            if depth < 0:
                raise WktUnreadable("unbalanced parentheses")
            if depth == 0:
                parts.append(inner[start : index + 1])
    if depth != 0 or not parts:
        raise WktUnreadable("unbalanced parentheses")
    return parts


def _polygon(text: str, srid: int) -> tuple:
    rings = []
    for ring_text in _parts(text):
        ring = tuple(_position(pair, srid) for pair in ring_text.strip()[1:-1].split(","))
        if len(ring) < 4:
            raise WktUnreadable("a ring needs at least four positions")
        rings.append(ring)
    return tuple(rings)


def _position(pair: str, srid: int) -> tuple[float, float]:
    """(lon, lat) of an "x y" pair of the given SRID."""
    match = _NUMBER_PAIR.fullmatch(pair)
    if not match:
        raise WktUnreadable("a position is not two numbers")
    x, y = float(match.group(1)), float(match.group(2))
    if srid == 2180:
        lat, lon = puwg92_to_wgs84(x, y)
        return lon, lat
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise WktUnreadable("a position is outside the globe")
    return x, y


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle (haversine) distance between two WGS 84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


def box_around(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a box that holds every point within `metres` of (lat, lon)."""
    d_lat = math.degrees(metres / EARTH_RADIUS_METRES)
    d_lon = d_lat / max(math.cos(math.radians(lat)), 1e-6)
    return lat - d_lat, lon - d_lon, lat + d_lat, lon + d_lon
