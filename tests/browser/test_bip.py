"""The unit's BIP in a real browser: every public page — home, a section, an item, an earlier version, a
withdrawn item, the change registers, the search, the editorial office, the instructions, the page on
information not published, the subscription pages — and every office page, including a form with errors,
pass axe (WCAG 2.1 AA) and the structure checks in Polish and English, with no CSP violation."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from onboarding.demo_bip import demo_bip_load
from shared_services.bip.models import ChangeKind, Publication, PublicationVersion, Section
from shared_services.bip.services import subscription_request
from shared_services.identity.access import StaffRole
from tenants.models import Tenant
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account

pytestmark = pytest.mark.browser
EDITOR = "redaktor.bip"
BIP_TABLES = ("bip_publicationversion", "bip_publication", "bip_section", "bip_editor", "bip_editorialoffice")


@pytest.fixture(scope="module")
def demo_bip(committed_catalogue, django_db_blocker):
    """Toruń's demo BIP and one subscription waiting for confirmation, committed for the server."""
    unit = Tenant.objects.get(code=UNIT_A["code"])
    with django_db_blocker.unblock():
        kc_account(EDITOR, unit_roles={UNIT_A["slug"]: StaffRole.DEPARTMENT_HEAD})
        with tenant_context(unit):
            demo_bip_load(unit=unit)
            subscription = subscription_request(email="czytelnik@example.pl", key="bip:prawo-lokalne")
            changed = PublicationVersion.objects.get(kind=ChangeKind.CHANGED).publication
            withdrawn = Publication.objects.get(withdrawn=True)
            section = Section.objects.get(key="prawo-lokalne")
            ids = {"changed": changed.pk, "withdrawn": withdrawn.pk, "section": section.pk, "token": subscription.token}
        connection.set_schema_to_public()
        try:
            yield ids
        finally:
            with tenant_context(unit), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE bip_subscription, {', '.join(BIP_TABLES)} CASCADE")
            connection.set_schema_to_public()


def _public_pages(ids) -> list[str]:
    changed, withdrawn, token = ids["changed"], ids["withdrawn"], ids["token"]
    return [
        "/bip/",
        "/bip/dzial/prawo-lokalne/",
        f"/bip/pozycje/{changed}/",
        f"/bip/pozycje/{changed}/wersje/1/",
        f"/bip/pozycje/{changed}/rejestr-zmian/",
        f"/bip/pozycje/{withdrawn}/",
        "/bip/rejestr-zmian/",
        "/bip/szukaj/?q=zarz%C4%85dzenie",
        "/bip/redakcja/",
        "/bip/instrukcja/",
        "/bip/informacja-nieudostepniona/",
        "/bip/subskrypcja/?key=bip:prawo-lokalne",
        f"/bip/subskrypcja/{token}/potwierdz/",
        f"/bip/subskrypcja/{token}/wypisz/",
    ]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_every_public_bip_page_is_accessible(browser, browser_server, demo_bip, language):
    home = browser_server.unit(UNIT_A["slug"], "/bip/")
    use_language(browser, home, language)
    for path in _public_pages(demo_bip):
        browser.get(browser_server.unit(UNIT_A["slug"], path))
        wait_for(browser, expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
        check_page(browser, language)
    # The subscription form with a wrong address shows its error accessibly.
    browser.get(browser_server.unit(UNIT_A["slug"], "/bip/dzial/prawo-lokalne/"))
    field = browser.find_element(By.NAME, "email")
    field.send_keys("to-nie-adres")
    field.submit()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
    check_page(browser, language)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_every_office_bip_page_is_accessible(browser, browser_server, demo_bip, language):
    start = browser_server.unit(UNIT_A["slug"], "/urzad/bip/")
    use_language(browser, start, language)
    browser.get(start)
    sign_in_at_provider(browser, EDITOR)
    wait_for(browser, expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
    changed = demo_bip["changed"]
    for path in [
        "/urzad/bip/",
        "/urzad/bip/nowa/",
        f"/urzad/bip/pozycje/{changed}/",
        f"/urzad/bip/pozycje/{changed}/zmien/",
        f"/urzad/bip/pozycje/{changed}/wersje/1/",
        "/urzad/bip/menu/",
        f"/urzad/bip/menu/{demo_bip['section']}/",
        "/urzad/bip/redakcja/",
        "/urzad/bip/redakcja/redaktorzy/nowy/",
    ]:
        browser.get(browser_server.unit(UNIT_A["slug"], path))
        wait_for(browser, expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
        check_page(browser, language)
    # A new item sent empty: the errors are shown accessibly; the preview of a filled one too.
    browser.get(browser_server.unit(UNIT_A["slug"], "/urzad/bip/nowa/"))
    browser.find_element(By.NAME, "publish").click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
    check_page(browser, language)
