"""A fee charged at filing: the payment is created with the application, the resident pays on the gateway's
page, the gateway's notification (over real HTTP) is verified, and the stored status is what every page
shows. Plus: no provider, pay at the office, a gateway that fails, resuming from the case pages."""

import re

import pytest
import requests
from django_tenants.utils import tenant_context

from shared_services.audit.selectors import audit_check
from shared_services.eforms.models import Submission
from shared_services.identity.access import StaffRole
from shared_services.inbox.models import Case, RegisterEntry
from shared_services.payments.models import Payment, PaymentStatus
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file
from tests.support.payments import FEE_GROSZE, configure_p24, set_fee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


def file_letter(client):
    return application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)


def status_of(page) -> str:
    return re.search(r'data-status="(\w+)"', page.content.decode()).group(1)


def payment_of_unit(unit) -> Payment:
    with tenant_context(unit):
        return Payment.objects.select_related("submission").get()


class TestPayingOnline:
    def test_filing_creates_the_payment_and_sends_the_resident_to_the_gateway(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        set_fee(unit_a)
        configure_p24(unit_a, gateway)
        response = file_letter(client)
        assert response.status_code == 302 and response["Location"].startswith(f"{gateway.base_url}/trnRequest/")
        payment = payment_of_unit(unit_a)
        assert (payment.status, payment.amount_grosze, payment.provider) == ("awaiting", FEE_GROSZE, "przelewy24")
        with tenant_context(unit_a):
            assert RegisterEntry.objects.get().submission == payment.submission  # filed all the same
            assert payment.session_id.startswith(unit_a.schema_name)

    def test_the_resident_pays_and_every_page_shows_paid(self, full_catalogue, client, unit_a, gateway, platform_http):
        set_fee(unit_a)
        configure_p24(unit_a, gateway)
        gateway_page = file_letter(client)["Location"]
        paid = requests.post(gateway_page, data={"action": "pay"}, allow_redirects=False, timeout=30)
        assert paid.status_code == 303
        return_path = paid.headers["Location"].split(TORUN, 1)[1]
        payment = payment_of_unit(unit_a)
        assert payment.status == PaymentStatus.PAID and payment.order_id > 2**31 and payment.paid_at
        [delivery] = gateway.deliveries
        assert delivery.status == 200 and gateway.transaction_of(payment.session_id).status == "verified"
        page = client.get(return_path, HTTP_HOST=TORUN)
        assert page.status_code == 200 and status_of(page) == "paid" and str(payment.order_id) in page.content.decode()
        # The resident went to the gateway before the confirmation: the access code waits on the return page.
        code = client.session[f"access_code:{payment.submission.reference}"]
        assert f'class="access-code">{code}<' in page.content.decode()
        assert f"/wnioski/{payment.submission.reference}/" in page.content.decode()
        confirmation = client.get(f"/wnioski/{payment.submission.reference}/", HTTP_HOST=TORUN).content.decode()
        assert "status-payment-paid" in confirmation and "payment-pay" not in confirmation and code in confirmation
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        inbox = client.get("/urzad/skrzynka/", HTTP_HOST=TORUN).content.decode()
        assert "status-payment-paid" in inbox
        with tenant_context(unit_a):
            case = Case.objects.get()
            assert not audit_check()
        detail = client.get(f"/urzad/sprawy/{case.pk}/", HTTP_HOST=TORUN).content.decode()
        assert "status-payment-paid" in detail and str(payment.order_id) in detail

    def test_the_return_alone_proves_nothing(self, full_catalogue, client, unit_a, gateway, platform_http):
        set_fee(unit_a)
        configure_p24(unit_a, gateway)
        gateway_page = file_letter(client)["Location"]
        cancelled = requests.post(gateway_page, data={"action": "cancel"}, allow_redirects=False, timeout=30)
        return_path = cancelled.headers["Location"].split(TORUN, 1)[1]
        page = client.get(return_path + "?status=success", HTTP_HOST=TORUN)
        assert status_of(page) == "awaiting" and not gateway.deliveries
        assert payment_of_unit(unit_a).status == PaymentStatus.AWAITING

    def test_an_abandoned_payment_is_resumed_from_my_case_and_paid(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        set_fee(unit_a)
        configure_p24(unit_a, gateway)
        file_letter(client)  # the resident closes the gateway's tab
        payment = payment_of_unit(unit_a)
        case_page = client.get(f"/wnioski/{payment.submission.reference}/sprawa/", HTTP_HOST=TORUN).content.decode()
        assert f"/platnosci/{payment.public_id}/zaplac/" in case_page
        resumed = client.post(f"/platnosci/{payment.public_id}/zaplac/", HTTP_HOST=TORUN)
        assert resumed["Location"].startswith(f"{gateway.base_url}/trnRequest/")
        requests.post(resumed["Location"], data={"action": "pay"}, allow_redirects=False, timeout=30)
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.PAID and payment.attempts == 2
        assert len(payment.earlier_session_ids) == 1

    def test_the_access_code_page_shows_the_fee_and_lets_anyone_with_the_code_pay(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        set_fee(unit_a)
        configure_p24(unit_a, gateway)
        file_letter(client)
        code = client.session[f"access_code:{payment_of_unit(unit_a).submission.reference}"]
        payment = payment_of_unit(unit_a)
        client.cookies.clear()  # another browser, with only the code
        assert client.post(f"/platnosci/{payment.public_id}/zaplac/", HTTP_HOST=TORUN).status_code == 404
        page = client.post("/sprawa/", {"code": code}, HTTP_HOST=TORUN).content.decode()
        assert "status-payment-awaiting" in page and f"/platnosci/{payment.public_id}/zaplac/" in page
        resumed = client.post(f"/platnosci/{payment.public_id}/zaplac/", HTTP_HOST=TORUN)
        assert resumed["Location"].startswith(gateway.base_url)
        # Back from the gateway, a visitor with the code is led to the case, not to the filer's confirmation.
        status_page = client.get(f"/platnosci/{payment.public_id}/", HTTP_HOST=TORUN).content.decode()
        assert 'href="/sprawa/"' in status_page and f"/wnioski/{payment.submission.reference}/" not in status_page

    def test_a_failing_gateway_loses_nothing(self, full_catalogue, client, unit_a, gateway, platform_http):
        set_fee(unit_a)
        configure_p24(unit_a, gateway, api_key="not-the-key")
        response = file_letter(client)
        payment = payment_of_unit(unit_a)
        assert response["Location"] == f"/platnosci/{payment.public_id}/"
        page = client.get(response["Location"], HTTP_HOST=TORUN)
        assert status_of(page) == "awaiting" and f"/platnosci/{payment.public_id}/zaplac/" in page.content.decode()
        with tenant_context(unit_a):
            assert Submission.objects.count() == 1 and RegisterEntry.objects.count() == 1


class TestWithoutOnlinePayment:
    def test_without_any_setup_the_fee_is_kept_as_filed_and_paid_at_the_office(self, full_catalogue, client, unit_a):
        set_fee(unit_a)
        response = file_letter(client)
        assert response["Location"].startswith("/wnioski/")
        payment = payment_of_unit(unit_a)
        assert (payment.provider, payment.status, payment.amount_grosze) == (
            "office",
            PaymentStatus.AWAITING,
            FEE_GROSZE,
        )
        set_fee(unit_a, 9900)  # the unit raises the fee later: what this application owes does not change
        page = client.get(response["Location"], HTTP_HOST=TORUN).content.decode()
        assert "payment-heading" in page and "17,50" in page and "99,00" not in page and "w urzędzie" in page

    def test_a_free_service_has_no_payment(self, full_catalogue, client, unit_a, gateway):
        set_fee(unit_a, 0)
        configure_p24(unit_a, gateway)
        assert file_letter(client)["Location"].startswith("/wnioski/")
        with tenant_context(unit_a):
            assert not Payment.objects.exists()

    def test_pay_at_the_office_is_marked_paid_by_a_clerk(self, full_catalogue, client, unit_a):
        from shared_services.payments.models import ProviderConfig

        set_fee(unit_a)
        with tenant_context(unit_a):
            ProviderConfig.objects.create(provider="office", enabled=True, options={"instructions": "Kasa, pok. 5"})
        confirmation = file_letter(client)["Location"]
        assert confirmation.startswith("/wnioski/")
        assert "Kasa, pok. 5" in client.get(confirmation, HTTP_HOST=TORUN).content.decode()  # the office's own words
        payment = payment_of_unit(unit_a)
        assert payment.provider == "office" and payment.status == PaymentStatus.AWAITING
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        response = client.post(f"/urzad/platnosci/{payment.public_id}/oplacono/", HTTP_HOST=TORUN)
        assert response.status_code == 302
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.PAID
