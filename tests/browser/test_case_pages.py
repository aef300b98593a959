"""A case with a life behind it, in a real browser: the office's case page and the resident's (opened with the
access code, with the file the office sent) pass axe in both languages and fit a phone. Screenshots of each go
to RATUSZ_SCREENSHOTS, when set, to be looked at."""

import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from shared_services.identity.access import StaffRole
from shared_services.inbox import case_services
from shared_services.inbox.models import Case
from shared_services.staff.models import Department
from tenants.models import Tenant
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account, staff_account
from tests.support.letters import FORM_URL, LETTER, PDF, TORUN, application_file

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lived_case(committed_catalogue, django_db_blocker):
    """One of Toruń's cases registered, assigned, asked about, answered, with a file in the reply; committed."""
    with django_db_blocker.unblock():
        kc_account("admin.sprawa", unit_roles={UNIT_A["slug"]: StaffRole.UNIT_ADMIN})
        client = Client()
        confirmation = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"]
        code = re.search(
            r'class="access-code">([A-Z0-9-]+)<', client.get(confirmation, HTTP_HOST=TORUN).content.decode()
        )
        unit = Tenant.objects.get(code=UNIT_A["code"])
        citizens = None
        with tenant_context(unit):
            citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
        head = staff_account(unit, "kierownik.sprawa", StaffRole.UNIT_ADMIN, citizens)
        clerk = staff_account(unit, "urzednik.sprawa", StaffRole.CLERK, citizens)
        with tenant_context(unit):
            case = Case.objects.get()
            case_services.case_register(user=head, case=case, department=citizens, jrwa="5340", archival_category="B10")
            case_services.case_assign(user=head, case=case, assignee=clerk)
            case_services.case_write(user=clerk, case=case, kind="note", text="Sprawdzić w rejestrze PESEL.")
            case_services.case_write(user=clerk, case=case, kind="request", text="Proszę o skan dowodu.")
            case_services.case_write(
                user=clerk,
                case=case,
                kind="reply",
                text="Dowód do odbioru w pokoju 12.",
                attachment=SimpleUploadedFile("zawiadomienie.pdf", PDF, content_type="application/pdf"),
            )
        yield {"case": case.pk, "code": code.group(1), "confirmation": confirmation}


def screenshot(browser, name: str) -> None:
    folder = os.environ.get("RATUSZ_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))
        # and the whole length of the page, to look at below the fold
        width, height = browser.get_window_size().values()
        try:
            browser.set_window_size(width, browser.execute_script("return document.documentElement.scrollHeight") + 150)
            browser.save_screenshot(str(Path(folder) / f"{name}-full.png"))
        finally:
            browser.set_window_size(width, height)


def check_on_desktop_and_phone(browser, language: str, name: str) -> None:
    check_page(browser, language)
    screenshot(browser, f"{name}-{language}-1280")
    try:
        browser.set_window_size(390, 844)
        screenshot(browser, f"{name}-{language}-390")
        check_page(browser, language)
        # Nothing wider than the screen (less its scroll bar): the page does not scroll sideways.
        too_wide = browser.execute_script(
            "const width = document.documentElement.clientWidth;"
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1)"
            ".map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))"
        )
        assert not too_wide
    finally:
        browser.set_window_size(1280, 900)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_residents_case_page_with_the_offices_file_is_accessible(browser, browser_server, lived_case, language):
    follow = browser_server.unit(UNIT_A["slug"], "/sprawa/")
    use_language(browser, follow, language)
    browser.get(follow)
    browser.find_element(By.NAME, "code").send_keys(lived_case["code"])
    browser.find_element(By.CSS_SELECTOR, 'main form [type="submit"]').click()
    link = wait_for(browser, expected_conditions.presence_of_element_located((By.PARTIAL_LINK_TEXT, "zawiadomienie")))
    assert f"{lived_case['confirmation']}pisma/" in link.get_attribute("href")
    assert "Sprawdzić w rejestrze PESEL." not in browser.page_source  # the internal note stays in the office
    check_on_desktop_and_phone(browser, language, "resident-case")


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_offices_case_page_is_accessible(browser, browser_server, lived_case, language):
    page = browser_server.unit(UNIT_A["slug"], f"/urzad/sprawy/{lived_case['case']}/")
    use_language(browser, page, language)
    browser.get(page)
    sign_in_at_provider(browser, "admin.sprawa")
    wait_for(browser, expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
    assert "zawiadomienie" in browser.page_source  # the reply's file, in the case's life
    check_on_desktop_and_phone(browser, language, "office-case")
