"""The staff screen and a member's page (/urzad/pracownicy/, /urzad/pracownicy/<id>/) in a real browser: axe-core
finds no WCAG 2.1 AA violation in Polish and English, also with the form's errors shown, and the pages never
scroll sideways at 1280 px or on a phone (390 px).

Set RATUSZ_SCREENSHOTS to a folder to keep screenshots of both pages (desktop and phone).
"""

import os
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select

from shared_services.identity.access import StaffRole
from shared_services.staff.models import Department
from tenants.models import Tenant
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import staff_account

pytestmark = pytest.mark.browser
PHONE, DESKTOP = (390, 844), (1280, 900)


@pytest.fixture(scope="module")
def office_staff(committed_catalogue, django_db_blocker):
    """Toruń's departments and a named clerk, committed for the server."""
    unit = Tenant.objects.get(code=UNIT_A["code"])
    with django_db_blocker.unblock():
        with tenant_context(unit):
            citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
            Department.objects.create(name="Wydział Podatków i Opłat", code="FN")
        clerk = staff_account(unit, "ewa.zielinska", StaffRole.CLERK, citizens)
        with tenant_context(unit):
            clerk.first_name, clerk.last_name = "Ewa", "Zielińska-Brzęczyszczykiewicz"
            clerk.save()
        connection.set_schema_to_public()
        try:
            yield clerk
        finally:
            with tenant_context(unit):
                clerk.delete()
                Department.objects.all().delete()
            connection.set_schema_to_public()


def page_is_not_wider_than_the_window(browser) -> bool:
    # The document, and every element of the page's main part: none sticks out of the window, none has content
    # sticking out of its own box (a long word in a heading). Form controls scroll their own text.
    return browser.execute_script(
        """
        const width = document.documentElement.clientWidth;
        const shown = [...document.querySelectorAll('main *')].filter(
            e => !e.closest('thead, caption, .visually-hidden, input, select, textarea, option'));
        return document.documentElement.scrollWidth <= window.innerWidth && shown.every(
            e => e.getBoundingClientRect().right <= width + 1
                && (e.clientWidth === 0 || e.scrollWidth <= e.clientWidth + 1));
        """
    )


def looked_at(browser, name: str, part: str = "main") -> None:
    """At desktop and phone width: nothing sideways; kept as screenshots (scrolled to `part`) when
    RATUSZ_SCREENSHOTS says where."""
    folder = os.environ.get("RATUSZ_SCREENSHOTS")
    for label, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
        browser.set_window_size(width, height)
        if folder:
            browser.execute_script("document.querySelector(arguments[0]).scrollIntoView()", part)
            Path(folder).mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(Path(folder) / f"{name}-{label}.png"))
        assert page_is_not_wider_than_the_window(browser), f"{name} scrolls sideways at {width} px"
    browser.set_window_size(*DESKTOP)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_staff_pages_are_accessible_and_fit_a_phone(browser, browser_server, office_staff, language):
    staff_page = browser_server.unit(UNIT_A["slug"], "/urzad/pracownicy/")
    use_language(browser, staff_page, language)
    browser.set_window_size(*DESKTOP)
    browser.get(staff_page)
    sign_in_at_provider(browser, "urzednik.journey")
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.data")))
    check_page(browser, language)
    looked_at(browser, f"staff-{language}", "table.staff-list")

    browser.find_element(By.LINK_TEXT, "Ewa Zielińska-Brzęczyszczykiewicz").click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.NAME, "role")))
    assert browser.current_url == browser_server.unit(UNIT_A["slug"], f"/urzad/pracownicy/{office_staff.pk}/")
    check_page(browser, language)
    looked_at(browser, f"staff-member-{language}")

    # A clerk with no department: the form says why, and the page with its errors is as accessible.
    Select(browser.find_element(By.NAME, "department")).select_by_value("")
    browser.find_element(By.CSS_SELECTOR, "#staff-member-form button[type=submit]").click()
    wait_for(
        browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".error-summary, [role=alert]"))
    )
    check_page(browser, language)
    looked_at(browser, f"staff-member-error-{language}")
