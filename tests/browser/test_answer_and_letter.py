"""The resident answers the office's request with a file on the case page, and the office registers a paper letter,
in a real browser: both forms and the answer's confirmation pass axe in Polish and English and fit a phone."""

import pytest
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from shared_services.inbox.models import EntryKind, RegisterEntry
from tenants.models import Tenant
from tests.browser.conftest import sign_in_at_provider, use_language, wait_for
from tests.browser.test_case_pages import check_on_desktop_and_phone
from tests.conftest import UNIT_A
from tests.support.answers import REQUEST_TEXT, case_awaiting_resident
from tests.support.letters import PDF

pytestmark = pytest.mark.browser
LANGUAGES = ("pl", "en")


@pytest.fixture(scope="module")
def awaiting_cases(committed_catalogue, django_db_blocker):
    """A case of Toruń waiting for the resident's documents per language (each is answered once); committed."""
    with django_db_blocker.unblock():
        unit = Tenant.objects.get(code=UNIT_A["code"])
        yield {language: case_awaiting_resident(unit) for language in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_resident_answers_the_request_with_a_file_and_gets_a_receipt(
    browser, browser_server, awaiting_cases, language, tmp_path, django_db_blocker
):
    awaiting = awaiting_cases[language]
    follow = browser_server.unit(UNIT_A["slug"], "/sprawa/")
    use_language(browser, follow, language)
    browser.get(follow)
    browser.find_element(By.NAME, "code").send_keys(awaiting.access_code)
    browser.find_element(By.CSS_SELECTOR, 'main form [type="submit"]').click()
    form = wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".answer-form")))
    assert REQUEST_TEXT in browser.page_source
    check_on_desktop_and_phone(browser, language, "resident-answer-form")

    scan = tmp_path / "dowod.pdf"
    scan.write_bytes(PDF)
    form = browser.find_element(By.CSS_SELECTOR, ".answer-form")
    form.find_element(By.NAME, "text").send_keys("Przesyłam skan dowodu.")
    form.find_element(By.NAME, "files").send_keys(str(scan))
    form.find_element(By.CSS_SELECTOR, '[type="submit"]').click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
    with django_db_blocker.unblock(), tenant_context(Tenant.objects.get(code=UNIT_A["code"])):
        answer = RegisterEntry.objects.get(kind=EntryKind.ANSWER, for_case=awaiting.case.pk)
        assert answer.files.get().original_name == "dowod.pdf"
    assert f"<dd>{answer.label}</dd>" in browser.page_source
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "XML").get_attribute("href").endswith("/upo.xml")
    check_on_desktop_and_phone(browser, language, "resident-answer-confirmation")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_paper_letter_form_is_accessible_also_with_its_errors(
    browser, browser_server, committed_catalogue, language
):
    page = browser_server.unit(UNIT_A["slug"], "/urzad/rejestr/nowe-pismo/")
    use_language(browser, page, language)
    browser.get(page)
    if "/urzad/" not in browser.current_url:  # the session of an earlier test may still be open
        sign_in_at_provider(browser, "urzednik.journey")
    wait_for(browser, expected_conditions.presence_of_element_located((By.NAME, "sender_name")))
    check_on_desktop_and_phone(browser, language, "office-letter-form")
    browser.find_element(By.CSS_SELECTOR, '.letter-form [type="submit"]').click()  # nothing filled in
    wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "error-summary")))
    check_on_desktop_and_phone(browser, language, "office-letter-form-errors")
