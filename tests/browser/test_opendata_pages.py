"""The open data pages in a real browser: a unit's list of its registers as files (anybody), its administrator's
licence page, and the operators' regional view of registers and their freshness pass axe (WCAG 2.1 AA), the
page structure checks and the Content-Security-Policy, in Polish and English."""

import datetime

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from shared_services.catalogue.models import RegisterListing
from shared_services.identity.access import StaffRole
from tenants.models import Tenant
from tests.browser.conftest import check_page, heading, sign_in_at_provider, use_language
from tests.conftest import UNIT_A, UNIT_B
from tests.support.accounts import kc_account

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def listings(committed_catalogue, django_db_blocker):
    """Registers of both units in the public mirror, committed for the server; an operator and an administrator."""
    with django_db_blocker.unblock():
        for code, slug, records in ((UNIT_A["code"], "uchwaly-rady", 14), (UNIT_B["code"], "przystanki", 0)):
            RegisterListing.objects.create(
                unit=Tenant.objects.get(code=code),
                register_id=1,
                key=slug,
                slug=slug,
                title_pl=f"Rejestr {slug}",
                title_en=f"Register {slug}",
                description_pl="Opis rejestru.",
                description_en="The register's description.",
                theme="GOVE",
                record_count=records,
                first_published_at=timezone.now() - datetime.timedelta(days=40),
                last_published_at=timezone.now() - datetime.timedelta(days=4),
            )
        kc_account("operator.otwarte", operator=True)
        kc_account("admin.otwarte", unit_roles={UNIT_A["slug"]: StaffRole.UNIT_ADMIN})
        try:
            yield
        finally:
            RegisterListing.objects.all().delete()


def test_a_units_open_data_page_passes_in_both_languages(browser, browser_server, listings):
    page = browser_server.unit(UNIT_A["slug"], "/dane/")
    for language in ("pl", "en"):
        use_language(browser, page, language)
        browser.get(page)
        assert heading(browser) in ("Otwarte dane", "Open data")
        check_page(browser, language)
        links = [link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, "main a")]
        assert any(href.endswith("/dane/uchwaly-rady.csv") for href in links)
        assert not any("przystanki" in href for href in links)  # Lubicz's register is not Toruń's


def test_the_administrators_licence_page_passes(browser, browser_server, listings):
    page = browser_server.unit(UNIT_A["slug"], "/urzad/otwarte-dane/")
    for language in ("pl", "en"):
        use_language(browser, page, language)
        browser.get(page)
        sign_in_at_provider(browser, "admin.otwarte")
        heading(browser)
        check_page(browser, language)


def test_the_operators_register_freshness_view_passes(browser, browser_server, listings):
    page = browser_server.portal("/konsola/wskazniki/rejestry/")
    for language in ("pl", "en"):
        use_language(browser, page, language)
        browser.get(page)
        sign_in_at_provider(browser, "operator.otwarte")
        assert heading(browser) in ("Rejestry jako otwarte dane", "Registers as open data")
        check_page(browser, language)
        assert "Miasto Toruń" in browser.find_element(By.TAG_NAME, "table").text
