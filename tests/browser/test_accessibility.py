"""Every page, in Polish and in English, meets WCAG 2.1 AA as axe-core checks it, and has a sound structure.

To check a new page, add a line to PAGES: a name and a function from the running server to the page's
address (`server.portal(path)` on the platform domain, `server.unit(slug, path)` on a unit's subdomain;
the units are Toruń `torun` and Lubicz `lubicz`, tests/conftest.py). Pages a visitor sees only when signed
in, or after a form is sent, need a test of their own that gets there first.
"""

import pytest
from django.conf import settings
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.conftest import (
    assert_no_axe_violations,
    axe_violations,
    format_violations,
    page_problems,
    run_axe,
    use_language,
)

pytestmark = pytest.mark.browser

PAGES = [
    ("portal home", lambda server: server.portal("/")),
    ("participation dashboard", lambda server: server.portal("/uczestnictwo/")),
    ("participation and usage indicators", lambda server: server.portal("/wskazniki/")),
    ("sign-in link expired (platform)", lambda server: server.portal("/oidc/zakoncz/?ticket=nieznany")),
    ("unit home", lambda server: server.unit("torun", "/")),
    ("sign-in link expired (unit)", lambda server: server.unit("torun", "/oidc/zakoncz/?ticket=nieznany")),
    ("unit not found", lambda server: server.unit("nie-ma-takiej-jednostki", "/")),
]
LANGUAGES = ["pl", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url_of", [url_of for _name, url_of in PAGES], ids=[name for name, _url_of in PAGES])
def test_page_is_accessible(browser, browser_server, url_of, language):
    url = url_of(browser_server)
    use_language(browser, url, language)
    violations = axe_violations(browser, url)
    problems = page_problems(browser, language)
    assert not problems and not violations, "\n".join(
        [f"{url} in {language!r}:"]
        + [f"- {problem}" for problem in problems]
        + (
            [f"{len(violations)} WCAG 2.1 AA rule(s) violated (axe-core):", format_violations(violations)]
            if violations
            else []
        )
    )


def test_language_switch_in_the_header_shows_the_unit_home_in_english(browser, browser_server):
    url = browser_server.unit("torun", "/")
    use_language(browser, url, "pl")
    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"

    Select(browser.find_element(By.ID, "language-select")).select_by_value("en")
    browser.find_element(By.CSS_SELECTOR, "form.language button[type=submit]").click()
    # The old page's element goes stale while the new one loads: a moment to wait through, not a failure.
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda driver: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    )

    assert browser.current_url == url  # back on the page the visitor was on
    assert browser.get_cookie(settings.LANGUAGE_COOKIE_NAME)["value"] == "en"
    assert page_problems(browser, "en") == []
    assert_no_axe_violations(run_axe(browser), url)
