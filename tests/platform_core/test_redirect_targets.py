"""Where the platform redirects to, when the target came from outside (a `next` parameter, the signed state of a
return from logout), is checked in one place, platform_core.hosts.redirect_target_allowed: the host is read with
urlsplit as a browser reads it, so "http://torun.localhost:8000@evil.example/" is evil.example (issue 15, item 6)."""

import pytest
from django.core import signing

from platform_core.hosts import redirect_target_allowed
from shared_services.identity.views import LOGOUT_STATE_SALT
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db
PLATFORM = "localhost"

OURS = [
    "http://localhost/",
    "http://torun.localhost:8000/urzad/?strona=2",
    "https://lubicz.localhost/",
    "http://TORUN.localhost/",
]
NOT_OURS = [
    "http://torun.localhost:8000@evil.example/",
    "http://torun.localhost@evil.example/",
    "http://user:password@torun.localhost/",
    "http://evil.example/",
    "http://torun.localhost.evil.example/",
    "http://nikt.localhost/",  # under the platform's domain, but no unit's
    "http://evil.example\\@torun.localhost/",
    "http://torun.localhost\\evil.example/",
    "http://torun.localhost:80x/",
    "http://torun.localhost/\nLocation: http://evil.example/",
    "//torun.localhost/",
    "ftp://torun.localhost/",
    "javascript://torun.localhost/%0aalert(1)",
    "",
]
PATHS = ["/", "/urzad/skrzynka/?q=Nowak#lista", "/sprawa/"]
NOT_PATHS = ["//evil.example/", "/\\evil.example/", "\\\\evil.example", "evil.example", "/\tevil", "https:/evil"]


@pytest.mark.parametrize("url", OURS)
def test_an_address_of_the_platform_or_a_unit_is_allowed_where_other_hosts_are(url, unit_a, unit_b):
    assert redirect_target_allowed(url, other_hosts=True)
    assert not redirect_target_allowed(url)  # where only a path on this host is


@pytest.mark.parametrize("url", NOT_OURS + NOT_PATHS)
def test_anything_else_is_refused(url, unit_a, unit_b):
    assert not redirect_target_allowed(url, other_hosts=True)
    assert not redirect_target_allowed(url)


@pytest.mark.parametrize("url", PATHS)
def test_a_path_on_this_host_is_allowed(url):
    assert redirect_target_allowed(url) and redirect_target_allowed(url, other_hosts=True)


def back_from_logout(client, target):
    state = signing.dumps({"to": target}, salt=LOGOUT_STATE_SALT)
    return client.get("/oidc/wylogowano/", {"state": state}, HTTP_HOST=PLATFORM)


@pytest.mark.parametrize("target", ["http://torun.localhost:8000@evil.example/", "http://evil.example/"])
def test_the_return_from_logout_goes_only_to_our_own_hosts_even_with_a_valid_state(client, unit_a, target):
    assert back_from_logout(client, target).status_code == 400


def test_the_return_from_logout_goes_back_to_the_unit(client, unit_a):
    response = back_from_logout(client, "http://torun.localhost:8000/")
    assert (response.status_code, response["Location"]) == (302, "http://torun.localhost:8000/")


@pytest.mark.parametrize("next_path", NOT_PATHS + ["http://torun.localhost/urzad/"])
def test_the_display_preferences_go_back_only_to_a_path_on_this_host(client, unit_a, next_path):
    response = client.post("/wyswietlanie/", {"contrast": "high", "next": next_path}, HTTP_HOST=TORUN)
    assert (response.status_code, response["Location"]) == (302, "/")
