"""The catalogue's card editor in the operators' console, in a real browser: an operator edits a card, looks at
the diff, sends it for review and publishes it, and a unit's page shows the new text at once. Every page of the
flow passes axe (WCAG 2.1 AA) and the Content-Security-Policy. Set RATUSZ_SCREENSHOTS to a folder to keep
screenshots of the list, the editor, the diff and the publish page."""

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from onboarding.models import OperatorAction
from tests.browser.conftest import check_page, heading, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account

pytestmark = pytest.mark.browser
SLUG = "wydanie-dowodu-osobistego"
NEW_TEXT = "Dowód odbierzesz w dowolnym urzędzie gminy, który wybierzesz we wniosku."


@pytest.fixture(scope="module")
def catalogue_editor(committed_catalogue, django_db_blocker):
    """An operator's account, and the catalogue committed for the server; the audit rows go afterwards."""
    with django_db_blocker.unblock():
        kc_account("redaktor.katalogu", operator=True)
        try:
            yield "redaktor.katalogu"
        finally:
            OperatorAction.objects.filter(details__slug=SLUG).delete()


def looked_at(browser, name: str) -> None:
    """Axe and the page's structure; a full-height screenshot when RATUSZ_SCREENSHOTS says where."""
    check_page(browser)
    folder = os.environ.get("RATUSZ_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1280, min(height, 4000))
        browser.save_screenshot(str(Path(folder) / f"catalogue-{name}.png"))
        browser.set_window_size(1280, 900)


def submit(browser, selector: str) -> None:
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, selector).click()
    wait_for(browser, expected_conditions.staleness_of(page))


def test_an_operator_edits_reviews_and_publishes_a_card_that_units_show_at_once(
    browser, browser_server, catalogue_editor
):
    card_page = browser_server.portal(f"/konsola/katalog/karty/{SLUG}/")
    use_language(browser, card_page, "pl")
    browser.get(browser_server.portal("/konsola/katalog/karty/"))
    sign_in_at_provider(browser, catalogue_editor)
    assert heading(browser) == "Karty usług" or heading(browser) == "Service cards"
    looked_at(browser, "list")

    # The editor: every field of the card; one is changed, with a note.
    browser.get(browser_server.portal(f"/konsola/katalog/karty/{SLUG}/edycja/"))
    heading(browser)
    looked_at(browser, "editor")
    short = browser.find_element(By.ID, "id_short_description")
    short.clear()
    short.send_keys(NEW_TEXT)
    browser.find_element(By.ID, "id_change_note").send_keys("Odbiór w dowolnym urzędzie.")
    submit(browser, "form.card-editor button[type=submit]")

    # The diff: the new words inserted, the old ones deleted, announced without colour.
    assert browser.current_url.endswith("/zmiany/")
    inserted = " ".join(element.text for element in browser.find_elements(By.CSS_SELECTOR, ".card-diff ins"))
    assert "dowolnym urzędzie gminy" in inserted
    assert browser.find_elements(By.CSS_SELECTOR, ".card-diff del")
    looked_at(browser, "diff")

    submit(browser, f"form[action$='/{SLUG}/do-przegladu/'] button")
    browser.get(browser_server.portal(f"/konsola/katalog/karty/{SLUG}/publikuj/"))
    heading(browser)
    notice = browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert "2" in notice  # the two units offering the card
    looked_at(browser, "publish")
    submit(browser, "form.card-publish button[type=submit]")
    assert browser.current_url.endswith(f"/karty/{SLUG}/")
    looked_at(browser, "card")
    # The history names people by their e-mail addresses: long words that must not push the page sideways.
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

    # In English too: the card's page and its first version, read-only.
    version_page = browser_server.portal(f"/konsola/katalog/karty/{SLUG}/wersje/1/")
    use_language(browser, version_page, "en")
    browser.get(version_page)
    sign_in_at_provider(browser, catalogue_editor)
    assert heading(browser).endswith("version 1")
    check_page(browser, "en")
    browser.get(card_page)
    heading(browser)
    check_page(browser, "en")

    # A unit's page shows the published text at once.
    unit_card = browser_server.unit(UNIT_A["slug"], f"/uslugi/{SLUG}/")
    browser.get(unit_card)
    assert NEW_TEXT in browser.find_element(By.TAG_NAME, "main").text
