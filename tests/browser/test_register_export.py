"""The register page with its form for downloading the register for a period (/urzad/rejestr/) in a real browser:
axe-core finds no WCAG 2.1 AA violation in Polish and English, also with the period's or the year's error shown,
and the form fits a phone. (The register's table below it is as wide as its columns; making it fit a phone is not this form's.)"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.browser.test_staff_pages import PHONE
from tests.conftest import UNIT_A

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_register_page_and_its_download_form_are_accessible(browser, browser_server, committed_catalogue, language):
    register_page = browser_server.unit(UNIT_A["slug"], "/urzad/rejestr/")
    use_language(browser, register_page, language)
    browser.set_window_size(1280, 900)
    browser.get(register_page)
    sign_in_at_provider(browser, "urzednik.journey")
    wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "register-export-title")))
    check_page(browser, language)
    assert form_fits_a_phone(browser)

    # A period ending before it starts: the register page comes back with the reason, as accessible.
    browser.set_window_size(1280, 900)
    for name, value in (("od", "2026-03-02"), ("do", "2026-03-01")):
        browser.execute_script("document.getElementsByName(arguments[0])[0].value = arguments[1]", name, value)
    browser.find_element(By.CSS_SELECTOR, ".register-export button[type=submit]").click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
    assert "/urzad/rejestr/eksport/" in browser.current_url
    check_page(browser, language)
    assert form_fits_a_phone(browser)

    # A year in the address that is not one: explained above this year's register, as accessible.
    browser.set_window_size(1280, 900)
    browser.get(f"{register_page}?rok=2026.5")
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
    assert browser.find_element(By.NAME, "rok").get_attribute("value") == "2026.5"
    check_page(browser, language)


def form_fits_a_phone(browser) -> bool:
    browser.set_window_size(*PHONE)
    return browser.execute_script(
        """
        const width = document.documentElement.clientWidth;
        return [...document.querySelectorAll('.register-export, .register-export *, .error-summary')].every(
            e => e.getBoundingClientRect().right <= width + 1);
        """
    )
