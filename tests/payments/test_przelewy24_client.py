"""Przelewy24's sign rules (the published test vectors of mnastalski/przelewy24-php, Polish letters
included) and the client against the development gateway (infra/devservices/devp24)."""

import functools

import pytest
import requests

from infra.devservices.devp24 import start_dev_p24
from shared_services.payments.contrib.przelewy24.client import (
    NOTIFICATION_FIELDS,
    REFUND_NOTIFICATION_FIELDS,
    P24Error,
    Przelewy24Client,
    sign_matches,
    sign_of,
)
from tests.support.payments import MERCHANT


class TestSignatureVectors:
    """mnastalski/przelewy24-php tests/Przelewy24Test.php, TransactionStatusNotificationTest.php and
    RefundNotificationTest.php (crc "bar")."""

    def test_slash_and_polish_letters(self):
        assert sign_of({"slash": "foo/bar", "unicode": "ąźćż"}) == (
            "4e9e3bc8c346c7487dbd4a4b4c6b5ec4561685d9018b775980e362159e3d4436e971036c3b278a07d9dd233298f0e45d"
        )

    def test_transaction_notification(self):
        message = {
            "merchantId": 12345,
            "posId": 123,
            "sessionId": "0beec7",
            "amount": 1500,
            "originAmount": 1500,
            "currency": "PLN",
            "orderId": 123456789,
            "methodId": 32,
            "statement": "p24-XXX-YYY-ZZZ",
            "sign": "703e946290d92230297c35d3bc8f554d4a458a4c97c9917665929c5ef5e682f7a868ac36e5dff20184c6a5302ef66c77",
        }
        assert sign_matches(message, NOTIFICATION_FIELDS, "bar")
        assert not sign_matches({**message, "amount": 1501}, NOTIFICATION_FIELDS, "bar")
        assert not sign_matches(message, NOTIFICATION_FIELDS, "baz")

    def test_refund_notification(self):
        message = {
            "orderId": 123456789,
            "sessionId": "0beec7",
            "merchantId": 12345,
            "requestId": "ac0efa",
            "refundsUuid": "dda251",
            "amount": 1500,
            "currency": "PLN",
            "timestamp": 1706389444,
            "status": 0,
            "sign": "689010bfd5819bcf683ee0556c0412808b760063a6a66ed4d305d9d85b0bb16ab38bc8fcd0808c85f977f5a041344688",
        }
        assert sign_matches(message, REFUND_NOTIFICATION_FIELDS, "bar")
        assert not sign_matches(
            {**message, "sign": message["sign"].replace("6", "7")}, REFUND_NOTIFICATION_FIELDS, "bar"
        )

    def test_a_message_missing_a_field_never_matches(self):
        assert not sign_matches({"sign": "00"}, NOTIFICATION_FIELDS, "bar")


@pytest.fixture(scope="module")
def gateway():
    server = start_dev_p24(**MERCHANT)
    yield server
    server.stop()


def client(gateway, **changes):
    return Przelewy24Client(**{**MERCHANT, **changes}, base_url=gateway.base_url)


def register(p24: Przelewy24Client, *, session_id: str, amount: int = 100, url_return: str = "http://x/") -> str:
    """Registers a transaction, with plain values for what the tests do not look at."""
    return p24.register(
        session_id=session_id,
        amount=amount,
        currency="PLN",
        description="Opłata skarbowa",
        email="anna@example.pl",
        url_return=url_return,
        url_status="",
    )


class TestClientAgainstTheDevelopmentGateway:
    def test_access_with_the_right_keys(self, gateway):
        assert client(gateway).test_access()

    def test_a_wrong_api_key_is_refused_with_401(self, gateway):
        with pytest.raises(P24Error) as refused:
            client(gateway, api_key="wrong").test_access()
        assert refused.value.status == 401

    def test_a_wrong_crc_is_refused_with_p24s_error_shape(self, gateway):
        with pytest.raises(P24Error) as refused:
            register(client(gateway, crc="wrong"), session_id="s-crc")
        assert refused.value.status == 400 and refused.value.body == {"error": "Incorrect sign", "code": 400}

    def test_register_pay_verify_find_and_refund(self, gateway):
        p24 = client(gateway)
        gateway.drop_next_notification()  # no platform here to notify
        token = register(p24, session_id="sesja-ąę-1", amount=1750, url_return="http://torun.localhost/")
        page = requests.get(p24.gateway_url(token), timeout=5)
        assert page.status_code == 200 and "not Przelewy24" in page.text
        paid = requests.post(p24.gateway_url(token), data={"action": "pay"}, allow_redirects=False, timeout=5)
        assert paid.status_code == 303 and paid.headers["Location"] == "http://torun.localhost/"
        found = p24.transaction_by_session("sesja-ąę-1")
        assert found["status"] == 1 and found["amount"] == 1750 and found["orderId"] > 2**31
        assert client(gateway).verify(session_id="sesja-ąę-1", order_id=found["orderId"], amount=1750, currency="PLN")
        assert p24.transaction_by_session("sesja-ąę-1")["status"] == 2
        with pytest.raises(P24Error):
            p24.verify(session_id="sesja-ąę-1", order_id=found["orderId"], amount=1749, currency="PLN")
        refund = functools.partial(
            p24.refund, url_status="", order_id=found["orderId"], session_id="sesja-ąę-1", description="Zwrot"
        )
        assert refund(request_id="r1", refunds_uuid="u1", amount=500)["status"] is True
        with pytest.raises(P24Error):  # never more than was paid
            refund(request_id="r2", refunds_uuid="u2", amount=1251)
        assert [refund["amount"] for refund in gateway.transaction_of("sesja-ąę-1").refunds] == [500]

    def test_an_unknown_session_is_none(self, gateway):
        assert client(gateway).transaction_by_session("nobody") is None
