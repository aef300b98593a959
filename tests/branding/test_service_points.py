"""The unit's service points: typed on the branding page, listed and drawn on the unit's home page."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from shared_services.branding.service_points import service_points_parse
from shared_services.branding.services import branding_update
from shared_services.identity.access import StaffRole
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import LUBICZ, TORUN

TORUN_POINTS = (
    "Biuro Obsługi Mieszkańców; ul. Wały gen. Sikorskiego 8, 87-100 Toruń; 53.0107, 18.6053\n"
    "Filia; ul. Grudziądzka 126b, 87-100 Toruń; 53.0290, 18.6120"
)


def test_service_points_are_read_line_by_line():
    points = service_points_parse(TORUN_POINTS + "\n\n")
    assert [(point.name, point.lat, point.lon) for point in points] == [
        ("Biuro Obsługi Mieszkańców", 53.0107, 18.6053),
        ("Filia", 53.029, 18.612),
    ]
    assert points[0].feature()["geometry"] == {"type": "Point", "coordinates": [18.6053, 53.0107]}


@pytest.mark.parametrize(
    "text",
    [
        "Biuro; ul. Szeroka 1",  # no coordinates
        "Biuro; ul. Szeroka 1; 53.01",
        "; ul. Szeroka 1; 53.01, 18.60",  # no name
        "Biuro; ul. Szeroka 1; 95.0, 18.60",  # latitude out of range
        "Biuro; ul. Szeroka 1; north, east",
    ],
)
def test_an_unreadable_line_is_refused(text):
    with pytest.raises(ValidationError):
        service_points_parse(text)


@pytest.mark.django_db
class TestHomePage:
    def test_the_home_page_lists_the_points_and_draws_them(self, client, unit_a, unit_b):
        with tenant_context(unit_a):
            branding_update(service_points=TORUN_POINTS)
        page = client.get("/", HTTP_HOST=TORUN).content.decode()
        listed = page.split('class="service-point-list"')[1].split("</ul>")[0]
        assert "Biuro Obsługi Mieszkańców" in listed and "ul. Grudziądzka 126b" in listed
        data = re.search(r'<script id="service-points-map-data" type="application/json">(.*?)</script>', page, re.S)
        features = json.loads(data.group(1))["features"]["features"]
        assert [feature["properties"]["label"] for feature in features] == ["Biuro Obsługi Mieszkańców", "Filia"]
        # Another unit's home page shows its own (none), not Toruń's.
        lubicz = client.get("/", HTTP_HOST=LUBICZ).content.decode()
        assert "service-points-map" not in lubicz and "Grudziądzka" not in lubicz

    def test_the_administrator_types_them_and_a_bad_line_is_explained(self, client, unit_a):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        form = client.get("/urzad/wyglad/", HTTP_HOST=TORUN)
        assert form.status_code == 200 and 'name="service_points"' in form.content.decode()
        fields = {"display_name": "Miasto Toruń", "primary_colour": "#1d3f7a", "accent_colour": "#b3261e"}
        bad = client.post("/urzad/wyglad/", {**fields, "service_points": "Biuro; ul. Szeroka 1"}, HTTP_HOST=TORUN)
        assert bad.status_code == 200
        assert "Line 1" in bad.content.decode() or "Wiersz 1" in bad.content.decode()
        good = client.post("/urzad/wyglad/", {**fields, "service_points": TORUN_POINTS}, HTTP_HOST=TORUN)
        assert good.status_code == 302
        assert "Filia" in client.get("/", HTTP_HOST=TORUN).content.decode()
