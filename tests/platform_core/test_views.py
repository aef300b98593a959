"""The platform core's own views: here, the site's icon on the platform domain and on every unit's."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["localhost", TORUN])
def test_favicon_ico_leads_to_the_svg_icon_the_pages_link(client, unit_a, host):
    response = client.get("/favicon.ico", HTTP_HOST=host)
    assert response.status_code == 302
    assert response["Location"] == "/static/platform_core/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    icon = Path(finders.find("platform_core/favicon.svg")).read_text(encoding="utf-8")
    assert icon.startswith("<svg") and 'viewBox="0 0 32 32"' in icon
    page = client.get("/", HTTP_HOST=host).content.decode()
    assert '<link rel="icon" href="/static/platform_core/favicon.svg" type="image/svg+xml">' in page


def test_favicon_ico_answers_only_reading(client):
    assert client.post("/favicon.ico", HTTP_HOST="localhost").status_code == 405
