"""The unit's branding and the home page's count of services, kept in the shared cache: a warm page reads neither
from the unit's schema, a change counts from the next request, and units never read each other's."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from shared_services.branding import selectors
from shared_services.branding.models import UnitBranding
from shared_services.branding.services import branding_update
from shared_services.offer.models import AdoptedService
from shared_services.offer.services import offer_localise
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db


def home(client, host) -> str:
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode()


def tagline_set(unit, text):
    with tenant_context(unit):
        branding_update(tagline=text)


def services_counted(page: str) -> int:
    return int(re.search(r"(\d+) (?:usług|usługa|usługi)", page)[1])


def test_a_warm_home_page_reads_neither_branding_nor_the_offer_count(full_catalogue, client, unit_a):
    tagline_set(unit_a, "Gród Kopernika")
    home(client, TORUN)  # the first request reads and stores
    with CaptureQueriesContext(connection) as captured:
        assert "Gród Kopernika" in home(client, TORUN)
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "branding_unitbranding" not in read and "offer_unitservice" not in read
    assert "offer_adoptedservice" not in read


def test_a_changed_branding_is_shown_from_the_next_request(full_catalogue, client, unit_a):
    tagline_set(unit_a, "Gród Kopernika")
    assert "Gród Kopernika" in home(client, TORUN)
    tagline_set(unit_a, "Miasto pierników")
    page = home(client, TORUN)
    assert "Miasto pierników" in page and "Gród Kopernika" not in page
    with tenant_context(unit_a):
        UnitBranding.objects.all().delete()
    page = home(client, TORUN)
    assert "Miasto pierników" not in page and unit_a.name in page  # the registry's defaults again


def test_a_row_loaded_without_signals_is_read_afresh_once_the_import_says_so(full_catalogue, client, unit_a):
    tagline_set(unit_a, "Gród Kopernika")
    assert "Gród Kopernika" in home(client, TORUN)
    with tenant_context(unit_a):
        UnitBranding.objects.update(tagline="Z archiwum")  # as an archive's COPY: no signal
        assert "Z archiwum" not in home(client, TORUN)  # what the cache is for
        selectors.branding_changed()  # what the import does (onboarding.services.unit_import)
    assert "Z archiwum" in home(client, TORUN)


def test_units_never_read_each_others_branding_or_count(full_catalogue, client, unit_a, unit_b):
    tagline_set(unit_a, "Gród Kopernika")
    tagline_set(unit_b, "Gmina nad Drwęcą")
    with tenant_context(unit_b):
        adopted = AdoptedService.objects.filter(enabled=True).first()
        offer_localise(adopted=adopted, enabled=False)
    torun, lubicz = home(client, TORUN), home(client, LUBICZ)
    for _ in range(2):  # warm, then from the cache
        again_torun, again_lubicz = home(client, TORUN), home(client, LUBICZ)
        assert "Gród Kopernika" in again_torun and "Gmina nad Drwęcą" not in again_torun
        assert "Gmina nad Drwęcą" in again_lubicz and "Gród Kopernika" not in again_lubicz
        assert services_counted(again_torun) == services_counted(torun)
        assert services_counted(again_lubicz) == services_counted(lubicz)
    with tenant_context(unit_b):
        expected = AdoptedService.objects.filter(enabled=True).count()
    assert services_counted(lubicz) <= expected  # retired cards are not offered


def test_a_service_the_unit_stops_offering_leaves_the_count_at_once(full_catalogue, client, unit_a):
    before = services_counted(home(client, TORUN))
    assert services_counted(home(client, TORUN)) == before  # from the cache
    with tenant_context(unit_a):
        offer_localise(adopted=AdoptedService.objects.filter(enabled=True).first(), enabled=False)
    assert services_counted(home(client, TORUN)) == before - 1


def test_an_entry_forged_in_the_cache_is_not_shown(full_catalogue, client, unit_a):
    tagline_set(unit_a, "Gród Kopernika")
    home(client, TORUN)
    cache, key = caches["unit_pages"], f"branding:{unit_a.pk}"
    stored = cache.get(key, version=selectors._KEY_VERSION)
    assert stored is not None
    cache.set(key, stored.replace("Gród Kopernika", "Zapłać tutaj!"), version=selectors._KEY_VERSION)
    page = home(client, TORUN)
    assert "Zapłać tutaj!" not in page and "Gród Kopernika" in page
