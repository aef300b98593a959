"""How the resident portal's forms behave for keyboard and screen reader users, in a real browser, beyond what
axe-core checks: the error summary after a failed submit, conditional fields, display preferences that keep a
half-filled form, and the live search's status (platform_core/static/platform_core/enhance.js, the
platform_core and portal templates).

The catalogue is committed for this module by test_resident_journey's fixture, and removed afterwards.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions

from tests.browser.conftest import check_page, use_language, wait_for
from tests.conftest import UNIT_A

pytestmark = pytest.mark.browser

# The request for public information: an e-mail, a text area, a radio group "sposob" (required) and the postal
# address "adres_pocztowy", shown only when "sposob" is "poczta".
FORM_PATH = "/uslugi/dostep-do-informacji-publicznej/wniosek/"

_ACTIVE_ID = "return document.activeElement && document.activeElement.id"

_DESCRIBED_BY_IDS_EXIST = """
const ids = (arguments[0].getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
return ids.map(id => [id, Boolean(document.getElementById(id))]);
"""


def open_form(browser, browser_server, language="pl"):
    url = browser_server.unit(UNIT_A["slug"], FORM_PATH)
    use_language(browser, url, language)
    browser.get(url)
    wait_for(browser, expected_conditions.element_to_be_clickable((By.NAME, "check_answers")))
    return url


def body_classes(browser):
    return browser.find_element(By.TAG_NAME, "body").get_attribute("class").split()


@pytest.mark.parametrize(("language", "title_start"), [("pl", "Błąd: "), ("en", "Error: ")])
def test_after_a_failed_submit_the_error_summary_has_the_focus_and_leads_to_each_field(
    browser, browser_server, committed_catalogue, language, title_start
):
    open_form(browser, browser_server, language)
    assert not browser.title.startswith(title_start)
    browser.find_element(By.NAME, "check_answers").click()  # nothing filled in
    summary = wait_for(browser, expected_conditions.visibility_of_element_located((By.ID, "error-summary")))

    assert browser.title.startswith(title_start), browser.title
    wait_for(browser, lambda driver: driver.execute_script(_ACTIVE_ID) == "error-summary")

    links = summary.find_elements(By.CSS_SELECTOR, "a[href^='#']")
    targets = {link.get_attribute("href").split("#", 1)[1] for link in links}
    assert {"id_email", "id_zakres", "id_sposob_0"} <= targets, targets
    for target in targets:  # every link reaches a control of the form
        assert browser.find_elements(By.ID, target), f"the error summary links to #{target}, which is not on the page"

    # The radio group: its link targets the first radio button, and the group's fieldset is described by
    # the group's error (and hint, if any), which exist.
    first_radio = browser.find_element(By.ID, "id_sposob_0")
    assert first_radio.get_attribute("type") == "radio" and first_radio.get_attribute("name") == "sposob"
    fieldset = first_radio.find_element(By.XPATH, "ancestor::fieldset[1]")
    described_by = browser.execute_script(_DESCRIBED_BY_IDS_EXIST, fieldset)
    assert ["id_sposob_error", True] in described_by, described_by
    assert all(exists for _id, exists in described_by), described_by

    summary.find_element(By.CSS_SELECTOR, "a[href='#id_sposob_0']").click()
    wait_for(browser, lambda driver: driver.execute_script(_ACTIVE_ID) == "id_sposob_0")
    check_page(browser, language)


def test_a_conditional_field_follows_a_radio_group(browser, browser_server, committed_catalogue):
    open_form(browser, browser_server)
    address = browser.find_element(By.ID, "id_adres_pocztowy")
    assert not address.is_displayed()
    browser.find_element(By.CSS_SELECTOR, 'input[name="sposob"][value="poczta"]').click()
    assert address.is_displayed()
    browser.find_element(By.CSS_SELECTOR, 'input[name="sposob"][value="email"]').click()
    assert not address.is_displayed()


# No seed form shows a field under a checkbox's condition, so the test adds one to the real form the way
# platform_core/_field.html renders it: the server compares str(value) with str(equals), and a boolean field's
# value prints as "True" or "False".
_ADD_CHECKBOX_CONDITION = """
const form = document.querySelector("form.application-form");
const fields = document.createElement("div");
fields.innerHTML = `
  <div class="field field-checkbox"><input type="checkbox" name="test_zgoda" id="id_test_zgoda">
    <label for="id_test_zgoda">Zgoda</label></div>
  <div class="field" id="when-checked" data-show-when="test_zgoda" data-show-equals="True">
    <label for="id_test_szczegoly">Szczegóły</label><input type="text" name="test_szczegoly" id="id_test_szczegoly"></div>
  <div class="field" id="when-unchecked" data-show-when="test_zgoda" data-show-equals="False">
    <label for="id_test_powod">Powód</label><input type="text" name="test_powod" id="id_test_powod"></div>`;
form.prepend(fields);
"""


def test_a_conditional_field_follows_a_checkbox(browser, browser_server, committed_catalogue):
    open_form(browser, browser_server)
    browser.execute_script(_ADD_CHECKBOX_CONDITION)
    checkbox = browser.find_element(By.ID, "id_test_zgoda")
    when_checked = browser.find_element(By.ID, "id_test_szczegoly")
    when_unchecked = browser.find_element(By.ID, "id_test_powod")

    checkbox.click()
    assert checkbox.is_selected()
    assert when_checked.is_displayed() and not when_unchecked.is_displayed()
    checkbox.click()
    assert not checkbox.is_selected()
    assert not when_checked.is_displayed() and when_unchecked.is_displayed()
    checkbox.click()
    assert when_checked.is_displayed() and not when_unchecked.is_displayed()
    # The form's own condition still works alongside.
    assert not browser.find_element(By.ID, "id_adres_pocztowy").is_displayed()


def test_display_preferences_change_in_place_and_keep_a_half_filled_form(browser, browser_server, committed_catalogue):
    url = open_form(browser, browser_server)
    browser.find_element(By.ID, "id_email").send_keys("mieszkanka@example.pl")
    browser.find_element(By.ID, "id_zakres").send_keys("Rejestr umów")
    browser.find_element(By.CSS_SELECTOR, 'input[name="sposob"][value="poczta"]').click()
    browser.find_element(By.ID, "id_adres_pocztowy").send_keys("ul. Szeroka 1")
    browser.execute_script("window.samePage = true")  # gone if the page were loaded again
    assert body_classes(browser) == ["text-normal", "contrast-normal"]

    browser.find_element(By.CSS_SELECTOR, 'button[name="text_size"][value="large"]').click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "body.text-large")))
    assert sorted(body_classes(browser)) == ["contrast-normal", "text-large"]
    pressed = {
        button.get_attribute("value"): button.get_attribute("aria-pressed")
        for button in browser.find_elements(By.CSS_SELECTOR, 'button[name="text_size"]')
    }
    assert pressed == {"normal": "false", "large": "true", "largest": "false"}

    contrast = browser.find_element(By.CSS_SELECTOR, 'button[name="contrast"]')
    assert (contrast.get_attribute("value"), contrast.get_attribute("aria-pressed")) == ("high", "false")
    contrast.click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "body.contrast-high")))
    assert (contrast.get_attribute("value"), contrast.get_attribute("aria-pressed")) == ("normal", "true")
    assert "contrast-normal" not in body_classes(browser)

    # Still the same page, with everything typed in it.
    assert browser.execute_script("return window.samePage === true")
    assert browser.current_url == url
    assert browser.find_element(By.ID, "id_email").get_attribute("value") == "mieszkanka@example.pl"
    assert browser.find_element(By.ID, "id_zakres").get_attribute("value") == "Rejestr umów"
    assert browser.find_element(By.CSS_SELECTOR, 'input[name="sposob"][value="poczta"]').is_selected()
    assert browser.find_element(By.ID, "id_adres_pocztowy").get_attribute("value") == "ul. Szeroka 1"
    check_page(browser)

    contrast.click()  # and back
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "body.contrast-normal")))
    assert (contrast.get_attribute("value"), contrast.get_attribute("aria-pressed")) == ("high", "false")

    # The choice was stored: the next page comes with it.
    browser.get(browser_server.unit(UNIT_A["slug"], "/"))
    assert body_classes(browser) == ["text-large", "contrast-normal"]
    assert (
        browser.find_element(By.CSS_SELECTOR, 'button[name="text_size"][value="large"]').get_attribute("aria-pressed")
        == "true"
    )


def test_display_preferences_work_without_javascript(browser, browser_server, committed_catalogue):
    url = browser_server.unit(UNIT_A["slug"], "/uslugi/wydanie-dowodu-osobistego/")
    use_language(browser, url, "pl")
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(url)
        body = browser.find_element(By.TAG_NAME, "body")
        browser.find_element(By.CSS_SELECTOR, 'button[name="text_size"][value="largest"]').click()
        wait_for(browser, expected_conditions.staleness_of(body))  # the form was sent: a new page came
        wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "body.text-largest")))
        assert browser.current_url == url  # the POST went back to the page
        browser.find_element(By.CSS_SELECTOR, 'button[name="contrast"][value="high"]').click()
        wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "body.contrast-high")))
        assert browser.find_element(By.CSS_SELECTOR, 'button[name="contrast"]').get_attribute("value") == "normal"
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


_STATUS = """
const status = document.querySelectorAll("#search-status");
const results = document.getElementById("search-results");
return {
  statuses: status.length,
  role: status.length ? status[0].getAttribute("role") : null,
  text: status.length ? status[0].textContent.trim() : null,
  insideResults: Boolean(status.length && results && results.contains(status[0])),
  resultsLive: results ? results.getAttribute("aria-live") : "no #search-results",
  resultsRole: results ? results.getAttribute("role") : "no #search-results",
  links: results ? results.querySelectorAll("a").length : 0,
};
"""


def search_status(browser):
    return browser.execute_script(_STATUS)


def assert_only_the_status_is_live(status):
    assert status["statuses"] == 1 and status["role"] == "status", status
    assert not status["insideResults"], status
    assert status["resultsLive"] is None and status["resultsRole"] is None, status


def test_live_search_announces_only_the_count(browser, browser_server, committed_catalogue):
    home = browser_server.unit(UNIT_A["slug"])
    use_language(browser, home, "pl")
    browser.get(home)
    status = search_status(browser)
    assert_only_the_status_is_live(status)
    assert status["text"] == "" and status["links"] == 0

    query = browser.find_element(By.ID, "search-query")
    query.send_keys("podatek")  # no Enter: HTMX asks as the resident types
    wait_for(browser, lambda driver: "„podatek”" in search_status(driver)["text"])
    status = search_status(browser)
    assert status["text"].startswith("Znaleziono "), status
    assert status["links"] > 0
    assert_only_the_status_is_live(status)
    assert browser.current_url.endswith("/szukaj/?q=podatek")  # hx-push-url

    query.send_keys(" rolny")
    wait_for(browser, lambda driver: "„podatek rolny”" in search_status(driver)["text"])
    assert_only_the_status_is_live(search_status(browser))

    query.send_keys(Keys.CONTROL, "a")
    query.send_keys(Keys.DELETE)
    wait_for(browser, lambda driver: search_status(driver)["text"] == "")
    assert search_status(browser)["links"] == 0
    check_page(browser)


def test_the_search_page_without_live_search_shows_the_count_in_the_status(
    browser, browser_server, committed_catalogue
):
    url = browser_server.unit(UNIT_A["slug"], "/szukaj/?q=podatek")
    use_language(browser, url, "pl")
    browser.get(url)
    status = search_status(browser)
    assert_only_the_status_is_live(status)
    assert status["text"].startswith("Znaleziono ") and "„podatek”" in status["text"], status
    assert status["links"] > 0
    check_page(browser)

    query = browser.find_element(By.ID, "search-query")  # the page's own live search updates the same status
    query.clear()
    query.send_keys("dowod osobisty")
    wait_for(browser, lambda driver: "„dowod osobisty”" in search_status(driver)["text"])
    assert_only_the_status_is_live(search_status(browser))
