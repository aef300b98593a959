"""Notifications: only a genuine one, for this unit's session and amount, verified with the gateway, marks a
payment paid; duplicates, replays, forgeries, wrong amounts and other units' sessions change nothing."""

import json
import logging

import pytest
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.payments.models import Payment, PaymentStatus
from tests.support.letters import LUBICZ, TORUN
from tests.support.payments import configure_p24, filed_with_p24_fee, pay_on_gateway

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


@pytest.fixture
def paid(full_catalogue, client, unit_a, gateway, platform_http):
    """An application of Toruń whose fee was paid on the gateway (and verified)."""
    page = filed_with_p24_fee(client, unit_a, gateway, TORUN)
    pay_on_gateway(page)
    with tenant_context(unit_a):
        payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID
    return payment


@pytest.fixture
def awaiting(full_catalogue, client, unit_a, gateway, platform_http):
    """Paid on the gateway, but the notification was lost: the platform still awaits it."""
    page = filed_with_p24_fee(client, unit_a, gateway, TORUN)
    gateway.drop_next_notification()
    pay_on_gateway(page)
    with tenant_context(unit_a):
        payment = Payment.objects.get()
    assert payment.status == PaymentStatus.AWAITING
    return payment


def audit_count(unit):
    with tenant_context(unit):
        return AuditEntry.objects.count()


def unchanged(unit, payment):
    with tenant_context(unit):
        now = Payment.objects.get(pk=payment.pk)
    return (now.status, now.order_id, now.paid_at) == (payment.status, payment.order_id, payment.paid_at)


def test_duplicate_and_replayed_notifications_change_nothing(paid, unit_a, gateway):
    entries = audit_count(unit_a)
    assert gateway.replay_notification(paid.session_id) == 200
    assert gateway.replay_notification(paid.session_id) == 200
    assert unchanged(unit_a, paid) and audit_count(unit_a) == entries


def test_a_forged_signature_is_rejected_and_logged(awaiting, unit_a, gateway, caplog):
    with caplog.at_level(logging.WARNING, logger="shared_services.payments.services"):
        assert gateway.replay_notification(awaiting.session_id, changes={"sign": "0" * 96}, resign=False) == 400
    assert unchanged(unit_a, awaiting)
    assert any("rejected" in record.getMessage() and "sign" in record.getMessage() for record in caplog.records)


def test_a_changed_amount_with_the_old_signature_is_rejected(awaiting, unit_a, gateway):
    assert (
        gateway.replay_notification(awaiting.session_id, changes={"amount": 1, "originAmount": 1}, resign=False) == 400
    )
    assert unchanged(unit_a, awaiting)


def test_a_genuine_notification_with_another_amount_is_rejected(awaiting, unit_a, gateway, caplog):
    with caplog.at_level(logging.WARNING):
        assert gateway.replay_notification(awaiting.session_id, changes={"amount": 1, "originAmount": 1}) == 400
    assert unchanged(unit_a, awaiting)
    assert any("does not match" in record.getMessage() for record in caplog.records)


def test_another_merchant_or_point_of_sale_is_rejected(awaiting, unit_a, gateway):
    assert gateway.replay_notification(awaiting.session_id, changes={"merchantId": 999}) == 400
    assert gateway.replay_notification(awaiting.session_id, changes={"posId": 999}) == 400
    assert gateway.replay_notification(awaiting.session_id, changes={"currency": "EUR"}) == 400
    assert unchanged(unit_a, awaiting)


def test_an_unknown_session_is_rejected(awaiting, unit_a, gateway):
    assert gateway.replay_notification(awaiting.session_id, changes={"sessionId": "jst_0463011.nobody.1"}) == 400
    assert unchanged(unit_a, awaiting)


def test_a_payment_the_gateway_does_not_verify_stays_awaiting(awaiting, unit_a, gateway):
    # Genuinely signed, but for an order the gateway never had: verify fails, nothing is marked.
    assert gateway.replay_notification(awaiting.session_id, changes={"orderId": 42}) == 400
    assert unchanged(unit_a, awaiting)


def test_the_gateway_retries_an_unverified_notification_until_it_is_accepted(awaiting, unit_a, gateway):
    assert gateway.redeliver_unverified() == 1
    with tenant_context(unit_a):
        assert Payment.objects.get().status == PaymentStatus.PAID
    assert gateway.redeliver_unverified() == 0  # verified: no more retries


def test_another_units_endpoint_rejects_this_units_session(awaiting, unit_a, unit_b, gateway, platform_http):
    # Even if Lubicz used the same merchant account, Toruń's session is not in Lubicz's schema.
    configure_p24(unit_b, gateway)
    lubicz = f"http://{LUBICZ}:{platform_http.port}/platnosci/p24/status/"
    assert gateway.replay_notification(awaiting.session_id, to=lubicz) == 400
    assert unchanged(unit_a, awaiting)
    with tenant_context(unit_b):
        assert not Payment.objects.exists()


def test_a_unit_without_the_provider_rejects_notifications(awaiting, unit_a, gateway, platform_http):
    lubicz = f"http://{LUBICZ}:{platform_http.port}/platnosci/p24/status/"
    assert gateway.replay_notification(awaiting.session_id, to=lubicz) == 400


def test_notifications_from_addresses_not_allowed_are_rejected(awaiting, unit_a, gateway, settings):
    settings.PAYMENT_NOTIFICATION_ALLOWED_IPS = ["5.252.202.254", "5.252.202.255", "20.215.81.124"]
    assert gateway.replay_notification(awaiting.session_id) == 400
    assert unchanged(unit_a, awaiting)
    settings.PAYMENT_NOTIFICATION_ALLOWED_IPS = ["127.0.0.1"]
    assert gateway.replay_notification(awaiting.session_id) == 200


def test_garbage_is_rejected(client, unit_a, gateway, full_catalogue):
    configure_p24(unit_a, gateway)
    for body in (b"not json", b"[]", json.dumps({"sessionId": "x"}).encode()):
        response = client.post("/platnosci/p24/status/", body, content_type="application/json", HTTP_HOST=TORUN)
        assert response.status_code == 400
    assert client.get("/platnosci/p24/status/", HTTP_HOST=TORUN).status_code == 405
