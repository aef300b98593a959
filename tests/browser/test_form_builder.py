"""The form builder in a real browser: an operator gives a standard form a new version with a condition and a PESEL
field, the preview refuses a wrong PESEL as the residents' form does, the version is published, and a resident of
Toruń (whose cards use that form) files through it; a unit administrator builds a form for an own service the same
way, and a resident files through that. Every page is checked with axe and for its structure.

Buttons are found by their action (`value`), not their words, so the test holds in any language.
"""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from onboarding.models import OperatorAction, OperatorActionKind
from shared_services.catalogue.models import StandardForm
from shared_services.eforms.models import Submission, UnitForm
from shared_services.identity.access import StaffRole
from tenants.models import Tenant
from tests.browser.conftest import check_page, next_page_loaded, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account

pytestmark = pytest.mark.browser

OPERATOR = "operator.kreator"
ADMIN = "admin.kreator"
WRONG_PESEL, RIGHT_PESEL = "44051401459", "44051401458"
CARD_FORM = "/uslugi/zaswiadczenie-o-zameldowaniu/wniosek/"  # a card Toruń adopted, with the form pismo-ogolne


@pytest.fixture(scope="module")
def accounts(committed_catalogue, django_db_blocker):
    with django_db_blocker.unblock():
        kc_account(OPERATOR, operator=True)
        kc_account(ADMIN, unit_roles={UNIT_A["slug"]: StaffRole.UNIT_ADMIN})
        try:
            yield
        finally:
            connection.set_schema_to_public()
            OperatorAction.objects.filter(action=OperatorActionKind.FORM_PUBLISH).delete()
            # The unit's forms, and what was filed with them (the module's end empties the rest).
            with tenant_context(Tenant.objects.get(code=UNIT_A["code"])), connection.cursor() as cursor:
                cursor.execute("TRUNCATE eforms_unitform CASCADE")
            connection.set_schema_to_public()


def press(browser, action: str):
    """Click the builder's button for `action` and wait for the page it leads to."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, f'button[name="action"][value="{action}"]').click()
    next_page_loaded(browser, page)


def field_add(browser, kind: str, **settings):
    """Add a field of `kind` with the builder's own form, fill in its settings (ids of the field form without
    the prefix; True ticks a box, a select is chosen by value) and save it; its name."""
    Select(browser.find_element(By.ID, "id_add-kind")).select_by_value(kind)
    press(browser, "add")
    save = browser.find_element(By.CSS_SELECTOR, 'button[value^="save_field:"]')
    check_page(browser)
    for key, value in settings.items():
        element = browser.find_element(By.ID, f"id_field-{key}")
        if value is True:
            if not element.is_selected():
                element.click()
        elif element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)
    if "condition_field" not in settings:  # the live preview (htmx) shows the label as typed, before saving
        WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda driver: settings["label"] in driver.find_element(By.ID, "builder-preview").text
        )
    name = settings.get("name") or save.get_attribute("value").split(":", 1)[1]
    press(browser, save.get_attribute("value"))
    assert browser.find_elements(By.CSS_SELECTOR, f'button[value="edit:{name}"]'), browser.page_source[:3000]
    return name


def preview_send(browser, answers: dict) -> str:
    """Fill in the preview (True ticks, a value of a radio button chooses it) and send it; the preview's text."""
    preview = browser.find_element(By.ID, "builder-preview-form")
    for name, value in answers.items():
        if value is True:
            box = preview.find_element(By.ID, f"id_{name}")
            if not box.is_selected():
                box.click()
        elif isinstance(value, tuple):
            preview.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value[0]}"]').click()
        else:
            control = preview.find_element(By.ID, f"id_{name}")
            control.clear()
            control.send_keys(value)
    press(browser, "preview")
    return browser.find_element(By.CLASS_NAME, "builder-preview").text


def resident_files(browser, url: str, answers: dict) -> str:
    """A visitor fills in the residents' form at `url`, checks the answers and sends them; the filing's number."""
    browser.get(url)
    wait_for(browser, expected_conditions.element_to_be_clickable((By.NAME, "check_answers")))
    check_page(browser)
    for name, value in answers.items():
        if value is True:
            browser.find_element(By.ID, f"id_{name}").click()
        elif isinstance(value, tuple):
            browser.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value[0]}"]').click()
        else:
            browser.find_element(By.ID, f"id_{name}").send_keys(value)
    browser.find_element(By.NAME, "check_answers").click()
    wait_for(browser, expected_conditions.title_contains("Sprawdź dane"))
    browser.find_element(By.XPATH, "//button[normalize-space()='Wyślij wniosek']").click()
    wait_for(browser, expected_conditions.title_contains("Wniosek przyjęty"))
    check_page(browser)
    return browser.find_element(By.CSS_SELECTOR, "dl.facts code").text


def test_an_operator_gives_a_standard_form_a_pesel_field_on_a_condition(browser, browser_server, accounts):
    before = StandardForm.objects.get(slug="pismo-ogolne").current.number
    builder_url = browser_server.portal("/konsola/formularze/pismo-ogolne/")
    use_language(browser, builder_url, "pl")
    browser.get(builder_url)
    sign_in_at_provider(browser, OPERATOR)
    wait_for(browser, expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, 'button[value="add"]')))
    check_page(browser)

    other = field_add(browser, "yes_no", label="Piszę w imieniu innej osoby", name="w_imieniu")
    field_add(
        browser,
        "pesel",
        label="PESEL osoby, w której imieniu piszę",
        name="pesel_osoby",
        required=True,
        condition_field=other,
        condition_equals="tak",
    )
    check_page(browser)
    # The preview is the residents' form: with the box ticked the PESEL is needed, and a wrong one is refused.
    base = {
        "imie": "Anna",
        "nazwisko": "Kowalska",
        "ulica": "ul. Szeroka 1",
        "kod_pocztowy": "87-100",
        "miejscowosc": "Toruń",
        "email": "anna@example.pl",
        "tytul": "Zaświadczenie",
        "tresc": "Proszę o zaświadczenie.",
    }
    text = preview_send(browser, {**base, other: True, "pesel_osoby": WRONG_PESEL})
    assert "Cyfra kontrolna numeru PESEL się nie zgadza" in text
    check_page(browser)
    text = preview_send(browser, {"pesel_osoby": RIGHT_PESEL})
    assert "Cyfra kontrolna" not in text

    press(browser, "publish")
    wait_for(browser, expected_conditions.url_contains("/konsola/formularze/"))
    check_page(browser)
    assert StandardForm.objects.get(slug="pismo-ogolne").current.number == before + 1
    assert OperatorAction.objects.filter(action=OperatorActionKind.FORM_PUBLISH, details__slug="pismo-ogolne").exists()

    # A resident of Toruń files through the new version at once.
    number = resident_files(
        browser,
        browser_server.unit(UNIT_A["slug"], CARD_FORM),
        {**base, other: True, "pesel_osoby": RIGHT_PESEL},
    )
    with tenant_context(Tenant.objects.get(code=UNIT_A["code"])):
        submission = Submission.objects.get(reference=number)
        assert submission.data["pesel_osoby"] == RIGHT_PESEL and submission.data["w_imieniu"] is True
        assert submission.standard_form_version.number == before + 1


def test_a_unit_administrator_builds_a_form_for_an_own_service(browser, browser_server, accounts):
    builder_url = browser_server.unit(UNIT_A["slug"], "/urzad/formularze/nowy/kreator/")
    use_language(browser, builder_url, "pl")
    browser.get(builder_url)
    sign_in_at_provider(browser, ADMIN)
    wait_for(browser, expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, 'button[value="add"]')))
    check_page(browser)
    browser.find_element(By.ID, "id_meta-title").send_keys("Wniosek o wynajem sali")
    browser.find_element(By.ID, "id_meta-slug").send_keys("wynajem-sali")
    who = field_add(
        browser,
        "choice",
        label="Kto wynajmuje",
        name="kto",
        choices="osoba | Osoba prywatna\nfirma | Firma",
        required=True,
    )
    field_add(
        browser, "pesel", label="PESEL", name="pesel", required=True, condition_field=who, condition_equals="osoba"
    )
    field_add(browser, "nip", label="NIP", name="nip", required=True, condition_field=who, condition_equals="firma")
    field_add(browser, "email", label="Adres e-mail", name="email", required=True)
    check_page(browser)

    text = preview_send(browser, {who: ("osoba",), "pesel": WRONG_PESEL, "email": "jan@example.pl"})
    assert "Cyfra kontrolna numeru PESEL się nie zgadza" in text
    check_page(browser)

    press(browser, "publish")
    wait_for(browser, expected_conditions.url_contains("/urzad/formularze/"))
    check_page(browser)
    unit = Tenant.objects.get(code=UNIT_A["code"])
    with tenant_context(unit):
        unit_form = UnitForm.objects.get(slug="wynajem-sali")
        assert unit_form.current.layout["show_when"]["pesel"] == {"field": "kto", "equals": "osoba"}
    connection.set_schema_to_public()

    # The administrator offers an own service with the new form.
    browser.get(browser_server.unit(UNIT_A["slug"], "/urzad/uslugi-wlasne/nowa/"))
    name = wait_for(browser, expected_conditions.element_to_be_clickable((By.ID, "id_name")))
    name.send_keys("Wynajem sali")
    browser.find_element(By.ID, "id_slug").send_keys("wynajem-sali")
    browser.find_element(By.ID, "id_short_description").send_keys("Sala na spotkania mieszkańców.")
    Select(browser.find_element(By.ID, "id_unit_form")).select_by_visible_text("Wniosek o wynajem sali")
    page = browser.find_element(By.TAG_NAME, "html")
    name.submit()
    next_page_loaded(browser, page)

    number = resident_files(
        browser,
        browser_server.unit(UNIT_A["slug"], "/uslugi-lokalne/wynajem-sali/wniosek/"),
        {who: ("osoba",), "pesel": RIGHT_PESEL, "email": "jan@example.pl"},
    )
    with tenant_context(unit):
        submission = Submission.objects.get(reference=number)
        assert submission.data == {"kto": "osoba", "pesel": RIGHT_PESEL, "email": "jan@example.pl"}
