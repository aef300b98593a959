import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from platform_core.logging import redact_secrets
from tenants.models import UnitStatus
from tenants.services import unit_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    """What the configured JSON console handler writes, captured for the test."""
    [handler] = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    handler.setStream(previous)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "ratusz.request"]


def test_each_request_logs_one_json_line_carrying_its_unit(client, unit_a, log_output):
    client.get("/", HTTP_HOST="torun.localhost")
    client.get("/", HTTP_HOST="localhost")
    client.get("/", HTTP_HOST="evil.example.com")
    unit_line, portal_line, spoofed_line = request_lines(log_output())

    assert unit_line["unit"] == "jst_0463011" and unit_line["unit_code"] == "0463011"
    assert unit_line["status"] == 200 and unit_line["host"] == "torun.localhost"
    assert portal_line["unit"] == "public" and portal_line["unit_code"] is None
    assert spoofed_line["status"] == 400 and spoofed_line["unit"] == "public"


def test_suspended_unit_visits_are_not_logged_as_errors(client, unit_a, log_output):
    unit_set_status(unit=unit_a, status=UnitStatus.SUSPENDED)
    client.get("/", HTTP_HOST="torun.localhost")
    lines = log_output()
    assert [line["status"] for line in request_lines(lines)] == [503]
    assert [line for line in lines if line["level"] == "ERROR"] == []


def test_sign_in_secrets_never_reach_the_log(client, unit_a, log_output):
    # A refused ticket is logged with its URL by Django; the ticket itself must not be.
    client.get("/oidc/zakoncz/?ticket=sekretny-bilet-123", HTTP_HOST="torun.localhost")
    client.get("/oidc/callback/?state=sekretny-stan&code=sekretny-kod-456", HTTP_HOST="localhost")
    lines = log_output()
    assert [line["path"] for line in request_lines(lines)] == ["/oidc/zakoncz/", "/oidc/callback/"]
    assert [line["status"] for line in request_lines(lines)] == [400, 400]
    dumped = json.dumps(lines)
    assert "sekretny" not in dumped and "[redacted]" in redact_secrets("/x/?ticket=sekretny-bilet-123")
