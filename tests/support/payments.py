"""Helpers of the payment tests: the development gateway, and the platform served over real HTTP.

The gateway POSTs notifications to the platform over HTTP, as Przelewy24 does. The platform answers them
from a WSGI server in a thread of the test process that uses the test's own database connection (inside
its transaction, as Django's test client does), so the test sees what the notification changed and
everything is rolled back after it. The server handles one request at a time; the test's thread waits
for the gateway meanwhile, so the connection is never used by two threads at once.
"""

import json
import threading
from typing import ClassVar
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

import pytest
import requests
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections
from django_tenants.utils import tenant_context

from infra.devservices.devp24 import start_dev_p24
from shared_services.offer.models import AdoptedService
from shared_services.payments import crypto
from shared_services.payments.base import Notification, PaymentProvider, Started, WebhookRejected
from shared_services.payments.models import ProviderConfig
from tests.support.letters import FORM_URL, LETTER, application_file

MERCHANT = {"merchant_id": 123456, "pos_id": 123456, "crc": "crc-Łódź-ąę/1", "api_key": "api-key-torun-0001"}
FEE_GROSZE = 1750
SERVICE_SLUG = "wydanie-dowodu-osobistego"


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _keeping_the_connection(handler):
    """Django closes "old" connections around each request; the test's connection must stay open (the test
    client re-connects that handler after each of its own requests, so it is disconnected per request)."""

    def application(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return handler(environ, start_response)

    return application


class SharedConnectionServer:
    def __init__(self):
        self.httpd = WSGIServer(("127.0.0.1", 0), _Quiet)
        self.httpd.set_app(_keeping_the_connection(WSGIHandler()))
        self.port = self.httpd.server_address[1]
        self.connection = connections["default"]

    def _serve(self):
        connections["default"] = self.connection
        self.httpd.serve_forever(poll_interval=0.05)

    def __enter__(self):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        self.connection.inc_thread_sharing()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
        self.connection.dec_thread_sharing()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        connection.set_schema_to_public()


@pytest.fixture
def platform_http(db, settings):
    """The platform over HTTP on 127.0.0.1 (units at http://<slug>.localhost:<port>/)."""
    with SharedConnectionServer() as server:
        settings.DEVELOPMENT_PORT = server.port  # the notification URLs given to the gateway
        yield server


@pytest.fixture
def gateway():
    server = start_dev_p24(**MERCHANT)
    yield server
    server.stop()


def configure_p24(unit, gateway, *, enabled=True, **changes):
    merchant = {**MERCHANT, **changes}
    with tenant_context(unit):
        return ProviderConfig.objects.update_or_create(
            provider="przelewy24",
            defaults={
                "enabled": enabled,
                "options": {
                    "merchant_id": merchant["merchant_id"],
                    "pos_id": merchant["pos_id"],
                    "environment": "sandbox",
                    "base_url_override": gateway.base_url,
                },
                "secrets_encrypted": crypto.secrets_encrypt({"crc": merchant["crc"], "api_key": merchant["api_key"]}),
            },
        )[0]


def set_fee(unit, grosze=FEE_GROSZE, slug=SERVICE_SLUG):
    with tenant_context(unit):
        AdoptedService.objects.filter(standard_service__slug=slug).update(fee_override_grosze=grosze)


def filed_with_p24_fee(client, unit, gateway, host) -> str:
    """The letter filed on `host` (the unit's address) with a fee payable through Przelewy24, here the
    development gateway: the gateway's page the resident is sent to."""
    set_fee(unit)
    configure_p24(unit, gateway)
    return application_file(client, FORM_URL, LETTER, HTTP_HOST=host)["Location"]


def pay_on_gateway(page: str) -> requests.Response:
    """The resident pays on the development gateway's page."""
    return requests.post(page, data={"action": "pay"}, allow_redirects=False, timeout=30)


class EchoProvider(PaymentProvider):
    """A second online provider, which only the tests name in PAYMENT_PROVIDERS (tests.support.payments.EchoProvider)."""

    key = "echo"
    name = "Echo"
    online = True
    webhook_kinds = ("payment",)
    started: ClassVar[list[dict]] = []

    def start_payment(self, config, payment, *, session_id, return_url, status_url, language) -> Started:
        self.started.append({"session_id": session_id, "status_url": status_url})
        return Started(redirect_url=f"https://echo.invalid/pay/{session_id}", session_id=session_id)

    def handle_webhook(self, config, *, kind, body) -> Notification:
        message = json.loads(body)
        if message.get("secret") != config.options["secret"]:
            raise WebhookRejected("wrong secret")
        return Notification(
            kind=kind,
            session_id=message["session"],
            order_id=message["order"],
            amount=message["amount"],
            currency="PLN",
        )
