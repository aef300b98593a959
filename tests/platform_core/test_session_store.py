"""Sessions (platform_core/session_store.py): an anonymous visitor's ends with the browser, a signed-in one keeps
the settings' life."""

import pytest
from django.conf import settings

from tests.support.accounts import SignIn, kc_account
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file

pytestmark = pytest.mark.django_db


def lasts_beyond_the_browser(cookie) -> bool:
    return bool(cookie["max-age"] or cookie["expires"])


def test_an_anonymous_filers_session_ends_with_the_browser(full_catalogue, client, unit_a):
    checked = client.post(FORM_URL, LETTER, HTTP_HOST=TORUN)  # the draft's key goes into the session
    assert checked.status_code == 302
    assert not lasts_beyond_the_browser(checked.cookies[settings.SESSION_COOKIE_NAME])
    filed = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)  # so does what was filed
    assert filed.status_code == 302
    assert not lasts_beyond_the_browser(filed.cookies[settings.SESSION_COOKIE_NAME])


def test_signing_in_after_filing_anonymously_gives_the_session_its_usual_life(full_catalogue, client, unit_a):
    browser = SignIn(client)
    kc_account("anna.mieszkanka")
    browser.post(TORUN, FORM_URL, LETTER)
    assert not lasts_beyond_the_browser(browser.cookies_of(TORUN)[settings.SESSION_COOKIE_NAME])
    browser.sign_in(TORUN, "anna.mieszkanka", "/konto/")
    cookie = browser.cookies_of(TORUN)[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
