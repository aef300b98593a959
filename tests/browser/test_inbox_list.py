"""The office's inbox list in a real browser: axe-core finds no WCAG 2.1 AA violation in Polish and English, the
page never scrolls sideways at 1280 px or on a phone (390 px, where rows are cards), and the ticked cases print.

Set RATUSZ_SCREENSHOTS to a folder to keep screenshots of the list (desktop and phone) and the print view.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from shared_services.identity.access import StaffRole
from shared_services.inbox.models import CaseStatus
from shared_services.staff.models import Department
from tenants.models import Tenant
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import staff_account
from tests.support.cases import cases_filed, cases_remove

pytestmark = pytest.mark.browser
PHONE, DESKTOP = (390, 844), (1280, 900)
APPLICANTS = ["Anna Kowalska", "Jan Nowak", "Zofia Żółkiewska-Brzęczyszczykiewicz", "Piotr Wiśniewski"]
SERVICES = [
    "Wydanie dowodu osobistego",
    "Zaświadczenie o niezaleganiu w podatkach",
    "Wymeldowanie z pobytu stałego",
    "Pismo ogólne",
]


@pytest.fixture(scope="module")
def inbox_cases(committed_catalogue, django_db_blocker):
    """Real-looking cases of Toruń, committed for the server: signs, departments, people, fees, deadlines."""
    unit = Tenant.objects.get(code=UNIT_A["code"])
    with django_db_blocker.unblock():
        with tenant_context(unit):
            citizens = Department.objects.get_or_create(code="SO", defaults={"name": "Wydział Spraw Obywatelskich"})[0]
        clerk = staff_account(unit, "ewa.zielinska", StaffRole.CLERK, citizens)
        with tenant_context(unit):
            clerk.first_name, clerk.last_name = "Ewa", "Zielińska"
            clerk.save()
            for n in range(12):
                cases_filed(
                    1,
                    first_number=n + 1,
                    sender_name=APPLICANTS[n % 4],
                    subject=SERVICES[n % 4],
                    status=[CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_RESIDENT][n % 3],
                    **({"sign": f"SO.5340.{n + 1}.2026", "department": citizens, "assignee": clerk} if n % 3 else {}),
                    deadline=timezone.localdate() + timedelta(days=3 * n - 6),
                )
        connection.set_schema_to_public()
        try:
            yield unit
        finally:
            with tenant_context(unit):
                cases_remove()
                Department.objects.filter(code="SO").delete()
            connection.set_schema_to_public()


def signed_in_office(browser, browser_server, language):
    inbox = browser_server.unit(UNIT_A["slug"], "/urzad/skrzynka/")
    use_language(browser, inbox, language)
    browser.get(inbox)
    sign_in_at_provider(browser, "urzednik.journey")
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.case-list")))
    return inbox


def page_is_not_wider_than_the_window(browser) -> bool:
    return browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def screenshot(browser, name):
    folder = os.environ.get("RATUSZ_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width, height = browser.get_window_size()["width"], browser.get_window_size()["height"]
        browser.set_window_size(width, browser.execute_script("return document.documentElement.scrollHeight") + 150)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))
        browser.set_window_size(width, height)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_inbox_list_is_accessible_and_fits_a_desktop_and_a_phone(browser, browser_server, inbox_cases, language):
    inbox = signed_in_office(browser, browser_server, language)
    try:
        for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
            browser.set_window_size(*size)
            browser.get(f"{inbox}?sort=deadline")
            check_page(browser, language)
            assert page_is_not_wider_than_the_window(browser), f"the inbox scrolls sideways at {size}"
            screenshot(browser, f"inbox-{name}-{language}")
        browser.get(f"{inbox}?received_from=2026-02-30&q=kowalska")  # a date that is not one: explained
        check_page(browser, language)
        screenshot(browser, f"inbox-error-{language}")
    finally:
        browser.set_window_size(*DESKTOP)


def test_ticked_cases_print(browser, browser_server, inbox_cases):
    inbox = signed_in_office(browser, browser_server, "pl")
    browser.get(f"{inbox}?q=kowalska&sort=number")
    assert browser.find_element(By.CSS_SELECTOR, ".result-count").text == "3 sprawy"
    browser.find_element(By.ID, "tick-all").click()  # shown and working with JavaScript
    browser.find_element(By.CSS_SELECTOR, 'button[value="print"]').click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.case-print-list")))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.case-print-list tbody tr")
    assert len(rows) == 3 and all("Anna Kowalska" in row.text for row in rows)
    check_page(browser)
    screenshot(browser, "print-desktop")
