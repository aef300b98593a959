"""The Content-Security-Policy in a real browser: Chromium refuses a script or style put into a page inline, and
the browser tests hear of it (conftest's `csp_violations`, read by `page_problems` and at the end of every
browser test). The API's Redoc page works under a policy of its own."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import csp_violations, page_problems, use_language, wait_for
from tests.conftest import UNIT_A

pytestmark = pytest.mark.browser

# Run in the page as a script or style injected into it would: an inline <script> and a style attribute.
_INJECT = """
const script = document.createElement("script");
script.textContent = "window.injectedScriptRan = true;";
document.head.append(script);
document.querySelector("h1").setAttribute("style", "color: rgb(255, 0, 0)");
return {ran: window.injectedScriptRan === true, colour: getComputedStyle(document.querySelector("h1")).color};
"""


def test_an_inline_script_and_style_are_refused_and_reported(browser, browser_server):
    url = browser_server.unit(UNIT_A["slug"], "/")
    use_language(browser, url, "pl")
    browser.get(url)
    assert csp_violations(browser) == []  # the page itself loads nothing inline

    injected = browser.execute_script(_INJECT)

    assert injected == {"ran": False, "colour": injected["colour"]} and injected["colour"] != "rgb(255, 0, 0)"
    problems = [problem for problem in page_problems(browser, "pl") if "Content-Security-Policy" in problem]
    assert len(problems) == 2, problems
    assert any("script-src 'self'" in problem for problem in problems), problems
    assert any("style-src 'self'" in problem for problem in problems), problems
    assert csp_violations(browser) == []  # each violation is reported once


def test_the_api_documentation_renders_under_its_own_policy(browser, browser_server):
    browser.get(browser_server.unit(UNIT_A["slug"], "/api/v1/docs/"))

    # Redoc drew the document: the API's title and an operation's name are on the page.
    wait_for(browser, lambda driver: "inbox API" in driver.find_element(By.TAG_NAME, "body").text, seconds=20)
    assert browser.find_elements(By.CSS_SELECTOR, "[data-section-id]")
    # The one thing refused is what the policy is for: Redoc's logo from its makers' server (nothing on the
    # platform's pages comes from elsewhere); Redoc hides the image when it does not load.
    refused = csp_violations(browser)
    assert len(refused) == 1 and "Loading the image 'https://cdn.redoc.ly/redoc/logo-mini.svg'" in refused[0], refused
