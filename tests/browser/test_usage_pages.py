"""The usage indicators' pages in a real browser: the operators' regional view with its period selector, the
public page, and a unit administrator's own view pass axe (WCAG 2.1 AA), the page structure checks and the
Content-Security-Policy, in Polish and English; the unit's view shows its own figures only."""

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select

from shared_services.identity.access import StaffRole
from shared_services.usage.models import (
    DurationMonth,
    MaturityMix,
    OverdueCount,
    RollupState,
    ServiceMonth,
    UnitMonth,
    UsageFact,
)
from shared_services.usage.services import usage_rollup
from tenants.models import Tenant
from tests.browser.conftest import check_page, heading, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A, UNIT_B
from tests.support.accounts import kc_account
from tests.usage.test_pages import facts_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def usage_figures(committed_catalogue, django_db_blocker):
    """Facts of both units, rolled up and committed for the server, an operator and Toruń's administrator."""
    usage_tables = (UsageFact, UnitMonth, ServiceMonth, DurationMonth, MaturityMix, OverdueCount, RollupState)
    with django_db_blocker.unblock():
        # Browser tests before these filed through the live server, whose facts were committed: the figures
        # asserted below are exactly these.
        for model in usage_tables:
            model.objects.all().delete()
        torun, lubicz = Tenant.objects.get(code=UNIT_A["code"]), Tenant.objects.get(code=UNIT_B["code"])
        facts_for(torun, applications=12, letters=3, closed=[(2, False), (9, False), (35, True)], paid=[1700])
        facts_for(lubicz, applications=4, letters=4, closed=[(5, False)], service="zameldowanie-na-pobyt-staly")
        OverdueCount.objects.create(unit=torun, day=timezone.localdate(), open_cases=6, overdue_cases=1)
        usage_rollup(everything=True)
        kc_account("operator.wskazniki", operator=True)
        kc_account("admin.wskazniki", unit_roles={UNIT_A["slug"]: StaffRole.UNIT_ADMIN})
        try:
            yield
        finally:
            for model in usage_tables:
                model.objects.all().delete()


def test_the_operators_view_with_its_period_selector(browser, browser_server, usage_figures):
    page = browser_server.portal("/konsola/wskazniki/")
    for language in ("pl", "en"):
        use_language(browser, page, language)
        browser.get(page)
        sign_in_at_provider(browser, "operator.wskazniki")
        assert heading(browser) in ("Wskaźniki wykorzystania", "Usage indicators")
        check_page(browser, language)
        assert "Miasto Toruń" in browser.find_element(By.ID, "usage-units").find_element(By.XPATH, "..").text
    this_month = timezone.localdate().strftime("%Y-%m")
    Select(browser.find_element(By.ID, "usage-period")).select_by_value(this_month)
    current = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "form.usage-period button[type=submit]").click()
    wait_for(browser, expected_conditions.staleness_of(current))
    assert browser.current_url.endswith(f"?okres={this_month}")
    check_page(browser, "en")


def test_the_public_page_passes_in_both_languages(browser, browser_server, usage_figures):
    page = browser_server.portal("/wskazniki/")
    for language in ("pl", "en"):
        use_language(browser, page, language)
        browser.get(page)
        heading(browser)
        check_page(browser, language)


def test_a_unit_administrator_sees_their_own_figures(browser, browser_server, usage_figures):
    page = browser_server.unit(UNIT_A["slug"], "/urzad/wskazniki/")
    for language in ("pl", "en"):
        use_language(browser, page, language)
        browser.get(page)
        sign_in_at_provider(browser, "admin.wskazniki")
        heading(browser)
        check_page(browser, language)
        main = browser.find_element(By.TAG_NAME, "main").text
        assert "Gmina Lubicz" not in main
        figures = browser.find_element(By.CSS_SELECTOR, ".participation-figures").text
        assert "12" in figures and "80%" in figures
