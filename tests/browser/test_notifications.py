"""The notification pages in a real browser: a clerk's list with the header's count, their choice of e-mails, and
a resident's choice on the account page pass axe in Polish and English and fit a phone."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from shared_services.identity.access import StaffRole
from shared_services.identity.services import local_username
from shared_services.inbox.models import Case
from shared_services.notifications.models import Kind, Notification
from shared_services.notifications.services import notify
from tenants.models import Tenant
from tests.browser.conftest import sign_in_at_provider, use_language, wait_for
from tests.browser.test_case_pages import check_on_desktop_and_phone
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file

pytestmark = pytest.mark.browser
CLERK = "urzednik.powiadomienia"
RESIDENT = "mieszkanka.powiadomienia"


@pytest.fixture(scope="module")
def accounts(committed_catalogue, django_db_blocker):
    """The clerk's account with two notifications about a filed application, and a resident's; committed (the
    clerk's local account made as their first sign-in would, which then finds it)."""
    with django_db_blocker.unblock():
        assert application_file(Client(), FORM_URL, LETTER, HTTP_HOST=TORUN).status_code == 302
        clerk = kc_account(CLERK, unit_roles={UNIT_A["slug"]: StaffRole.CLERK})
        kc_account(RESIDENT)
        with tenant_context(Tenant.objects.get(code=UNIT_A["code"])):
            user = get_user_model().objects.create(username=local_username(clerk), email=f"{CLERK}@test.ratusz.example")
            case = Case.objects.filter(register_entry__submission__data__tytul=LETTER["tytul"]).latest("pk")
            notify(recipient=user, kind=Kind.CASE_ASSIGNED, case=case, email="")
            notify(recipient=user, kind=Kind.RESIDENT_ANSWERED, case=case, email="")
        connection.set_schema_to_public()
        yield
        with tenant_context(Tenant.objects.get(code=UNIT_A["code"])):
            Notification.objects.all().delete()
        connection.set_schema_to_public()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_a_clerks_notifications_and_their_choice_of_e_mails_are_accessible(browser, browser_server, accounts, language):
    listing = browser_server.unit(UNIT_A["slug"], "/urzad/powiadomienia/")
    use_language(browser, listing, language)
    browser.get(listing)
    sign_in_at_provider(browser, CLERK)
    count = wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".unread-count")))
    assert count.text.split()[0] == "2"
    assert browser.find_elements(By.CSS_SELECTOR, "main a[href^='/urzad/sprawy/']")
    check_on_desktop_and_phone(browser, language, "notifications")
    browser.get(browser_server.unit(UNIT_A["slug"], "/urzad/powiadomienia/ustawienia/"))
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "main form")))
    check_on_desktop_and_phone(browser, language, "notification-preferences")


@pytest.mark.parametrize("language", ["pl", "en"])
def test_a_residents_choice_of_e_mails_on_the_account_page_is_accessible(browser, browser_server, accounts, language):
    account = browser_server.unit(UNIT_A["slug"], "/konto/")
    use_language(browser, account, language)
    browser.get(account)
    sign_in_at_provider(browser, RESIDENT)
    wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "powiadomienia")))
    check_on_desktop_and_phone(browser, language, "resident-notification-preferences")
    form = browser.find_element(By.CSS_SELECTOR, "main form[action='/konto/powiadomienia/']")
    form.find_element(By.CSS_SELECTOR, '[type="submit"]').click()
    wait_for(browser, expected_conditions.url_to_be(account))
