"""A resident, in a real browser, goes from a unit's home page through search and the service card to a filed
application; every page on the way meets WCAG 2.1 AA (axe-core) and has a sound structure.

The catalogue and the units' offers are committed for this module (the server process sees committed rows
only) and removed afterwards, so the rest of the suite finds an empty catalogue as before.
"""

import pytest
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions

from shared_services.eforms.models import Submission
from shared_services.inbox.models import Case
from tenants.models import Tenant
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A, UNIT_B

pytestmark = pytest.mark.browser


def test_a_resident_finds_a_service_and_files_an_application(browser, browser_server, committed_catalogue):
    home = browser_server.unit(UNIT_A["slug"])
    use_language(browser, home, "pl")
    browser.get(home)
    check_page(browser)

    search = browser.find_element(By.ID, "search-query")
    search.send_keys("informacja publiczna")  # typed without diacritics, as residents often do
    search.send_keys(Keys.ENTER)
    result = wait_for(
        browser,
        expected_conditions.element_to_be_clickable((By.LINK_TEXT, "Udostępnienie informacji publicznej na wniosek")),
    )
    check_page(browser)
    result.click()

    wait_for(browser, expected_conditions.title_contains("Udostępnienie informacji publicznej"))
    check_page(browser)
    browser.find_element(By.LINK_TEXT, "Złóż wniosek przez internet").click()

    submit = wait_for(browser, expected_conditions.element_to_be_clickable((By.NAME, "check_answers")))
    assert "Wniosek jest bezpłatny." in browser.find_element(By.CLASS_NAME, "fee-before-filing").text
    check_page(browser)
    address = browser.find_element(By.ID, "id_adres_pocztowy")
    assert not address.is_displayed()  # shown only when the reply goes by post (enhance.js)
    submit.click()  # nothing filled in: the error summary lists what is missing
    summary = wait_for(browser, expected_conditions.visibility_of_element_located((By.CLASS_NAME, "error-summary")))
    assert "To pole jest wymagane." in summary.text
    check_page(browser)

    browser.find_element(By.ID, "id_email").send_keys("mieszkanka@example.pl")
    browser.find_element(By.ID, "id_zakres").send_keys("Proszę o rejestr umów zawartych w 2025 roku.")
    browser.find_element(By.CSS_SELECTOR, 'input[name="sposob"][value="poczta"]').click()
    address = browser.find_element(By.ID, "id_adres_pocztowy")
    assert address.is_displayed()
    address.send_keys("ul. Szeroka 1, 87-100 Toruń")
    browser.find_element(By.NAME, "check_answers").click()

    # Check your answers: labels and values as typed; "Popraw" goes back with everything kept.
    wait_for(browser, expected_conditions.title_contains("Sprawdź dane"))
    check_page(browser)
    answers = browser.find_element(By.CSS_SELECTOR, "dl.check-answers").text
    assert "Proszę o rejestr umów zawartych w 2025 roku." in answers and "sposob" not in answers
    browser.find_element(By.LINK_TEXT, "Popraw").click()
    email = wait_for(browser, expected_conditions.visibility_of_element_located((By.ID, "id_email")))
    assert email.get_attribute("value") == "mieszkanka@example.pl"
    assert browser.find_element(By.ID, "id_adres_pocztowy").is_displayed()  # the condition holds again
    browser.find_element(By.NAME, "check_answers").click()
    wait_for(browser, expected_conditions.title_contains("Sprawdź dane"))
    browser.find_element(By.XPATH, "//button[normalize-space()='Wyślij wniosek']").click()

    wait_for(browser, expected_conditions.title_contains("Wniosek przyjęty"))
    check_page(browser)
    number = browser.find_element(By.CSS_SELECTOR, "dl.facts code").text
    with tenant_context(Tenant.objects.get(code=UNIT_A["code"])):
        submission = Submission.objects.get(reference=number)
    assert submission.data == {
        "email": "mieszkanka@example.pl",
        "zakres": "Proszę o rejestr umów zawartych w 2025 roku.",
        "sposob": "poczta",
        "adres_pocztowy": "ul. Szeroka 1, 87-100 Toruń",
    }
    with tenant_context(Tenant.objects.get(code=UNIT_B["code"])):
        assert not Submission.objects.filter(reference=number).exists()
    # The confirmation is this browser's: another unit's subdomain does not show it.
    browser.get(browser_server.unit(UNIT_B["slug"], f"/wnioski/{number}/"))
    assert browser.title == "Nie znaleziono strony"  # the 404 page (404.html), nothing of the confirmation
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nie znaleziono strony"
    assert number not in browser.find_element(By.TAG_NAME, "main").text


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/kategorie/podatki-i-oplaty/",
        "/sytuacje-zyciowe/przeprowadzka/",
        "/uslugi/zezwolenie-na-sprzedaz-napojow-alkoholowych/",
        "/uslugi/zezwolenie-na-sprzedaz-napojow-alkoholowych/wniosek/",
        "/uslugi/podatek-od-nieruchomosci/wniosek/",
        "/szukaj/?q=podatek",
        "/sprawa/",
    ],
)
def test_resident_pages_with_the_catalogue_are_accessible(browser, browser_server, committed_catalogue, path, language):
    url = browser_server.unit(UNIT_A["slug"], path)
    use_language(browser, url, language)
    browser.get(url)
    check_page(browser, language)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_check_page_is_accessible(browser, browser_server, committed_catalogue, language):
    form = browser_server.unit(UNIT_A["slug"], "/uslugi/dostep-do-informacji-publicznej/wniosek/")
    use_language(browser, form, language)
    browser.get(form)
    browser.find_element(By.ID, "id_email").send_keys("mieszkanka@example.pl")
    browser.find_element(By.ID, "id_zakres").send_keys("Rejestr umów.")
    browser.find_element(By.CSS_SELECTOR, 'input[name="sposob"][value="email"]').click()
    browser.find_element(By.NAME, "check_answers").click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "dl.check-answers")))
    assert browser.current_url.endswith("/wniosek/sprawdz/")
    check_page(browser, language)


@pytest.mark.parametrize("path", ["/szukaj/?q=dowod+osobisty", "/", "/upo/weryfikacja/", "/upo/certyfikaty/"])
def test_regional_portal_pages_with_the_catalogue_are_accessible(browser, browser_server, committed_catalogue, path):
    url = browser_server.portal(path)
    use_language(browser, url, "pl")
    browser.get(url)
    check_page(browser)


def test_high_contrast_and_largest_text_are_accessible_and_persist(browser, browser_server, committed_catalogue):
    url = browser_server.unit(UNIT_A["slug"], "/uslugi/wydanie-dowodu-osobistego/")
    use_language(browser, url, "pl")
    browser.get(url)
    normal_size = browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    browser.find_element(By.CSS_SELECTOR, 'button[name="contrast"][value="high"]').click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "body.contrast-high")))
    browser.find_element(By.CSS_SELECTOR, 'button[name="text_size"][value="largest"]').click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "body.text-largest")))
    assert browser.current_url == url  # back on the same page
    browser.get(browser_server.unit(UNIT_A["slug"], "/"))  # the choice persists on the next page
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("class") == "text-largest contrast-high"
    assert browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)") > normal_size
    check_page(browser)


def test_office_screens_are_accessible(browser, browser_server, committed_catalogue):
    office = browser_server.unit(UNIT_A["slug"], "/urzad/")
    use_language(browser, office, "pl")
    browser.get(office)
    sign_in_at_provider(browser, "urzednik.journey")
    wait_for(browser, expected_conditions.presence_of_element_located((By.CLASS_NAME, "console-nav")))
    with tenant_context(Tenant.objects.get(code=UNIT_A["code"])):
        case_ids = list(Case.objects.values_list("pk", flat=True))
    assert case_ids, "the journey's application should have opened a case"
    for path in (
        "/urzad/",
        "/urzad/uslugi/",
        "/urzad/uslugi/wydanie-dowodu-osobistego/",
        "/urzad/uslugi-wlasne/nowa/",
        "/urzad/formularze/",
        "/urzad/formularze/nowy/",
        "/urzad/wyglad/",
        "/urzad/wnioski/",
        "/urzad/skrzynka/",
        "/urzad/skrzynka/?overdue=on",
        "/urzad/rejestr/",
        f"/urzad/sprawy/{case_ids[0]}/",
        "/urzad/pracownicy/",
        "/urzad/api/",
    ):
        browser.get(browser_server.unit(UNIT_A["slug"], path))
        assert "Zaloguj" not in browser.title, path
        check_page(browser)
