"""The catalogue's import in the operators' console, in a real browser: an operator uploads a catalogue with one
card changed, reads the preview, confirms, and a unit's page shows the new text at once. Every page passes axe
(WCAG 2.1 AA), the page-structure checks and the Content-Security-Policy."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from onboarding.models import OperatorAction, OperatorActionKind
from shared_services.catalogue.transfer import catalogue_export, catalogue_export_bytes
from tests.browser.conftest import check_page, heading, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account

pytestmark = pytest.mark.browser
SLUG = "wydanie-dowodu-osobistego"
NEW_TEXT = "Dowód osobisty wyrobisz w każdym urzędzie gminy w Polsce, niezależnie od zameldowania."
ACTIONS = [OperatorActionKind.CATALOGUE_IMPORT, OperatorActionKind.CATALOGUE_EXPORT, OperatorActionKind.TERM_SAVE]


@pytest.fixture(scope="module")
def catalogue_mover(committed_catalogue, django_db_blocker):
    """An operator's account, and the catalogue committed for the server; the audit rows go afterwards."""
    with django_db_blocker.unblock():
        kc_account("przenosi.katalog", operator=True)
        try:
            yield "przenosi.katalog"
        finally:
            OperatorAction.objects.filter(action__in=ACTIONS).delete()


def submit(browser, selector: str) -> None:
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, selector).click()
    wait_for(browser, expected_conditions.staleness_of(page))


def test_an_operator_previews_and_confirms_an_import_that_units_show_at_once(
    browser, browser_server, catalogue_mover, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        document = catalogue_export()
    [card] = [card for card in document["services"] if card["slug"] == SLUG]
    card["short_description"] = NEW_TEXT
    upload = tmp_path / "katalog.json"
    upload.write_bytes(catalogue_export_bytes(document))

    terms = browser_server.portal("/konsola/katalog/kategorie/")
    use_language(browser, terms, "pl")
    browser.get(terms)
    sign_in_at_provider(browser, catalogue_mover)
    assert heading(browser) == "Kategorie i zdarzenia życiowe" or heading(browser) == "Categories and life events"
    check_page(browser)

    browser.get(browser_server.portal("/konsola/katalog/przenoszenie/"))
    heading(browser)
    check_page(browser)
    browser.find_element(By.ID, "id_document").send_keys(str(upload))
    submit(browser, "form[action$='/katalog/import/'] button[type=submit]")

    # The preview: the changed card and its changed field, nothing written yet.
    assert "/katalog/import/" in browser.current_url
    heading(browser)
    check_page(browser)
    assert card["name"] in browser.find_element(By.ID, "versioned").find_element(By.XPATH, "..").text
    assert not OperatorAction.objects.filter(action=OperatorActionKind.CATALOGUE_IMPORT).exists()

    submit(browser, "form.import-confirm button[type=submit]")
    assert "/katalog/import/wykonany/" in browser.current_url
    heading(browser)
    check_page(browser)

    browser.get(browser_server.unit(UNIT_A["slug"], f"/uslugi/{SLUG}/"))
    assert NEW_TEXT in browser.find_element(By.TAG_NAME, "main").text
