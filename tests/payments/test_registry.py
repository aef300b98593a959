"""Providers behind the registry: a provider named only in settings.PAYMENT_PROVIDERS collects fees and gets
its notification address platnosci/<provider>/<kind>/ without a line in urls.py; unknown providers and kinds
are 404; Przelewy24's addresses from before that route (platnosci/p24/status/ and /zwroty/) still confirm
payments and refunds registered with them."""

import urllib.parse

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django_tenants.utils import tenant_context

from infra.devservices.devp24.server import _post_json
from shared_services.identity.access import StaffRole
from shared_services.payments import registry
from shared_services.payments.checkout import status_url
from shared_services.payments.models import Payment, PaymentStatus, ProviderConfig, Refund, RefundStatus
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file
from tests.support.payments import FEE_GROSZE, EchoProvider, filed_with_p24_fee, pay_on_gateway, set_fee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


ECHO = "tests.support.payments.EchoProvider"


def payment_of(unit) -> Payment:
    with tenant_context(unit):
        return Payment.objects.get()


def test_a_provider_named_only_in_the_setting_collects_fees_and_gets_its_notification_route(
    full_catalogue, client, unit_a
):
    set_fee(unit_a)
    EchoProvider.started.clear()
    with override_settings(PAYMENT_PROVIDERS=[*django_settings.PAYMENT_PROVIDERS, ECHO]):
        with tenant_context(unit_a):
            ProviderConfig.objects.create(provider="echo", enabled=True, options={"secret": "s3"})
        filed = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)
        payment = payment_of(unit_a)
        assert (payment.provider, payment.status) == ("echo", PaymentStatus.AWAITING)
        assert filed.status_code == 302 and filed["Location"] == f"https://echo.invalid/pay/{payment.session_id}"
        [started] = EchoProvider.started
        address = urllib.parse.urlsplit(started["status_url"])
        assert (address.hostname, address.path) == (TORUN, "/platnosci/echo/payment/")

        notification = {"session": payment.session_id, "order": 7, "amount": FEE_GROSZE}
        forged = client.post(
            address.path, {**notification, "secret": "guess"}, content_type="application/json", HTTP_HOST=TORUN
        )
        assert forged.status_code == 400 and payment_of(unit_a).status == PaymentStatus.AWAITING
        # A kind the provider does not send has no address.
        assert (
            client.post("/platnosci/echo/refund/", {}, content_type="application/json", HTTP_HOST=TORUN).status_code
            == 404
        )
        response = client.post(
            address.path, {**notification, "secret": "s3"}, content_type="application/json", HTTP_HOST=TORUN
        )
        assert (response.status_code, response.json()) == (200, {"status": "paid"})
        payment = payment_of(unit_a)
        assert (payment.status, payment.order_id) == (PaymentStatus.PAID, 7)
    # Out of the setting, out of the registry: its address is gone too (and nothing else changed).
    assert "echo" not in [plugin.key for plugin in registry.providers()]
    assert (
        client.post(
            "/platnosci/echo/payment/",
            {**notification, "secret": "s3"},
            content_type="application/json",
            HTTP_HOST=TORUN,
        ).status_code
        == 404
    )


def test_unknown_providers_and_kinds_are_not_found(client, unit_a):
    for path in (
        "/platnosci/nobody/payment/",
        "/platnosci/przelewy24/status/",
        "/platnosci/przelewy24/nothing/",
        # The office sends no notifications: no address (it used to fail with a KeyError).
        "/platnosci/office/payment/",
        "/platnosci/office/refund/",
        "/platnosci/p24/payment/",
    ):
        assert client.post(path, b"{}", content_type="application/json", HTTP_HOST=TORUN).status_code == 404, path
    with tenant_context(unit_a):
        with pytest.raises(ValueError, match="office"):
            status_url("office")
        with pytest.raises(LookupError):
            status_url("nobody")


def test_a_fee_paid_at_the_office_cannot_be_sent_online(full_catalogue, client, unit_a):
    set_fee(unit_a)
    confirmation = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"]
    payment = payment_of(unit_a)
    assert payment.provider == "office" and f"/wnioski/{payment.submission.reference}/" in confirmation
    response = client.post(f"/platnosci/{payment.public_id}/zaplac/", HTTP_HOST=TORUN)
    assert (response.status_code, response["Location"]) == (302, f"/platnosci/{payment.public_id}/")
    assert payment_of(unit_a).status == PaymentStatus.AWAITING


def test_the_registry_refuses_a_broken_setting():
    before = [plugin.key for plugin in registry.providers()]
    for paths in (["shared_services.payments.contrib.nothing.plugin.Provider"], ["json.loads"], [ECHO, ECHO]):
        with pytest.raises(ImproperlyConfigured):
            registry.providers_load(paths)
    assert [plugin.key for plugin in registry.providers()] == before == ["office", "przelewy24"]


class TestPrzelewy24Addresses:
    def test_new_payments_and_refunds_are_notified_at_the_generic_route(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        page = filed_with_p24_fee(client, unit_a, gateway, TORUN)
        pay_on_gateway(page)
        payment = payment_of(unit_a)
        [delivery] = gateway.deliveries
        assert urllib.parse.urlsplit(delivery.url).path == "/platnosci/przelewy24/payment/"
        assert delivery.status == 200 and payment.status == PaymentStatus.PAID
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        client.post(f"/urzad/platnosci/{payment.public_id}/zwrot/", {"refund-amount": "1,00"}, HTTP_HOST=TORUN)
        [(url, _body)] = gateway.pending
        assert urllib.parse.urlsplit(url).path == "/platnosci/przelewy24/refund/"
        assert gateway.deliver_pending() == 1
        with tenant_context(unit_a):
            assert Refund.objects.get().status == RefundStatus.DONE

    def test_a_payment_registered_with_the_old_address_is_still_confirmed(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        page = filed_with_p24_fee(client, unit_a, gateway, TORUN)
        gateway.drop_next_notification()
        pay_on_gateway(page)
        payment = payment_of(unit_a)
        assert payment.status == PaymentStatus.AWAITING
        # As if registered before platnosci/<provider>/<kind>/: Przelewy24 retries at the urlStatus it was given.
        old = f"http://{TORUN}:{platform_http.port}/platnosci/p24/status/"
        gateway.transaction_of(payment.session_id).register["urlStatus"] = old
        assert gateway.redeliver_unverified() == 1
        assert (gateway.deliveries[-1].url, gateway.deliveries[-1].status) == (old, 200)
        payment = payment_of(unit_a)
        assert payment.status == PaymentStatus.PAID and gateway.transaction_of(payment.session_id).status == "verified"
        assert gateway.replay_notification(payment.session_id) == 200  # a duplicate, now at either address
        assert payment_of(unit_a).paid_at == payment.paid_at

    def test_a_refund_requested_with_the_old_address_is_still_completed(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        page = filed_with_p24_fee(client, unit_a, gateway, TORUN)
        pay_on_gateway(page)
        payment = payment_of(unit_a)
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        client.post(f"/urzad/platnosci/{payment.public_id}/zwrot/", {"refund-amount": "2,50"}, HTTP_HOST=TORUN)
        [(_url, body)] = gateway.pending
        gateway.pending.clear()
        old = f"http://{TORUN}:{platform_http.port}/platnosci/p24/zwroty/"
        assert _post_json(old, body) == 200
        with tenant_context(unit_a):
            assert Refund.objects.get().status == RefundStatus.DONE
            assert Payment.objects.get().refunded_grosze == 250
