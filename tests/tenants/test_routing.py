"""Host header → schema: the portal, units, unknown and spoofed hosts, unit status, and the cache."""

import pytest
from django.db import connection

from tenants.models import Domain, UnitStatus
from tenants.services import domain_add, unit_set_status

pytestmark = pytest.mark.django_db


def get(client, host, path="/"):
    return client.get(path, HTTP_HOST=host)


def test_platform_domain_serves_the_regional_portal_with_participating_units(client, unit_a, unit_b):
    response = get(client, "localhost")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Miasto Toruń" in body and "Gmina Lubicz" in body
    assert 'href="http://torun.localhost/"' in body
    assert connection.schema_name == "public"


def test_each_unit_subdomain_serves_that_unit(client, unit_a, unit_b):
    torun = get(client, "torun.localhost:8000").content.decode()
    lubicz = get(client, "lubicz.localhost:8000").content.decode()
    assert "<h1>Miasto Toruń</h1>" in torun and "Lubicz" not in torun
    assert "<h1>Gmina Lubicz</h1>" in lubicz and "Toruń" not in lubicz


def test_www_prefix_and_upper_case_reach_the_same_unit(client, unit_a):
    assert "<h1>Miasto Toruń</h1>" in get(client, "WWW.Torun.localhost").content.decode()


def test_unknown_subdomain_gets_the_regional_404_page(client, unit_a):
    response = get(client, "nieistniejaca.localhost")
    assert response.status_code == 404
    body = response.content.decode()
    assert "nieistniejaca.localhost" in body
    assert 'href="http://localhost/"' in body  # leads back to the regional portal
    assert "Toruń" not in body


@pytest.mark.parametrize("host", ["torun.localhost.evil.com", "evil.com", "torun.localhost@evil.com"])
def test_spoofed_hosts_are_rejected(client, unit_a, host):
    response = get(client, host)
    assert response.status_code == 400
    assert "Toruń" not in response.content.decode()


def test_suspended_unit_answers_503_saying_its_services_are_suspended(client, unit_a):
    unit_set_status(unit=unit_a, status=UnitStatus.SUSPENDED)
    response = get(client, "torun.localhost")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "zawieszone" in response.content.decode()  # Polish by default


def test_unit_being_prepared_answers_503(client, unit_a):
    unit_set_status(unit=unit_a, status=UnitStatus.PROVISIONING)
    response = get(client, "torun.localhost")
    assert response.status_code == 503
    assert "przygotowywane" in response.content.decode()


@pytest.mark.parametrize(
    "host, status",
    [("nieistniejaca.localhost", 404), ("evil.com", 400), ("torun.localhost", 503)],
)
def test_answers_given_before_the_session_carry_no_language_form(client, unit_a, host, status):
    """They are answered before the session and CSRF middleware run, so a form there could not be sent."""
    unit_set_status(unit=unit_a, status=UnitStatus.SUSPENDED)
    response = get(client, host)
    assert response.status_code == status
    assert 'class="language"' not in response.content.decode()


def test_a_units_page_carries_the_language_form(client, unit_a):
    assert 'class="language"' in get(client, "torun.localhost").content.decode()


def test_offboarded_unit_answers_like_an_unknown_host(client, unit_a):
    unit_set_status(unit=unit_a, status=UnitStatus.OFFBOARDED)
    assert get(client, "torun.localhost").status_code == 404


def test_custom_domain_serves_its_unit(client, unit_a, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "e-urzad.torun.pl"]
    domain_add(unit=unit_a, host="E-Urzad.Torun.pl.")
    assert Domain.objects.get(domain="e-urzad.torun.pl").tenant == unit_a
    assert "<h1>Miasto Toruń</h1>" in get(client, "e-urzad.torun.pl").content.decode()


def test_warm_unit_request_resolves_the_unit_without_a_query(client, unit_a, django_assert_num_queries):
    get(client, "torun.localhost")  # warms the routing and branding caches
    # A page that reads only the branding, which is cached too: not even a `SET search_path`.
    with django_assert_num_queries(0):
        assert get(client, "torun.localhost", "/sprawa/").status_code == 200


def test_warm_unknown_host_costs_no_query(client, unit_a, django_assert_num_queries):
    get(client, "nieistniejaca.localhost")
    with django_assert_num_queries(0):
        assert get(client, "nieistniejaca.localhost").status_code == 404


class TestCacheInvalidation:
    """The cache never serves a stale answer after a domain or a unit's status changes."""

    def test_status_change(self, client, unit_a):
        assert get(client, "torun.localhost").status_code == 200
        unit_set_status(unit=unit_a, status=UnitStatus.SUSPENDED)
        assert get(client, "torun.localhost").status_code == 503
        unit_set_status(unit=unit_a, status=UnitStatus.ACTIVE)
        assert get(client, "torun.localhost").status_code == 200

    def test_domain_renamed(self, client, unit_a):
        assert get(client, "torun.localhost").status_code == 200
        domain = Domain.objects.get(domain="torun.localhost")
        domain.domain = "torun-miasto.localhost"
        domain.save()
        assert get(client, "torun.localhost").status_code == 404
        assert get(client, "torun-miasto.localhost").status_code == 200

    def test_domain_deleted(self, client, unit_a):
        assert get(client, "torun.localhost").status_code == 200
        Domain.objects.filter(domain="torun.localhost").get().delete()
        assert get(client, "torun.localhost").status_code == 404

    def test_domain_added_for_a_host_cached_as_unknown(self, client, unit_a):
        assert get(client, "stare-miasto.localhost").status_code == 404
        domain_add(unit=unit_a, host="stare-miasto.localhost")
        assert get(client, "stare-miasto.localhost").status_code == 200

    def test_domain_moved_to_another_unit(self, client, unit_a, unit_b):
        assert "Toruń" in get(client, "torun.localhost").content.decode()
        Domain.objects.filter(domain="torun.localhost").update(is_primary=False)
        domain = Domain.objects.get(domain="torun.localhost")
        domain.tenant = unit_b
        domain.save()
        assert "Lubicz" in get(client, "torun.localhost").content.decode()


def test_pages_are_polish_whatever_the_browser_asks(client, unit_a):
    for host in ("localhost", "torun.localhost", "nowhere.localhost"):
        response = client.get("/", HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="en-US,en")
        assert '<html lang="pl">' in response.content.decode()
        assert response["Content-Language"] == "pl"


def test_pages_follow_the_language_the_visitor_chose(client, unit_a):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_HOST="torun.localhost")
    assert "can be handled here online" in client.get("/", HTTP_HOST="torun.localhost").content.decode()
    # Pages answered before a unit is reached follow the choice too.
    unit_set_status(unit=unit_a, status=UnitStatus.SUSPENDED)
    assert "The electronic services of this unit are suspended" in get(client, "torun.localhost").content.decode()
    assert "There is no unit at this address" in get(client, "nowhere.localhost").content.decode()


def test_a_request_that_read_before_a_change_does_not_cache_the_old_unit(client, unit_a):
    """A request read the unit just before a suspension committed, and caches it just after."""
    from tenants import routing

    stale = Domain.objects.select_related("tenant").get(domain="torun.localhost").tenant
    unit_set_status(unit=unit_a, status=UnitStatus.SUSPENDED)
    routing._remember("torun.localhost", stale)
    assert get(client, "torun.localhost").status_code == 503
