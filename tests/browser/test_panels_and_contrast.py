"""What the walk-through found in a real browser: the main button in high contrast, success panels that look
like success, and the site's icon. Each page is also checked by axe-core (WCAG 2.1 AA) as it is shown."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from platform_core.display import CONTRAST_COOKIE
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A

pytestmark = pytest.mark.browser
SERVICE = "/uslugi/wydanie-dowodu-osobistego/"
AA_TEXT = 4.5

# WCAG 2.1's contrast ratio of an element's text colour against its own background colour (both opaque here).
_CONTRAST = """
const style = getComputedStyle(arguments[0]);
const luminance = colour => {
  const [r, g, b] = colour.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(value => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const [lighter, darker] = [luminance(style.color), luminance(style.backgroundColor)].sort((a, b) => b - a);
return {ratio: (lighter + 0.05) / (darker + 0.05), color: style.color, background: style.backgroundColor};
"""


def high_contrast(browser, url):
    browser.execute_cdp_cmd("Network.setCookie", {"name": CONTRAST_COOKIE, "value": "high", "url": url})


def test_the_main_button_keeps_its_contrast_in_high_contrast_mode(browser, browser_server, committed_catalogue):
    url = browser_server.unit(UNIT_A["slug"], SERVICE)
    use_language(browser, url, "pl")
    high_contrast(browser, url)
    browser.get(url)
    assert "contrast-high" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
    button = browser.find_element(By.CSS_SELECTOR, "a.button-link")
    measured = browser.execute_script(_CONTRAST, button)
    assert measured["ratio"] >= AA_TEXT, measured
    check_page(browser)


def sign_in_to_the_office(browser, browser_server, path):
    url = browser_server.unit(UNIT_A["slug"], path)
    use_language(browser, url, "pl")
    browser.get(url)
    sign_in_at_provider(browser, "urzednik.journey")
    wait_for(browser, expected_conditions.presence_of_element_located((By.CLASS_NAME, "console-nav")))
    return url


@pytest.mark.parametrize("contrast", ["normal", "high"])
def test_a_success_message_looks_like_success(browser, browser_server, committed_catalogue, contrast):
    url = sign_in_to_the_office(browser, browser_server, f"/urzad{SERVICE}")
    if contrast == "high":
        high_contrast(browser, url)
        browser.get(url)
    fee = browser.find_element(By.NAME, "fee_override_grosze")
    fee.clear()
    fee.send_keys("17,50")
    fee.find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
    message = wait_for(browser, expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ".message")))
    assert message.get_attribute("class") == "message success"
    assert message.text.startswith("Gotowe:")
    icon = message.find_element(By.CSS_SELECTOR, "svg.message-icon")
    assert icon.get_attribute("aria-hidden") == "true" and icon.is_displayed()
    border, word = browser.execute_script(
        "return [getComputedStyle(arguments[0]).borderLeftColor,"
        " getComputedStyle(arguments[0].querySelector('.message-kind')).color]",
        message,
    )
    if contrast == "normal":
        assert border == word == "rgb(27, 94, 32)"  # the success green, not the units' red accent
    else:
        assert border == word == "rgb(0, 0, 0)"  # high contrast: black on white, the word says it
    assert "17,50 zł" in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser)


def test_the_site_has_an_icon_and_favicon_ico_finds_it(browser, browser_server):
    url = browser_server.unit(UNIT_A["slug"], "/")
    use_language(browser, url, "pl")
    browser.get(url)
    fetched = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const icon = document.querySelector('link[rel="icon"]');
        Promise.all([icon.href, "/favicon.ico"].map(address => fetch(address).then(
          response => [response.status, response.headers.get("Content-Type"), response.url])))
          .then(done, error => done(String(error)));
        """
    )
    icon = browser_server.unit(UNIT_A["slug"], "/static/platform_core/favicon.svg")
    assert fetched == [[200, "image/svg+xml", icon], [200, "image/svg+xml", icon]]
