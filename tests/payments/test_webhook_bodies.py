"""Anyone can post to a unit's notification addresses: a body that is not a provider's notification (not JSON,
nested past the parser's depth, too large, not an object, text no signature or database takes) is answered 400
at every address and kind, for every provider, and changes nothing."""

import json
from types import SimpleNamespace
from typing import ClassVar

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context

from shared_services.payments.base import WEBHOOK_MAX_BYTES, Notification, PaymentProvider
from shared_services.payments.models import ProviderConfig
from tests.support.letters import TORUN
from tests.support.payments import configure_p24

pytestmark = pytest.mark.django_db

# Every address Przelewy24's notifications arrive at: the generic route and the older aliases, both kinds.
P24_ADDRESSES = (
    "/platnosci/przelewy24/payment/",
    "/platnosci/przelewy24/refund/",
    "/platnosci/p24/status/",
    "/platnosci/p24/zwroty/",
)
ALL_FIELDS = ("merchantId", "posId", "sessionId", "amount", "originAmount", "currency", "orderId", "methodId")
BAD_BODIES = {
    "nested arrays": b"[" * 100_000,
    "nested objects": b'{"a":' * 50_000,
    "too large": b'{"pad": "' + b" " * WEBHOOK_MAX_BYTES + b'"}',
    "not UTF-8": b'{"sessionId": "\xff\xfe"}',
    "not JSON": b"sessionId=1&sign=x",
    "empty": b"",
    "an array": b"[]",
    "a lone surrogate": json.dumps({**dict.fromkeys(ALL_FIELDS, 1), "statement": "\ud800", "sign": "x"}).encode(),
    "a NUL character": json.dumps({**dict.fromkeys(ALL_FIELDS, 1), "sessionId": "a\x00b", "sign": "x"}).encode(),
}


@pytest.mark.parametrize("name", BAD_BODIES)
@pytest.mark.parametrize("address", P24_ADDRESSES)
def test_przelewy24_refuses_a_bad_body_with_400(client, unit_a, address, name):
    configure_p24(unit_a, SimpleNamespace(base_url="http://127.0.0.1:9"))  # never called: nothing gets that far
    response = client.post(address, BAD_BODIES[name], content_type="application/json", HTTP_HOST=TORUN)
    assert (response.status_code, response.json()) == (400, {"status": "rejected"})


class CarelessProvider(PaymentProvider):
    """A provider whose plugin reads its notification without checking it, as a new plugin might."""

    key = "careless"
    name = "Careless"
    online = True
    webhook_kinds = ("payment",)
    bodies_read: ClassVar[list[int]] = []  # the length of each body the plugin was given

    def handle_webhook(self, config, *, kind, body) -> Notification:
        self.bodies_read.append(len(body))
        message = json.loads(body)
        return Notification(kind=kind, session_id=message["session"], order_id=1, amount=1, currency="PLN")


def post_to_careless(client, unit, settings, body):
    with override_settings(PAYMENT_PROVIDERS=[*settings.PAYMENT_PROVIDERS, f"{__name__}.CarelessProvider"]):
        with tenant_context(unit):
            ProviderConfig.objects.get_or_create(provider="careless", defaults={"enabled": True})
        return client.post("/platnosci/careless/payment/", body, content_type="application/json", HTTP_HOST=TORUN)


@pytest.mark.parametrize("body", [b"[" * 100_000, b"[]", b"{}", b"nonsense"])
def test_any_provider_refuses_a_body_its_plugin_cannot_read(client, unit_a, settings, body):
    response = post_to_careless(client, unit_a, settings, body)
    assert (response.status_code, response.json()) == (400, {"status": "rejected"})


def test_a_body_over_the_limit_never_reaches_the_plugin(client, unit_a, settings):
    CarelessProvider.bodies_read.clear()
    within = json.dumps({"pad": " " * (WEBHOOK_MAX_BYTES - 100)}).encode()
    over = json.dumps({"pad": " " * WEBHOOK_MAX_BYTES}).encode()
    assert post_to_careless(client, unit_a, settings, within).status_code == 400  # no "session": read and refused
    assert CarelessProvider.bodies_read == [len(within)]
    response = post_to_careless(client, unit_a, settings, over)
    assert (response.status_code, response.json()) == (400, {"status": "rejected"})
    assert CarelessProvider.bodies_read == [len(within)]
