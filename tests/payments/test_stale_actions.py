"""The pay and refund actions for a payment they do not fit — a crafted POST, or a page left open while the
deployment changed — answer with the payment's page or the case page saying why, never a 500.

The 500 of issue 15 (item 3) came from building a notification address for a fee paid at the office, which
has none (payments: providers from PAYMENT_PROVIDERS, one notification route). What stayed of it: a payment
whose provider was later taken out of settings.PAYMENT_PROVIDERS made every page and action of it fail with
the registry's LookupError."""

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole
from shared_services.payments.models import Payment, PaymentStatus, ProviderConfig, Refund
from shared_services.payments.services import payments_reconcile_due
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file
from tests.support.payments import EchoProvider, set_fee

pytestmark = pytest.mark.django_db
CANNOT_REFUND = "Tej płatności nie można zwrócić przez internet."


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


class RetiringProvider(EchoProvider):
    """An online provider with refunds that the deployment stops naming after fees were paid with it."""

    key = "retiring"
    supports_refund = True
    webhook_kinds = ("payment", "refund")


def the_payment(unit) -> Payment:
    with tenant_context(unit):
        return Payment.objects.select_related("submission__register_entry__case").get()


def told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def refund(client, payment):
    return client.post(f"/urzad/platnosci/{payment.public_id}/zwrot/", {"refund-amount": "1,00"}, HTTP_HOST=TORUN)


def test_a_fee_paid_at_the_office_is_neither_paid_online_nor_refunded_online(full_catalogue, client, unit_a):
    set_fee(unit_a)
    application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)
    payment = the_payment(unit_a)
    assert payment.provider == "office"
    pay = client.post(f"/platnosci/{payment.public_id}/zaplac/", HTTP_HOST=TORUN)
    assert (pay.status_code, pay["Location"]) == (302, f"/platnosci/{payment.public_id}/")
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    client.post(f"/urzad/platnosci/{payment.public_id}/oplacono/", HTTP_HOST=TORUN)
    response = refund(client, payment)
    case_page = f"/urzad/sprawy/{payment.submission.register_entry.case.pk}/"
    assert (response.status_code, response["Location"]) == (302, case_page)
    assert told(response)[-1] == CANNOT_REFUND
    with tenant_context(unit_a):
        assert not Refund.objects.exists()


def test_a_payment_of_a_provider_taken_out_of_the_setting_still_has_its_pages(full_catalogue, client, unit_a, settings):
    set_fee(unit_a)
    with override_settings(PAYMENT_PROVIDERS=[*settings.PAYMENT_PROVIDERS, f"{__name__}.RetiringProvider"]):
        with tenant_context(unit_a):
            ProviderConfig.objects.create(provider="retiring", enabled=True)
        filed = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)
        assert filed["Location"].startswith("https://echo.invalid/pay/")
    payment = the_payment(unit_a)
    assert (payment.provider, payment.status, payment.attempts) == ("retiring", PaymentStatus.AWAITING, 1)

    # The resident: the page shows the stored status; paying again does not go anywhere online.
    page = client.get(f"/platnosci/{payment.public_id}/", HTTP_HOST=TORUN)
    assert page.status_code == 200 and 'data-status="awaiting"' in page.content.decode()
    pay = client.post(f"/platnosci/{payment.public_id}/zaplac/", HTTP_HOST=TORUN)
    assert (pay.status_code, pay["Location"]) == (302, f"/platnosci/{payment.public_id}/")
    assert the_payment(unit_a).attempts == 1

    # Reconciliation leaves it as it is, and goes on with the unit's other payments.
    settings.PAYMENT_RECONCILE_AFTER_SECONDS = 0
    with tenant_context(unit_a):
        assert payments_reconcile_due() == {"awaiting": 1}

    # The office: its case page, and a refund refused with the reason (it was paid before the provider left).
    with tenant_context(unit_a):
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.PAID, order_id=7)
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    case_page = client.get(f"/urzad/sprawy/{payment.submission.register_entry.case.pk}/", HTTP_HOST=TORUN)
    assert case_page.status_code == 200 and "retiring" in case_page.content.decode()
    response = refund(client, payment)
    assert response.status_code == 302 and told(response) == [CANNOT_REFUND]
    with tenant_context(unit_a):
        assert not Refund.objects.exists()
        # A refund requested while the provider was there: nobody to ask now, and the sweep goes on.
        Refund.objects.create(payment_id=payment.pk, amount_grosze=100, request_id="r-1", refunds_uuid="u-1")
        assert payments_reconcile_due() == {"provider_retired": 1}
        assert Refund.objects.get().status == "requested"
