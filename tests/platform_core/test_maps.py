"""What every map is drawn on (platform_core/maps.py): the configured basemap, or none and the unit's outline; the
tile server's place in the Content-Security-Policy; the resident's picker and a map of features in templates."""

import json
import re

import pytest
from django.template import Context, Template
from django.test import override_settings
from django_tenants.utils import tenant_context

from platform_core.maps import map_data, tile_source, unit_boundary
from tests.platform_core.test_content_security_policy import directives
from tests.platform_core.test_settings import start_django

DEMO_UNITS = ["0463011", "0461011", "0415042", "0415", "04"]
GEOPORTAL = "https://mapy.geoportal.gov.pl/wss/service/PZGIK/ORTO/WMTS/StandardResolution/tile/{z}/{y}/{x}"


@pytest.mark.parametrize("code", DEMO_UNITS)
def test_every_demo_unit_has_an_outline_in_poland(code):
    outline = unit_boundary(code)
    assert outline["type"] == "Polygon"
    for ring in outline["coordinates"]:
        assert ring[0] == ring[-1]
        assert all(14.1 < lon < 24.2 and 49.0 < lat < 54.9 for lon, lat in ring)


@pytest.mark.parametrize("code", ["9999999", "", "../04", "04.geojson"])
def test_an_unknown_or_odd_code_has_no_outline(code):
    assert unit_boundary(code) is None


def test_a_broken_outline_file_reads_as_none(tmp_path):
    (tmp_path / "0463011.geojson").write_text("{not json")
    (tmp_path / "0461011.geojson").write_text(json.dumps({"type": "Point", "coordinates": [18, 53]}))
    with override_settings(MAP_BOUNDARIES_DIR=tmp_path):
        assert unit_boundary("0463011") is None and unit_boundary("0461011") is None


def test_no_basemap_is_configured_by_default_and_one_can_be():
    assert tile_source() is None and map_data()["tiles"] is None
    with override_settings(MAP_TILE_URL=GEOPORTAL, MAP_TILE_ATTRIBUTION="© GUGiK", MAP_TILE_MAX_ZOOM=18):
        assert tile_source() == {"url": GEOPORTAL, "attribution": "© GUGiK", "maxZoom": 18}


def test_a_basemap_server_joins_img_src_and_nothing_else():
    result = start_django(
        show="__import__('csp.utils').utils.build_policy()",
        MAP_TILE_URL="https://{s}.tiles.example.pl/{z}/{x}/{y}.png",
        MAP_TILE_ATTRIBUTION="© Example",
    )
    assert result.returncode == 0, result.stderr
    policy = directives(result.stdout.strip())
    assert policy["img-src"] == ["'self'", "https://*.tiles.example.pl"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]


def test_a_basemap_without_its_attribution_is_refused():
    result = start_django(MAP_TILE_URL="https://tiles.example.pl/{z}/{x}/{y}.png")
    assert result.returncode != 0 and "MAP_TILE_ATTRIBUTION" in result.stderr


@pytest.mark.django_db
def test_the_picker_is_a_hidden_map_over_the_fields_text_boxes(unit_a):
    with tenant_context(unit_a):
        html = Template("{% load maps %}{% place_picker 'miejsca' 2 %}").render(Context({}))
    data = json.loads(
        re.search(r'<script id="picker-miejsca-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert data["picker"] == {"name": "miejsca", "rows": 2}
    assert data["boundary"] == unit_boundary("0463011")  # Toruń's outline under the picker
    assert re.search(
        r'<div class="map map-small" id="picker-miejsca" data-map="picker-miejsca-data" role="region" '
        r'aria-label="[^"]+" hidden>',
        html,
    )
    assert "<style" not in html and "style=" not in html
