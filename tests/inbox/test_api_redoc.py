"""The API's Redoc page (inbox/api_redoc.html) says its language, which is English like its whole content."""

import re

import pytest
from django.conf import settings

from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_redoc_page_says_it_is_in_english(client, unit_a, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/api/v1/docs/", HTTP_HOST=TORUN).content.decode()
    assert re.search(r"<!DOCTYPE html>[^<]*(?:\{#.*?#\})?\s*<html lang=\"en\">", page, re.S), page[:300]
    assert 'spec-url="/api/v1/schema/"' in page
    assert "https://" not in page  # still no web fonts nor anything else from elsewhere
