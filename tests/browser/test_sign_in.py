"""Signing in through Keycloak in a real browser (headless Chromium): a resident and a clerk go through the
identity provider's login form and back to the unit's subdomain; the session stays on that host; logout
ends Keycloak's session too; a clerk of another unit gets the "no access" page."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from shared_services.identity.access import StaffRole
from tenants.models import Tenant
from tests.browser.conftest import assert_no_axe_violations, page_problems, run_axe, sign_in_at_provider, use_language
from tests.conftest import UNIT_A, UNIT_B
from tests.support.accounts import kc_account

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_browser(browser, browser_server, identity_provider, django_db_blocker):
    """No cookies, for the platform or for Keycloak; the local accounts the sign-ins create are removed after."""
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    yield browser
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    with django_db_blocker.unblock():
        for unit in Tenant.objects.filter(code__in=[UNIT_A["code"], UNIT_B["code"]]):
            with tenant_context(unit):
                get_user_model().objects.filter(username__startswith="kc:").delete()
        connection.set_schema_to_public()


def wait_for(browser, condition, seconds=10):
    return WebDriverWait(browser, seconds).until(condition)


def test_a_resident_signs_in_on_the_unit_and_nowhere_else(fresh_browser, browser_server):
    browser = fresh_browser
    kc_account("anna.przegladarka")
    account = browser_server.unit(UNIT_A["slug"], "/konto/")
    use_language(browser, account, "pl")
    browser.get(account)
    wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "kc-form-login")))
    assert browser.current_url.startswith(browser_server.identity_provider_prefix)
    assert "deweloperski dostawca tożsamości" in browser.page_source  # clearly not the real Keycloak
    assert_no_axe_violations(run_axe(browser), browser.current_url)
    sign_in_at_provider(browser, "anna.przegladarka")
    wait_for(browser, expected_conditions.url_to_be(account))
    assert_no_axe_violations(run_axe(browser), browser.current_url)
    assert not page_problems(browser, "pl")
    platform_cookies = {cookie["name"] for cookie in browser.get_cookies()}
    assert "sessionid" in platform_cookies
    # Lubicz's subdomain has no session of hers: the cookie is Toruń's host only.
    browser.get(browser_server.unit(UNIT_B["slug"], "/"))
    assert "sessionid" not in {cookie["name"] for cookie in browser.get_cookies()}
    assert browser.find_elements(By.CSS_SELECTOR, 'a[href^="/oidc/logowanie/"]')  # "Sign in" is offered


def clerk_of_torun_signs_in_at(browser, url: str) -> None:
    """A clerk of Toruń opens `url`, signs in at the identity provider's form, and is back at `url`."""
    kc_account("ewa.przegladarka", unit_roles={UNIT_A["slug"]: StaffRole.CLERK})
    use_language(browser, url, "pl")
    browser.get(url)
    sign_in_at_provider(browser, "ewa.przegladarka")
    wait_for(browser, expected_conditions.url_to_be(url))


def test_a_clerk_signs_in_works_and_signs_out_of_keycloak_too(fresh_browser, browser_server):
    browser = fresh_browser
    inbox = browser_server.unit(UNIT_A["slug"], "/urzad/skrzynka/")
    clerk_of_torun_signs_in_at(browser, inbox)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Skrzynka podawcza"
    browser.find_element(By.XPATH, '//form[contains(@action, "/oidc/wyloguj/")]//button').click()
    wait_for(browser, expected_conditions.url_to_be(browser_server.unit(UNIT_A["slug"], "/")))
    # Keycloak's session has ended too: the office asks for the password again.
    browser.get(inbox)
    wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "kc-form-login")))


def test_a_clerk_of_torun_gets_no_access_to_lubiczs_office(fresh_browser, browser_server):
    browser = fresh_browser
    clerk_of_torun_signs_in_at(browser, browser_server.unit(UNIT_B["slug"], "/urzad/skrzynka/"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Brak dostępu"
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Gmina Lubicz" in main and "Miasto Toruń" in main  # where she does work, with a link
    assert_no_axe_violations(run_axe(browser), browser.current_url)
    assert not page_problems(browser, "pl")
