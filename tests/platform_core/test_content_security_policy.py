"""The Content-Security-Policy every page is sent with (django-csp, platform_core/settings.py): nothing inline,
nothing from elsewhere, forms only to the platform, the identity provider and the payment gateway. The browser
tests check that the pages pass it (tests/browser/conftest.py, test_content_security_policy.py)."""

import pytest
from django.conf import settings

from shared_services.branding.services import branding_update
from tests.platform_core.test_settings import start_django
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def policy_of(response) -> dict[str, list[str]]:
    return directives(response["Content-Security-Policy"])


@pytest.mark.parametrize(
    "host, path",
    [
        (TORUN, "/"),  # a unit's home page
        (TORUN, "/urzad/"),  # the office, answering with the sign-in redirect
        (TORUN, "/nie-ma-takiej-strony/"),  # a 404
        (settings.PLATFORM_DOMAIN, "/"),  # the regional portal
        (settings.PLATFORM_DOMAIN, "/upo/weryfikacja/"),
    ],
)
def test_every_page_is_sent_with_the_strict_policy(client, unit_a, host, path):
    policy = policy_of(client.get(path, HTTP_HOST=host))
    assert {name: sources for name, sources in policy.items() if name != "form-action"} == STRICT
    assert not [name for name, sources in policy.items() if "'unsafe-inline'" in sources or "'unsafe-eval'" in sources]


def test_forms_may_lead_only_to_the_platform_the_identity_provider_and_the_gateway(client, unit_a):
    form_action = policy_of(client.get("/", HTTP_HOST=TORUN))["form-action"]
    domain, port = settings.PLATFORM_DOMAIN, settings.DEVELOPMENT_PORT
    assert form_action[:3] == ["'self'", f"http://{domain}:{port}", f"http://*.{domain}:{port}"]
    assert {"https://secure.przelewy24.pl", "https://sandbox.przelewy24.pl"} <= set(form_action)
    # Development: the development provider and gateway on this machine (production: test_production_…).
    assert "http://127.0.0.1:*" in form_action


def test_production_sends_the_policy_for_its_own_hosts_provider_and_gateway():
    result = start_django(show="__import__('csp.utils').utils.build_policy()")
    assert result.returncode == 0, result.stderr
    assert directives(result.stdout.strip()) == {
        **STRICT,
        "form-action": [
            "'self'",
            "https://ratusz.example.pl",
            "https://*.ratusz.example.pl",
            "https://login.ratusz.example.pl",
            "https://secure.przelewy24.pl",
            "https://sandbox.przelewy24.pl",
        ],
    }


def test_the_api_documentation_allows_what_redoc_needs_and_no_inline_script(client, unit_a):
    policy = policy_of(client.get("/api/v1/docs/", HTTP_HOST=TORUN))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:"] and policy["worker-src"] == ["blob:"]


def test_a_units_colours_come_in_a_stylesheet_of_its_own(client, unit_a, unit_b, in_unit):
    with in_unit(unit_a):
        branding = branding_update(primary_colour="#0b5394", accent_colour="#7a1f1f")
    page = client.get("/", HTTP_HOST=TORUN).content.decode()
    assert f'<link rel="stylesheet" href="/kolory.css?v={int(branding.updated_at.timestamp())}">' in page
    assert "<style" not in page

    torun = client.get("/kolory.css", HTTP_HOST=TORUN)
    assert torun["Content-Type"].startswith("text/css")
    assert torun.content.decode().strip().endswith(":root { --primary: #0b5394; --accent: #7a1f1f; }")
    lubicz = client.get("/kolory.css", HTTP_HOST=LUBICZ).content.decode()
    assert "#0b5394" not in lubicz and "--primary: #1d3f7a" in lubicz  # unit B keeps its own (the default)
