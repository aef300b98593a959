"""Reconciliation of lost notifications and expired payments, and refunds from the office's case page."""

import pytest
import requests
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole
from shared_services.payments.models import Payment, PaymentStatus, ProviderConfig, Refund, RefundStatus
from shared_services.payments.tasks import payments_reconcile_sweep
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file
from tests.support.payments import FEE_GROSZE, configure_p24, set_fee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


def file_and_go(client, unit, gateway, *, action="pay", lose_notification=False):
    set_fee(unit)
    configure_p24(unit, gateway)
    page = application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"]
    if lose_notification:
        gateway.drop_next_notification()
    if action:
        requests.post(page, data={"action": action}, allow_redirects=False, timeout=30)
    with tenant_context(unit):
        return Payment.objects.get()


def current(unit, payment):
    with tenant_context(unit):
        return Payment.objects.get(pk=payment.pk)


class TestReconciliation:
    def test_a_lost_notification_is_made_good(self, full_catalogue, client, unit_a, gateway, platform_http, settings):
        payment = file_and_go(client, unit_a, gateway, lose_notification=True)
        assert payment.status == PaymentStatus.AWAITING and not gateway.deliveries
        assert payments_reconcile_sweep() == {}  # not old enough yet
        settings.PAYMENT_RECONCILE_AFTER_SECONDS = 0
        assert payments_reconcile_sweep() == {"paid": 1}
        payment = current(unit_a, payment)
        assert payment.status == PaymentStatus.PAID and payment.order_id > 2**31
        assert gateway.transaction_of(payment.session_id).status == "verified"  # verified by reconciliation
        assert gateway.replay_notification(payment.session_id) == 200  # the late notification: a duplicate
        assert current(unit_a, payment).paid_at == payment.paid_at

    def test_an_unpaid_payment_expires_and_can_be_paid_again(
        self, full_catalogue, client, unit_a, gateway, platform_http, settings
    ):
        payment = file_and_go(client, unit_a, gateway, action=None)
        settings.PAYMENT_RECONCILE_AFTER_SECONDS = 0
        assert payments_reconcile_sweep() == {"awaiting": 1}
        settings.PAYMENT_EXPIRE_AFTER_SECONDS = 0
        assert payments_reconcile_sweep() == {"expired": 1}
        assert current(unit_a, payment).status == PaymentStatus.FAILED
        again = client.post(f"/platnosci/{payment.public_id}/zaplac/", HTTP_HOST=TORUN)["Location"]
        requests.post(again, data={"action": "pay"}, allow_redirects=False, timeout=30)
        assert current(unit_a, payment).status == PaymentStatus.PAID

    def test_an_unreachable_gateway_leaves_the_payment_awaiting(
        self, full_catalogue, client, unit_a, gateway, platform_http, settings
    ):
        payment = file_and_go(client, unit_a, gateway, action=None)
        configure_p24(unit_a, gateway, api_key="revoked")
        settings.PAYMENT_RECONCILE_AFTER_SECONDS = 0
        assert payments_reconcile_sweep() == {"unreachable": 1}
        assert current(unit_a, payment).status == PaymentStatus.AWAITING


class TestRefunds:
    def refund(self, client, payment, amount):
        return client.post(
            f"/urzad/platnosci/{payment.public_id}/zwrot/",
            {"refund-amount": amount, "refund-reason": "Nadpłata"},
            HTTP_HOST=TORUN,
        )

    def test_partial_then_full_refund_never_more_than_paid(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        payment = file_and_go(client, unit_a, gateway)
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        assert self.refund(client, payment, "5,00").status_code == 302
        with tenant_context(unit_a):
            refund = Refund.objects.get()
        assert (refund.amount_grosze, refund.status) == (500, RefundStatus.REQUESTED)
        self.refund(client, payment, "12,51")  # 12,50 is left once the requested 5,00 counts
        with tenant_context(unit_a):
            assert Refund.objects.count() == 1
        assert gateway.deliver_pending() == 1  # the gateway's refund notification
        refund.refresh_from_db()
        assert refund.status == RefundStatus.DONE and current(unit_a, payment).refunded_grosze == 500
        self.refund(client, payment, "12,50")
        gateway.deliver_pending()
        payment = current(unit_a, payment)
        assert payment.refunded_grosze == FEE_GROSZE and payment.refundable_grosze == 0
        assert "status-payment-paid" in client.get("/urzad/skrzynka/", HTTP_HOST=TORUN).content.decode()

    def test_refund_amounts_are_checked(self, full_catalogue, client, unit_a, gateway, platform_http):
        payment = file_and_go(client, unit_a, gateway)
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        for amount in ("0", "-1", "abc", "1,001", "17,51", "NaN"):
            self.refund(client, payment, amount)
        with tenant_context(unit_a):
            assert not Refund.objects.exists()

    def test_a_duplicate_or_forged_refund_notification_changes_nothing(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        from infra.devservices.devp24.server import _post_json

        payment = file_and_go(client, unit_a, gateway)
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        self.refund(client, payment, "1,00")
        [(url, body)] = list(gateway.pending)
        assert _post_json(url, {**body, "amount": 1750}) == 400  # sign no longer matches
        assert _post_json(url, {**body, "sign": "f" * 96}) == 400
        assert current(unit_a, payment).refunded_grosze == 0
        gateway.deliver_pending()
        assert _post_json(url, body) == 200  # a replay: already done
        assert current(unit_a, payment).refunded_grosze == 100

    def test_a_refund_that_never_reached_the_gateway_is_refused_and_can_be_asked_again(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        from tests.support.accounts import closed_port_url

        payment = file_and_go(client, unit_a, gateway)
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        with tenant_context(unit_a):  # nothing listens there: the request cannot leave
            config = ProviderConfig.objects.get(provider="przelewy24")
            config.options = {**config.options, "base_url_override": closed_port_url()}
            config.save()
        self.refund(client, payment, "17,50")
        with tenant_context(unit_a):
            assert list(Refund.objects.values_list("status", flat=True)) == [RefundStatus.REJECTED]
        configure_p24(unit_a, gateway)
        self.refund(client, payment, "17,50")
        assert gateway.deliver_pending() == 1
        assert current(unit_a, payment).refunded_grosze == FEE_GROSZE

    def test_a_refund_whose_notification_is_lost_is_settled_by_reconciliation(
        self, full_catalogue, client, unit_a, gateway, platform_http, settings
    ):
        payment = file_and_go(client, unit_a, gateway)
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        self.refund(client, payment, "5,00")
        gateway.pending.clear()  # the gateway refunded, but its notification never arrives
        with tenant_context(unit_a):
            assert Refund.objects.get().status == RefundStatus.REQUESTED
        self.refund(client, payment, "12,51")  # meanwhile the requested 5,00 still counts
        with tenant_context(unit_a):
            assert Refund.objects.count() == 1
        settings.PAYMENT_RECONCILE_AFTER_SECONDS = 0
        assert payments_reconcile_sweep() == {"refund_done": 1}
        with tenant_context(unit_a):
            assert Refund.objects.get().status == RefundStatus.DONE
        assert current(unit_a, payment).refunded_grosze == 500

    def test_a_refund_the_gateway_never_heard_of_is_refused_once_it_is_old(
        self, full_catalogue, client, unit_a, gateway, platform_http, settings
    ):
        payment = file_and_go(client, unit_a, gateway)
        with tenant_context(unit_a):  # as a request whose answer was lost before it reached the gateway
            refund = Refund.objects.create(
                payment=payment, amount_grosze=300, request_id="zagubiony", refunds_uuid="zagubiony"
            )
        settings.PAYMENT_RECONCILE_AFTER_SECONDS = 0
        assert payments_reconcile_sweep() == {"refund_requested": 1}  # not old enough to give up on
        settings.PAYMENT_EXPIRE_AFTER_SECONDS = 0
        assert payments_reconcile_sweep() == {"refund_rejected": 1}
        refund.refresh_from_db()
        assert refund.status == RefundStatus.REJECTED and current(unit_a, payment).refunded_grosze == 0

    def test_a_fee_paid_in_an_earlier_attempt_is_refunded_on_that_attempt(
        self, full_catalogue, client, unit_a, gateway, platform_http
    ):
        payment = file_and_go(client, unit_a, gateway, action=None)
        first_page = payment.redirect_url
        client.post(f"/platnosci/{payment.public_id}/zaplac/", HTTP_HOST=TORUN)  # a second attempt, left unpaid
        requests.post(first_page, data={"action": "pay"}, allow_redirects=False, timeout=30)  # the first tab pays
        payment = current(unit_a, payment)
        assert payment.status == PaymentStatus.PAID and payment.paid_session_id != payment.session_id
        assert payment.paid_session_id in payment.earlier_session_ids
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        self.refund(client, payment, "2,00")
        assert gateway.deliver_pending() == 1  # the gateway took it: order and session match
        assert current(unit_a, payment).refunded_grosze == 200

    def test_a_clerk_cannot_refund(self, full_catalogue, client, unit_a, gateway, platform_http):
        payment = file_and_go(client, unit_a, gateway)
        with tenant_context(unit_a):
            from shared_services.inbox.models import Case

            clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK)
            Case.objects.update(assignee=clerk)
        signed_in(client, unit_a, clerk)
        assert self.refund(client, payment, "1,00").status_code == 403
        with tenant_context(unit_a):
            assert not Refund.objects.exists()
