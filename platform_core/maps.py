"""What every map of a unit is drawn on: the basemap (a configured tile source, or none), and the unit's outline.

A page puts a map on itself with the template platform_core/_map.html and a `map_data(...)` dict: the data goes
into the page as a JSON data block (`json_script`, which the Content-Security-Policy does not treat as a script)
and platform_core/maps.js draws it with the vendored Leaflet. Without a tile source (development, the tests, a
deployment that configured none) the map is the unit's outline and the places on a plain background; every
page with a map also lists the same places as text, so the map is never the only way to read them."""

import json
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection

_TERC_CODE = re.compile(r"\d{2}|\d{4}|\d{7}", re.ASCII)


def tile_source() -> dict | None:
    """The basemap's tiles (settings MAP_TILE_URL, MAP_TILE_ATTRIBUTION, MAP_TILE_MAX_ZOOM), or None."""
    if not settings.MAP_TILE_URL:
        return None
    return {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "maxZoom": settings.MAP_TILE_MAX_ZOOM,
    }


def unit_boundary(code: str | None = None) -> dict | None:
    """The outline of the unit with TERC code `code` (the current unit's by default) as a GeoJSON geometry, from
    MAP_BOUNDARIES_DIR/<code>.geojson; None when there is no such file or it cannot be read."""
    if code is None:
        code = getattr(getattr(connection, "tenant", None), "code", "") or ""
    if not _TERC_CODE.fullmatch(code):
        return None
    return _boundary_read(Path(settings.MAP_BOUNDARIES_DIR) / f"{code}.geojson")


@lru_cache(maxsize=64)
def _boundary_read(path: Path) -> dict | None:
    # Files of a deployment do not change while it runs; a missing or broken one means "no outline", not an error.
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    geometry = document.get("geometry") if document.get("type") == "Feature" else document
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    return geometry


def map_data(
    *, features=(), cluster: bool = False, picker: dict | None = None, area: dict | None = None, texts=None
) -> dict:
    """The data of one map for platform_core/maps.js: GeoJSON features (each with a `label`, optional `url` and
    `details` lines for its popup), whether points cluster, the picker's inputs (a form's location field: its
    `name` and number of `rows`), the area filter's input (`{"input": its id}`), and texts the script shows."""
    return {
        "tiles": tile_source(),
        "boundary": unit_boundary(),
        "features": {"type": "FeatureCollection", "features": [feature for feature in features if feature]},
        "cluster": cluster,
        "picker": picker,
        "area": area,
        "texts": texts or {},
    }
