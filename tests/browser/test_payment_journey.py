"""A resident, in a real browser, files an application that carries a fee on Toruń's subdomain, is sent to the
development Przelewy24 gateway (infra/devservices/devp24), pays there and comes back to the platform's return page, which
shows the status stored from the gateway's verified notification; the office's data says paid as well. And:
the resident cancels at the gateway, the return page says awaiting payment and offers to resume; resumed and
paid, it says paid.

The catalogue (with a fee set on the ID card service in Toruń) and Toruń's Przelewy24 configuration are
committed for this module (the server process sees committed rows only) and removed afterwards, so the rest
of the suite finds empty tables as before.
"""

import urllib.parse

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from infra.devservices.devp24 import DevP24Server
from shared_services.eforms.models import Submission
from shared_services.payments.models import Payment, PaymentStatus, ProviderConfig
from shared_services.payments.services import provider_config_save
from tenants.models import Tenant
from tests.browser.conftest import check_page, committed_data_remove, use_language
from tests.conftest import UNIT_A, UNIT_B, catalogue_load_and_adopt
from tests.support.letters import FORM_URL, LETTER
from tests.support.payments import FEE_GROSZE, MERCHANT, set_fee

pytestmark = pytest.mark.browser

STATUS_PATH = "/platnosci/przelewy24/payment/"  # payments.urls: platnosci/<provider>/<kind>/


@pytest.fixture(scope="module")
def gateway(browser_server):
    server = DevP24Server(**MERCHANT).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def paying_unit(django_db_setup, django_db_blocker, gateway):
    """The seeded catalogue adopted by both units, a fee on Toruń's ID card service, and Toruń collecting fees
    with Przelewy24 (the development gateway), committed for this module. Yields Toruń."""
    with django_db_blocker.unblock():
        catalogue_load_and_adopt()
        units = list(Tenant.objects.filter(code__in=[UNIT_A["code"], UNIT_B["code"]]))
        torun = Tenant.objects.get(code=UNIT_A["code"])
        try:
            set_fee(torun, FEE_GROSZE)
            with tenant_context(torun):
                provider_config_save(
                    actor="test",
                    provider_key="przelewy24",
                    enabled=True,
                    options={
                        "merchant_id": MERCHANT["merchant_id"],
                        "pos_id": MERCHANT["pos_id"],
                        "environment": "sandbox",
                        "base_url_override": gateway.base_url,
                    },
                    secrets={"crc": MERCHANT["crc"], "api_key": MERCHANT["api_key"]},
                )
            connection.set_schema_to_public()
            yield torun
        finally:
            committed_data_remove(units)


def wait_for(browser, condition, seconds=20):
    try:
        return WebDriverWait(browser, seconds).until(condition)
    except TimeoutException:
        main = browser.find_elements(By.TAG_NAME, "main")
        pytest.fail(
            f"waited {seconds} s in vain on {browser.current_url} ({browser.title!r}): "
            f"{main[0].text[:600] if main else browser.page_source[:600]}"
        )


def file_application(browser, browser_server, gateway) -> str:
    """Fill in and file the ID card service's general letter on Toruń's subdomain; returns the gateway's
    token of the transaction the browser was sent to."""
    form = browser_server.unit(UNIT_A["slug"], FORM_URL)
    use_language(browser, form, "pl")
    browser.get(form)
    for name, value in LETTER.items():
        browser.find_element(By.ID, f"id_{name}").send_keys(value)
    # The fee is stated before anything is sent, on the form and again on the check page.
    assert "Opłatę wnosisz online przez Przelewy24" in browser.find_element(By.CLASS_NAME, "fee-before-filing").text
    browser.find_element(By.NAME, "check_answers").click()
    wait_for(browser, expected_conditions.title_contains("Sprawdź dane"))
    assert "17,50 zł" in browser.find_element(By.CLASS_NAME, "fee-before-filing").text
    browser.find_element(By.XPATH, "//button[normalize-space()='Wyślij wniosek']").click()
    return on_gateway_page(browser, gateway)


def on_gateway_page(browser, gateway) -> str:
    wait_for(browser, expected_conditions.url_contains(f"{gateway.base_url}/trnRequest/"))
    wait_for(browser, expected_conditions.element_to_be_clickable((By.ID, "pay")))
    token = urllib.parse.urlsplit(browser.current_url).path.removeprefix("/trnRequest/")
    assert token in gateway.transactions
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "17,50 PLN" in main and gateway.transactions[token].register["sessionId"] in main
    return token


def on_return_page(browser, browser_server, payment: Payment, status: str):
    """The platform's return page of `payment`, showing `status` (its data-status marker)."""
    wait_for(
        browser, expected_conditions.url_to_be(browser_server.unit(UNIT_A["slug"], f"/platnosci/{payment.public_id}/"))
    )
    marker = wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "payment-status")))
    assert marker.get_attribute("data-status") == status
    return marker


def payment_of(unit, session_id: str) -> Payment:
    with tenant_context(unit):
        return Payment.objects.select_related("submission__register_entry").get(session_id=session_id)


def test_a_resident_pays_the_fee_at_the_gateway_and_sees_it_paid(browser, browser_server, gateway, paying_unit):
    token = file_application(browser, browser_server, gateway)
    session_id = gateway.transactions[token].register["sessionId"]
    payment = payment_of(paying_unit, session_id)
    assert (payment.status, payment.amount_grosze, payment.provider) == (
        PaymentStatus.AWAITING,
        FEE_GROSZE,
        "przelewy24",
    )
    assert payment.submission.register_entry is not None  # filed before anything was paid
    assert session_id.startswith(f"{paying_unit.schema_name}.")
    check_page(browser, "en")  # the gateway's own page (the development stand-in, in English)

    browser.find_element(By.ID, "pay").click()
    marker = on_return_page(browser, browser_server, payment, "paid")
    assert "Opłacono." in marker.text and "17,50" in marker.text
    trn = gateway.transactions[token]
    assert str(trn.order_id) in browser.find_element(By.TAG_NAME, "main").text
    assert not browser.find_elements(By.CSS_SELECTOR, f'form[action$="/platnosci/{payment.public_id}/zaplac/"]')
    check_page(browser)

    # The gateway's notification went to Toruń's own endpoint, was accepted and verified.
    [delivery] = [d for d in gateway.deliveries if d.body.get("sessionId") == session_id]
    assert delivery.status == 200 and trn.status == "verified"
    status_url = urllib.parse.urlsplit(trn.register["urlStatus"])
    assert (status_url.hostname, status_url.port, status_url.path) == (
        f"{UNIT_A['slug']}.localhost",
        browser_server.port,
        STATUS_PATH,
    )
    # What the office sees: the payment is paid, with the gateway's order.
    payment = payment_of(paying_unit, session_id)
    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    assert (payment.order_id, payment.attempts, payment.statement) == (trn.order_id, 1, f"p24-DEV-{trn.order_id}")
    with tenant_context(Tenant.objects.get(code=UNIT_B["code"])):
        assert not Payment.objects.exists() and not ProviderConfig.objects.exists()

    # The application's confirmation, linked from the return page, shows the fee paid too.
    browser.find_element(By.CSS_SELECTOR, f'a[href$="/wnioski/{payment.submission.reference}/"]').click()
    label = wait_for(
        browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".status-payment-paid"))
    )
    assert label.text == "opłacono"


def test_a_resident_cancels_at_the_gateway_then_resumes_and_pays(browser, browser_server, gateway, paying_unit):
    first_token = file_application(browser, browser_server, gateway)
    first_session = gateway.transactions[first_token].register["sessionId"]
    payment = payment_of(paying_unit, first_session)

    browser.find_element(By.ID, "cancel").click()
    marker = on_return_page(browser, browser_server, payment, "awaiting")
    assert "Oczekuje na płatność." in marker.text
    resume = browser.find_element(By.CSS_SELECTOR, f'form[action$="/platnosci/{payment.public_id}/zaplac/"] button')
    assert resume.text == "Wznów płatność"
    check_page(browser)
    assert gateway.transactions[first_token].status == "cancelled"
    assert not [d for d in gateway.deliveries if d.body.get("sessionId") == first_session]
    with tenant_context(paying_unit):
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.AWAITING

    resume.click()
    second_token = on_gateway_page(browser, gateway)
    assert second_token != first_token
    second_session = gateway.transactions[second_token].register["sessionId"]
    browser.find_element(By.ID, "pay").click()
    marker = on_return_page(browser, browser_server, payment, "paid")
    assert "Opłacono." in marker.text
    assert not browser.find_elements(By.CSS_SELECTOR, f'form[action$="/platnosci/{payment.public_id}/zaplac/"]')
    check_page(browser)

    with tenant_context(paying_unit):
        payment = Payment.objects.get(pk=payment.pk)
        assert Submission.objects.filter(pk=payment.submission_id).exists()
    assert payment.status == PaymentStatus.PAID
    assert (payment.attempts, payment.session_id, payment.earlier_session_ids) == (2, second_session, [first_session])
    assert payment.order_id == gateway.transactions[second_token].order_id
    assert gateway.transactions[second_token].status == "verified"
