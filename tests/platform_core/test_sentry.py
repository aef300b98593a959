"""Errors reach Sentry over its real protocol (envelopes over HTTP), tagged with the unit."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.test import Client

from platform_core.sentry import init_sentry

pytestmark = pytest.mark.django_db


class EnvelopeCollector(BaseHTTPRequestHandler):
    """Accepts what a Sentry server accepts at /api/<project>/envelope/ and keeps the events."""

    events: list

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        lines = body.split(b"\n")
        # envelope header, then pairs of item header and payload
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                self.server.events.append((self.path, json.loads(payload)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EnvelopeCollector)
    server.events = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    init_sentry(dsn=f"http://publickey@127.0.0.1:{server.server_port}/42", environment="test")
    yield server
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off for the rest of the suite
    server.shutdown()


def test_error_in_a_unit_request_arrives_tagged_with_the_unit(sentry_server, unit_a, settings):
    settings.ROOT_URLCONF = "tests.support.urls_with_failing_view"
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "sekret"

    response = client.get("/awaria/", HTTP_HOST="torun.localhost")
    sentry_sdk.flush(timeout=10)

    assert response.status_code == 500
    assert "Błąd serwera" in response.content.decode()
    [(path, event)] = sentry_server.events
    assert path == "/api/42/envelope/"
    assert event["exception"]["values"][-1]["value"] == "awaria testowa"
    assert event["tags"]["unit.schema"] == unit_a.schema_name == "jst_0463011"
    assert event["tags"]["unit.code"] == "0463011"
    assert not sentry_sdk.get_client().should_send_default_pii()
    assert "sekret" not in json.dumps(event)  # no cookies


def test_sign_in_secrets_are_not_reported(sentry_server, unit_a, settings):
    settings.ROOT_URLCONF = "tests.support.urls_with_failing_view"
    Client(raise_request_exception=False).get(
        "/awaria/?ticket=bilet-do-konta&code=kod-autoryzacji", HTTP_HOST="torun.localhost"
    )
    sentry_sdk.flush(timeout=10)
    [(_, event)] = sentry_server.events
    assert "bilet-do-konta" not in json.dumps(event) and "kod-autoryzacji" not in json.dumps(event)


def test_error_outside_any_unit_is_tagged_public(sentry_server):
    sentry_sdk.capture_message("komunikat platformy")
    sentry_sdk.flush(timeout=10)
    [(_, event)] = sentry_server.events
    assert event["tags"]["unit.schema"] == "public"
    assert event["tags"]["unit.code"] == "public"


def test_an_error_carries_the_request_id_of_its_log_lines_and_response(sentry_server, unit_a, settings):
    settings.ROOT_URLCONF = "tests.support.urls_with_failing_view"
    response = Client(raise_request_exception=False).get("/awaria/", HTTP_HOST="torun.localhost")
    sentry_sdk.flush(timeout=10)
    [(_, event)] = sentry_server.events
    assert event["tags"]["request_id"] == response["X-Request-ID"]
