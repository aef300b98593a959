"""The office's start page (/urzad/) in a real browser: every role's view passes axe in both languages, and its
tables fit a phone. Screenshots of each go to RATUSZ_SCREENSHOTS, when set, to be looked at."""

import datetime
import os
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from shared_services.identity.access import StaffRole
from shared_services.inbox.models import Case, CaseStatus
from shared_services.staff.models import Department
from tenants.models import Tenant
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def office_with_cases(committed_catalogue, django_db_blocker, tmp_path_factory):
    """Three of Toruń's cases, committed for the server: one new, one in progress and overdue in a department."""
    with django_db_blocker.unblock():
        kc_account("kierownik.start", unit_roles={UNIT_A["slug"]: StaffRole.DEPARTMENT_HEAD})
        kc_account("admin.start", unit_roles={UNIT_A["slug"]: StaffRole.UNIT_ADMIN})
        client = Client()
        for _ in range(3):
            assert application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(Tenant.objects.get(code=UNIT_A["code"])):
            taxes = Department.objects.create(name="Wydział Podatków i Opłat", code="FN")
            first, second, *_ = Case.objects.order_by("pk").values_list("pk", flat=True)
            Case.objects.filter(pk=first).update(
                status=CaseStatus.IN_PROGRESS,
                sign="FN.3110.1.2026",
                department=taxes,
                deadline=timezone.localdate() - datetime.timedelta(days=2),
            )
            Case.objects.filter(pk=second).update(status=CaseStatus.AWAITING_RESIDENT, sign="FN.3110.2.2026")
        yield


def screenshot(browser, name: str) -> None:
    folder = os.environ.get("RATUSZ_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize("username", ["admin.start", "kierownik.start"])
def test_the_start_page_is_accessible_in_both_languages_and_on_a_phone(
    browser, browser_server, office_with_cases, username
):
    start = browser_server.unit(UNIT_A["slug"], "/urzad/")
    for language in ("pl", "en"):
        use_language(browser, start, language)
        browser.get(start)
        sign_in_at_provider(browser, username)
        wait_for(browser, expected_conditions.presence_of_element_located((By.CLASS_NAME, "console-nav")))
        assert browser.find_element(By.CSS_SELECTOR, ".console-nav [aria-current=page]").text in ("Start",)
        check_page(browser, language)
        screenshot(browser, f"start-{username}-{language}-1280")
        try:
            browser.set_window_size(390, 844)
            check_page(browser, language)
            screenshot(browser, f"start-{username}-{language}-390")
            # nothing wider than the phone's screen: the page does not scroll sideways
            widest = browser.execute_script(
                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
                ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
            )
            assert browser.execute_script("return document.documentElement.scrollWidth") <= 390, widest
        finally:
            browser.set_window_size(1280, 900)
