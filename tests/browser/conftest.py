"""Browser tests: Debian's headless Chromium, driven by Selenium through Debian's chromedriver.

The pages are served by a separate `manage.py runserver` process on the session's test database, which
already holds the two units that tests/conftest.py commits (Toruń `torun`, Lubicz `lubicz`). The server
sees only committed data: a browser test that needs rows commits them (`django_db_blocker.unblock()`,
outside a test transaction) and puts things back afterwards.

One server and one browser serve the whole session. `make browser` (a dependency of `make test`) installs
Chromium and chromedriver from Debian's packages; Selenium Manager never downloads anything, because both
paths are given.

Helpers for the test modules (imported from here, as tests import `tests.conftest`): `axe_violations`,
`run_axe`, `assert_no_axe_violations`, `format_violations`, `page_problems`, `csp_violations`, `use_language`.

No page may violate the Content-Security-Policy: `page_problems` (and so `check_page`) reports every violation
since it was last asked, and a browser test fails at its end when any page it visited had one.
"""

from __future__ import annotations

import http.client
import itertools
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from shared_services.identity.access import StaffRole
from tenants.models import Tenant
from tests.conftest import UNIT_A, UNIT_B, catalogue_load_and_adopt
from tests.support.accounts import PASSWORD, client_urls_add, kc_account
from tests.support.committed_data import catalogue_truncate
from tests.support.processes import database_url_of

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core, see vendor/README
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SERVER_START_SECONDS = 60


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives Debian's headless Chromium against a live server (make browser)"
    )


def pytest_collection_modifyitems(items):
    # pytest-django creates the test database only when a collected test asks for it (a django_db mark or
    # the db fixture). The server reads that database, so a test using it asks, even in a run of only
    # browser tests. The test's own transaction is empty: the server sees committed rows only.
    for item in items:
        if "browser_server" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)


# --- The server ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrowserServer:
    """The running server: addresses of the platform portal and of units' subdomains."""

    domain: str
    port: int
    log: Path

    def portal(self, path: str = "/") -> str:
        return f"http://{self.domain}:{self.port}{path}"

    @property
    def identity_provider_prefix(self) -> str:
        return settings.KEYCLOAK_SERVER_URL

    def unit(self, slug: str, path: str = "/") -> str:
        return f"http://{slug}.{self.domain}:{self.port}{path}"

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int, host: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/", headers={"Host": host})
        status = conn.getresponse().status
        conn.close()
        return status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def browser_server(django_db_setup, tmp_path_factory, identity_provider):
    """`manage.py runserver` in its own process, on this session's test database, until the session ends.

    The process gets `DATABASE_URL` pointing at the test database pytest-django created (its name is in
    `connection.settings_dict` once `django_db_setup` has run), so it neither creates nor picks another.
    `DEBUG` is off, as in production (the real 404 pages); `--insecure` still serves the static files.
    """
    port = _free_port()
    log = tmp_path_factory.mktemp("browser-server") / "runserver.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_core.settings_test",
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "PLATFORM_DOMAIN": settings.PLATFORM_DOMAIN,  # the units' Domain rows were made with this domain
        "DEBUG": "false",
        "PORT": str(port),  # addresses the server makes outside a request (e-mails, payment notifications)
        "PYTHONUNBUFFERED": "1",
        # The suite's identity provider (tests/conftest.py), which must know this server's callback.
        "KEYCLOAK_SERVER_URL": settings.KEYCLOAK_SERVER_URL,
    }
    server = BrowserServer(domain=settings.PLATFORM_DOMAIN, port=port, log=log)
    client_urls_add(server.portal())
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + SERVER_START_SECONDS
            while not _answers(port, f"{server.domain}:{port}"):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"The web server for the browser tests did not answer on port {port} "
                        f"(exit code {process.poll()}). Its output:\n{server.log_tail()}",
                        pytrace=False,
                    )
                time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- The browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium (Polish, 1280x900) for the session."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.skip(
            f"The browser tests need Debian's Chromium and chromedriver; missing: {', '.join(missing)}. "
            "Run `make browser` (apt-get install chromium chromium-driver); `make test` runs it first.",
        )

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    domain = settings.PLATFORM_DOMAIN
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=pl",
        # The platform domain and every unit's subdomain are this machine; nothing else is looked up but the
        # loopback address the identity provider and the payment gateway listen on.
        f"--host-resolver-rules=MAP {domain} 127.0.0.1, MAP *.{domain} 127.0.0.1, EXCLUDE 127.0.0.1, MAP * ~NOTFOUND",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "pl"})
    # The console's messages, where Chromium reports each Content-Security-Policy violation (csp_violations).
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_log = tmp_path_factory.mktemp("browser") / "chromedriver.log"
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER, log_output=str(driver_log)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def csp_violations(driver) -> list[str]:
    """The Content-Security-Policy violations Chromium reported since the last call, on every page loaded
    meanwhile. They are read from its console log, which Chromium writes as it refuses (during the page's
    load too, before a listener of the page could hear them); each message names the page and the directive."""
    return [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]


@pytest.fixture(autouse=True)
def no_csp_violation(request):
    """Every test that drives the browser fails when a page it visited violated the policy, checked or not."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    yield
    violations = csp_violations(browser)
    assert not violations, "Content-Security-Policy violated:\n" + "\n".join(violations)


def use_language(driver, url: str, language: str) -> None:
    """Forget every cookie, then choose `language` for `url`'s host with the language switch's cookie.

    The default language needs no cookie; any other gets the cookie Django's set_language view sets.
    """
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    if language != settings.LANGUAGE_CODE:
        driver.execute_cdp_cmd(
            "Network.setCookie", {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}
        )


def sign_in_at_provider(driver, username: str, password: str = PASSWORD) -> None:
    """Fill in the identity provider's login form the browser is on (Keycloak's, or the development one's)."""
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.NAME, "username"))
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, 'form [type="submit"]').click()
    # Returns once the browser has left the login page: a caller's next wait (for an <h1>, say) must not be met
    # by the login page itself while its form is still being sent.
    next_page_loaded(driver, page)


def heading(browser) -> str:
    """The page's <h1>, once there is one: asked again while a redirect replaces the document (a sign-in comes
    back through the identity provider), when Chromium answers with an error instead."""
    return WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda driver: driver.find_element(By.TAG_NAME, "h1").text
    )


def next_page_loaded(browser, page) -> None:
    """Wait until `page` (the <html> element the browser showed) has been replaced and the new one is loaded.
    While the document is being replaced (redirects: a sign-out goes through the identity provider and back),
    Chromium may answer with an error instead ("node does not belong to the document"); the wait asks again."""

    def loaded(driver) -> bool:
        if driver.find_element(By.TAG_NAME, "html") == page:  # the same element: still the page that was
            return False
        return driver.execute_script("return document.readyState") == "complete"

    WebDriverWait(browser, 30, ignored_exceptions=(WebDriverException,)).until(loaded)


# --- Committed data -------------------------------------------------------------------------------

# What filed applications, payments and sign-ins leave in a unit's schema that no catalogue row points at.
UNIT_LEFTOVER_TABLES = (
    "payments_refund",
    "payments_payment",
    "payments_providerconfig",
    "inbox_registercounter",
    "inbox_signcounter",
    "inbox_outboxmessage",
    "inbox_department",
    "audit_auditentry",
    "audit_audithead",
)


@pytest.fixture(scope="module")
def committed_catalogue(django_db_setup, django_db_blocker):
    """The seeded catalogue adopted by both units, and a clerk of unit A, committed for this module."""
    with django_db_blocker.unblock():
        catalogue_load_and_adopt()
        units = list(Tenant.objects.filter(code__in=[UNIT_A["code"], UNIT_B["code"]]))
        kc_account("urzednik.journey", unit_roles={UNIT_A["slug"]: StaffRole.UNIT_ADMIN})
        try:
            yield
        finally:
            committed_data_remove(units)


def wait_for(browser, condition, seconds=10):
    return WebDriverWait(browser, seconds).until(condition)


def committed_data_remove(units) -> None:
    """Empty what a module committed for the server (the catalogue, and in `units` what filing, paying and
    signing in left), so that the rest of the suite finds the tables as it expects them."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        catalogue_truncate(cursor)
    for unit in units:
        with tenant_context(unit), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(UNIT_LEFTOVER_TABLES)} CASCADE")
            get_user_model().objects.all().delete()
    connection.set_schema_to_public()


def check_page(driver, language: str = "pl") -> None:
    """The page shown now: no axe violations, a sound structure and no Content-Security-Policy violation."""
    assert_no_axe_violations(run_axe(driver), driver.current_url)
    problems = page_problems(driver, language)
    assert not problems, problems


# --- axe-core ----------------------------------------------------------------------------------------


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


_RUN_AXE = """
const [tags, done] = arguments;
axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(results => done({violations: results.violations}))
  .catch(error => done({error: String(error && error.stack || error)}));
"""


def run_axe(driver, tags=WCAG_21_AA) -> list[dict]:
    """axe-core's violations of `tags` on the page the browser shows now."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_axe_source())
    result = driver.execute_async_script(_RUN_AXE, list(tags))
    if "error" in result:
        raise RuntimeError(f"axe-core failed on {driver.current_url}: {result['error']}")
    return result["violations"]


def axe_violations(driver, url: str, tags=WCAG_21_AA) -> list[dict]:
    """Load `url`, inject axe-core and return its WCAG 2.1 A/AA violations (axe's result objects)."""
    driver.get(url)
    return run_axe(driver, tags)


def format_violations(violations: list[dict]) -> str:
    """One block per rule: id, impact, help and link, then each failing node's target, markup and why."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " >>> ".join(
                " ".join(part) if isinstance(part, list) else str(part) for part in node.get("target", [])
            )
            lines.append(f"    at {target}: {node.get('html', '')[:200]}")
            for reason in (node.get("failureSummary") or "").splitlines():
                if reason.strip():
                    lines.append(f"        {reason.strip()}")
    return "\n".join(lines)


def assert_no_axe_violations(violations: list[dict], url: str) -> None:
    assert not violations, (
        f"{len(violations)} WCAG 2.1 AA rule(s) violated on {url} (axe-core):\n{format_violations(violations)}"
    )


# --- Page structure ---------------------------------------------------------------------------------

_STRUCTURE = """
const focusable = 'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])';
const first = document.querySelector(focusable);
const href = first && first.tagName === "A" ? first.getAttribute("href") : null;
const target = href && href.startsWith("#") && href.length > 1
  ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
const main = document.querySelector("main, [role=main]");
return {
  lang: document.documentElement.getAttribute("lang"),
  mains: document.querySelectorAll("main, [role=main]").length,
  h1s: document.querySelectorAll("h1").length,
  headings: Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"),
                       h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 80)]),
  firstFocusable: first ? first.outerHTML.slice(0, 200) : null,
  skipHref: href,
  skipTargetExists: Boolean(target),
  skipTargetInMain: Boolean(target && main && (main === target || main.contains(target))),
};
"""


def page_problems(driver, language: str) -> list[str]:
    """What is wrong with the structure of the page shown now, for a page in `language`.

    A skip link is the first focusable element and leads into the single <main>; there is one <h1>,
    headings start at h1 and never skip a level going down (h2 → h4 is a problem, h4 → h2 is not); and
    <html lang> is the page's language. No page since the last check violated the Content-Security-Policy.
    """
    page = driver.execute_script(_STRUCTURE)
    problems = []
    if page["lang"] != language:
        problems.append(f'<html lang="{page["lang"]}">, expected "{language}"')
    if page["skipHref"] is None or not page["skipHref"].startswith("#"):
        problems.append(f"the first focusable element is not a skip link: {page['firstFocusable']}")
    elif not page["skipTargetExists"]:
        problems.append(f"the skip link's target {page['skipHref']} does not exist")
    elif not page["skipTargetInMain"]:
        problems.append(f"the skip link's target {page['skipHref']} is not the main content")
    if page["mains"] != 1:
        problems.append(f"{page['mains']} <main> elements, expected exactly one")
    if page["h1s"] != 1:
        problems.append(f"{page['h1s']} <h1> elements, expected exactly one")
    levels = [level for level, _text in page["headings"]]
    if levels and levels[0] != 1:
        problems.append(f"the first heading is h{levels[0]} ({page['headings'][0][1]!r}), not h1")
    for (previous, _), (level, text) in itertools.pairwise(page["headings"]):
        if level > previous + 1:
            problems.append(f"heading level skipped: h{previous} → h{level} ({text!r})")
    problems += [f"Content-Security-Policy violated: {violation}" for violation in csp_violations(driver)]
    return problems
