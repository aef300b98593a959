"""Letter templates and a letter drafted on a case, in a real browser: the templates' list, a template's form
with its preview, and the case page after "Insert from the template" (swapped in by HTMX) and after sending the
letter pass axe in Polish and English. Screenshots go to RATUSZ_SCREENSHOTS, when set."""

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select

from shared_services.identity.access import StaffRole
from shared_services.inbox import case_services
from shared_services.inbox.models import Case
from shared_services.letters.models import LetterTemplate
from shared_services.letters.services import letter_templates_seed
from shared_services.staff.models import Department
from tenants.models import Tenant
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.browser.test_case_pages import check_on_desktop_and_phone
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account, staff_account
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file

pytestmark = pytest.mark.browser
ADMIN = "admin.pisma"


@pytest.fixture(scope="module")
def registered_case(committed_catalogue, django_db_blocker):
    """Toruń's seeded templates and one registered case, committed for the server."""
    unit = Tenant.objects.get(code=UNIT_A["code"])
    with django_db_blocker.unblock():
        kc_account(ADMIN, unit_roles={UNIT_A["slug"]: StaffRole.UNIT_ADMIN})
        application_file(Client(), FORM_URL, LETTER, HTTP_HOST=TORUN)
        with tenant_context(unit):
            letter_templates_seed(unit_kind=unit.kind)
            citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
        head = staff_account(unit, "kierownik.pisma", StaffRole.UNIT_ADMIN, citizens)
        with tenant_context(unit):
            case = Case.objects.get()
            case_services.case_register(user=head, case=case, department=citizens, jrwa="5340", archival_category="B10")
        connection.set_schema_to_public()
        try:
            yield case.pk
        finally:
            with tenant_context(unit):
                LetterTemplate.objects.all().delete()
            connection.set_schema_to_public()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_letter_template_pages_are_accessible(browser, browser_server, registered_case, language):
    listing = browser_server.unit(UNIT_A["slug"], "/urzad/szablony-pism/")
    use_language(browser, listing, language)
    browser.get(listing)
    sign_in_at_provider(browser, ADMIN)
    link = wait_for(browser, expected_conditions.presence_of_element_located((By.PARTIAL_LINK_TEXT, "art. 64 § 2")))
    check_on_desktop_and_phone(browser, language, "letter-templates")
    link.click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "letter-template-form")))
    check_on_desktop_and_phone(browser, language, "letter-template")
    body = browser.find_element(By.NAME, "body")
    body.clear()
    body.send_keys("Dotyczy {{ pesel }}.")
    browser.find_element(By.NAME, "preview").click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
    assert "{{ pesel }}" in browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    check_page(browser, language)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_a_reply_drafted_from_a_template_is_accessible_before_and_after_sending(
    browser, browser_server, registered_case, language
):
    page = browser_server.unit(UNIT_A["slug"], f"/urzad/sprawy/{registered_case}/")
    use_language(browser, page, language)
    browser.get(page)
    sign_in_at_provider(browser, ADMIN)
    reply = wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "action-reply")))
    if reply.get_attribute("open") is None:
        reply.find_element(By.TAG_NAME, "summary").click()
    Select(browser.find_element(By.NAME, "reply-template")).select_by_visible_text("Odpowiedź na wniosek")
    reply.find_element(By.NAME, "draft").click()
    # HTMX swaps the letter part in place: the page stays, the text is the filled template.
    wait_for(
        browser,
        # read in one script: the element may be swapped between finding it and reading it
        lambda driver: (
            "Wydanie dowodu osobistego"
            in driver.execute_script("return document.querySelector('[name=reply-text]').value")
        ),
    )
    assert browser.current_url == page
    assert browser.switch_to.active_element.get_attribute("name") == "reply-text"
    check_on_desktop_and_phone(browser, language, "case-letter-drafted")
    browser.find_element(By.NAME, "reply-text").send_keys("\n\nDowód do odbioru w pokoju 12.")
    reply.find_element(By.CSS_SELECTOR, 'button[name="do"]').click()
    wait_for(browser, expected_conditions.staleness_of(reply))  # the case page comes again, with the letter
    link = wait_for(browser, expected_conditions.presence_of_element_located((By.PARTIAL_LINK_TEXT, "pismo-SO-5340")))
    assert link.get_attribute("href").endswith("/")
    check_on_desktop_and_phone(browser, language, "case-letter-sent")
